"""Sign-in limits, shared by every web process through PostgreSQL (a LoginFailure row per failed
password or second-factor attempt).

A username is locked for CSPM_LOGIN_LOCKOUT_SECONDS once it has CSPM_LOGIN_MAX_FAILURES failures
within that many seconds; an address, once it has CSPM_LOGIN_MAX_FAILURES_PER_IP. Attempts refused
by a lock are not counted (the lock ends on time however hard it is hammered), so the newest
failure is the one that started the lock: locked until it is LOCKOUT_SECONDS old. A username is
locked whether or not such a user exists, so a lock says nothing about who has an account."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cspm.accounts.models import LoginFailure
from cspm.audit.log import record

USERNAME_MAX = 150


def key(username: str) -> str:
    """What failures are counted under: case and surrounding blanks do not make a new username."""
    return (username or "").strip().lower()[:USERNAME_MAX]


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.CSPM_LOGIN_LOCKOUT_SECONDS)


def _lock_end(failures: QuerySet[LoginFailure], limit: int) -> dt.datetime | None:
    if limit <= 0:
        return None  # a limit of 0 turns it off
    window, now = _window(), timezone.now()
    newest = failures.filter(at__gt=now - window).order_by("-at").values_list("at", flat=True).first()
    if newest is None:
        return None
    if failures.filter(at__gt=newest - window, at__lte=newest).count() < limit:
        return None
    return newest + window


def locked_until(*, username: str, ip: str | None) -> dt.datetime | None:
    """When a sign-in as `username` from `ip` may be tried again; None: it may now."""
    ends = [_lock_end(LoginFailure.objects.filter(username=key(username)), settings.CSPM_LOGIN_MAX_FAILURES)]
    if ip:
        ends.append(_lock_end(LoginFailure.objects.filter(ip=ip), settings.CSPM_LOGIN_MAX_FAILURES_PER_IP))
    ends = [end for end in ends if end is not None]
    return max(ends) if ends else None


@transaction.atomic
def failure_record(*, username: str, ip: str | None, kind: str = "password") -> bool:
    """Count a failed attempt (kind: password or otp) and audit it; True when it started a lock.
    Call it only for attempts no lock refused (locked_until was None)."""
    now = timezone.now()
    LoginFailure.objects.filter(at__lt=now - _window()).delete()  # nothing older can matter
    LoginFailure.objects.create(username=key(username), ip=ip, at=now, kind=kind)
    user = get_user_model().objects.filter(username=(username or "")[:USERNAME_MAX]).first()
    target = {"target": user} if user else {"target_type": "auth.user", "label": (username or "")[:USERNAME_MAX]}
    detail = {"username": (username or "")[:USERNAME_MAX], "ip": ip}
    record("auth.login_failed" if kind == "password" else "auth.2fa_failed", **target, detail=detail)
    scopes = []
    if _lock_end(LoginFailure.objects.filter(username=key(username)), settings.CSPM_LOGIN_MAX_FAILURES):
        scopes.append("username")
    if ip and _lock_end(LoginFailure.objects.filter(ip=ip), settings.CSPM_LOGIN_MAX_FAILURES_PER_IP):
        scopes.append("ip")
    if scopes:
        record("auth.locked_out", **target,
               detail={**detail, "locked": scopes, "seconds": settings.CSPM_LOGIN_LOCKOUT_SECONDS})
    return bool(scopes)


def failures_clear(*, username: str) -> None:
    """A complete sign-in (password and, when needed, second factor) forgives the username's
    failures; the address keeps its count."""
    LoginFailure.objects.filter(username=key(username)).delete()
    LoginFailure.objects.filter(at__lt=timezone.now() - _window()).delete()  # what someone mistyped goes too
