"""Delivery of the outbox: claim one due notification at a time (a lease), send it outside any
transaction, then mark it sent — or schedule a retry with exponential backoff, and give up
(dead) after CSPM_ALERT_MAX_ATTEMPTS.

A sent notification is never claimed again. The only way to send one twice is a crash between
the send and the mark; for that window the message carries the notification id as its
idempotency key (Idempotency-Key header, stable email Message-ID)."""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, When
from django.utils import timezone

from cspm.accounts.crypto import CredentialsUnreadable
from cspm.alerts.channels import channel_secrets
from cspm.alerts.message import GOOD_NEWS, Message
from cspm.alerts.models import Notification
from cspm.alerts.senders import SENDERS, SendError
from cspm.alerts.senders.base import scrub
from cspm.drift.severity import SEVERITIES

log = logging.getLogger(__name__)

# Longer than a send can take (each sender times out after CSPM_ALERT_TIMEOUT): a lease that
# expires belongs to a worker that died, and the notification is tried again.
LEASE = dt.timedelta(minutes=5)
FIRST_RETRY = 60  # seconds; doubles per attempt
MAX_BACKOFF = 3600
MAX_SHOWN = 500  # items loaded per message; each sender shows at most this many


def backoff(attempts: int) -> dt.timedelta:
    """Wait after the `attempts`-th failed attempt: 1 min, 2, 4, ... capped at 1 h."""
    return dt.timedelta(seconds=min(FIRST_RETRY * 2 ** max(0, attempts - 1), MAX_BACKOFF))


def _due(now: dt.datetime) -> Q:
    return (Q(status=Notification.Status.PENDING, next_attempt_at__lte=now)
            & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)))


def claim_next(now: dt.datetime) -> int | None:
    """Take one due notification for LEASE; None when nothing is due (or all due ones are taken)."""
    due = Notification.objects.filter(_due(now)).order_by("next_attempt_at", "id")
    lease = now + LEASE
    if connection.features.has_select_for_update_skip_locked:
        # PostgreSQL: rows another worker (or a poll appending to a digest) holds are skipped.
        with transaction.atomic():
            nid = due.select_for_update(skip_locked=True).values_list("id", flat=True).first()
            if nid is not None:
                Notification.objects.filter(pk=nid).update(claimed_until=lease)
            return nid
    # SQLite (the embedded default) has no row locks; a conditional UPDATE is atomic, one claimer wins.
    for nid in due.values_list("id", flat=True)[:20]:
        if Notification.objects.filter(_due(now), pk=nid).update(claimed_until=lease):
            return nid
    return None


def build_message(notification: Notification) -> Message:
    items = notification.items.order_by()
    rank = Case(*[When(severity=s, then=i) for i, s in enumerate(SEVERITIES)], output_field=IntegerField())
    shown = list(items.annotate(rank=rank).order_by("-rank", "id").values_list("payload", flat=True)[:MAX_SHOWN])
    kinds = dict(items.values_list("kind").annotate(n=Count("id")))
    severities = dict(items.exclude(kind__in=GOOD_NEWS).values_list("severity").annotate(n=Count("id")))
    accounts = sorted(set(items.values_list("payload__account__name", flat=True)))
    return Message(key=str(notification.pk), mode=notification.mode, channel=notification.channel.name,
                   created_at=notification.created_at, items=shown, total=sum(kinds.values()), kinds=kinds,
                   severities=severities, accounts=accounts)


def deliver_one(notification_id: int, now: dt.datetime) -> str | None:
    """Send one claimed notification; returns sent, retrying or dead (None: its channel was
    removed meanwhile, and the notification with it)."""
    notification = Notification.objects.select_related("channel").filter(pk=notification_id).first()
    if notification is None:
        return None
    channel = notification.channel
    secrets: dict = {}
    try:
        secrets = channel_secrets(channel)
        SENDERS[channel.kind](channel.config, secrets, build_message(notification))
    except (SendError, CredentialsUnreadable) as exc:
        return _failed(notification, str(exc), getattr(exc, "retry_after", None), now)
    except Exception as exc:  # a bug must not wedge the outbox: recorded, retried, visible
        error = scrub(f"internal error: {type(exc).__name__}: {exc}", secrets)
        log.error("delivery of notification %s failed: %s", notification_id, error)
        return _failed(notification, error, None, now)
    Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, claimed_until=None)
    return "sent"


def _failed(notification: Notification, error: str, retry_after: float | None, now: dt.datetime) -> str:
    attempts = notification.attempts + 1
    dead = attempts >= settings.CSPM_ALERT_MAX_ATTEMPTS
    wait = backoff(attempts)
    if retry_after:  # the receiver asked for a pause (HTTP 429 Retry-After): honour it, within reason
        wait = max(wait, dt.timedelta(seconds=min(retry_after, MAX_BACKOFF)))
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.PENDING).update(
        status=Notification.Status.DEAD if dead else Notification.Status.PENDING, attempts=attempts,
        next_attempt_at=now + wait, last_error=" ".join(error.split())[:500], claimed_until=None)
    log.warning("notification %s to %s failed (attempt %s): %s", notification.pk, notification.channel.name,
                attempts, error)
    return "dead" if dead else "retrying"


def deliver_due(*, now: dt.datetime | None = None, limit: int = 100, budget_seconds: float = 240) -> dict[str, int]:
    """Send what is due, one notification at a time, until nothing is due, `limit` were tried or
    the time budget is spent (the rest waits for the next run). `now` fixes the clock (tests)."""
    report = {"sent": 0, "retrying": 0, "dead": 0}
    started = time.monotonic()
    for _ in range(limit):
        if time.monotonic() - started > budget_seconds:
            break
        clock = now or timezone.now()
        notification_id = claim_next(clock)
        if notification_id is None:
            break
        outcome = deliver_one(notification_id, clock)
        if outcome is not None:
            report[outcome] += 1
    return report
