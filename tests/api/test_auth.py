"""Who may call: a live personal token, or a signed-in session whose second factor is satisfied."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cspm.accounts.models import ApiToken, Organization
from cspm.accounts.tokens import token_create
from tests.api.conftest import client_for, member

pytestmark = pytest.mark.django_db
URL = "/api/v1/organizations/"


def bearer(header: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    return client


def test_a_live_token_is_let_in(world):
    response = client_for(member("ada", Acme="admin")).get(URL)
    assert response.status_code == 200
    assert {o["name"] for o in response.json()["results"]} == {"Acme", "Globex"}


def test_anonymous_is_told_how_to_authenticate():
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer cspm_not-a-real-token", "Bearer nocspmprefix",
                                    "Token cspm_x", "Bearer \u00e9t\u00e9"])
def test_malformed_or_unknown_tokens_are_refused(db, header):
    response = bearer(header).get(URL)
    assert response.status_code == 401
    assert "detail" in response.json()


def test_an_unknown_scheme_is_anonymous(db):
    assert bearer("Basic YWRhOnNlY3JldA==").get(URL).status_code == 401


def test_expired_revoked_and_inactive_tokens_are_refused(world):
    user = member("ada", Acme="admin")
    token, raw = token_create(user=user, name="ci", days=1)
    assert bearer(f"Bearer {raw}").get(URL).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert bearer(f"Bearer {raw}").get(URL).status_code == 401

    token, raw = token_create(user=user, name="ci2")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert bearer(f"Bearer {raw}").get(URL).status_code == 401

    token, raw = token_create(user=user, name="ci3")
    user.is_active = False
    user.save()
    assert bearer(f"Bearer {raw}").get(URL).status_code == 401


def test_a_session_counts_only_once_its_second_factor_is_satisfied(world):
    user = member("ada", Acme="admin")
    client = APIClient()
    client.force_login(user)
    assert client.get(URL).status_code == 200
    Organization.objects.filter(name="Acme").update(require_2fa=True)  # now a TOTP code is owed
    assert client.get(URL).status_code == 401


def test_a_token_answers_no_more_once_revoked_through_the_api(world):
    user = member("ada", Acme="admin")
    _, raw = token_create(user=user, name="ci")
    client = bearer(f"Bearer {raw}")
    [listed] = [t for t in client.get("/api/v1/tokens/").json()["results"] if t["name"] == "ci"]
    assert "token" not in listed and listed["prefix"] == raw[:12]
    assert client.delete(f"/api/v1/tokens/{listed['id']}/").status_code == 204
    assert client.get(URL).status_code == 401


def test_tokens_are_personal(world):
    ada, bob = member("ada", Acme="admin"), member("bob", Acme="admin")
    theirs, _ = token_create(user=bob, name="bob's")
    client = client_for(ada)
    assert all(t["name"] != "bob's" for t in client.get("/api/v1/tokens/").json()["results"])
    assert client.delete(f"/api/v1/tokens/{theirs.pk}/").status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


def test_a_token_is_created_from_a_session_and_shown_once(world):
    user = member("ada", Acme="admin")
    session = APIClient()
    session.force_login(user)
    response = session.post("/api/v1/tokens/", {"name": "ci", "days": 7}, format="json")
    assert response.status_code == 201
    raw = response.json()["token"]
    assert raw.startswith("cspm_") and bearer(f"Bearer {raw}").get(URL).status_code == 200
    assert all("token" not in t for t in session.get("/api/v1/tokens/").json()["results"])
    assert session.post("/api/v1/tokens/", {"name": "x", "days": 400}, format="json").status_code == 400


def test_a_token_cannot_mint_another(world):
    response = client_for(member("ada", Acme="admin")).post("/api/v1/tokens/", {"name": "more"}, format="json")
    assert response.status_code == 403


def test_a_session_write_needs_the_csrf_token(world):
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(member("ada", Acme="admin"))
    assert session.get(URL).status_code == 200
    response = session.post("/api/v1/tokens/", {"name": "ci"}, format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
