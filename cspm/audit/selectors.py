"""Reading the audit trail (it is never edited: see the models)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

from cspm.accounts import access
from cspm.accounts.models import Membership
from cspm.audit.models import AuditEvent
from cspm.core.errors import DomainError

COLUMNS = ["id", "at", "actor", "source", "ip", "action", "target_type", "target_id", "target", "organization_id",
           "detail"]


def _moment(text: str) -> dt.datetime:
    """A date or date-time as typed by a person, in UTC; an impossible one is a clear error."""
    try:
        when = parse_datetime(text) or (dt.datetime.fromisoformat(text) if len(text) == 10 else None)
        if when is not None:
            return when.astimezone(dt.UTC) if when.tzinfo else when.replace(tzinfo=dt.UTC)
    except (ValueError, OverflowError):
        pass
    raise DomainError(f"cannot read {text[:30]!r} as a date or time (e.g. 2026-11-01 or 2026-11-01T08:00Z)")


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
        qs = qs.filter(at__gte=_moment(since))
    return qs.order_by("-id")


def events_visible_to(user, **filters) -> QuerySet[AuditEvent]:
    """events(**filters) that `user` may read: a superuser, all; an admin, the events of the
    organizations they manage (acquisitions included, never a parent's) and the user-level events
    (sign-ins, second factor, tokens: no organization) of those organizations' members, whether
    the member acted or was acted on. Anyone else: nothing."""
    qs = events(**filters)
    if user.is_superuser and user.is_active:
        return qs
    managed = access.organizations_for(user, "manage")
    member_ids = sorted(set(Membership.objects.filter(organization_id__in=managed).values_list("user_id", flat=True)))
    about_members = Q(user_id__in=member_ids) | Q(target_type="auth.user", target_id__in=[str(pk) for pk in member_ids])
    return qs.filter(Q(organization_id__in=managed) | (Q(organization_id__isnull=True) & about_members))


def event_as_dict(e: AuditEvent) -> dict[str, Any]:
    return {"id": e.pk, "at": e.at.isoformat(), "actor": e.actor, "source": e.source, "ip": e.ip, "action": e.action,
            "target_type": e.target_type, "target_id": e.target_id, "target": e.target,
            "organization_id": e.organization_id, "detail": e.detail}
