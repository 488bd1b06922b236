"""The Azure collectors (AKS, RBAC, Storage) through the product, with the real azure-mgmt-*
clients and azure-identity talking HTTPS to the fake ARM endpoint: onboard (connection tested,
service principal authenticated against the fake token endpoint), poll, approve, inject drift,
poll, exact findings."""

import json
import ssl
import urllib.error
import urllib.request

import pytest
from django.core.management.base import CommandError

from cspm.accounts.models import CloudAccount
from cspm.inventory.models import Resource
from tests.integration.helpers import cli, poll
from tests.support.azure import CLIENT, OTHER_SUBSCRIPTION, SERVICE_PRINCIPAL, SUBSCRIPTION, TENANT
from tests.support.pacing import api_calls

pytestmark = pytest.mark.django_db

OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
GUEST = "4d3c2b1a-0000-4000-8000-0000000000ee"
SUB = f"/subscriptions/{SUBSCRIPTION}"
CLUSTERS = f"{SUB}/providers/Microsoft.ContainerService/managedClusters"


def seed(fake) -> dict:
    """3 clusters, 3 storage accounts, 3 assignments and 2 custom roles: more than one page
    (the fake pages by 2) of every listing."""
    ids = {
        "aks": fake.put_cluster(SUBSCRIPTION, "rg-platform", "prod-aks")["id"],
        "aks2": fake.put_cluster(SUBSCRIPTION, "rg-platform", "prod-aks-2", location="northeurope")["id"],
        "aks3": fake.put_cluster(SUBSCRIPTION, "rg-data", "data-aks")["id"],
        "sa": fake.put_storage_account(SUBSCRIPTION, "rg-data", "acmeproddata")["id"],
        "sa2": fake.put_storage_account(SUBSCRIPTION, "rg-data", "acmeprodlogs")["id"],
        "sa3": fake.put_storage_account(SUBSCRIPTION, "rg-data", "acmescratch")["id"],
        "reader": fake.put_role_assignment(SUBSCRIPTION, "11111111-0000-4000-8000-000000000001", READER,
                                           principal_type="Group")["id"],
        "contrib": fake.put_role_assignment(SUBSCRIPTION, "11111111-0000-4000-8000-000000000002", CONTRIBUTOR,
                                            principal_type="ServicePrincipal")["id"],
        "owner": fake.put_role_assignment(SUBSCRIPTION, "11111111-0000-4000-8000-000000000003", OWNER,
                                          principal_type="Group")["id"],
        "role": fake.put_role_definition(SUBSCRIPTION, "AKS operator", [
            "Microsoft.ContainerService/managedClusters/read",
            "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action"])["id"],
        "role2": fake.put_role_definition(SUBSCRIPTION, "Storage reader", ["Microsoft.Storage/*/read"])["id"],
    }
    return ids


