"""Scores: pass/fail counts per account, benchmark and severity, moved by deltas as results
change (so a poll's cost follows its changes), copied per day for trends, and summed for any
grouping in one query."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import F, Sum

from cspm.compliance.controls import FAIL, PASS, WEIGHTS
from cspm.compliance.models import AccountScore, DailyScore

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
