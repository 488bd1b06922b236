"""The outbox: routed items written as notifications, in the caller's (the poll's) transaction,
so an alert exists exactly when the poll that saw its change committed."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from cspm.alerts.items import AlertItem
from cspm.alerts.models import Mode, Notification, NotificationItem, Rule
from cspm.alerts.routing import Route

BATCH = 1000


def digest_due_at(mode: str, now: dt.datetime) -> dt.datetime:
    """The next hour or day boundary (in TIME_ZONE) strictly after `now`."""
    local = timezone.localtime(now)
    if mode == Mode.HOURLY:
        return local.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    return local.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)


def _unseen(channel_id: int, items: list[AlertItem]) -> list[AlertItem]:
    """Drop items this channel already had (in any notification, sent or not)."""
    keys = [i.dedup_key for i in items]
    seen = set()
    for start in range(0, len(keys), BATCH):
        seen.update(NotificationItem.objects.filter(channel_id=channel_id, dedup_key__in=keys[start:start + BATCH])
                    .values_list("dedup_key", flat=True))
    return [i for i in items if i.dedup_key not in seen]


def _open_digest(r: Route, now: dt.datetime) -> Notification:
    """The rule's pending digest for the coming boundary, created if none. The rule row is
    locked first, so two polls appending at once share one digest; the digest row is locked
    too, so delivery (SKIP LOCKED) cannot send it before this poll commits its items."""
    due = digest_due_at(r.mode, now)
    list(Rule.objects.select_for_update().filter(pk=r.rule_id).values_list("id", flat=True))
    digest = (Notification.objects.select_for_update()
              .filter(rule_id=r.rule_id, channel_id=r.channel_id, mode=r.mode, status=Notification.Status.PENDING,
                      due_at=due, claimed_until__isnull=True).order_by("id").first())
    return digest or Notification.objects.create(channel_id=r.channel_id, rule_id=r.rule_id, mode=r.mode,
                                                 due_at=due, next_attempt_at=due)


def enqueue(routed: dict[Route, list[AlertItem]], now: dt.datetime | None = None) -> list[int]:
    """Write each rule's items into one notification (immediate: a new one per poll; digest:
    the open one). Returns the ids of notifications that are due now."""
    assert connection.in_atomic_block, "the outbox is written in the poll's transaction"
    now = now or timezone.now()
    due_now = []
    # Rules in id order: concurrent polls lock digest rules in the same order (no deadlock).
    for r, items in sorted(routed.items(), key=lambda pair: pair[0].rule_id):
        items = _unseen(r.channel_id, items)
        if not items:
            continue
        if r.mode == Mode.IMMEDIATE:
            notification = Notification.objects.create(channel_id=r.channel_id, rule_id=r.rule_id, mode=r.mode,
                                                       due_at=now, next_attempt_at=now)
        else:
            notification = _open_digest(r, now)
        # Ignore conflicts: a concurrent transaction may have written the same change meanwhile.
        NotificationItem.objects.bulk_create(
            [NotificationItem(notification=notification, channel_id=r.channel_id, dedup_key=i.dedup_key,
                              kind=i.kind, severity=i.severity, payload=i.payload) for i in items],
            batch_size=BATCH, ignore_conflicts=True)
        if not notification.items.exists():
            notification.delete()  # everything was a duplicate: an empty message is no message
        elif r.mode == Mode.IMMEDIATE:
            due_now.append(notification.pk)
    return due_now