def test_poll_inventories_every_type_across_pages_and_an_idle_poll_changes_nothing(fake_arm, azure_account):
    ids = seed(fake_arm)
    first = poll(azure_account)
    assert first["status"] == "ok", first
    assert first["counts"] == {"added": 11, "changed": 0, "removed": 0, "unchanged": 0}
    assert {k: v["resources"] for k, v in first["collectors"].items()} == {
        "azure.aks": 3, "azure.authorization": 5, "azure.storage": 3}
    # Every listing was paged with nextLink; built-in roles were filtered out by the server.
    assert any("managedClusters" in p and "skiptoken=2" in p for _, p in fake_arm.requests)
    assert any("roleDefinitions" in p and "CustomRole" in p for _, p in fake_arm.requests)

    rows = {r.native_id: r for r in Resource.objects.all()}
    assert set(rows) == set(ids.values())
    aks = rows[ids["aks"]]
    assert (aks.type, aks.region, aks.name, aks.tags) == (
        "azure.aks.cluster", "westeurope", "prod-aks", {"env": "prod", "team": "platform"})
    props = aks.current_version.config["properties"]
    assert props["disableLocalAccounts"] is True and props["enableRBAC"] is True
    assert props["apiServerAccessProfile"]["authorizedIPRanges"] == ["198.51.100.0/24", "203.0.113.0/24"]
    assert [p["name"] for p in props["agentPoolProfiles"]] == ["system", "workers"]
    assert not {"count", "powerState", "provisioningState", "nodeImageVersion"} & set(props["agentPoolProfiles"][0])
    assert not {"provisioningState", "powerState", "currentKubernetesVersion"} & set(props)
    assert "etag" not in aks.current_version.config
    storage = rows[ids["sa"]].current_version.config
    assert storage["properties"]["supportsHttpsTrafficOnly"] is True
    assert storage["properties"]["networkAcls"]["defaultAction"] == "Deny"
    assert "statusOfPrimary" not in storage["properties"]
    assignment = rows[ids["owner"]].current_version.config  # msrest model, back in the REST shape
    assert assignment["properties"]["roleDefinitionId"].endswith(OWNER)
    assert assignment["properties"]["principalType"] == "Group"
    role = rows[ids["role"]]
    assert role.name == "AKS operator"
    assert role.current_version.config["properties"]["type"] == "CustomRole"

    second = poll(azure_account)
    assert second["status"] == "ok"
    assert second["counts"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": 11}


def test_injected_drift_gives_exact_findings(fake_arm, azure_account):
    ids = seed(fake_arm)
    poll(azure_account)
    cli("baseline", "approve", azure_account)
    assert poll(azure_account)["counts"]["unchanged"] == 11
    assert cli("drift", azure_account) == []

    fake_arm.update_cluster(ids["aks"], disableLocalAccounts=False)
    fake_arm.update_cluster(ids["aks2"], apiServerAccessProfile={"authorizedIPRanges": [],
                                                                 "enablePrivateCluster": False})
    guest_owner = fake_arm.put_role_assignment(SUBSCRIPTION, GUEST, OWNER, principal_type="User")["id"]
    fake_arm.update_storage_account(ids["sa"], allowBlobPublicAccess=True)
    fake_arm.update_storage_account(ids["sa2"], minimumTlsVersion="TLS1_0")
    wildcard = fake_arm.put_role_definition(SUBSCRIPTION, "Break glass", ["*"])["id"]
    fake_arm.delete(ids["sa3"])

    result = poll(azure_account)
    assert result["status"] == "ok"
    assert result["counts"] == {"added": 2, "changed": 4, "removed": 1, "unchanged": 6}
    assert result["findings"]["opened"] == 7
    findings = {f["resource_id"]: f for f in cli("drift", azure_account)}
    # Production raises each rule's severity one level (high -> critical, medium -> high).
    expected = {
        ids["aks"]: ("azure.aks.cluster", "modified", "critical", ["AKS local accounts re-enabled"],
                     [("/properties/disableLocalAccounts", "replace", True, False)]),
        ids["aks2"]: ("azure.aks.cluster", "modified", "critical", ["AKS API server public with no IP restriction"],
                      [("/properties/apiServerAccessProfile/authorizedIPRanges", "replace",
                        ["198.51.100.0/24", "203.0.113.0/24"], [])]),
        guest_owner: ("azure.authorization.role_assignment", "added", "critical",
                      ["Owner or User Access Administrator granted to a user",
                       "Owner, User Access Administrator or RBAC Administrator granted"], []),
        wildcard: ("azure.authorization.role_definition", "added", "critical",
                   ["Custom role allows all actions (*)", "Custom role gained actions"], []),
        ids["sa"]: ("azure.storage.account", "modified", "critical", ["Storage account allows anonymous blob access"],
                    [("/properties/allowBlobPublicAccess", "replace", False, True)]),
        ids["sa2"]: ("azure.storage.account", "modified", "high", ["Storage account minimum TLS version lowered"],
                     [("/properties/minimumTlsVersion", "replace", "TLS1_2", "TLS1_0")]),
        ids["sa3"]: ("azure.storage.account", "removed", "high", ["Storage account deleted"], []),
    }
    assert {rid: (f["resource_type"], f["kind"], f["severity"], f["reasons"],
                  [(c["path"], c["op"], c.get("before"), c.get("after")) for c in f["changes"]])
            for rid, f in findings.items()} == expected
    assert findings[ids["aks"]]["environment"] == "prod" and findings[ids["aks"]]["region"] == "westeurope"
    assert "--disable-local-accounts" in findings[ids["aks"]]["remediation"]
    assert Resource.objects.get(native_id=ids["sa3"]).removed_at is not None

    # Local accounts disabled again: that finding resolves by itself, the others stay open.
    fake_arm.update_cluster(ids["aks"], disableLocalAccounts=True)
    assert poll(azure_account)["findings"]["resolved"] == 1
    assert ids["aks"] not in {f["resource_id"] for f in cli("drift", azure_account)}


def test_a_failing_cluster_listing_is_a_partial_snapshot_that_removes_nothing(fake_arm, azure_account):
    ids = seed(fake_arm)
    assert poll(azure_account)["counts"]["added"] == 11
    fake_arm.fail(CLUSTERS, 500)
    fake_arm.delete(ids["sa3"])  # a real removal seen by a collector that succeeded

    result = poll(azure_account)
    assert result["status"] == "partial"
    aks = result["collectors"]["azure.aks"]
    assert aks["status"] == "failed" and aks["error_kind"] == "transient", aks
    assert result["collectors"]["azure.storage"]["status"] == "ok"
    assert result["counts"] == {"added": 0, "changed": 0, "removed": 1, "unchanged": 7}
    for key in ("aks", "aks2", "aks3"):
        assert Resource.objects.get(native_id=ids[key]).removed_at is None

    # A failure on the second page (nextLink) fails the listing too: still nothing removed.
    fake_arm.heal()
    fake_arm.fail(CLUSTERS, 503, after=1)
    result = poll(azure_account)
    assert result["status"] == "partial" and result["collectors"]["azure.aks"]["error_kind"] == "transient"
    assert any("skiptoken=2" in p for _, p in fake_arm.requests if "managedClusters" in p)
    assert result["counts"]["removed"] == 0
    assert Resource.objects.filter(type="azure.aks.cluster", removed_at__isnull=True).count() == 3


def test_a_throttled_or_forbidden_listing_is_typed(fake_arm, azure_account):
    seed(fake_arm)
    fake_arm.fail(f"{SUB}/providers/Microsoft.Storage", 429)
    fake_arm.fail(f"{SUB}/providers/Microsoft.Authorization/roleDefinitions", 403)
    result = poll(azure_account)
    assert result["status"] == "partial"
    assert result["collectors"]["azure.storage"]["error_kind"] == "throttled"
    assert result["collectors"]["azure.authorization"]["error_kind"] == "auth"
    assert result["collectors"]["azure.aks"]["status"] == "ok"


# -- onboarding: the connection test, token credentials, discovery -------------------------------

def onboard(fake, ca_file, tmp_path, subscription, credentials, name="target"):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(credentials))
    return cli("onboard", "--provider", "azure", "--account-id", subscription, "--name", name, "--org", "Globex",
               "--acquired", "--credentials", str(path), "--endpoint", fake.url, "--ca-bundle", ca_file)


