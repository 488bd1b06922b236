"""Reads for accounts."""

from __future__ import annotations

from typing import Any

from cspm.accounts.models import CloudAccount
from cspm.core.errors import NotFound


def account_resolve(ref: str) -> CloudAccount:
    """An account by its name or its native id (AWS account id, GCP project, subscription)."""
    ref = (ref or "").strip()
    qs = CloudAccount.objects.select_related("organization")
    account = qs.filter(name=ref).first() or qs.filter(native_id=ref.lower()).first() or qs.filter(
        native_id=ref
    ).first()
    if account is None:
        raise NotFound(f"no account named or with id {ref[:60]!r}")
    return account


def account_as_dict(account: CloudAccount) -> dict[str, Any]:
    """What may be shown of an account: everything but its secrets."""
    org = account.organization
    return {
        "id": account.pk,
        "name": account.name,
        "provider": account.provider,
        "account_id": account.native_id,
        "environment": account.environment,
        "organization": org.name,
        "organization_kind": org.kind,
        "acquired_on": org.acquired_on.isoformat() if org.acquired_on else None,
        "integration_stage": org.integration_stage or None,
        "regions": account.regions,
        "poll_interval_seconds": account.poll_interval_seconds,
        "enabled": account.enabled,
        "endpoint": account.endpoint_url or None,
        "ca_bundle": bool(account.ca_bundle),
        "credentials": account.credentials_summary or None,
        "last_polled_at": account.last_polled_at.isoformat() if account.last_polled_at else None,
    }
