"""Which accounts are due for a poll, and the claim that keeps one account to one poll at a time.

The claim is a conditional UPDATE, so two schedulers (two beats, or a beat and a person running
`poll`) can never both win it; it expires, so a poll whose worker died is polled again later —
the watchdog is simply the next scheduler run after the expiry.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from cspm.accounts.models import CloudAccount


def due_accounts(now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Enabled accounts whose interval has passed since their last poll and that no live claim
    holds; never polled ones first, then the most overdue. (Accounts number in the thousands at
    most: filtering their due times in Python keeps this the same on SQLite and PostgreSQL.)"""
    now = now or timezone.now()
    rows = (CloudAccount.objects.filter(enabled=True)
            .filter(Q(poll_claimed_until__isnull=True) | Q(poll_claimed_until__lt=now))
            .values_list("id", "last_polled_at", "poll_interval_seconds"))
    due = []
    for account_id, last, seconds in rows:
        when = last + dt.timedelta(seconds=seconds) if last else None
        if when is None or when <= now:
            due.append((when is not None, when or now, account_id))
    return [account_id for *_, account_id in sorted(due)[:limit]]


def next_poll(account: CloudAccount) -> dt.datetime | None:
    """When the account is due; None if it was never polled (due at once)."""
    if account.last_polled_at is None:
        return None
    return account.last_polled_at + dt.timedelta(seconds=account.poll_interval_seconds)


def claim(account_id: int, ttl: dt.timedelta, now: dt.datetime | None = None) -> bool:
    """Take the account for one poll; False if a live claim holds it."""
    now = now or timezone.now()
    return bool(CloudAccount.objects.filter(pk=account_id)
                .filter(Q(poll_claimed_until__isnull=True) | Q(poll_claimed_until__lt=now))
                .update(poll_claimed_until=now + ttl))


def release(account_id: int) -> None:
    CloudAccount.objects.filter(pk=account_id).update(poll_claimed_until=None)
