"""Reads of compliance: the catalog, results, scores, and the scope (account or organization,
acquisitions included) they are read for."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from cspm.accounts.models import CloudAccount, Organization
from cspm.compliance.controls import BENCHMARKS, CONTROLS, Control, load
from cspm.compliance.models import AccountScore, ControlResult, DailyScore
from cspm.compliance.scores import scores, trend
from cspm.core.errors import DomainError, NotFound


def control_as_dict(c: Control) -> dict[str, Any]:
    return {"id": c.id, "benchmark": c.benchmark.key, "benchmark_title": c.benchmark.title,
            "version": c.benchmark.version, "ref": c.ref, "title": c.title, "severity": c.severity,
            "provider": c.benchmark.provider, "resource_types": list(c.resource_types), "rationale": c.rationale,
            "remediation": {"console": c.console, "cli": c.cli}}


def catalog(benchmark: str | None = None) -> list[Control]:
    load()
    if benchmark and benchmark not in BENCHMARKS:
        raise DomainError(f"unknown benchmark {benchmark[:40]!r} (expected {', '.join(sorted(BENCHMARKS))})")
    return sorted((c for c in CONTROLS.values() if not benchmark or c.benchmark.key == benchmark),
                  key=lambda c: (c.benchmark.key, [int(p) if p.isdigit() else p for p in c.ref.split(".")]))


def organization_ids(name: str) -> list[int]:
    """The organization and every organization under it (its acquisitions, at any depth)."""
    org = Organization.objects.filter(name=name).first()
    if org is None:
        raise NotFound(f"no organization named {name[:100]!r}")
    ids, frontier = [org.pk], [org.pk]
    while frontier:
        frontier = list(Organization.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        ids += frontier
    return ids


def scoped(qs: QuerySet, *, account: CloudAccount | None = None, organization: str | None = None,
           provider: str | None = None, benchmark: str | None = None) -> QuerySet:
    """Filter a queryset of rows that have an `account` and a `benchmark` column."""
    if account is not None:
        qs = qs.filter(account=account)
    if organization:
        qs = qs.filter(account__organization_id__in=organization_ids(organization))
    if provider:
        qs = qs.filter(account__provider=provider)
    if benchmark:
        catalog(benchmark)  # validates the key
        qs = qs.filter(benchmark__startswith=f"{benchmark}-")
    return qs


def score_rows(group_by: list[str], **scope) -> list[dict]:
    return scores(group_by, scoped(AccountScore.objects.all(), **scope))


def trend_rows(days: int, **scope) -> list[dict]:
    if not 1 <= days <= 3660:
        raise DomainError("--days must be between 1 and 3660")
    since = timezone.localdate() - dt.timedelta(days=days - 1)
    return trend(scoped(DailyScore.objects.filter(day__gte=since), **scope))


def results_list(*, status: str | None = None, control: str | None = None, **scope) -> QuerySet[ControlResult]:
    qs = scoped(ControlResult.objects.select_related("account", "account__organization", "resource"), **scope)
    if status:
        if status not in ("pass", "fail", "n/a", "error"):
            raise DomainError(f"unknown status {status[:20]!r} (expected pass, fail, n/a or error)")
        qs = qs.filter(status=status)
    if control:
        qs = qs.filter(Q(control_id=control))
    return qs.order_by("account__name", "control_id", "resource__type", "resource__native_id")


def result_as_dict(r: ControlResult) -> dict[str, Any]:
    c = CONTROLS.get(r.control_id)
    return {"account": r.account.name, "organization": r.account.organization.name, "provider": r.account.provider,
            "control": r.control_id, "title": c.title if c else "", "benchmark": r.benchmark, "severity": r.severity,
            "status": r.status, "resource_type": r.resource.type, "resource_id": r.resource.native_id,
            "resource_name": r.resource.name, "region": r.resource.region, "detail": r.detail, "path": r.path,
            "evaluated_at": r.evaluated_at.isoformat()}
