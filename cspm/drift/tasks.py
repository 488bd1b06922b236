"""Celery tasks of the drift app: thin wrappers that call one service each."""

from celery import shared_task

from cspm.accounts.models import CloudAccount
from cspm.drift.summary import summary_refresh


@shared_task(name="cspm.drift.refresh_summaries", acks_late=True, reject_on_worker_lost=True, time_limit=300)
def refresh_summaries_task() -> int:
    """Recount every account's live findings (FindingCount): each change recounts its own account
    already; this mends what a concurrent writer may have left behind. Safe to run twice."""
    return summary_refresh(account_ids=CloudAccount.objects.values_list("id", flat=True))
