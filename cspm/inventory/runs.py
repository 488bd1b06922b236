"""A poll spread over the workers (DESIGN "one poll"): start a run, one collect step per
collector (each on whichever worker takes it, staging its output), and a finalize step that
writes the staged outputs as one snapshot once the last collector is in.

Every step is safe to run twice and ignores a run that is no longer its own state: a collect
step of a run that a newer run superseded (its worker died) stages nothing, and a finalize of a
finished run writes nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from collectors.base import Collector
from collectors.registry import Registry
from collectors.registry import registry as default_registry
from cspm.accounts.context import account_context
from cspm.accounts.crypto import CredentialsUnreadable
from cspm.accounts.models import CloudAccount
from cspm.inventory.ingest import ConcurrentPoll, fetch_current
from cspm.inventory.models import PollRun, StagedOutput
from cspm.inventory.observe import Observation
from cspm.inventory.poll import PollResult, write_poll
from cspm.inventory.ratelimit import pacer
from cspm.inventory.scheduling import next_poll
from cspm.inventory.staging import stage, unstage

State = PollRun.State


def start_run(account_id: int, *, registry: Registry = default_registry) -> PollRun | None:
    """Open a run for the account, superseding any run still open (its worker died: the claim
    that let this run start had expired). None if the account was removed or disabled meanwhile."""
    account = CloudAccount.objects.filter(pk=account_id, enabled=True).first()
    if account is None:
        return None
    keys = [cls.key for cls in registry.collectors_for(account.provider)]
    now = timezone.now()
    with transaction.atomic():
        stale = list(PollRun.objects.select_for_update()
                     .filter(account_id=account_id, state__in=[State.COLLECTING, State.FINALIZING]))
        run = PollRun.objects.create(account=account, collectors=keys, started_at=now, due_at=next_poll(account),
                                     expected_last_snapshot_id=account.last_snapshot_id)
        for old in stale:
            _close(old, State.ABANDONED, f"superseded by run {run.pk}")
        if not keys:
            run.state = State.FINALIZING
            run.save(update_fields=["state"])
    return run


def collect_output(run_id: int, key: str, *, registry: Registry = default_registry) -> bool:
    """Run one collector of the run and stage its output; True when it was the last one in, so
    the caller sends the finalize step."""
    run = PollRun.objects.select_related("account").filter(pk=run_id).first()
    if run is None or run.state != State.COLLECTING or key not in run.collectors:
        return False
    account = run.account
    cls = _collector(registry, account.provider, key)
    obs = Observation(current=fetch_current(account.pk, types=cls.resource_types if cls else ()))
    if cls is None:
        obs.fail(key, (), f"collector {key} is not installed on the worker that took it")
    else:
        try:
            context = account_context(account, pace=pacer(account.provider, account.native_id))
            with context as ready:
                obs.run(cls, ready)
        except CredentialsUnreadable as exc:
            obs.fail(key, tuple(cls.resource_types), str(exc), kind="credentials")
    payload = stage(obs)
    with transaction.atomic():
        run = PollRun.objects.select_for_update().get(pk=run_id)
        if run.state != State.COLLECTING:
            return False
        StagedOutput.objects.update_or_create(run=run, collector=key,
                                              defaults={"ok": obs.outcomes[0].ok, "payload": payload})
        staged = set(StagedOutput.objects.filter(run=run).values_list("collector", flat=True))
        if not staged >= set(run.collectors):
            return False
        run.state = State.FINALIZING
        run.save(update_fields=["state"])
    return True


def finalize_run(run_id: int) -> tuple[bool, PollResult | None]:
    """Write the run's staged outputs as one snapshot. Returns whether this call closed the run
    (False: it was not waiting for a finalize, e.g. a repeated one), and the poll's result (None
    if the run lost the race to another poll of the account, whose snapshot is as fresh)."""
    run = PollRun.objects.select_related("account__organization").filter(pk=run_id).first()
    if run is None or run.state != State.FINALIZING:
        return False, None
    obs = Observation(current=fetch_current(run.account_id))
    for staged in run.staged.order_by("collector"):
        unstage(bytes(staged.payload), obs)
    collect_seconds = (timezone.now() - run.started_at).total_seconds()
    try:
        with transaction.atomic():
            locked = PollRun.objects.select_for_update().get(pk=run_id)
            if locked.state != State.FINALIZING:
                return False, None
            result = write_poll(run.account, obs, expected_last_snapshot_id=run.expected_last_snapshot_id,
                                started_at=run.started_at, collect_seconds=collect_seconds)
            locked.snapshot = result.snapshot
            _close(locked, State.DONE)
    except ConcurrentPoll as exc:
        with transaction.atomic():
            _close(PollRun.objects.select_for_update().get(pk=run_id), State.ABANDONED, str(exc))
        return True, None
    return True, result


def _close(run: PollRun, state: str, error: str = "") -> None:
    StagedOutput.objects.filter(run=run).delete()
    run.state, run.error, run.finished_at = state, error, timezone.now()
    run.save(update_fields=["state", "error", "finished_at", "snapshot"])


def _collector(registry: Registry, provider: str, key: str) -> type[Collector] | None:
    return next((cls for cls in registry.collectors_for(provider) if cls.key == key), None)
