"""Celery tasks of the compliance app: thin wrappers that call one service each."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from cspm.compliance.scores import organization_days_refresh

TREND_DAYS = 30


@shared_task(name="cspm.compliance.refresh_trend", acks_late=True, reject_on_worker_lost=True, time_limit=300)
def refresh_trend_task(days: int = TREND_DAYS) -> int:
    """Recount the organizations' daily scores of the last `days` days: each poll recounts its own
    organization's day already; this mends what concurrent polls or a moved or deleted account
    left behind. Safe to run twice."""
    today = timezone.localdate()
    return organization_days_refresh(days=[today - dt.timedelta(days=i) for i in range(days)])
