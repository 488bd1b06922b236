"""Reading the audit trail (it is never edited: see the models)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime

from cspm.audit.models import AuditEvent
from cspm.core.errors import DomainError

COLUMNS = ["id", "at", "actor", "source", "ip", "action", "target_type", "target_id", "target", "organization_id",
           "detail"]


def events(*, action: str | None = None, organization_ids: list[int] | None = None, since: str | None = None,
           actor: str | None = None) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.all()
    if action:
        qs = qs.filter(action__startswith=action)
    if organization_ids is not None:
        qs = qs.filter(organization_id__in=organization_ids)
    if actor:
        qs = qs.filter(actor=actor)
    if since:
        when = parse_datetime(since) or (dt.datetime.fromisoformat(since) if len(since) == 10 else None)
        if when is None:
            raise DomainError(f"cannot read {since[:30]!r} as a date or time (e.g. 2026-11-01 or 2026-11-01T08:00Z)")
        qs = qs.filter(at__gte=when if when.tzinfo else when.replace(tzinfo=dt.UTC))
    return qs.order_by("-id")


def event_as_dict(e: AuditEvent) -> dict[str, Any]:
    return {"id": e.pk, "at": e.at.isoformat(), "actor": e.actor, "source": e.source, "ip": e.ip, "action": e.action,
            "target_type": e.target_type, "target_id": e.target_id, "target": e.target,
            "organization_id": e.organization_id, "detail": e.detail}
