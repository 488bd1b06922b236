"""The API-token page: the raw token shown once at creation, never stored; revoke own tokens only."""

import re

import pytest
from django.urls import reverse

from cspm.accounts.models import ApiToken
from cspm.accounts.tokens import token_create, token_user
from cspm.audit.models import AuditEvent
from tests.web.conftest import member

pytestmark = pytest.mark.django_db


def test_create_shows_the_token_once_and_lists_it(client, group):
    alice = member("alice", Acme="viewer")
    client.force_login(alice)
    created = client.post(reverse("web:tokens"), {"name": "SIEM <export>", "days": 30})
    assert created.status_code == 200
    raw = re.search(r'<code class="secret">(cspm_[A-Za-z0-9_-]+)</code>', created.text).group(1)
    assert token_user(raw) == alice
    assert "SIEM &lt;export&gt;" in created.text and "SIEM <export>" not in created.text
    token = ApiToken.objects.get(user=alice)
    assert raw not in token.key_hash and token.prefix == raw[:12]
    listing = client.get(reverse("web:tokens"))
    assert raw not in listing.text and token.prefix in listing.text and "live" in listing.text
    assert AuditEvent.objects.filter(action="token.create", user_id=alice.pk).exists()


def test_bad_input_is_refused(client, group):
    client.force_login(member("alice", Acme="viewer"))
    assert client.post(reverse("web:tokens"), {"name": "x", "days": 400}).status_code == 400
    assert client.post(reverse("web:tokens"), {"name": "  ", "days": 3}).status_code == 400
    assert not ApiToken.objects.exists()


def test_revoke_own_tokens_only(client, group):
    alice, bob = member("alice", Acme="viewer"), member("bob", Acme="viewer")
    mine, raw = token_create(user=alice, name="ci", days=5)
    theirs, _ = token_create(user=bob, name="bob's", days=5)
    client.force_login(alice)
    assert client.post(reverse("web:token_revoke", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("web:token_revoke", args=[mine.pk])).status_code == 405
    assert client.post(reverse("web:token_revoke", args=[mine.pk])).status_code == 302
    assert token_user(raw) is None
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert "revoked" in client.get(reverse("web:tokens")).text
    assert client.post(reverse("web:token_revoke", args=[mine.pk])).status_code == 404  # already revoked
    assert AuditEvent.objects.filter(action="token.revoke").count() == 1
