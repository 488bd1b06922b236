"""The GCP collectors through the product, against the GCP simulator over real HTTP: onboarding with a
real service-account key (JWT exchange at the simulator's token endpoint), inventory, approval, idle
polls, every injected drift kind with its path and severity, and failures (a 500 on a listing is a
partial snapshot with no false removals; a 403 on a bucket policy is a gap)."""

import json

import pytest

from collectors.base import CollectContext
from collectors.credentials import parse_credentials
from collectors.errors import AuthError
from collectors.registry import registry
from cspm.inventory.models import Resource
from tests.integration.helpers import cli, poll
from tests.support.gcp import PROJECT, SA_EMAIL
from tests.support.pacing import api_calls

pytestmark = pytest.mark.django_db

CLUSTER_ID = f"//container.googleapis.com/projects/{PROJECT}/locations/europe-west1/clusters/prod-gke"
ZONAL_ID = f"//container.googleapis.com/projects/{PROJECT}/locations/us-central1-a/clusters/batch-gke"
BUCKET_ID = "//storage.googleapis.com/projects/_/buckets/acme-prod-data"
POLICY_ID = f"//cloudresourcemanager.googleapis.com/projects/{PROJECT}"


def seed(gcp) -> str:
    gcp.put_cluster(PROJECT, "europe-west1", "prod-gke")
    gcp.put_cluster(PROJECT, "us-central1-a", "batch-gke")
    gcp.put_bucket(PROJECT, "acme-prod-data")
    gcp.put_bucket(PROJECT, "acme-prod-logs")
    email = gcp.put_service_account(PROJECT, "deployer")
    gcp.add_sa_key(PROJECT, email, key_id="a" * 40)
    return email


def findings(account: str) -> dict[tuple[str, str], dict]:
    """(resource id, path) -> change, with the finding's kind and severity."""
    out = {}
    for finding in cli("drift", account):
        if finding["kind"] == "removed":
            out[(finding["resource_id"], "")] = {"kind": "removed", "severity": finding["severity"]}
        for change in finding.get("changes") or []:
            out[(finding["resource_id"], change["path"])] = {
                "kind": finding["kind"], "severity": finding["severity"], "op": change["op"],
                "before": change.get("before"), "after": change.get("after")}
    return out


