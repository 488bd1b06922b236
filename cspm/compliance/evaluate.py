"""Compliance evaluation of the resources a poll touched: per change only. Every live resource
is judged by every control of its type (an account without an approved baseline included); its
results replace the old ones, the account's scores move by the difference, and failing controls
the account's organizations require (all of them, without golden rules) become findings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils import timezone

from cspm.accounts.models import CloudAccount
from cspm.compliance import findings, scores
from cspm.compliance.controls import CONTROLS, FAIL
from cspm.compliance.golden import required_controls
from cspm.compliance.models import ControlResult
from cspm.compliance.verdicts import judged
from cspm.inventory.bulk import copy_rows
from cspm.inventory.models import Resource, Snapshot

CHUNK = 2000
RESULTS = ControlResult._meta.db_table
RESULT_COLUMNS = [("account_id", "int"), ("resource_id", "int"), ("control_id", "text"), ("benchmark", "text"),
                  ("severity", "text"), ("status", "text"), ("detail", "text"), ("path", "text"),
                  ("version_id", "int"), ("evaluated_at", "ts")]


@dataclass
class ComplianceCounts:
    resources: int = 0  # live resources judged
    reused: int = 0  # of their configurations, judged before (cache)
    results: int = 0  # control results written
    opened: int = 0
    resolved: int = 0
    events: list[tuple[int, str]] = field(default_factory=list)  # (finding id, action), for alerts

    def as_dict(self) -> dict[str, int]:
        return {"resources": self.resources, "reused": self.reused, "results": self.results,
                "opened": self.opened, "resolved": self.resolved}


def evaluate_compliance(account: CloudAccount, resource_ids: Iterable[int], *, snapshot: Snapshot | None = None,
                        configs: Mapping[tuple[str, str], bytes | dict] | None = None,
                        created: set[int] | frozenset = frozenset()) -> ComplianceCounts:
    """`configs`: (type, hash) -> config of contents the caller holds in memory already;
    `created`: resources that are new to the inventory, so have no results or findings to
    replace (an account's first poll need not look for any)."""
    counts = ComplianceCounts()
    ids = sorted(set(resource_ids))
    if not ids:
        return counts
    now = timezone.now()
    required = required_controls(account)
    delta = scores.Delta()
    for start in range(0, len(ids), CHUNK):
        _chunk(account, ids[start:start + CHUNK], snapshot, now, required, delta, counts, configs, created)
    scores.apply_delta(account.pk, delta, timezone.localdate(now))
    return counts


def _chunk(account, ids, snapshot, now, required, delta, counts, configs, created) -> None:
    resources = list(Resource.objects.filter(pk__in=ids).values(
        "id", "type", "current_hash", "current_version_id", "removed_at"))
    verdict_sets, reused = judged(resources, configs)
    counts.reused += reused
    known = [rid for rid in ids if rid not in created]
    if known:
        old = ControlResult.objects.filter(resource_id__in=known)
        for benchmark, severity, status in old.values_list("benchmark", "severity", "status"):
            scores.count_delta(delta, benchmark, severity, status, -1)
        old.delete()
    rows, failing = [], {}
    for res in resources:
        verdicts = verdict_sets.get((res["type"], res["current_hash"])) if res["removed_at"] is None else None
        if verdicts is None:
            continue
        counts.resources += 1
        for cid, verdict in verdicts.items():
            item = CONTROLS[cid]
            bench = f"{item.benchmark.key}-{item.benchmark.version}"
            scores.count_delta(delta, bench, item.severity, verdict.status, +1)
            rows.append((account.pk, res["id"], cid, bench, item.severity, verdict.status, verdict.detail[:2000],
                         verdict.path[:500], res["current_version_id"], now))
            if verdict.status == FAIL and (required is None or cid in required):
                failing[(res["id"], cid)] = verdict
    counts.results += copy_rows(RESULTS, RESULT_COLUMNS, rows)
    opened, resolved = findings.settle(account, failing, set(known), snapshot, now, counts.events)
    counts.opened += opened
    counts.resolved += resolved
