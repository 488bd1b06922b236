"""The dashboard's reads, as plain functions over the accounts the permission layer gives a user
(access.accounts_for: a queryset, used below as a subquery). Each is one aggregate query (or a
LIMITed list), so the page's query count does not grow with accounts, findings or resources.

Figures come from pre-computed summaries, never from counting the big tables per request:
finding counts from FindingCount (cspm/drift/summary.py: recounted per account as its findings
change, and periodically), scores from AccountScore (moved by each poll) and the trend from
OrganizationDailyScore (recounted per organization and day as polls move the scores)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from cspm.accounts import access
from cspm.accounts.models import CloudAccount
from cspm.compliance.controls import BENCHMARKS, load
from cspm.compliance.models import AccountScore, OrganizationDailyScore
from cspm.compliance.scores import trend, weighted
from cspm.drift.models import DriftFinding, FindingCount
from cspm.inventory.models import ResourceVersion, Snapshot
from cspm.inventory.selectors import STALE_FACTOR, stale_filter

OPEN = (DriftFinding.Status.OPEN, DriftFinding.Status.ACKNOWLEDGED)
SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")
EXPOSED = ("critical", "high")  # open findings of these severities count as internet exposure
PROVIDERS = tuple(CloudAccount.Provider)
TREND_DAYS = 30
RISKIEST, RECENT, UNHEALTHY = 10, 20, 20


def visible_accounts(user) -> QuerySet[CloudAccount]:
    """The user's accounts: the one place the dashboard asks the permission layer."""
    return access.accounts_for(user, "view")


def benchmark_key(stored: str) -> str:
    """"cis_eks-1.8.0" (as results and scores keep it) -> "cis_eks" (the catalog's key)."""
    return stored.split("-", 1)[0]


def benchmark_title(key: str) -> str:
    load()
    bench = BENCHMARKS.get(key)
    # With its version: the catalog holds two versions of the CIS Azure Foundations benchmark.
    return f"{bench.title} v{bench.version}" if bench else key


def drift_by_severity(accounts: QuerySet) -> list[dict]:
    """Open drift (not control failures) per severity, every severity listed."""
    counts = dict(FindingCount.objects.filter(account__in=accounts, source="drift", status__in=OPEN)
                  .values_list("severity").annotate(total=Sum("n")).order_by())
    return [{"severity": s, "count": counts.get(s, 0)} for s in SEVERITY_ORDER]


def _score(parts: dict[str, list[int]]) -> dict:
    rows = [(sev, p, f) for sev, (p, f) in parts.items()]
    return {"passed": sum(p for _, p, _ in rows), "failed": sum(f for _, _, f in rows), "score": weighted(rows)}


def compliance_scores(accounts: QuerySet) -> dict[str, list[dict]]:
    """Scores per cloud, organization and framework, from the pre-aggregated AccountScore rows
    (one query: grouped by all three and severity, summed up here)."""
    rows = (AccountScore.objects.filter(account__in=accounts)
            .values_list("account__provider", "account__organization_id", "account__organization__name",
                         "benchmark", "severity")
            .annotate(p=Sum("passed"), f=Sum("failed")).order_by())
    groups: dict[str, dict] = {"provider": {}, "organization": {}, "benchmark": {}}
    labels: dict[str, dict] = {"provider": dict(CloudAccount.Provider.choices), "organization": {}, "benchmark": {}}
    for provider, org_id, org_name, bench, severity, p, f in rows:
        key = benchmark_key(bench)
        labels["organization"][org_id] = org_name
        labels["benchmark"][key] = benchmark_title(key)
        for group, value in (("provider", provider), ("organization", org_id), ("benchmark", key)):
            counts = groups[group].setdefault(value, {}).setdefault(severity, [0, 0])
            counts[0] += p
            counts[1] += f
    return {group: sorted(({"key": value, "label": labels[group].get(value, value), **_score(parts)}
                           for value, parts in by.items()), key=lambda r: str(r["label"]).lower())
            for group, by in groups.items()}


def score_trend(org_ids: list[int], days: int = TREND_DAYS) -> list[dict]:
    """The weighted score per day over the last `days` days (every day listed; None: no data), of
    the user's organizations (a user's reach is whole organizations): from the per-organization
    daily sums, not from every account's rows."""
    today = timezone.localdate()
    since = today - dt.timedelta(days=days - 1)
    rows = OrganizationDailyScore.objects.filter(organization_id__in=org_ids, day__gte=since)
    known = {row["day"]: row for row in trend(rows)}
    out = []
    for i in range(days):
        day = (since + dt.timedelta(days=i)).isoformat()
        row = known.get(day, {})
        out.append({"day": day, "score": row.get("score"), "passed": row.get("passed"), "failed": row.get("failed")})
    return out


