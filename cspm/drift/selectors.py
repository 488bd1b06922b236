"""Reads for findings and baselines."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from cspm.accounts.models import CloudAccount
from cspm.compliance.controls import CONTROLS, load
from cspm.core.errors import DomainError
from cspm.drift.models import BaselineApproval, DriftFinding

STATUS_FILTERS = {
    **{s: (s,) for s in DriftFinding.Status.values},
    # Still needing attention: open or acknowledged (suppressed ones are excepted until expiry).
    "open": (DriftFinding.Status.OPEN, DriftFinding.Status.ACKNOWLEDGED),
    "new": (DriftFinding.Status.OPEN,),
    "live": DriftFinding.LIVE_STATUSES,
    "all": None,
}


def findings_list(*, account: CloudAccount | None = None, status: str = "open",
                  source: str | None = "drift") -> QuerySet[DriftFinding]:
    """Findings of drift (source "drift"), of failing controls ("control"), or both (None)."""
    if status not in STATUS_FILTERS:
        raise DomainError(f"unknown status {status[:20]!r} (expected {', '.join(STATUS_FILTERS)})")
    qs = DriftFinding.objects.select_related("account", "account__organization", "resource")
    if source == "drift":
        qs = qs.filter(control_id="")
    elif source == "control":
        qs = qs.exclude(control_id="")
    if account is not None:
        qs = qs.filter(account=account)
    if STATUS_FILTERS[status] is not None:
        qs = qs.filter(status__in=STATUS_FILTERS[status])
    return qs.order_by("account__name", "resource__type", "resource__native_id", "id")


def finding_texts(f: DriftFinding) -> dict[str, str]:
    """Why it matters and how to fix it: stored with a drift finding; a control finding reads
    its control's, from the catalog (one copy, not one per failing resource)."""
    if f.control_id and not f.rationale:
        load()
        control = CONTROLS.get(f.control_id)
        if control is not None:
            return {"rationale": control.rationale,
                    "remediation": f"Console: {control.console}\nCLI: {control.cli}"}
    return {"rationale": f.rationale, "remediation": f.remediation}


def finding_as_dict(f: DriftFinding) -> dict[str, Any]:
    return {
        "id": f.pk,
        "account": f.account.name,
        "account_id": f.account.native_id,
        "organization": f.account.organization.name,
        "provider": f.account.provider,
        "environment": f.account.environment,
        "resource_type": f.resource.type,
        "resource_id": f.resource.native_id,
        "resource_name": f.resource.name,
        "region": f.resource.region,
        "kind": f.kind,
        "control": f.control_id or None,
        "severity": f.severity,
        "status": f.status,
        "changes": [{k: c.get(k) for k in ("path", "op", "before", "after", "severity", "rule")}
                    for c in f.changes],
        "reasons": f.reasons,
        **finding_texts(f),
        "opened_at": f.opened_at.isoformat(),
        "updated_at": f.updated_at.isoformat(),
        "resolved_at": f.resolved_at.isoformat() if f.resolved_at else None,
        "suppressed_until": f.suppressed_until.isoformat() if f.suppressed_until else None,
        "status_reason": f.status_reason or None,
        "status_changed_by": f.status_changed_by or None,
    }


def approvals_list(account: CloudAccount) -> QuerySet[BaselineApproval]:
    return BaselineApproval.objects.filter(account=account).select_related("snapshot", "resource")


def approval_as_dict(a: BaselineApproval) -> dict[str, Any]:
    return {
        "id": a.pk,
        "account": a.account.name,
        "scope": a.scope,
        "snapshot": a.snapshot_id,
        "resource": a.resource.native_id if a.resource_id else None,
        "approved_at": a.approved_at.isoformat(),
        "actor": a.actor,
        "reason": a.reason,
        "entries_changed": a.entries_changed,
    }
