"""Scores: pass/fail counts per account, benchmark and severity, moved by deltas as results
change (so a poll's cost follows its changes), copied per day for trends, and summed for any
grouping in one query."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db.models import F, Sum

from cspm.accounts.models import CloudAccount
from cspm.compliance.controls import FAIL, PASS, WEIGHTS
from cspm.compliance.models import AccountScore, DailyScore, OrganizationDailyScore

# (benchmark, severity, status) -> +n / -n
Delta = Counter


def count_delta(delta: Delta, benchmark: str, severity: str, status: str, n: int) -> None:
    if status in (PASS, FAIL):
        delta[(benchmark, severity, status)] += n


def apply_delta(account_id: int, delta: Delta, day: dt.date) -> None:
    rows: dict[tuple[str, str], list[int]] = {}
    for (benchmark, severity, status), n in delta.items():
        if n:
            row = rows.setdefault((benchmark, severity), [0, 0])
            row[0 if status == PASS else 1] += n
    for (benchmark, severity), (passed, failed) in rows.items():
        score, _ = AccountScore.objects.get_or_create(account_id=account_id, benchmark=benchmark, severity=severity)
        AccountScore.objects.filter(pk=score.pk).update(passed=F("passed") + passed, failed=F("failed") + failed)
    if rows:
        snapshot_day(account_id, day)


def snapshot_day(account_id: int, day: dt.date) -> None:
    """Today's row of the trend: the account's counts as they stand now."""
    current = list(AccountScore.objects.filter(account_id=account_id).values_list(
        "benchmark", "severity", "passed", "failed"))
    DailyScore.objects.bulk_create(
        [DailyScore(day=day, account_id=account_id, benchmark=b, severity=s, passed=p, failed=f)
         for b, s, p, f in current],
        update_conflicts=True, unique_fields=["day", "account", "benchmark", "severity"],
        update_fields=["passed", "failed"])
    organization_id = CloudAccount.objects.values_list("organization_id", flat=True).get(pk=account_id)
    organization_days_refresh(days=[day], organization_ids=[organization_id])


def organization_days_refresh(*, days: Iterable[dt.date], organization_ids: Iterable[int] | None = None) -> int:
    """Recount OrganizationDailyScore (DailyScore summed per organization) for these days (and
    organizations; None: all). Zeroed rather than deleted, so concurrent recounts only upsert."""
    days = list(days)
    rows = DailyScore.objects.filter(day__in=days)
    current = OrganizationDailyScore.objects.filter(day__in=days)
    if organization_ids is not None:
        organization_ids = list(organization_ids)
        rows = rows.filter(account__organization_id__in=organization_ids)
        current = current.filter(organization_id__in=organization_ids)
    summed = [OrganizationDailyScore(day=day, organization_id=org, severity=sev, passed=p, failed=f)
              for day, org, sev, p, f in rows.values_list("day", "account__organization_id", "severity")
              .annotate(p=Sum("passed"), f=Sum("failed")).order_by()]
    current.exclude(passed=0, failed=0).update(passed=0, failed=0)
    OrganizationDailyScore.objects.bulk_create(summed, batch_size=2000, update_conflicts=True,
                                               unique_fields=["day", "organization", "severity"],
                                               update_fields=["passed", "failed"])
    return len(summed)


def weighted(rows: list[tuple[str, int, int]]) -> float | None:
    """Score in percent from (severity, passed, failed) rows: failures weigh by severity."""
    total = sum(WEIGHTS.get(sev, 1) * (p + f) for sev, p, f in rows)
    if not total:
        return None
    return round(100.0 * sum(WEIGHTS.get(sev, 1) * p for sev, p, _ in rows) / total, 1)


GROUPS = {
    "account": "account__name",
    "organization": "account__organization__name",
    "provider": "account__provider",
    "benchmark": "benchmark",
    "severity": "severity",
}


def scores(group_by: list[str], queryset=None) -> list[dict]:
    """Pass/fail counts and weighted score per group, in one query over the account rows."""
    fields = [GROUPS[g] for g in group_by]
    qs = (queryset if queryset is not None else AccountScore.objects.all())
    rows = qs.values(*fields, "severity").annotate(p=Sum("passed"), f=Sum("failed")).order_by(*fields)
    grouped: dict[tuple, list[tuple[str, int, int]]] = {}
    for row in rows:
        grouped.setdefault(tuple(row[f] for f in fields), []).append((row["severity"], row["p"], row["f"]))
    return [{**dict(zip(group_by, key, strict=True)), "passed": sum(p for _, p, _ in parts),
             "failed": sum(f for _, _, f in parts), "score": weighted(parts)}
            for key, parts in grouped.items()]


def trend(queryset) -> list[dict]:
    """Per day: pass/fail counts and weighted score, from DailyScore rows (one query)."""
    rows = queryset.values("day", "severity").annotate(p=Sum("passed"), f=Sum("failed")).order_by("day")
    days: dict = {}
    for row in rows:
        days.setdefault(row["day"], []).append((row["severity"], row["p"], row["f"]))
    return [{"day": day.isoformat(), "passed": sum(p for _, p, _ in parts), "failed": sum(f for _, _, f in parts),
             "score": weighted(parts)} for day, parts in days.items()]
