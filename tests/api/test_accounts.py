"""Accounts: read by members, written by the organization's admins; credentials go in, never out."""

import json

import pytest

from collectors.errors import CollectorError
from collectors.registry import registry
from cspm.accounts.crypto import decrypt_credentials
from cspm.accounts.models import CloudAccount
from cspm.audit.models import AuditEvent
from tests.api.conftest import results

pytestmark = pytest.mark.django_db
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
KEYS = {"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": SECRET}


def names(response) -> set[str]:
    return {a["name"] for a in results(response)}


def new_account(org_id: int, **extra) -> dict:
    return {"organization": org_id, "provider": "aws", "native_id": "444444444444", "name": "acme-dev",
            "environment": "dev", "regions": ["us-east-1"], "poll_interval": "1h", "test_connection": False} | extra


def test_members_see_the_accounts_of_their_organizations_and_below(admin, hooli):
    assert names(admin.get("/api/v1/accounts/")) == {"acme-aws", "globex-aws"}
    assert names(hooli.get("/api/v1/accounts/")) == {"hooli-aws"}


def test_account_filters(admin, world):
    globex = world["orgs"]["Globex"].pk
    assert names(admin.get("/api/v1/accounts/", {"organization": globex})) == {"globex-aws"}
    assert names(admin.get("/api/v1/accounts/", {"organization": world["orgs"]["Acme"].pk})) == {
        "acme-aws", "globex-aws"}  # an organization includes its acquisitions
    assert names(admin.get("/api/v1/accounts/", {"environment": "staging"})) == {"globex-aws"}
    assert names(admin.get("/api/v1/accounts/", {"provider": "gcp"})) == set()
    assert names(admin.get("/api/v1/accounts/", {"search": "GLOB"})) == {"globex-aws"}
    CloudAccount.objects.filter(name="acme-aws").update(enabled=False)
    assert names(admin.get("/api/v1/accounts/", {"enabled": "no"})) == {"acme-aws"}


@pytest.mark.parametrize("query", [{"organization": "abc"}, {"organization": "-1"}, {"provider": "oracle"},
                                   {"enabled": "maybe"}, {"page": "x"}, {"page_size": "0"}, {"page": "99"},
                                   {"search": "a\x00b"}])
def test_bad_filter_values_are_400_naming_the_parameter(admin, query):
    response = admin.get("/api/v1/accounts/", query)
    assert response.status_code == 400, response.content
    assert set(response.json()) == set(query)


def test_page_numbers(admin):
    first = admin.get("/api/v1/accounts/", {"page_size": 1}).json()
    assert first["count"] == 2 and len(first["results"]) == 1 and first["next"]
    second = admin.get(first["next"]).json()
    assert second["results"][0]["id"] != first["results"][0]["id"] and second["next"] is None


def test_another_groups_account_is_not_found(admin, world):
    hooli_id = world["accounts"]["hooli-aws"].pk
    for response in (admin.get(f"/api/v1/accounts/{hooli_id}/"),
                     admin.patch(f"/api/v1/accounts/{hooli_id}/", {"name": "mine"}, format="json"),
                     admin.delete(f"/api/v1/accounts/{hooli_id}/"),
                     admin.post(f"/api/v1/accounts/{hooli_id}/credentials/", {"credentials": KEYS}, format="json"),
                     admin.post(f"/api/v1/accounts/{hooli_id}/test-connection/"),
                     admin.get("/api/v1/accounts/999999999/")):
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."} or "detail" in response.json()
    assert CloudAccount.objects.filter(name="hooli-aws").exists()