def test_onboarding_authenticates_the_service_principal_against_the_token_endpoint(fake_arm, fake_ca_file, tmp_path):
    out = onboard(fake_arm, fake_ca_file, tmp_path, SUBSCRIPTION, SERVICE_PRINCIPAL)
    assert out["credentials"] == {"kind": "azure_service_principal", "tenant_id": TENANT, "client_id": CLIENT}
    paths = [p for _, p in fake_arm.requests]
    assert f"/{TENANT}/oauth2/v2.0/token" in paths
    assert f"/subscriptions/{SUBSCRIPTION}?api-version=2022-12-01" in paths


def test_a_wrong_secret_or_subscription_is_refused_and_nothing_is_saved(fake_arm, fake_ca_file, tmp_path):
    fake_arm.put_subscription(OTHER_SUBSCRIPTION, "someone else's", tenant_id=TENANT)
    with pytest.raises(CommandError) as err:
        onboard(fake_arm, fake_ca_file, tmp_path, SUBSCRIPTION, {**SERVICE_PRINCIPAL, "client_secret": "wrong-secret"})
    assert err.value.returncode == 2 and "connection test failed (auth)" in str(err.value)
    assert "wrong-secret" not in str(err.value)
    unknown = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
    with pytest.raises(CommandError) as err:
        onboard(fake_arm, fake_ca_file, tmp_path, unknown, SERVICE_PRINCIPAL)
    assert f"connection test failed (auth): the credentials do not reach Azure subscription {unknown}" \
        in str(err.value)
    assert not CloudAccount.objects.exists()


