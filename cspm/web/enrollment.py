"""Enrolling a TOTP app: a pending (unconfirmed) device whose secret is shown as a QR code,
confirmed by a first valid code, which also issues the backup codes (shown once)."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.db import transaction
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspm.audit.log import record

BACKUP_CODES = 10


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (the same secret until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing it into an app by hand."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth URI as an inline SVG: presentation attributes only (the CSP forbids style=),
    dark on a white quiet zone so it scans in a dark theme too. Built from our own URI."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", title="QR code of your sign-in secret", svgclass="qr")
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 - our own markup, no input in it


def _backup_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="backup codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def twofactor_enroll(*, user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the pending device with a valid code: returns the new backup codes, or None
    when the code is wrong (django-otp throttles repeated wrong codes)."""
    device = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user, confirmed=False).first()
    if device is None or not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = _backup_codes(user)
    record("twofactor.enroll", target=user, organization_id=None, detail={"backup_codes": len(codes)})
    return codes


@transaction.atomic
def backup_codes_renew(*, user) -> list[str]:
    """New backup codes (the old ones stop working)."""
    codes = _backup_codes(user)
    record("twofactor.backup_codes", target=user, organization_id=None, detail={"backup_codes": len(codes)})
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
