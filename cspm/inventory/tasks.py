"""Celery tasks of the inventory: thin wrappers that take ids and call one service."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db import transaction

from collectors.errors import ThrottledError, TransientError
from cspm.accounts.models import CloudAccount
from cspm.inventory.ingest import ConcurrentPoll
from cspm.inventory.poll import poll_account
from cspm.inventory.scheduling import claim, due_accounts, release


@shared_task(
    name="cspm.inventory.poll_account",
    acks_late=True,
    reject_on_worker_lost=True,  # a poll is safe to run twice: it writes only what changed
    autoretry_for=(ConcurrentPoll, ThrottledError, TransientError),
    retry_backoff=30,
    max_retries=5,
)
def poll_account_task(account_id: int) -> int:
    """Poll one account; returns the snapshot id. Ends the account's claim however it ends."""
    try:
        return poll_account(account_id).snapshot.pk
    finally:
        release(account_id)


@shared_task(name="cspm.inventory.schedule_due_polls", acks_late=True, reject_on_worker_lost=True)
def schedule_due_polls() -> list[int]:
    """Beat's task: claim every due account and send one poll per account to its cloud's queue,
    once the claim is committed. Returns the ids it dispatched."""
    ttl = dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    dispatched = []
    due = due_accounts()
    providers = dict(CloudAccount.objects.filter(pk__in=due).values_list("id", "provider"))
    for account_id in due:
        with transaction.atomic():
            if not claim(account_id, ttl):
                continue  # another scheduler got it first
            transaction.on_commit(
                lambda a=account_id, q=providers[account_id]: poll_account_task.apply_async((a,), queue=q))
        dispatched.append(account_id)
    return dispatched
