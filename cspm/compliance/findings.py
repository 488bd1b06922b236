"""Findings for failing controls: one live finding per (resource, control), with the drift
findings' lifecycle (acknowledge, suppress with expiry, accept the risk) and their alerts.

Written in bulk (an acquired account's first poll can open a finding per resource): new findings
and their "opened" events go in by COPY. A control finding keeps no copy of the control's
rationale and remediation: they are read from the catalog (selectors.finding_texts)."""

from __future__ import annotations

import datetime as dt
import hashlib

import orjson

from cspm.compliance.controls import CONTROLS, FAIL, Verdict
from cspm.drift.evaluate import SYSTEM
from cspm.drift.models import DriftFinding, FindingEvent
from cspm.inventory.bulk import allocate_ids, copy_rows

LIVE = DriftFinding.LIVE_STATUSES
FINDINGS, EVENTS = DriftFinding._meta.db_table, FindingEvent._meta.db_table
FINDING_COLUMNS = [
    ("id", "int"), ("account_id", "int"), ("resource_id", "int"), ("kind", "text"), ("control_id", "text"),
    ("status", "text"), ("severity", "text"), ("changes", "json"), ("fingerprint", "text"), ("reasons", "json"),
    ("rationale", "text"), ("remediation", "text"), ("first_snapshot_id", "int"), ("last_snapshot_id", "int"),
    ("opened_at", "ts"), ("updated_at", "ts"), ("status_reason", "text"), ("status_changed_by", "text")]
EVENT_COLUMNS = [("finding_id", "int"), ("at", "ts"), ("actor", "text"), ("action", "text"), ("detail", "json")]


def fingerprint(control_id: str, verdict: Verdict) -> str:
    return hashlib.sha256(f"{control_id}|{verdict.path}|{verdict.detail}".encode()).hexdigest()


def evidence(control_id: str, verdict: Verdict) -> list[dict]:
    return [{"path": verdict.path, "op": FAIL, "before": None, "after": verdict.detail,
             "severity": CONTROLS[control_id].severity, "rule": control_id}]


def settle(account, failing: dict[tuple[int, str], Verdict], touched: set[int], snapshot, now: dt.datetime,
           events: list[tuple[int, str]]) -> tuple[int, int]:
    """Open or update a finding for each failing (resource, control); resolve the live control
    findings of the `touched` resources (those that may have findings) that no longer fail.
    Returns (opened, resolved)."""
    live = {(f.resource_id, f.control_id): f for f in DriftFinding.objects.filter(
        resource_id__in=touched, status__in=LIVE).exclude(control_id="")} if touched else {}
    accepted = set(DriftFinding.objects.filter(
        resource_id__in=touched & {rid for rid, _ in failing}, status=DriftFinding.Status.ACCEPTED,
        kind=DriftFinding.Kind.CONTROL).values_list("resource_id", "control_id", "fingerprint")) if touched else set()
    fresh, changed = [], []
    for (rid, cid), verdict in sorted(failing.items()):
        mark = fingerprint(cid, verdict)
        finding = live.pop((rid, cid), None)
        if finding is None:
            if (rid, cid, mark) not in accepted:  # else the risk was accepted for exactly this failure
                fresh.append((rid, cid, verdict, mark))
        elif finding.fingerprint != mark:
            finding.fingerprint, finding.changes = mark, evidence(cid, verdict)
            finding.updated_at, finding.last_snapshot = now, snapshot or finding.last_snapshot
            changed.append(finding)
    log = []
    for finding_id in _open(account, fresh, snapshot, now):
        log.append((finding_id, "opened"))
    if changed:
        DriftFinding.objects.bulk_update(changed, ["fingerprint", "changes", "updated_at", "last_snapshot"])
        log += [(f.pk, "changed") for f in changed]
    gone = [f.pk for f in live.values()]  # passing now, not applicable, out of scope, or the resource is gone
    if gone:
        update = {"status": DriftFinding.Status.RESOLVED, "resolved_at": now, "updated_at": now,
                  "status_changed_by": SYSTEM}
        if snapshot is not None:
            update["last_snapshot"] = snapshot
        DriftFinding.objects.filter(pk__in=gone).update(**update)
        log += [(pk, DriftFinding.Status.RESOLVED) for pk in gone]
    copy_rows(EVENTS, EVENT_COLUMNS, ((pk, now, SYSTEM, action, b"{}") for pk, action in log))
    events.extend(log)
    return len(fresh), len(gone)


def _open(account, fresh: list, snapshot, now) -> list[int]:
    ids = allocate_ids(FINDINGS, len(fresh))
    snapshot_id = snapshot.pk if snapshot is not None else None
    rows = []
    for finding_id, (rid, cid, verdict, mark) in zip(ids, fresh, strict=True):
        item = CONTROLS[cid]
        rows.append((finding_id, account.pk, rid, DriftFinding.Kind.CONTROL.value, cid, DriftFinding.Status.OPEN.value,
                     item.severity, orjson.dumps(evidence(cid, verdict)), mark,
                     orjson.dumps([f"{item.benchmark.title} {item.benchmark.version} {item.ref}: {item.title}"]),
                     "", "", snapshot_id, snapshot_id, now, now, "", ""))
    copy_rows(FINDINGS, FINDING_COLUMNS, rows)
    return ids
