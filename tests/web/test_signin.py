"""Signing in and out: one generic error, a fresh session, audited, no open redirect."""

import pytest
from django.test import Client
from django.urls import reverse

from cspm.audit.models import AuditEvent
from cspm.web.middleware import SIGNED_IN_AT
from tests.web.conftest import member, sign_in

pytestmark = pytest.mark.django_db


def test_the_right_password_signs_in_with_a_new_session_and_an_audit_row(client, group):
    alice = member("alice", Acme="viewer")
    client.get(reverse("web:login"))
    before = client.cookies.get("sessionid")
    response = sign_in(client, "alice")
    assert response.status_code == 302 and response.url == reverse("web:home")
    assert client.cookies["sessionid"].value != (before.value if before else None)
    assert SIGNED_IN_AT in client.session
    event = AuditEvent.objects.get(action="auth.login")
    assert (event.actor, event.user_id, event.source, event.target_id, event.organization_id) == (
        "alice", alice.pk, "web", str(alice.pk), None)
    assert event.ip == "127.0.0.1"
    assert client.get(reverse("web:home")).status_code == 200


def test_a_wrong_password_and_an_unknown_user_get_the_same_generic_answer(client, group):
    member("alice", Acme="viewer")
    wrong = sign_in(client, "alice", "not the password at all")
    unknown = sign_in(client, "nobody-here", "not the password at all")
    assert wrong.status_code == unknown.status_code == 400
    for response in (wrong, unknown):
        assert "Wrong username or password." in response.text
        assert "Too many" not in response.text
    assert not client.session.get("_auth_user_id")
    failures = AuditEvent.objects.filter(action="auth.login_failed").order_by("id")
    assert [e.detail["username"] for e in failures] == ["alice", "nobody-here"]
    assert {(e.actor, e.user_id, e.ip) for e in failures} == {("anonymous", None, "127.0.0.1")}
    assert failures[0].target_type == "auth.user" and failures[1].target == "nobody-here"


def test_an_inactive_user_cannot_sign_in(client, group):
    alice = member("alice", Acme="viewer")
    alice.is_active = False
    alice.save()
    assert "Wrong username or password." in sign_in(client, "alice").text


def test_the_attempted_username_is_truncated_in_the_trail(client, group):
    sign_in(client, "x" * 140, "whatever")
    client.post(reverse("web:login"), {"username": "y" * 400, "password": "whatever"})  # refused by the form
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert len(event.detail["username"]) <= 150


@pytest.mark.parametrize("target", ["https://evil.example/phish", "//evil.example/x", "http://testserver.evil.example/",
                                    "javascript:alert(1)", "\\\\evil.example"])
def test_next_never_leaves_the_site(client, group, target):
    member("alice", Acme="viewer")
    response = sign_in(client, "alice", next=target)
    assert response.status_code == 302 and response.url == reverse("web:home")


def test_next_on_the_site_is_followed(client, group):
    member("alice", Acme="viewer")
    response = sign_in(client, "alice", next="/account/tokens/?x=1")
    assert response.url == "/account/tokens/?x=1"


def test_pages_need_a_signed_in_user(client, group):
    for name in ("web:home", "web:audit", "web:tokens", "web:twofactor_setup"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("web:login") + "?next=")


def test_sign_out_is_a_post_and_is_audited(client, group):
    alice = member("alice", Acme="viewer")
    client.force_login(alice)
    assert client.get(reverse("web:logout")).status_code == 405
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302 and response.url == reverse("web:login")
    assert AuditEvent.objects.filter(action="auth.logout", user_id=alice.pk).exists()
    assert client.get(reverse("web:home")).status_code == 302


def test_every_form_needs_its_csrf_token(group):
    strict = Client(enforce_csrf_checks=True)
    member("alice", Acme="admin")
    assert sign_in(strict, "alice").status_code == 403
    page = strict.get(reverse("web:login"))
    token = page.cookies["csrftoken"].value
    assert sign_in(strict, "alice", csrfmiddlewaretoken=token).status_code == 302
    assert strict.post(reverse("web:tokens"), {"name": "x", "days": 5}).status_code == 403
    assert strict.post(reverse("web:logout")).status_code == 403


def test_the_login_page_is_not_cached_and_has_labelled_fields(client):
    response = client.get(reverse("web:login"))
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert '<label for="id_username">' in response.text and '<label for="id_password">' in response.text
    assert 'name="csrfmiddlewaretoken"' in response.text
