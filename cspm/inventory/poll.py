"""One poll of one account, from the collector registry to drift findings (DESIGN: "one poll")."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from collectors.registry import Registry
from collectors.registry import registry as default_registry
from cspm.accounts.context import account_context
from cspm.accounts.models import CloudAccount
from cspm.compliance.evaluate import evaluate_compliance
from cspm.drift.evaluate import EvaluationCounts, evaluate_resources, expire_suppressions
from cspm.drift.summary import summary_refresh
from cspm.inventory.ingest import commit_observation, fetch_current
from cspm.inventory.models import Snapshot
from cspm.inventory.observe import Observation
from cspm.inventory.ratelimit import pacer
from cspm.inventory.signals import poll_written


@dataclass
class PollResult:
    snapshot: Snapshot
    findings: EvaluationCounts
    rows_written: dict[str, int]


def poll_account(account_id: int, *, registry: Registry = default_registry) -> PollResult:
    """The whole poll in this process (the `poll` command; workers split it, see runs.py):
    collect with the collectors side by side, outside any transaction (cloud calls are slow),
    then write."""
    account = CloudAccount.objects.select_related("organization").get(pk=account_id)
    expected_last = account.last_snapshot_id
    started_at = timezone.now()
    clock = time.monotonic()
    obs = Observation(current=fetch_current(account.pk))
    with account_context(account, pace=pacer(account.provider, account.native_id)) as context:
        obs.run_all(registry.collectors_for(account.provider), context)
    return write_poll(account, obs, expected_last_snapshot_id=expected_last, started_at=started_at,
                      collect_seconds=time.monotonic() - clock)


def write_poll(account: CloudAccount, obs: Observation, *, expected_last_snapshot_id: int | None,
               started_at: dt.datetime, collect_seconds: float) -> PollResult:
    """Write the snapshot, the changed versions, the findings and what hooks on them (alerts) in
    one transaction: a poll is visible whole or not at all."""
    clock = time.monotonic()
    with transaction.atomic():
        ingest = commit_observation(account_id=account.pk, expected_last_snapshot_id=expected_last_snapshot_id,
                                    obs=obs, started_at=started_at, finished_at=timezone.now())
        ingested = time.monotonic()
        findings = evaluate_resources(account, ingest.events, snapshot=ingest.snapshot)
        drifted = time.monotonic()
        compliance = evaluate_compliance(account, ingest.events, snapshot=ingest.snapshot, created=ingest.created,
                                         configs={(p.type, p.hash): p.config for p in obs.pending})
        expired = expire_suppressions(account)
        # The dashboard's counts, recounted once for everything this poll changed.
        if findings.events or compliance.opened or compliance.resolved or expired:
            summary_refresh(account_ids=[account.pk])
        poll_written.send(sender=Snapshot, snapshot=ingest.snapshot, previous_snapshot_id=expected_last_snapshot_id,
                          resource_events=ingest.events, finding_events=findings.events + compliance.events)
        done = time.monotonic()
        snapshot = ingest.snapshot
        snapshot.timings = {"collect": round(collect_seconds, 3), "ingest": round(ingested - clock, 3),
                            "evaluate": round(drifted - ingested, 3), "compliance": round(done - drifted, 3),
                            "total": round(collect_seconds + done - clock, 3)}
        snapshot.compliance = compliance.as_dict()
        snapshot.save(update_fields=["timings", "compliance"])
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
        "compliance": snapshot.compliance,
    }
