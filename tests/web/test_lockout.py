"""Login limits in the database: a username locked after N failures (even the right password
refused), an address after its own limit, unlocked when the lockout time has passed."""

import datetime as dt

import pytest
from django.db.models import F
from django.test import Client

from cspm.accounts import lockout
from cspm.accounts.models import LoginFailure
from cspm.audit.models import AuditEvent
from tests.web.conftest import member, sign_in

pytestmark = pytest.mark.django_db
LOCKED = "Too many attempts, try again later."


def age_failures(seconds: int) -> None:
    """As if the failures so far happened `seconds` earlier."""
    LoginFailure.objects.update(at=F("at") - dt.timedelta(seconds=seconds))


def test_a_username_is_locked_after_n_failures_and_even_the_right_password_is_refused(client, group, settings):
    settings.CSPM_LOGIN_MAX_FAILURES = 3
    alice = member("alice", Acme="viewer")
    for _ in range(2):
        assert LOCKED not in sign_in(client, "alice", "wrong password 123").text
    third = sign_in(client, "alice", "wrong password 123")
    assert "Wrong username or password." in third.text and LOCKED in third.text
    right = sign_in(client, "alice")
    assert right.status_code == 400 and LOCKED in right.text and "Wrong username or password." in right.text
    assert not client.session.get("_auth_user_id")
    locked = AuditEvent.objects.get(action="auth.locked_out")
    assert locked.target_id == str(alice.pk) and locked.detail["locked"] == ["username"]
    # Refused attempts are not counted: the lock ends on time however often it is tried.
    assert LoginFailure.objects.count() == 3
    # Another person from the same address is not locked (the address has its own, higher limit).
    member("bob", Acme="viewer")
    assert sign_in(client, "bob").status_code == 302


def test_the_lock_ends_after_the_lockout_time_and_a_success_forgives_the_failures(client, group, settings):
    settings.CSPM_LOGIN_MAX_FAILURES = 2
    settings.CSPM_LOGIN_LOCKOUT_SECONDS = 60
    member("alice", Acme="viewer")
    sign_in(client, "alice", "wrong password 123")
    sign_in(client, "alice", "wrong password 123")
    assert LOCKED in sign_in(client, "alice").text
    age_failures(59)
    assert LOCKED in sign_in(client, "alice").text
    age_failures(2)
    assert sign_in(client, "alice").status_code == 302
    assert not LoginFailure.objects.filter(username="alice").exists()


def test_the_username_lock_ignores_case_and_covers_unknown_users_alike(client, group, settings):
    settings.CSPM_LOGIN_MAX_FAILURES = 2
    member("alice", Acme="viewer")
    sign_in(client, "Alice", "wrong password 123")
    sign_in(client, "ALICE ", "wrong password 123")
    assert LOCKED in sign_in(client, "alice").text
    sign_in(client, "ghost", "x")
    # An unknown name locks the same way: a lock tells nothing about who has an account.
    assert LOCKED in sign_in(client, "ghost", "x").text


def test_an_address_is_limited_across_usernames(group, settings):
    settings.CSPM_LOGIN_MAX_FAILURES_PER_IP = 4
    member("alice", Acme="viewer")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(4):
        sign_in(attacker, f"user{n}", "guess")
    response = sign_in(attacker, "alice")
    assert response.status_code == 400 and LOCKED in response.text
    locked = AuditEvent.objects.filter(action="auth.locked_out").last()
    assert "ip" in locked.detail["locked"] and locked.ip == "203.0.113.9"
    # alice signs in from her own address.
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), "alice").status_code == 302


def test_old_failures_are_pruned(group):
    LoginFailure.objects.create(username="old", ip=None, at=lockout.timezone.now() - dt.timedelta(days=2))
    with lockout.transaction.atomic():
        lockout.failure_record(username="new", ip="192.0.2.1")
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["new"]


def test_a_limit_of_zero_turns_it_off(client, group, settings):
    settings.CSPM_LOGIN_MAX_FAILURES = 0
    member("alice", Acme="viewer")
    for _ in range(7):
        sign_in(client, "alice", "wrong password 123")
    assert sign_in(client, "alice").status_code == 302
