"""Celery tasks of the inventory: thin wrappers that take ids and call one service each.

A poll is three kinds of task (runs.py): poll_account opens a run and sends one collect task
per collector to its cloud's queue; the last collect task in sends finalize, which writes the
snapshot and ends the account's claim. Every task is safe to run twice (acks_late: a task whose
worker died is run again), and sends what follows only once its own writes are committed.
"""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction

from cspm.accounts.models import CloudAccount
from cspm.inventory.models import PollRun
from cspm.inventory.runs import collect_output, finalize_run, start_run
from cspm.inventory.scheduling import claim, due_accounts, release

# A database that went away for a moment: the step is retried, never half-written.
DATABASE_HICCUPS = (InterfaceError, OperationalError)
SAFE_TWICE = {"acks_late": True, "reject_on_worker_lost": True, "autoretry_for": DATABASE_HICCUPS,
              "retry_backoff": 5, "max_retries": 5}


@shared_task(name="cspm.inventory.poll_account", **SAFE_TWICE)
def poll_account_task(account_id: int) -> int | None:
    """Open a poll run and fan out its collect tasks; returns the run id (None: the account was
    removed or disabled since it was scheduled)."""
    try:
        run = start_run(account_id)
    except Exception:
        release(account_id)
        raise
    if run is None:
        release(account_id)
        return None
    provider = CloudAccount.objects.values_list("provider", flat=True).get(pk=account_id)
    if run.state == PollRun.State.FINALIZING:  # nothing to collect
        transaction.on_commit(lambda: finalize_task.apply_async((run.pk,)))
    for key in run.collectors:
        transaction.on_commit(lambda k=key: collect_task.apply_async((run.pk, k), queue=provider))
    return run.pk


@shared_task(name="cspm.inventory.collect", **SAFE_TWICE)
def collect_task(run_id: int, collector_key: str) -> bool:
    """Run one collector of a run; the last one in sends finalize."""
    last = collect_output(run_id, collector_key)
    if last:
        transaction.on_commit(lambda: finalize_task.apply_async((run_id,)))
    return last


@shared_task(name="cspm.inventory.finalize", **SAFE_TWICE)
def finalize_task(run_id: int) -> int | None:
    """Write the run's snapshot and end the account's claim; returns the snapshot id."""
    account_id = PollRun.objects.values_list("account_id", flat=True).filter(pk=run_id).first()
    closed, result = finalize_run(run_id)
    if closed:  # a repeated finalize must not end the claim of the account's next poll
        release(account_id)
    return result.snapshot.pk if result else None


@shared_task(name="cspm.inventory.schedule_due_polls", acks_late=True, reject_on_worker_lost=True)
def schedule_due_polls() -> list[int]:
    """Beat's task: claim every due account and send one poll per account to its cloud's queue,
    once the claim is committed. Returns the ids it dispatched."""
    ttl = dt.timedelta(seconds=settings.CSPM_POLL_CLAIM_SECONDS)
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