def riskiest_accounts(accounts: QuerySet, limit: int = RISKIEST) -> list[CloudAccount]:
    """Production first, then accounts with exposed (critical/high open) findings, then by open
    findings: one grouped query over the accounts' finding counts."""
    live = Q(finding_counts__status__in=OPEN)
    return list(
        accounts.select_related("organization")
        .annotate(open_findings=Coalesce(Sum("finding_counts__n", filter=live), 0),
                  exposed=Coalesce(Sum("finding_counts__n", filter=live & Q(finding_counts__severity__in=EXPOSED)),
                                   0),
                  prod_rank=Case(When(environment=CloudAccount.Environment.PROD, then=Value(0)), default=Value(1),
                                 output_field=IntegerField()))
        .annotate(has_exposed=Least(F("exposed"), Value(1)))
        .order_by("prod_rank", "-has_exposed", "-open_findings", "name")[:limit])


def recent_changes(accounts: QuerySet, limit: int = RECENT) -> list[ResourceVersion]:
    """The newest configuration events of the user's resources: ORDER BY id DESC LIMIT, joined."""
    return list(ResourceVersion.objects.filter(resource__account__in=accounts)
                .select_related("resource", "resource__account", "resource__account__organization")
                .defer("config", "tags", "resource__tags")
                .order_by("-id")[:limit])


def _health_filters(accounts: QuerySet, now: dt.datetime) -> tuple[Q, Q]:
    failing = Q(last_snapshot__status__in=(Snapshot.Status.FAILED, Snapshot.Status.PARTIAL))
    stale = Q(enabled=True) & (Q(last_polled_at__isnull=True) | stale_filter(accounts, now))
    return failing, stale


def collection_health(accounts: QuerySet, limit: int = UNHEALTHY) -> dict:
    """Counts of failing (last snapshot failed or partial) and stale (not polled for three
    intervals, or never) accounts, and the first of them: three queries."""
    now = timezone.now()
    failing, stale = _health_filters(accounts, now)
    counts = accounts.aggregate(total=Count("id"), failing=Count("id", filter=failing),
                                stale=Count("id", filter=stale))
    rows = list(accounts.filter(failing | stale).select_related("organization", "last_snapshot")
                .order_by("organization__name", "name")[:limit])
    for a in rows:
        a.is_failing = bool(a.last_snapshot and a.last_snapshot.status in (Snapshot.Status.FAILED,
                                                                            Snapshot.Status.PARTIAL))
        overdue = dt.timedelta(seconds=STALE_FACTOR * a.poll_interval_seconds)
        a.is_stale = a.enabled and (a.last_polled_at is None or a.last_polled_at < now - overdue)
    return {**counts, "accounts": rows}


def organization_numbers(org_ids: list[int]) -> dict[int, dict]:
    """Per organization: accounts per cloud, open drift and weighted score (three grouped queries)."""
    numbers: dict[int, dict] = defaultdict(lambda: {"clouds": dict.fromkeys(PROVIDERS, 0), "drift": 0,
                                                    "score": None, "passed": 0, "failed": 0})
    for org_id, provider, n in (CloudAccount.objects.filter(organization_id__in=org_ids)
                                .values_list("organization_id", "provider").annotate(n=Count("id")).order_by()):
        numbers[org_id]["clouds"][provider] = n
    for org_id, n in (FindingCount.objects.filter(account__organization_id__in=org_ids, source="drift",
                                                  status__in=OPEN)
                      .values_list("account__organization_id").annotate(total=Sum("n")).order_by()):
        numbers[org_id]["drift"] = n
    parts: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for org_id, severity, p, f in (AccountScore.objects.filter(account__organization_id__in=org_ids)
                                   .values_list("account__organization_id", "severity")
                                   .annotate(p=Sum("passed"), f=Sum("failed")).order_by()):
        parts[org_id][severity] = [p, f]
    for org_id, by_severity in parts.items():
        numbers[org_id].update(_score(by_severity))
    return numbers


def framework_matrix(accounts: QuerySet) -> list[dict]:
    """Rows: the catalog's benchmarks; columns: clouds; cells: pass/fail and score (one query)."""
    load()
    cells: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(dict)
    for bench, provider, severity, p, f in (AccountScore.objects.filter(account__in=accounts)
                                            .values_list("benchmark", "account__provider", "severity")
                                            .annotate(p=Sum("passed"), f=Sum("failed")).order_by()):
        counts = cells[(benchmark_key(bench), provider)].setdefault(severity, [0, 0])
        counts[0] += p
        counts[1] += f
    rows = []
    for key, bench in sorted(BENCHMARKS.items(), key=lambda kv: (kv[1].provider, kv[0])):
        row = {"key": key, "title": bench.title, "version": bench.version, "provider": bench.provider, "cells": []}
        for provider in PROVIDERS:
            parts = cells.get((key, provider))
            row["cells"].append({"provider": provider, "applies": provider == bench.provider,
                                 **(_score(parts) if parts else {"passed": 0, "failed": 0, "score": None})})
        rows.append(row)
    return rows