def test_an_access_token_credential_polls_too(fake_arm, fake_ca_file, tmp_path):
    seed(fake_arm)
    fake_arm.add_token("eyJ0eXAiOiJKV1QiLCJhbGciOi.simulated.token")
    onboard(fake_arm, fake_ca_file, tmp_path, SUBSCRIPTION,
            {"type": "access_token", "token": "eyJ0eXAiOiJKV1QiLCJhbGciOi.simulated.token"}, name="tok")
    assert poll("tok")["counts"]["added"] == 11
    assert not any("oauth2" in p for _, p in fake_arm.requests)


def test_an_untrusted_certificate_is_a_clear_error(fake_arm, tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(SERVICE_PRINCIPAL))
    with pytest.raises(CommandError) as err:  # no --ca-bundle: the fake's CA is not trusted
        cli("onboard", "--provider", "azure", "--account-id", SUBSCRIPTION, "--name", "x", "--org", "Globex",
            "--credentials", str(path), "--endpoint", fake_arm.url)
    assert "connection test failed (transient)" in str(err.value) and "CERTIFICATE_VERIFY_FAILED" in str(err.value)
    with pytest.raises(CommandError) as err:  # nothing listening: transient, not a refused credential
        cli("onboard", "--provider", "azure", "--account-id", SUBSCRIPTION, "--name", "x", "--org", "Globex",
            "--credentials", str(path), "--endpoint", "https://127.0.0.1:9")
    assert "connection test failed (transient)" in str(err.value)
    assert SERVICE_PRINCIPAL["client_secret"] not in str(err.value)


def test_discovery_lists_the_subscriptions_the_principal_sees_across_pages(fake_arm, azure_account):
    fake_arm.put_subscription(OTHER_SUBSCRIPTION, "globex-dev", tenant_id=TENANT)
    fake_arm.put_subscription("0a0b0c0d-1111-4222-8333-444455556666", "globex-old", tenant_id=TENANT,
                              state="Disabled")
    found = {s["account_id"]: s for s in cli("discover", azure_account)}
    assert set(found) == {SUBSCRIPTION, OTHER_SUBSCRIPTION, "0a0b0c0d-1111-4222-8333-444455556666"}
    assert found[SUBSCRIPTION]["onboarded_as"] == azure_account and found[SUBSCRIPTION]["name"] == "acme-prod"
    assert found[OTHER_SUBSCRIPTION]["status"] == "ACTIVE" and found[OTHER_SUBSCRIPTION]["tenant_id"] == TENANT
    assert found["0a0b0c0d-1111-4222-8333-444455556666"]["status"] == "DISABLED"
    assert any(p.startswith("/subscriptions?") and "skiptoken" in p for _, p in fake_arm.requests)


def test_the_fake_requires_an_api_version_and_a_token(fake_arm, fake_ca_file):
    context = ssl.create_default_context(cafile=fake_ca_file)
    for url, status in ((f"{fake_arm.url}{CLUSTERS}", 400), (f"{fake_arm.url}{CLUSTERS}?api-version=2026-08-01", 401)):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(url, context=context, timeout=10)
        assert err.value.code == status


def test_bulk_onboarding_of_discovered_subscriptions_reuses_the_service_principal(fake_arm, azure_account):
    fake_arm.put_subscription(OTHER_SUBSCRIPTION, "globex-dev", tenant_id=TENANT)
    result = cli("discover", azure_account, "--onboard", "--org", "Globex", "--acquired")
    assert [a["account_id"] for a in result["onboarded"]] == [OTHER_SUBSCRIPTION] and result["failed"] == []
    added = CloudAccount.objects.get(native_id=OTHER_SUBSCRIPTION)
    assert added.name == "globex-dev" and added.organization.kind == "acquisition"
    assert added.credentials_summary == CloudAccount.objects.get(name=azure_account).credentials_summary
    assert added.ca_bundle and added.endpoint_url == fake_arm.url


def test_every_azure_request_of_a_poll_takes_a_token_of_the_cloud_limit(fake_arm, azure_account, counting_buckets):
    seed(fake_arm)
    result = poll(azure_account)
    assert api_calls(result) > 5 and counting_buckets("azure", SUBSCRIPTION) == api_calls(result)