def test_onboard_poll_approve_idle_then_every_drift_kind(gcp, gcp_project):
    email = seed(gcp)
    first = poll(gcp_project)
    assert first["status"] == "ok", first
    assert first["counts"] == {"added": 6, "changed": 0, "removed": 0, "unchanged": 0}
    rows = {r.native_id: r for r in Resource.objects.all()}
    assert {(r.type, r.region) for r in rows.values()} >= {
        ("gcp.gke.cluster", "europe-west1"), ("gcp.gke.cluster", "us-central1-a"),
        ("gcp.storage.bucket", "us"), ("gcp.iam.project_policy", ""), ("gcp.iam.service_account", "")}
    config = rows[CLUSTER_ID].current_version.config
    assert config["nodePools"][0]["config"]["workloadMetadataConfig"] == {"mode": "GKE_METADATA"}
    assert "status" not in config and "currentNodeCount" not in config
    assert rows[BUCKET_ID].current_version.config["iamPolicy"]["bindings"]

    cli("baseline", "approve", gcp_project)
    idle = poll(gcp_project)
    assert idle["status"] == "ok"
    assert idle["counts"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": 6}
    assert cli("drift", gcp_project) == []

    gcp.patch_cluster(PROJECT, "europe-west1", "prod-gke", {
        "legacyAbac": {"enabled": True},
        "masterAuthorizedNetworksConfig": {"enabled": None},
        "status": "RECONCILING", "currentNodeCount": 5,  # volatile: never drift
    })
    gcp.patch_node_pool(PROJECT, "europe-west1", "prod-gke", "default-pool",
                        {"config": {"workloadMetadataConfig": {"mode": "GCE_METADATA"}}})
    gcp.make_bucket_public("acme-prod-data")
    gcp.add_iam_member(PROJECT, "roles/owner", "user:mallory@example.com")
    gcp.add_sa_key(PROJECT, email, key_id="b" * 40)
    gcp.delete_cluster(PROJECT, "us-central1-a", "batch-gke")

    result = poll(gcp_project)
    assert result["status"] == "ok"
    assert result["counts"] == {"added": 0, "changed": 4, "removed": 1, "unchanged": 1}
    got = findings(gcp_project)
    print(json.dumps({f"{k[0]} {k[1]}": v for k, v in got.items()}, indent=1))
    assert got[(CLUSTER_ID, "/legacyAbac/enabled")]["kind"] == "modified"
    assert got[(CLUSTER_ID, "/legacyAbac/enabled")]["after"] is True
    assert got[(CLUSTER_ID, "/masterAuthorizedNetworksConfig/enabled")]["before"] is True
    pool_path = "/nodePools/default-pool/config/workloadMetadataConfig/mode"
    assert (got[(CLUSTER_ID, pool_path)]["before"], got[(CLUSTER_ID, pool_path)]["after"]) == \
        ("GKE_METADATA", "GCE_METADATA")
    assert got[(CLUSTER_ID, "/legacyAbac/enabled")]["severity"] == "critical"  # high, one up in prod
    assert got[(ZONAL_ID, "")] == {"kind": "removed", "severity": "high"}
    assert got[(BUCKET_ID, "/iamPolicy/bindings/roles~1storage.objectViewer")]["severity"] == "critical"
    assert got[(BUCKET_ID, "/iamConfiguration/publicAccessPrevention")]["after"] == "inherited"
    assert got[(POLICY_ID, "/bindings/roles~1owner/members")]["severity"] == "critical"
    sa_keys = [k for k in got if k[1].startswith("/keys/")]
    assert len(sa_keys) == 1 and got[sa_keys[0]]["severity"] == "critical"
    assert not [k for k in got if "status" in k[1] or "currentNodeCount" in k[1]]


def test_a_500_on_the_cluster_listing_is_a_partial_snapshot_and_removes_nothing(gcp, gcp_project):
    seed(gcp)
    assert poll(gcp_project)["counts"]["added"] == 6
    cli("baseline", "approve", gcp_project)

    gcp.fail("/v1/projects/acme-prod-123/locations/-/clusters", 500)
    gcp.add_iam_member(PROJECT, "roles/editor", "user:eve@example.com")
    result = poll(gcp_project)
    assert result["status"] == "partial"
    gke = result["collectors"]["gcp.gke"]
    assert gke["status"] == "failed" and gke["error_kind"] == "transient"
    assert result["counts"]["removed"] == 0 and result["counts"]["changed"] == 1
    assert Resource.objects.filter(type="gcp.gke.cluster", removed_at__isnull=True).count() == 2
    assert [f["resource_id"] for f in cli("drift", gcp_project)] == [POLICY_ID]

    gcp.clear_failures()
    healed = poll(gcp_project)
    assert healed["status"] == "ok" and healed["counts"]["removed"] == 0


def test_a_403_on_one_bucket_policy_is_a_gap_not_a_failure(gcp, gcp_project):
    seed(gcp)
    poll(gcp_project)
    gcp.fail("/storage/v1/b/acme-prod-data/iam", 403)
    result = poll(gcp_project)
    assert result["status"] == "ok"
    storage = result["collectors"]["gcp.storage"]
    assert storage["status"] == "ok" and storage["gaps"] == 1
    assert result["counts"]["changed"] == 0 and result["counts"]["removed"] == 0


def test_paging_is_followed(gcp):
    gcp.page_size = 2
    try:
        for i in range(5):
            gcp.put_bucket(PROJECT, f"acme-bucket-{i}")
            gcp.put_service_account(PROJECT, f"svc-{i}")
        context = _context(gcp)
        from collectors.gcp.iam import IamCollector
        from collectors.gcp.storage import StorageCollector

        assert len([r for r in StorageCollector(context).collect()]) == 5
        assert len([r for r in IamCollector(context).collect() if r.type == "gcp.iam.service_account"]) == 5
    finally:
        gcp.page_size = 500


def _context(gcp, key=None, project=PROJECT):
    from tests.support.gcp import key_file

    creds = parse_credentials("gcp", json.dumps(key or key_file(gcp.url, _private_key())))
    return CollectContext(provider="gcp", account_id=project, credentials=creds, endpoint=gcp.url, timeout=5)


def _private_key():
    return _KEY[0]


_KEY: list[str] = []


@pytest.fixture(autouse=True)
def _remember_key(gcp_keypair):
    _KEY[:] = [gcp_keypair[0]]


def test_connection_and_discovery(gcp):
    gcp.add_project("acme-data-456", display_name="Acme data")
    assert registry.test_connection(_context(gcp))["identity"] == SA_EMAIL
    with pytest.raises(AuthError, match="cannot read GCP project"):
        registry.test_connection(_context(gcp, project="someone-else-789"))
    assert [p["account_id"] for p in registry.discover(_context(gcp))] == ["acme-data-456", PROJECT]


def test_an_untrusted_key_is_refused_at_onboarding(gcp, gcp_key, tmp_path):
    gcp.trusted_keys.clear()
    path = tmp_path / "key.json"
    path.write_text(json.dumps(gcp_key))
    with pytest.raises(Exception) as info:
        cli("onboard", "--provider", "gcp", "--account-id", PROJECT, "--name", "bad", "--org", "Acme Group",
            "--credentials", str(path), "--endpoint", gcp.url)
    assert "token exchange" in str(info.value) or "invalid_grant" in str(info.value)


def test_access_token_credentials(gcp):
    gcp.add_access_token("ya29.static-test-token")
    gcp.put_cluster(PROJECT, "europe-west1", "prod-gke")
    from collectors.gcp.gke import GkeCollector

    context = CollectContext(provider="gcp", account_id=PROJECT, endpoint=gcp.url, timeout=5,
                             credentials={"kind": "access_token", "type": "access_token",
                                          "token": "ya29.static-test-token"})
    assert [r.native_id for r in GkeCollector(context).collect()] == [CLUSTER_ID]


def test_throttling_is_retried_with_backoff(gcp):
    gcp.put_bucket(PROJECT, "acme-prod-data")
    gcp.fail("/storage/v1/b", 429, method="GET", times=2)
    from collectors.gcp.storage import StorageCollector

    assert [r.native_id for r in StorageCollector(_context(gcp)).collect()] == [BUCKET_ID]
    assert [p for m, p in gcp.requests if p == "/storage/v1/b"] == ["/storage/v1/b"] * 3


def test_bulk_onboarding_of_discovered_projects_reuses_the_service_account(gcp, gcp_project):
    from cspm.accounts.models import CloudAccount

    gcp.add_project("acme-data-456", display_name="Acme data")
    listed = {p["account_id"]: p["onboarded_as"] for p in cli("discover", gcp_project)}
    assert listed == {"acme-data-456": None, PROJECT: gcp_project}
    result = cli("discover", gcp_project, "--onboard", "--org", "Acme Group")
    assert [a["account_id"] for a in result["onboarded"]] == ["acme-data-456"] and result["failed"] == []
    source, added = CloudAccount.objects.get(name=gcp_project), CloudAccount.objects.get(native_id="acme-data-456")
    assert added.credentials_summary == source.credentials_summary  # the same key, encrypted anew
    assert added.credentials_encrypted != source.credentials_encrypted
    assert added.endpoint_url == gcp.url


def test_every_gcp_request_of_a_poll_takes_a_token_of_the_cloud_limit(gcp, gcp_project, counting_buckets):
    seed(gcp)
    result = poll(gcp_project)
    assert api_calls(result) > 5 and counting_buckets("gcp", PROJECT) == api_calls(result)
