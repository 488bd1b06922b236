"""Sessions end when idle and in any case after the absolute limit; every answer carries the
strict CSP; static files ship with the app."""

import time

import pytest
from django.conf import settings as live_settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from cspm.web.middleware import CSP, SIGNED_IN_AT
from tests.web.conftest import member, sign_in

pytestmark = pytest.mark.django_db


def test_a_session_ends_after_the_absolute_limit_whatever_the_activity(client, group, settings):
    member("alice", Acme="viewer")
    sign_in(client, "alice")
    assert client.get(reverse("web:home")).status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = time.time() - settings.CSPM_SESSION_MAX_SECONDS - 1
    session.save()
    response = client.get(reverse("web:tokens"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:login")) and "expired=1" in response.url
    assert "next=%2Faccount%2Ftokens%2F" in response.url
    assert not client.session.get("_auth_user_id")
    assert "Your session ended" in client.get(response.url).text


def test_an_idle_session_ends(client, group):
    # The idle limit is the cookie's age, renewed on every request.
    assert live_settings.SESSION_COOKIE_AGE == live_settings.CSPM_SESSION_IDLE_SECONDS
    assert live_settings.SESSION_SAVE_EVERY_REQUEST and live_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    member("alice", Acme="viewer")
    sign_in(client, "alice")
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert client.get(reverse("web:home")).status_code == 302


def test_every_answer_has_the_strict_csp_and_no_inline_script_or_style(client, group):
    member("alice", Acme="admin")
    for response in (client.get(reverse("web:login")), sign_in(client, "alice", "wrong one")):
        assert response["Content-Security-Policy"] == CSP
        assert "'unsafe-inline'" not in CSP
    sign_in(client, "alice")
    for url in (reverse("web:home"), reverse("web:tokens"), reverse("web:audit"), reverse("web:twofactor_setup"),
                reverse("web:members", args=[group["Acme"].pk]),
                reverse("web:due_diligence", args=[group["Acme"].pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == CSP
        assert response["X-Frame-Options"] == "DENY" and "no-store" in response["Cache-Control"]
        assert "<script" not in response.text and "<style" not in response.text and " style=" not in response.text


def test_the_stylesheet_is_served_by_the_app(client):
    page = client.get(reverse("web:login"))
    assert 'href="/static/cspm/app.css"' in page.text
    css = client.get("/static/cspm/app.css")
    assert css.status_code == 200 and b":focus-visible" in b"".join(css.streaming_content)