def test_an_admin_onboards_with_credentials_that_never_come_back(admin, world):
    response = admin.post("/api/v1/accounts/", new_account(world["orgs"]["Globex"].pk, credentials=KEYS),
                          format="json", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organization"] == world["orgs"]["Globex"].pk and body["poll_interval_seconds"] == 3600
    assert body["credentials_summary"]["kind"] == "aws_keys" and body["has_credentials"]
    assert SECRET not in response.content.decode() and "AKIAIOSFODNN7EXAMPLE" not in response.content.decode()
    account = CloudAccount.objects.get(name="acme-dev")
    assert decrypt_credentials(account.credentials_encrypted)["secret_access_key"] == SECRET
    event = AuditEvent.objects.get(action="account.onboard", source="api")
    assert (event.source, event.actor, event.ip) == ("api", "ada", "203.0.113.7")
    assert event.user_id is not None and SECRET not in json.dumps(event.detail)
    for shown in (admin.get(f"/api/v1/accounts/{account.pk}/"), admin.get("/api/v1/accounts/")):
        assert SECRET not in shown.content.decode()


def test_credentials_may_be_given_as_a_json_string(admin, world):
    response = admin.post("/api/v1/accounts/", new_account(world["orgs"]["Acme"].pk, credentials=json.dumps(KEYS)),
                          format="json")
    assert response.status_code == 201 and SECRET not in response.content.decode()


@pytest.mark.parametrize("change, field", [
    ({"native_id": "12345"}, "detail"),
    ({"regions": ["mars-1"]}, "detail"),
    ({"poll_interval": "fortnightly"}, "detail"),
    ({"credentials": {"access_key_id": "nope"}}, "detail"),
    ({"credentials": 42}, "credentials"),
    ({"provider": "oracle"}, "provider"),
    ({"organization": "x"}, "organization"),
    ({"name": "bad\ud800"}, "name"),
])
def test_onboarding_refuses_bad_input_and_writes_nothing(admin, world, change, field):
    body = json.dumps(new_account(world["orgs"]["Acme"].pk, **change))  # \ud800 escaped, as a client may send it
    response = admin.post("/api/v1/accounts/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not CloudAccount.objects.filter(name="acme-dev").exists()
    assert "nope" not in response.content.decode()


def test_onboarding_needs_admin_of_an_existing_organization_in_reach(admin, viewer, world):
    assert viewer.post("/api/v1/accounts/", new_account(world["orgs"]["Acme"].pk), format="json").status_code == 403
    hooli = admin.post("/api/v1/accounts/", new_account(world["orgs"]["Hooli"].pk), format="json")
    missing = admin.post("/api/v1/accounts/", new_account(987654), format="json")
    assert hooli.status_code == missing.status_code == 400  # the same answer: no hint that Hooli exists
    assert hooli.json()["organization"] == [f"no organization {world['orgs']['Hooli'].pk}"]
    assert not CloudAccount.objects.filter(name="acme-dev").exists()


def test_onboarding_tests_the_connection_first_when_asked(admin, world, monkeypatch):
    def unreachable(context):
        raise CollectorError("AccessDenied for the key")

    monkeypatch.setitem(registry._connection_tests, "aws", unreachable)
    response = admin.post("/api/v1/accounts/", new_account(world["orgs"]["Acme"].pk, credentials=KEYS,
                                                           test_connection=True), format="json")
    assert response.status_code == 400 and "connection test failed" in response.json()["detail"]
    assert not CloudAccount.objects.filter(name="acme-dev").exists()


def test_an_admin_edits_and_the_change_is_audited(admin, world):
    account = world["accounts"]["globex-aws"]
    response = admin.patch(f"/api/v1/accounts/{account.pk}/", {"enabled": False, "poll_interval": "30m"},
                           format="json")
    assert response.status_code == 200, response.content
    assert response.json()["enabled"] is False and response.json()["poll_interval_seconds"] == 1800
    event = AuditEvent.objects.get(action="account.edit")
    assert event.source == "api" and event.detail["changed"]["enabled"] == [True, False]
    assert admin.patch(f"/api/v1/accounts/{account.pk}/", {"poll_interval": "1s"}, format="json").status_code == 400
    assert admin.put(f"/api/v1/accounts/{account.pk}/", {}, format="json").status_code == 405


def test_viewers_and_analysts_cannot_change_accounts(viewer, analyst, world):
    account = world["accounts"]["acme-aws"]
    for client in (viewer, analyst):
        assert client.get(f"/api/v1/accounts/{account.pk}/").status_code == 200
        assert client.patch(f"/api/v1/accounts/{account.pk}/", {"name": "x"}, format="json").status_code == 403
        assert client.delete(f"/api/v1/accounts/{account.pk}/").status_code == 403
        assert client.post(f"/api/v1/accounts/{account.pk}/credentials/", {"credentials": KEYS},
                           format="json").status_code == 403
        assert client.post(f"/api/v1/accounts/{account.pk}/test-connection/").status_code == 403
    assert CloudAccount.objects.get(pk=account.pk).name == "acme-aws"
    assert not AuditEvent.objects.filter(source="api").exists()


def test_an_admin_replaces_credentials_and_tests_them(admin, world, monkeypatch):
    account = world["accounts"]["acme-aws"]
    monkeypatch.setitem(registry._connection_tests, "aws", lambda context: {"identity": "arn:aws:iam::1:user/x"})
    response = admin.post(f"/api/v1/accounts/{account.pk}/credentials/", {"credentials": KEYS}, format="json")
    assert response.status_code == 200 and response.json()["credentials_summary"]["kind"] == "aws_keys"
    assert SECRET not in response.content.decode()
    assert AuditEvent.objects.get(action="account.credentials_replace").source == "api"
    tested = admin.post(f"/api/v1/accounts/{account.pk}/test-connection/")
    assert tested.json() == {"ok": True, "result": {"identity": "arn:aws:iam::1:user/x"}, "error": None}

    def unreachable(context):
        raise CollectorError("denied")

    monkeypatch.setitem(registry._connection_tests, "aws", unreachable)
    tested = admin.post(f"/api/v1/accounts/{account.pk}/test-connection/").json()
    assert tested["ok"] is False and "connection test failed" in tested["error"]
    bad = admin.post(f"/api/v1/accounts/{account.pk}/credentials/", {"credentials": {"x": SECRET}}, format="json")
    assert bad.status_code == 400 and SECRET not in bad.content.decode()


def test_an_admin_removes_an_account(admin, world):
    account = world["accounts"]["globex-aws"]
    assert admin.delete(f"/api/v1/accounts/{account.pk}/").status_code == 204
    assert not CloudAccount.objects.filter(pk=account.pk).exists()
    assert AuditEvent.objects.get(action="account.remove").source == "api"
    assert admin.get(f"/api/v1/accounts/{account.pk}/").status_code == 404
