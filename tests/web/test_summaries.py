"""The dashboard's pre-computed figures agree with the rows they summarise: finding counts after
polls, triage and a baseline approval, and the per-organization daily scores."""

import datetime as dt

import pytest
from django.db.models import Count, Sum
from django.utils import timezone

from cspm.compliance.models import DailyScore, OrganizationDailyScore
from cspm.compliance.tasks import refresh_trend_task
from cspm.drift.findings import finding_accept, finding_acknowledge, finding_suppress
from cspm.drift.models import DriftFinding, FindingCount
from cspm.drift.tasks import refresh_summaries_task

pytestmark = pytest.mark.django_db



def counted() -> dict[tuple, int]:
    return {tuple(key): n for *key, n in FindingCount.objects.exclude(n=0).values_list(
        "account_id", "source", "status", "severity", "n")}


def actual() -> dict[tuple, int]:
    rows = (DriftFinding.objects.filter(status__in=DriftFinding.LIVE_STATUSES)
            .values_list("account_id", "control_id", "status", "severity").annotate(n=Count("id")).order_by())
    out: dict[tuple, int] = {}
    for account, control, status, severity, n in rows:
        key = (account, "control" if control else "drift", status, severity)
        out[key] = out.get(key, 0) + n
    return out


def test_finding_counts_follow_polls_and_triage(world):
    assert actual() and counted() == actual()
    live = list(DriftFinding.objects.filter(status="open").order_by("id"))
    drift = next(f for f in live if not f.control_id)
    control = next(f for f in live if f.control_id)
    finding_acknowledge(finding_id=drift.pk, actor="t")
    assert counted() == actual()
    finding_suppress(finding_id=control.pk, actor="t", reason="exception",
                     until=timezone.now() + dt.timedelta(days=3))
    assert counted() == actual()
    finding_accept(finding_id=drift.pk, actor="t", reason="fine")
    assert counted() == actual()
    finding_accept(finding_id=control.pk, actor="t", reason="risk accepted")  # suppressed -> accepted
    assert counted() == actual()
    assert DriftFinding.objects.get(pk=control.pk).status == "accepted"


def test_the_periodic_tasks_mend_what_was_written_behind_their_back(world):
    FindingCount.objects.update(n=99)
    DriftFinding.objects.filter(status="open").update(status="acknowledged")
    refresh_summaries_task()
    assert counted() == actual()
    OrganizationDailyScore.objects.all().delete()
    refresh_trend_task()
    summed = {(day, org, sev): (p, f) for day, org, sev, p, f in DailyScore.objects.values_list(
        "day", "account__organization_id", "severity").annotate(p=Sum("passed"), f=Sum("failed")).order_by()}
    assert summed and summed == {(day, org, sev): (p, f) for day, org, sev, p, f in
                                 OrganizationDailyScore.objects.values_list("day", "organization_id", "severity",
                                                                           "passed", "failed")}
