"""Drift evaluation: compare resources with their baseline and keep one live finding per
resource in step. Called for the resources a poll (or an approval) touched: per change only."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import orjson
from django.db.models import Q
from django.utils import timezone

from cspm.accounts.models import CloudAccount
from cspm.drift.diff import diff_configs
from cspm.drift.models import BaselineApproval, BaselineEntry, DriftFinding, FindingEvent
from cspm.drift.severity import assess
from cspm.inventory.models import Resource, Snapshot
from cspm.inventory.selectors import version_configs

SYSTEM = "system"


@dataclass
class Drift:
    kind: str
    changes: list[dict]
    baseline_version_id: int | None
    current_version_id: int | None
    before: dict | None = None
    after: dict | None = None


@dataclass
class EvaluationCounts:
    opened: int = 0
    updated: int = 0
    resolved: int = 0
    reopened: int = 0
    # (finding id, action) of every change this evaluation made, in order: what alerts are made of
    events: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"opened": self.opened, "updated": self.updated, "resolved": self.resolved,
                "reopened": self.reopened}


def has_baseline(account_id: int) -> bool:
    return BaselineApproval.objects.filter(account_id=account_id).exists()


def evaluate_resources(
    account: CloudAccount,
    resource_ids: Iterable[int],
    *,
    snapshot: Snapshot | None = None,
    settled_status: str = DriftFinding.Status.RESOLVED,
    actor: str = SYSTEM,
) -> EvaluationCounts:
    """Open, update or settle findings for these resources. `settled_status` is what a finding
    becomes when its drift is gone: resolved (the config came back) or accepted (the baseline
    moved to the config)."""
    counts = EvaluationCounts()
    ids = sorted(set(resource_ids))
    if not ids or not has_baseline(account.pk):
        return counts
    now = timezone.now()
    for chunk in (ids[i:i + 2000] for i in range(0, len(ids), 2000)):
        _evaluate_chunk(account, chunk, snapshot, settled_status, actor, now, counts)
    return counts


def _evaluate_chunk(account, ids, snapshot, settled_status, actor, now, counts) -> None:
    resources = {r.pk: r for r in Resource.objects.filter(pk__in=ids).only(
        "id", "type", "current_hash", "current_version_id", "removed_at")}
    entries = {e.resource_id: e for e in BaselineEntry.objects.filter(resource_id__in=ids, valid_to__isnull=True)
               .select_related("version").only("resource_id", "version__id", "version__hash")}
    live = {f.resource_id: f for f in DriftFinding.objects.filter(
        resource_id__in=ids, control_id="", status__in=DriftFinding.LIVE_STATUSES)}
    drifts: dict[int, Drift] = {}
    for rid, res in resources.items():
        entry = entries.get(rid)
        if entry is None:
            if res.removed_at is None:
                drifts[rid] = Drift("added", [], None, res.current_version_id)
        elif res.removed_at is not None:
            drifts[rid] = Drift("removed", [], entry.version.pk, None)
        elif entry.version.hash != res.current_hash:
            drifts[rid] = Drift("modified", [], entry.version.pk, res.current_version_id)
    # Rules weigh whole configs (a sibling field, what an added resource exposes): load them all.
    configs = version_configs({v for d in drifts.values() for v in (d.baseline_version_id, d.current_version_id)
                               if v is not None})
    for rid, drift in list(drifts.items()):
        drift.before = configs.get(drift.baseline_version_id)
        drift.after = configs.get(drift.current_version_id)
        if drift.kind == "modified":
            drift.changes = diff_configs(resources[rid].type, drift.before, drift.after)
            if not drift.changes:
                # Same config, other hash: only name, region or record tags moved (config owns tags).
                del drifts[rid]
    for rid, res in resources.items():
        _settle_one(account, res, drifts.get(rid), live.get(rid), snapshot, settled_status, actor, now, counts)


def _settle_one(account, res, drift, finding, snapshot, settled_status, actor, now, counts) -> None:
    if drift is None:
        if finding is not None:
            finding.status = settled_status
            finding.resolved_at = now
            finding.updated_at = now
            finding.status_changed_by = actor
            if snapshot is not None:
                finding.last_snapshot = snapshot
            finding.save()
            record_event(finding, now, actor, settled_status)
            counts.resolved += 1
            counts.events.append((finding.pk, settled_status))
        return
    verdict = assess(res.type, drift.kind, drift.changes, account.environment, before=drift.before,
                     after=drift.after)
    fingerprint = _fingerprint(drift)
    if finding is None:
        finding = DriftFinding.objects.create(
            account=account, resource=res, kind=drift.kind, severity=verdict["severity"],
            changes=verdict["changes"], fingerprint=fingerprint, reasons=verdict["reasons"],
            rationale=verdict["rationale"], remediation=verdict["remediation"],
            baseline_version_id=drift.baseline_version_id, current_version_id=drift.current_version_id,
            first_snapshot=snapshot, last_snapshot=snapshot, opened_at=now, updated_at=now,
        )
        record_event(finding, now, actor, "opened", {"severity": finding.severity})
        counts.opened += 1
        counts.events.append((finding.pk, "opened"))
        return
    finding.last_snapshot = snapshot or finding.last_snapshot
    finding.current_version_id = drift.current_version_id
    finding.baseline_version_id = drift.baseline_version_id
    if finding.fingerprint != fingerprint:
        # The drift itself moved: show the new changes, and re-raise what was set aside.
        finding.kind, finding.severity, finding.changes = drift.kind, verdict["severity"], verdict["changes"]
        finding.fingerprint, finding.reasons = fingerprint, verdict["reasons"]
        finding.rationale, finding.remediation = verdict["rationale"], verdict["remediation"]
        detail = {"severity": finding.severity}
        if finding.status != DriftFinding.Status.OPEN:
            detail["previous_status"] = finding.status
            finding.status = DriftFinding.Status.OPEN
            finding.suppressed_until = None
            counts.reopened += 1
        record_event(finding, now, actor, "changed", detail)
        counts.updated += 1
        counts.events.append((finding.pk, "changed"))
    finding.updated_at = now
    finding.save()


def _fingerprint(drift: Drift) -> str:
    body = orjson.dumps([drift.kind, [[c["path"], c["op"], c["before"], c["after"]] for c in drift.changes]],
                        option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(body).hexdigest()


def record_event(finding: DriftFinding, at, actor: str, action: str, detail: dict | None = None) -> None:
    FindingEvent.objects.create(finding=finding, at=at, actor=actor, action=action, detail=detail or {})


def expire_suppressions(account: CloudAccount, actor: str = SYSTEM) -> int:
    """Suppressions past their expiry date become open findings again."""
    now = timezone.now()
    expired = list(DriftFinding.objects.filter(
        Q(account=account, status=DriftFinding.Status.SUPPRESSED) & Q(suppressed_until__lte=now)))
    for finding in expired:
        finding.status = DriftFinding.Status.OPEN
        finding.updated_at = now
        finding.save(update_fields=["status", "updated_at"])
        record_event(finding, now, actor, "suppression_expired", {"until": finding.suppressed_until.isoformat()})
    return len(expired)
