"""One poll of one account, from the collector registry to drift findings (DESIGN: "one poll")."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from collectors.registry import Registry
from collectors.registry import registry as default_registry
from cspm.accounts.context import account_context
from cspm.accounts.models import CloudAccount
from cspm.drift.evaluate import EvaluationCounts, evaluate_resources, expire_suppressions
from cspm.inventory.ingest import commit_observation, fetch_current
from cspm.inventory.models import Snapshot
from cspm.inventory.observe import Observation


@dataclass
class PollResult:
    snapshot: Snapshot
    findings: EvaluationCounts
    rows_written: dict[str, int]


def poll_account(account_id: int, *, registry: Registry = default_registry) -> PollResult:
    """Collect (outside any transaction: cloud calls are slow), then write the snapshot, the
    changed versions and the findings in one transaction."""
    account = CloudAccount.objects.select_related("organization").get(pk=account_id)
    expected_last = account.last_snapshot_id
    started_at = timezone.now()
    clock = time.monotonic()
    obs = Observation(current=fetch_current(account.pk))
    with account_context(account) as context:
        obs.run_all(registry.collectors_for(account.provider), context)
    collected = time.monotonic()
    with transaction.atomic():
        ingest = commit_observation(account_id=account.pk, expected_last_snapshot_id=expected_last, obs=obs,
                                    started_at=started_at, finished_at=timezone.now())
        ingested = time.monotonic()
        findings = evaluate_resources(account, ingest.events, snapshot=ingest.snapshot)
        expire_suppressions(account)
        done = time.monotonic()
        snapshot = ingest.snapshot
        snapshot.timings = {"collect": round(collected - clock, 3), "ingest": round(ingested - collected, 3),
                            "evaluate": round(done - ingested, 3), "total": round(done - clock, 3)}
        snapshot.save(update_fields=["timings"])
    return PollResult(snapshot=snapshot, findings=findings, rows_written=ingest.rows_written)


def snapshot_as_dict(snapshot: Snapshot) -> dict:
    return {
        "id": snapshot.pk,
        "account": snapshot.account.name,
        "provider": snapshot.account.provider,
        "status": snapshot.status,
        "started_at": snapshot.started_at.isoformat(),
        "finished_at": snapshot.finished_at.isoformat(),
        "collectors": snapshot.collectors,
        "counts": {"added": snapshot.added, "changed": snapshot.changed, "removed": snapshot.removed,
                   "unchanged": snapshot.unchanged},
        "timings": snapshot.timings,
    }
