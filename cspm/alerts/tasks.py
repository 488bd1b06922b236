"""Celery tasks of the alerts: thin wrappers around the delivery service."""

from celery import shared_task

from cspm.alerts.deliver import deliver_due


@shared_task(
    name="cspm.alerts.deliver_due",
    acks_late=True,
    reject_on_worker_lost=True,  # safe to run twice: leases keep two runs off one notification
    time_limit=300,
    soft_time_limit=280,  # deliver_due stops itself after 240 s
    ignore_result=True,
)
def deliver_due_task() -> dict[str, int]:
    """Beat's task (every minute) and the one a poll dispatches when it wrote an alert."""
    return deliver_due()
