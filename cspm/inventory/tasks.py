"""Celery tasks of the inventory: thin wrappers that take ids and call one service."""

from celery import shared_task

from collectors.errors import ThrottledError, TransientError
from cspm.inventory.ingest import ConcurrentPoll
from cspm.inventory.poll import poll_account


@shared_task(
    name="cspm.inventory.poll_account",
    acks_late=True,
    reject_on_worker_lost=True,  # a poll is safe to run twice: it writes only what changed
    autoretry_for=(ConcurrentPoll, ThrottledError, TransientError),
    retry_backoff=30,
    max_retries=5,
)
def poll_account_task(account_id: int) -> int:
    """Poll one account; returns the snapshot id."""
    return poll_account(account_id).snapshot.pk
