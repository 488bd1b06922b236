"""The two steps of signing in to the web app, with their limits and audit rows.

Step one checks the password; step two (when the user must use 2FA) a TOTP or backup code.
The lockout counts failures of both steps, and a username's failures are forgiven only once
both are passed, so a stolen password cannot be used to reset the count between code guesses."""

from __future__ import annotations

import time
from enum import Enum

from django.contrib.auth import authenticate, login
from django.db import transaction
from django_otp import devices_for_user
from django_otp import login as otp_login

from cspm.accounts import lockout, twofactor
from cspm.audit.context import Actor, acting_as
from cspm.audit.log import record
from cspm.core.requests import client_ip
from cspm.web.middleware import SIGNED_IN_AT

WRONG = "Wrong username or password."
WRONG_CODE = "That code is not valid (or was already used)."
LOCKED = "Too many attempts, try again later."


class Outcome(Enum):
    SIGNED_IN = "signed in"
    SECOND_FACTOR = "second factor needed"
    WRONG = "wrong"
    LOCKED = "locked"


def password_step(request, *, username: str, password: str) -> Outcome:
    """Check the password; on success start a fresh session (a new key: no fixation)."""
    ip = client_ip(request)
    if lockout.locked_until(username=username, ip=ip):
        return Outcome.LOCKED  # refused without checking the password, and not counted
    user = authenticate(request, username=username, password=password)
    if user is None:
        return Outcome.LOCKED if lockout.failure_record(username=username, ip=ip) else Outcome.WRONG
    second = twofactor.required_for(user)
    with transaction.atomic(), acting_as(Actor(user.get_username(), "web", user.pk, ip)):
        if not second:
            lockout.failures_clear(username=username)
        login(request, user)
        request.session[SIGNED_IN_AT] = time.time()
        record("auth.login", target=user, organization_id=None,
               detail={"ip": ip, "second_factor": "pending" if second else "not required"})
    return Outcome.SECOND_FACTOR if second else Outcome.SIGNED_IN


def second_factor_step(request, *, code: str) -> Outcome:
    """Check a code against the user's confirmed devices (TOTP, then backup codes, each with
    django-otp's own throttling); on success mark the session verified."""
    user, ip = request.user, client_ip(request)
    if lockout.locked_until(username=user.get_username(), ip=ip):
        return Outcome.LOCKED
    with transaction.atomic():
        device = next((d for d in devices_for_user(user, confirmed=True, for_verify=True)
                       if code and d.verify_token(code)), None)
        if device is None:
            locked = lockout.failure_record(username=user.get_username(), ip=ip, kind="otp")
            return Outcome.LOCKED if locked else Outcome.WRONG
        lockout.failures_clear(username=user.get_username())
        otp_login(request, device)
        record("auth.2fa_verified", target=user, organization_id=None,
               detail={"ip": ip, "device": device._meta.model_name})
    request.session.cycle_key()  # a new key for the now fully signed-in session
    return Outcome.SIGNED_IN
