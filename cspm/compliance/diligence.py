"""The M&A due-diligence report of an organization: its accounts, what could be polled of them
(coverage), its scores against the golden rules it must meet (its parents'), and its worst open
findings. One dict, rendered as a page, a standalone HTML file or JSON."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, IntegerField, Q, When
from django.utils import timezone

from cspm.accounts.models import CloudAccount, Organization
from cspm.compliance.controls import CONTROLS, WEIGHTS, load
from cspm.compliance.golden import lineage
from cspm.compliance.models import ControlResult, GoldenRule
from cspm.compliance.scores import weighted
from cspm.compliance.selectors import organization_ids, score_rows
from cspm.core.errors import NotFound
from cspm.drift.models import DriftFinding
from cspm.drift.selectors import finding_as_dict
from cspm.drift.severity import SEVERITIES

WORST = 25


def due_diligence(organization: str, *, worst: int = WORST) -> dict[str, Any]:
    org = Organization.objects.select_related("parent").filter(name=organization).first()
    if org is None:
        raise NotFound(f"no organization named {organization[:100]!r}")
    load()
    scope = organization_ids(organization)
    accounts = list(CloudAccount.objects.filter(organization_id__in=scope)
                    .select_related("organization", "last_snapshot").order_by("provider", "name"))
    return {
        "organization": _organization(org),
        "generated_at": timezone.now().isoformat(),
        "accounts": [_coverage(a) for a in accounts],
        "coverage": _coverage_summary(accounts),
        "golden_rules": _golden(org, [a.pk for a in accounts]),
        "scores": score_rows(["provider", "benchmark"], organization=organization),
        "worst_findings": _worst(scope, worst),
    }


def _organization(org: Organization) -> dict[str, Any]:
    return {"name": org.name, "kind": org.kind, "parent": org.parent.name if org.parent else None,
            "acquired_on": org.acquired_on.isoformat() if org.acquired_on else None,
            "integration_stage": org.integration_stage or None}


def _coverage(account: CloudAccount) -> dict[str, Any]:
    snapshot = account.last_snapshot
    collectors = snapshot.collectors if snapshot else {}
    failed = {key: c.get("error", "") for key, c in sorted(collectors.items()) if c.get("status") != "ok"}
    return {"name": account.name, "provider": account.provider, "account_id": account.native_id,
            "organization": account.organization.name, "environment": account.environment,
            "enabled": account.enabled, "regions": account.regions or "all enabled",
            "last_polled_at": account.last_polled_at.isoformat() if account.last_polled_at else None,
            "status": snapshot.status if snapshot else "never polled",
            "collectors_ok": sorted(k for k, c in collectors.items() if c.get("status") == "ok"),
            "collectors_failed": failed,
            "gaps": sum(c.get("gaps", 0) for c in collectors.values())}


def _coverage_summary(accounts: list[CloudAccount]) -> dict[str, int]:
    statuses = [a.last_snapshot.status if a.last_snapshot else "never polled" for a in accounts]
    return {"accounts": len(accounts), "fully_polled": statuses.count("ok"), "partly_polled": statuses.count("partial"),
            "failed": statuses.count("failed"), "never_polled": statuses.count("never polled")}


def _golden(org: Organization, account_ids: list[int]) -> dict[str, Any]:
    """Pass/fail of the controls the organization must meet: its own golden rules and its
    parents' (the parent's rules are what an acquisition is measured against)."""
    rules = sorted(set(GoldenRule.objects.filter(organization__in=[o.pk for o in lineage(org)])
                       .values_list("control_id", flat=True)))
    counts = {(cid, status): n for cid, status, n in ControlResult.objects.filter(
        account_id__in=account_ids, control_id__in=rules).values_list("control_id", "status")
        .annotate(n=Count("id")).values_list("control_id", "status", "n")}
    controls = []
    for cid in rules:
        control = CONTROLS.get(cid)
        passed, failed = counts.get((cid, "pass"), 0), counts.get((cid, "fail"), 0)
        controls.append({"control": cid, "title": control.title if control else "(no longer in the catalog)",
                         "severity": control.severity if control else "", "passed": passed, "failed": failed})
    rows = [(c["severity"], c["passed"], c["failed"]) for c in controls if c["severity"] in WEIGHTS]
    return {"set_by": [o.name for o in lineage(org) if o.golden_rules.exists()], "controls": controls,
            "passed": sum(c["passed"] for c in controls), "failed": sum(c["failed"] for c in controls),
            "score": weighted(rows)}


def _worst(scope: list[int], limit: int) -> list[dict[str, Any]]:
    rank = Case(*[When(severity=s, then=i) for i, s in enumerate(SEVERITIES)], output_field=IntegerField())
    qs = (DriftFinding.objects.filter(Q(account__organization_id__in=scope),
                                      status__in=(DriftFinding.Status.OPEN, DriftFinding.Status.ACKNOWLEDGED))
          .select_related("account", "account__organization", "resource")
          .annotate(rank=rank).order_by("-rank", "opened_at", "id")[:limit])
    return [finding_as_dict(f) for f in qs]
