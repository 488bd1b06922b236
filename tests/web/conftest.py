"""A small group for the web pages: Acme (parent) owns Globex (acquired); Hooli is another
company. Users are made with a role per organization; passwords hash fast in tests."""

import time

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspm.accounts.models import CloudAccount, Membership, Organization
from tests.security.world import World, build_world

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_web(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CSPM_REQUIRE_2FA = False
    settings.CSPM_LOGIN_MAX_FAILURES = 5
    settings.CSPM_LOGIN_MAX_FAILURES_PER_IP = 50
    settings.CSPM_LOGIN_LOCKOUT_SECONDS = 900


@pytest.fixture
def world(estate) -> World:
    """The security tests' group: three organizations, polled, baselined and drifted."""
    return build_world(estate)


@pytest.fixture
def group(db):
    acme = Organization.objects.create(name="Acme", slug="acme")
    globex = Organization.objects.create(name="Globex", slug="globex", kind="acquisition", parent=acme,
                                         acquired_on="2026-01-15", integration_stage="onboarding")
    hooli = Organization.objects.create(name="Hooli", slug="hooli")
    for org, name, native in ((acme, "acme-prod", "111111111111"), (globex, "globex-prod", "222222222222"),
                              (hooli, "hooli-prod", "333333333333")):
        CloudAccount.objects.create(organization=org, provider="aws", native_id=native, name=name)
    return {"Acme": acme, "Globex": globex, "Hooli": hooli}


def member(name: str, **orgs_roles) -> User:
    user = User.objects.create_user(name, email=f"{name}@example.com", password=PASSWORD)
    for org, role in orgs_roles.items():
        Membership.objects.create(user=user, organization=Organization.objects.get(name=org), role=role)
    return user


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post(reverse("web:login"), {"username": username, "password": password, **extra})


def totp_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows (steps_ahead: the next one, which the device's
    tolerance of one step also accepts: a code is never accepted twice)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
