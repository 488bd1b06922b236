"""Personal API tokens: created (shown once), checked, revoked. Only a SHA-256 of the token is
stored, so a copy of the database gives no usable token."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cspm.accounts.models import ApiToken
from cspm.audit.log import record
from cspm.core.errors import DomainError, NotFound

PREFIX = "cspm_"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def token_create(*, user, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`, valid `days` (default CSPM_API_TOKEN_DAYS, at most 365)."""
    name = " ".join((name or "").split())[:100]
    if not name:
        raise DomainError("a token needs a name (what it is for)")
    days = settings.CSPM_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= 365:
        raise DomainError("a token lives between 1 and 365 days")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:12], key_hash=_hash(raw),
                                    expires_at=timezone.now() + dt.timedelta(days=days))
    record("token.create", target=token, target_type="accounts.apitoken",
           detail={"user": user.get_username(), "expires_at": token.expires_at.isoformat()})
    return token, raw


@transaction.atomic
def token_revoke(*, user, token_id: int) -> ApiToken:
    """Revoke one of `user`'s own tokens (a superuser may revoke anyone's)."""
    qs = ApiToken.objects.select_for_update()
    if not user.is_superuser:
        qs = qs.filter(user=user)
    token = qs.filter(pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound(f"no live token {token_id}")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record("token.revoke", target=token, target_type="accounts.apitoken", detail={"user": token.user.get_username()})
    return token


def token_user(raw: str):
    """The active user a live token belongs to, or None. Marks the token used (at most once a minute)."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    now = timezone.now()
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=_hash(raw), revoked_at__isnull=True, expires_at__gt=now).first())
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def tokens_of(user):
    return ApiToken.objects.filter(user=user)
