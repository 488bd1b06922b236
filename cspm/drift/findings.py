"""Analyst actions on drift findings: acknowledge, suppress (with reason and expiry), accept."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cspm.audit.log import record
from cspm.core.errors import DomainError, NotFound
from cspm.drift.baselines import baseline_accept_resource
from cspm.drift.evaluate import record_event
from cspm.drift.models import DriftFinding
from cspm.drift.summary import summary_shift

MAX_SUPPRESSION = dt.timedelta(days=366)


def _live_finding(finding_id: int) -> DriftFinding:
    finding = DriftFinding.objects.select_for_update().filter(pk=finding_id).first()
    if finding is None:
        raise NotFound(f"no finding {finding_id}")
    if finding.status not in DriftFinding.LIVE_STATUSES:
        raise DomainError(f"finding {finding_id} is {finding.status}: only live findings can change")
    return finding


@transaction.atomic
def finding_acknowledge(*, finding_id: int, actor: str, reason: str = "") -> DriftFinding:
    finding = _live_finding(finding_id)
    if finding.status != DriftFinding.Status.OPEN:
        raise DomainError(f"finding {finding_id} is {finding.status}, not open")
    return _set_status(finding, DriftFinding.Status.ACKNOWLEDGED, actor, reason, "acknowledged")


@transaction.atomic
def finding_suppress(*, finding_id: int, actor: str, reason: str, until: dt.datetime) -> DriftFinding:
    """An exception: the finding stays out of the way until `until`, then opens again."""
    if not (reason or "").strip():
        raise DomainError("a suppression needs a reason")
    now = timezone.now()
    if until <= now:
        raise DomainError("suppression expiry must be in the future")
    if until - now > MAX_SUPPRESSION:
        raise DomainError("suppression expiry must be within a year")
    finding = _live_finding(finding_id)
    finding.suppressed_until = until
    return _set_status(finding, DriftFinding.Status.SUPPRESSED, actor, reason.strip(), "suppressed",
                       {"until": until.isoformat()})


def finding_accept(*, finding_id: int, actor: str, reason: str = "", user=None) -> DriftFinding:
    """Accept the drift: the resource's current state becomes its baseline (and the finding
    settles as accepted through the evaluation that follows). For a failing control: accept the
    risk, for exactly this failure (a different failure of the control opens a new finding)."""
    with transaction.atomic():
        finding = _live_finding(finding_id)
        if finding.kind == DriftFinding.Kind.CONTROL:
            if not (reason or "").strip():
                raise DomainError("accepting the risk of a failing control needs a reason")
            finding.resolved_at = timezone.now()
            return _set_status(finding, DriftFinding.Status.ACCEPTED, actor, reason.strip(), "accepted")
        baseline_accept_resource(resource=finding.resource, actor=actor, reason=reason, user=user)
    finding.refresh_from_db()
    return finding


def _set_status(finding, status, actor, reason, action, detail=None) -> DriftFinding:
    now = timezone.now()
    old_status = finding.status
    finding.status = status
    finding.status_reason = reason
    finding.status_changed_by = actor
    finding.updated_at = now
    finding.save()
    summary_shift(finding, old_status)
    record_event(finding, now, actor, action, {"reason": reason, **(detail or {})})
    record(f"finding.{action}", target=finding, organization_id=finding.account.organization_id,
           detail={"reason": reason, "control": finding.control_id or None, **(detail or {})})
    return finding
