"""TOTP two-factor: required by an organization (its acquisitions too), enrolled with a real code,
verified at sign-in, backup codes that work once, and nothing reachable before the second factor."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspm.accounts.models import LoginFailure
from cspm.audit.models import AuditEvent
from tests.web.conftest import enrolled, member, sign_in, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_otp_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's back-off is tested where it matters


def test_a_parents_requirement_sends_an_acquisitions_member_to_setup_after_the_password(client, group):
    group["Acme"].require_2fa = True
    group["Acme"].save()
    member("gina", Globex="viewer")
    response = sign_in(client, "gina", next="/account/tokens/")
    assert response.status_code == 302 and response.url.startswith(reverse("web:twofactor_setup"))
    assert AuditEvent.objects.get(action="auth.login").detail["second_factor"] == "pending"
    # Everything else sends the user back to set up the second factor.
    for name in ("web:home", "web:tokens", "web:audit", "web:login"):
        assert client.get(reverse(name)).url == reverse("web:twofactor_setup")
    assert client.get(reverse("web:due_diligence", args=[group["Globex"].pk])).url == reverse("web:twofactor_setup")
    assert client.post(reverse("web:tokens"), {"name": "x", "days": 3}).url == reverse("web:twofactor_setup")


def test_enrollment_with_a_real_code_confirms_the_device_and_shows_ten_backup_codes_once(client, group):
    group["Acme"].require_2fa = True
    group["Acme"].save()
    gina = member("gina", Globex="viewer")
    sign_in(client, "gina")
    page = client.get(reverse("web:twofactor_setup"))
    assert page.status_code == 200
    svg = re.search(r"<svg .*?</svg>", page.text, re.S).group(0)
    assert "style" not in svg and "<script" not in svg and 'role="img"' in svg
    device = TOTPDevice.objects.get(user=gina, confirmed=False)
    secret = re.search(r'<code class="secret"[^>]*>([A-Z2-7 ]+)</code>', page.text).group(1)
    assert len(secret.replace(" ", "")) == 32  # 20 random bytes in base32
    assert client.post(reverse("web:twofactor_setup"), {"code": "000000"}).status_code == 400
    done = client.post(reverse("web:twofactor_setup"), {"code": totp_code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.text)
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert set(StaticToken.objects.filter(device__user=gina).values_list("token", flat=True)) == set(codes)
    assert AuditEvent.objects.filter(action="twofactor.enroll", target_id=str(gina.pk)).exists()
    # The session is verified now: pages open, and the codes are never shown again.
    assert client.get(reverse("web:home")).status_code == 200
    status = client.get(reverse("web:twofactor_setup"))
    assert "10 unused backup codes" in status.text and codes[0] not in status.text


def test_sign_in_with_a_totp_code_after_the_password(client, group):
    alice = member("alice", Acme="admin")
    device = enrolled(alice)  # having a device means using it, required or not
    response = sign_in(client, "alice", next="/audit/")
    assert response.url == reverse("web:verify") + "?next=%2Faudit%2F"
    for url in ("/audit/", "/", "/account/tokens/", reverse("web:members", args=[group["Acme"].pk]),
                reverse("web:backup_codes")):
        assert client.get(url).url == reverse("web:verify"), url
    assert client.post(reverse("web:require_2fa", args=[group["Acme"].pk]), {"require_2fa": "on"}).url == reverse(
        "web:verify")
    assert "API tokens" not in client.get(reverse("web:verify")).text  # no navigation but sign-out yet
    wrong = client.post(reverse("web:verify"), {"code": "123456", "next": "/audit/"})
    assert wrong.status_code == 400 and "not valid" in wrong.text
    ok = client.post(reverse("web:verify"), {"code": totp_code(device), "next": "/audit/"})
    assert ok.status_code == 302 and ok.url == "/audit/"
    assert client.get("/audit/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.2fa_failed", user_id=alice.pk).count() == 1
    assert AuditEvent.objects.get(action="auth.2fa_verified").detail["device"] == "totpdevice"
    assert not LoginFailure.objects.exists()  # a complete sign-in forgives the failures


def test_the_same_code_is_not_accepted_twice(client, group):
    alice = member("alice", Acme="viewer")
    device = enrolled(alice)
    code = totp_code(device)
    sign_in(client, "alice")
    assert client.post(reverse("web:verify"), {"code": code}).status_code == 302
    client.post(reverse("web:logout"))
    sign_in(client, "alice")
    assert client.post(reverse("web:verify"), {"code": code}).status_code == 400


def test_a_backup_code_works_once(client, group):
    alice = member("alice", Acme="viewer")
    enrolled(alice)
    backup = StaticDevice.objects.create(user=alice, name="backup codes", confirmed=True)
    backup.token_set.create(token="abcd2345")
    sign_in(client, "alice")
    assert client.post(reverse("web:verify"), {"code": "ABCD 2345"}).status_code == 302
    assert AuditEvent.objects.get(action="auth.2fa_verified").detail["device"] == "staticdevice"
    client.post(reverse("web:logout"))
    sign_in(client, "alice")
    assert client.post(reverse("web:verify"), {"code": "abcd2345"}).status_code == 400


def test_the_setup_page_cannot_replace_a_device_before_the_second_factor(client, group):
    alice = member("alice", Acme="viewer")
    enrolled(alice)
    sign_in(client, "alice")
    response = client.get(reverse("web:twofactor_setup"))
    assert response.status_code == 302 and response.url.startswith(reverse("web:verify"))
    client.post(reverse("web:twofactor_setup"), {"code": "123456"})
    assert TOTPDevice.objects.filter(user=alice).count() == 1


def test_wrong_codes_count_towards_the_lockout_which_signs_out(client, group, settings):
    settings.CSPM_LOGIN_MAX_FAILURES = 3
    alice = member("alice", Acme="viewer")
    device = enrolled(alice)
    sign_in(client, "alice")
    for _ in range(2):
        assert client.post(reverse("web:verify"), {"code": "000000"}).status_code == 400
    locked = client.post(reverse("web:verify"), {"code": "000000"})
    assert locked.status_code == 302 and locked.url == reverse("web:login")
    assert not client.session.get("_auth_user_id")
    assert AuditEvent.objects.filter(action="auth.locked_out", target_id=str(alice.pk)).exists()
    # Knowing the password does not help while the lock lasts (nor does a right code later).
    assert "Too many attempts" in sign_in(client, "alice").text
    assert client.post(reverse("web:verify"), {"code": totp_code(device)}).url == reverse("web:login")


def test_django_otp_also_throttles_guesses(client, group, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    alice = member("alice", Acme="viewer")
    device = enrolled(alice)
    sign_in(client, "alice")
    client.post(reverse("web:verify"), {"code": "000000"})
    # The next try within the back-off is refused, even with the right code.
    assert client.post(reverse("web:verify"), {"code": totp_code(device)}).status_code == 400


def test_new_backup_codes_replace_the_old_ones(client, group):
    alice = member("alice", Acme="viewer")
    device = enrolled(alice)
    sign_in(client, "alice")
    client.post(reverse("web:verify"), {"code": totp_code(device)})
    first = re.findall(r"<li><code>([a-z2-7]+)</code></li>", client.post(reverse("web:backup_codes")).text)
    second = re.findall(r"<li><code>([a-z2-7]+)</code></li>", client.post(reverse("web:backup_codes")).text)
    assert len(first) == len(second) == 10 and not set(first) & set(second)
    assert set(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True)) == set(second)


def test_cspm_require_2fa_covers_everyone(client, group, settings):
    settings.CSPM_REQUIRE_2FA = True
    member("nobody-special")
    assert sign_in(client, "nobody-special").url == reverse("web:twofactor_setup")
