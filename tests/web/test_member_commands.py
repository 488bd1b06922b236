"""manage.py member and org: the same services as the pages, acting as the cli actor."""

import io

import orjson
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspm.accounts.models import Membership
from cspm.audit.models import AuditEvent
from tests.integration.helpers import cli
from tests.web.conftest import enrolled, member

pytestmark = pytest.mark.django_db


def test_add_creates_the_user_with_a_random_password_printed_once(group):
    data = cli("member", "add", "Globex", "gina", "--role", "analyst", "--email", "gina@example.com")
    gina = User.objects.get(username="gina")
    assert data["user_created"] and gina.check_password(data["password"]) and len(data["password"]) >= 20
    assert Membership.objects.get(user=gina).role == "analyst"
    event = AuditEvent.objects.get(action="member.add")
    assert event.source == "cli" and event.actor.startswith("cli:") and event.organization_id == group["Globex"].pk
    assert data["password"] not in orjson.dumps(event.detail).decode()


def test_add_reads_a_password_from_stdin_and_checks_it(group):
    out = io.StringIO()
    call_command("member", "add", "acme", "dana", "--role", "viewer", "--password-stdin",
                 stdin=io.StringIO("a long and unusual passphrase\n"), stdout=out)
    assert User.objects.get(username="dana").check_password("a long and unusual passphrase")
    assert "shown once" not in out.getvalue()
    with pytest.raises(CommandError, match="too short"):
        call_command("member", "add", "Acme", "eve", "--role", "viewer", "--password-stdin",
                     stdin=io.StringIO("short\n"), stdout=io.StringIO())
    assert not User.objects.filter(username="eve").exists()


def test_add_an_existing_user_list_role_remove(group):
    member("alice")
    assert not cli("member", "add", "Acme", "alice", "--role", "viewer")["user_created"]
    cli("member", "add", "Hooli", "alice", "--role", "admin")
    assert {(d["organization"], d["role"]) for d in cli("member", "list")} == {("Acme", "viewer"), ("Hooli", "admin")}
    assert [d["username"] for d in cli("member", "list", "Acme")] == ["alice"]
    assert cli("member", "role", "Acme", "alice", "analyst")["role"] == "analyst"
    assert cli("member", "remove", "Acme", "alice")["removed"]
    assert list(Membership.objects.values_list("organization__name", flat=True)) == ["Hooli"]
    assert [e.action for e in AuditEvent.objects.order_by("id")] == [
        "member.add", "member.add", "member.role_change", "member.remove"]
    with pytest.raises(CommandError, match="last admin"):
        call_command("member", "remove", "Hooli", "alice", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no organization"):
        call_command("member", "list", "Nope", stdout=io.StringIO())


def test_reset_2fa_and_require_2fa(group):
    gina = member("gina", Globex="viewer")
    enrolled(gina)
    assert cli("member", "reset-2fa", "gina")["devices_deleted"] == 1
    assert not TOTPDevice.objects.filter(user=gina).exists()
    assert cli("org", "require-2fa", "Acme", "on") == {"organization": "Acme", "require_2fa": True}
    cli("org", "require-2fa", "Acme", "on")  # no change, no second audit row
    cli("org", "require-2fa", "Acme", "off")
    assert [e.detail for e in AuditEvent.objects.filter(action="organization.require_2fa").order_by("id")] == [
        {"required": True}, {"required": False}]
    assert AuditEvent.objects.get(action="twofactor.reset").target == "gina"
