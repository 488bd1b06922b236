"""Sign-in in a real browser: password, forced TOTP enrollment for an organization that requires
it, then a later sign-in with a code; a wrong password is refused."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import User
from django_otp.oath import TOTP

from cspm.accounts.models import Membership, Organization
from tests.browser.conftest import shoot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


def code_for(secret_b32: str, at: float) -> str:
    import base64

    key = base64.b32decode(secret_b32.replace(" ", "").upper() + "=" * (-len(secret_b32.replace(" ", "")) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = at
    return f"{totp.token():06d}"


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_with_forced_totp_enrollment_then_a_code(page):
    org = Organization.objects.create(name="Acme", slug="acme", require_2fa=True)
    user = User.objects.create_user("alice", password=PASSWORD)
    Membership.objects.create(user=user, organization=org, role="admin")

    sign_in(page, "alice", "not the password")
    assert page.get_by_text("Wrong username or password.").is_visible()
    shoot(page, "sign-in-refused")

    sign_in(page, "alice", PASSWORD)
    page.wait_for_url("**/account/2fa/**")
    assert page.locator("figure.qr-box svg").count() == 1  # the QR code, inline SVG
    secret = page.locator("code.secret").inner_text()
    shoot(page, "two-factor-setup")
    page.get_by_label("Code").fill(code_for(secret, time.time()))
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_text("backup codes", exact=False).first.is_visible()
    shoot(page, "two-factor-backup-codes")

    page.goto("/")
    assert page.get_by_role("navigation", name="Main").is_visible()
    shoot(page, "home")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "alice", PASSWORD)
    page.wait_for_url("**/login/verify/**")
    page.get_by_label("Code").fill(code_for(secret, time.time() + 30))  # the next step: codes are single-use
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(lambda url: "/login" not in url)
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert page.console_errors == []  # nothing broke the CSP or threw
