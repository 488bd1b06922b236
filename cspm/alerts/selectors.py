"""Reads of the outbox."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from cspm.alerts.channels import channel_resolve
from cspm.alerts.models import Notification
from cspm.core.errors import DomainError

STATUSES = ("pending", "sent", "dead", "all")


def notifications_list(*, status: str = "all", channel: str | None = None, limit: int = 50) -> QuerySet[Notification]:
    if status not in STATUSES:
        raise DomainError(f"unknown status {status[:20]!r} (expected {', '.join(STATUSES)})")
    if not 1 <= limit <= 10000:
        raise DomainError("--limit must be between 1 and 10000")
    qs = Notification.objects.select_related("channel").annotate(item_count=Count("items")).order_by("-id")
    if status != "all":
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel_resolve(channel))
    return qs[:limit]


def notification_as_dict(n: Notification) -> dict[str, Any]:
    def iso(value):
        return value.isoformat() if value else None

    return {
        "id": n.pk,
        "channel": n.channel.name,
        "kind": n.channel.kind,
        "rule": n.rule_id,
        "mode": n.mode,
        "status": n.status,
        "items": n.item_count,
        "due_at": iso(n.due_at),
        "attempts": n.attempts,
        "next_attempt_at": iso(n.next_attempt_at) if n.status == "pending" else None,
        "last_error": n.last_error or None,
        "sent_at": iso(n.sent_at),
        "created_at": iso(n.created_at),
    }


def notification_summary(d: dict[str, Any]) -> str:
    line = f"#{d['id']} {d['status']:<7} {d['mode']:<9} → {d['channel']} ({d['kind']}): {d['items']} item(s)"
    if d["status"] == "sent":
        return line + f", sent {d['sent_at']}"
    if d["status"] == "pending":
        line += f", due {d['next_attempt_at']}"
    if d["attempts"]:
        line += f", {d['attempts']} attempt(s)"
    return line + (f", last error: {d['last_error']}" if d["last_error"] else "")
