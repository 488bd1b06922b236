import pytest

from tests.api.conftest import client_for, member, results

pytestmark = pytest.mark.django_db


def test_organizations_with_your_role_there(world):
    client = client_for(member("dana", Acme="viewer", Globex="admin"))
    rows = {o["name"]: o for o in results(client.get("/api/v1/organizations/"))}
    assert set(rows) == {"Acme", "Globex"}
    assert rows["Acme"]["role"] == "viewer" and rows["Globex"]["role"] == "admin"
    globex = client.get(f"/api/v1/organizations/{rows['Globex']['id']}/").json()
    assert globex["kind"] == "acquisition" and globex["parent"] == rows["Acme"]["id"]
    assert globex["integration_stage"] == "due_diligence" and globex["acquired_on"]


def test_another_group_is_not_found(admin, world):
    assert admin.get(f"/api/v1/organizations/{world['orgs']['Hooli'].pk}/").status_code == 404
    assert admin.get("/api/v1/organizations/abc/").status_code == 404


def test_a_user_without_memberships_sees_nothing(world):
    assert results(client_for(member("nobody")).get("/api/v1/organizations/")) == []


def test_ids_beyond_the_database_range_are_simply_not_found(admin):
    for url in ("/api/v1/organizations/99999999999999999999/", "/api/v1/accounts/-5/",
                "/api/v1/accounts/99999999999999999999/baseline/", "/api/v1/findings/9223372036854775808/"):
        response = admin.get(url)
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}
