"""Baselines: approving a snapshot or accepting one resource's current version as known-good.

The baseline is a temporal table (BaselineEntry): approving closes the entries that change and
opens new ones, so history shows who approved which version, when and why.
"""

from __future__ import annotations

from django.db import connection, transaction

from cspm.accounts.models import CloudAccount
from cspm.audit.log import record
from cspm.core.errors import DomainError, NotFound
from cspm.drift.evaluate import EvaluationCounts, evaluate_resources
from cspm.drift.models import BaselineApproval, BaselineEntry, DriftFinding
from cspm.drift.summary import summary_refresh
from cspm.inventory.bulk import allocate_ids, copy_rows
from cspm.inventory.models import Resource, ResourceVersion, Snapshot

ENTRIES = BaselineEntry._meta.db_table
VERSIONS = ResourceVersion._meta.db_table
RESOURCES = Resource._meta.db_table


def _versions_as_of(account: CloudAccount, snapshot: Snapshot) -> dict[int, tuple[int, str]]:
    """resource id -> (version id, hash) of every resource present at that snapshot."""
    if snapshot.pk == account.last_snapshot_id:
        rows = Resource.objects.filter(account=account, removed_at__isnull=True).values_list(
            "id", "current_version_id", "current_hash")
        return {rid: (vid, digest) for rid, vid, digest in rows}
    # Version ids grow with snapshots (polls of an account commit one at a time), so the
    # newest version at or before the snapshot is the one with the highest id.
    with connection.cursor() as cur:
        cur.execute(
            f"""SELECT v.resource_id, v.id, v.event, v.hash FROM "{VERSIONS}" v
                JOIN (SELECT v2.resource_id, MAX(v2.id) AS id FROM "{VERSIONS}" v2
                      JOIN "{RESOURCES}" r ON r.id = v2.resource_id
                      WHERE r.account_id = %s AND v2.snapshot_id <= %s GROUP BY v2.resource_id) last
                ON last.id = v.id""",  # noqa: S608 - table names are ours
            [account.pk, snapshot.pk],
        )
        return {rid: (vid, digest) for rid, vid, event, digest in cur.fetchall() if event != "removed"}


@transaction.atomic
def baseline_approve_snapshot(
    *, account: CloudAccount, snapshot: Snapshot | None = None, actor: str, reason: str = "", user=None
) -> tuple[BaselineApproval, EvaluationCounts]:
    """Make a snapshot (default: the latest) the account's known-good state."""
    account = CloudAccount.objects.select_for_update().get(pk=account.pk)
    if snapshot is None:
        snapshot = account.last_snapshot
        if snapshot is None:
            raise DomainError(f"account {account.name!r} has never been polled: nothing to approve")
    elif snapshot.account_id != account.pk:
        raise NotFound(f"snapshot {snapshot.pk} is not a snapshot of {account.name!r}")
    if snapshot.status == Snapshot.Status.FAILED:
        raise DomainError(f"snapshot {snapshot.pk} failed: no collector succeeded, approve a later one")
    target = _versions_as_of(account, snapshot)
    current = {e.resource_id: e for e in BaselineEntry.objects.filter(account=account, valid_to__isnull=True)
               .select_related("version").only("id", "resource_id", "version__hash")}
    to_close = [e.pk for rid, e in current.items() if rid not in target or target[rid][1] != e.version.hash]
    to_open = [(rid, vid) for rid, (vid, digest) in target.items()
               if rid not in current or current[rid].version.hash != digest]
    approval = BaselineApproval.objects.create(
        account=account, scope=BaselineApproval.Scope.SNAPSHOT, snapshot=snapshot, actor=actor,
        approved_by=user, reason=reason, entries_changed=len(to_close) + len(to_open))
    now = approval.approved_at
    for i in range(0, len(to_close), 5000):
        BaselineEntry.objects.filter(pk__in=to_close[i:i + 5000]).update(valid_to=now, closed_by=approval)
    _open_entries(account, approval, to_open, now)
    # Re-judge only what can have drift now: resources whose approved config differs from their
    # current one, whose entry closed, or that still have a live finding.
    live = (target if snapshot.pk == account.last_snapshot_id else dict(
        (rid, (vid, digest)) for rid, vid, digest in Resource.objects.filter(
            account=account, removed_at__isnull=True).values_list("id", "current_version_id", "current_hash")))
    closing = set(to_close)
    touched = {e.resource_id for e in current.values() if e.pk in closing}
    touched |= {rid for rid, (_, digest) in target.items() if rid not in live or live[rid][1] != digest}
    touched |= set(DriftFinding.objects.filter(account=account, control_id="", status__in=DriftFinding.LIVE_STATUSES)
                   .values_list("resource_id", flat=True))
    counts = evaluate_resources(account, touched, settled_status=DriftFinding.Status.ACCEPTED, actor=actor)
    if counts.events:
        summary_refresh(account_ids=[account.pk])
    record("baseline.approve", target=account, organization_id=account.organization_id,
           detail={"snapshot": snapshot.pk, "entries_changed": approval.entries_changed, "reason": reason})
    return approval, counts


def _open_entries(account, approval, pairs: list[tuple[int, int]], now) -> None:
    ids = allocate_ids(ENTRIES, len(pairs))
    copy_rows(
        ENTRIES,
        [("id", "int"), ("account_id", "int"), ("resource_id", "int"), ("version_id", "int"),
         ("approval_id", "int"), ("valid_from", "ts")],
        ((eid, account.pk, rid, vid, approval.pk, now) for eid, (rid, vid) in zip(ids, pairs, strict=True)),
    )


@transaction.atomic
def baseline_accept_resource(
    *, resource: Resource, actor: str, reason: str = "", user=None
) -> tuple[BaselineApproval, EvaluationCounts]:
    """Accept one resource's current state as known-good (a removal too: it leaves the baseline)."""
    account = CloudAccount.objects.select_for_update().get(pk=resource.account_id)
    resource = Resource.objects.get(pk=resource.pk)
    approval = BaselineApproval.objects.create(
        account=account, scope=BaselineApproval.Scope.RESOURCE, resource=resource, actor=actor,
        approved_by=user, reason=reason, entries_changed=0)
    now = approval.approved_at
    closed = BaselineEntry.objects.filter(resource=resource, valid_to__isnull=True).update(
        valid_to=now, closed_by=approval)
    opened = 0
    if resource.removed_at is None:
        BaselineEntry.objects.create(account=account, resource=resource, version_id=resource.current_version_id,
                                     approval=approval, valid_from=now)
        opened = 1
    approval.entries_changed = closed + opened
    approval.save(update_fields=["entries_changed"])
    counts = evaluate_resources(account, [resource.pk], settled_status=DriftFinding.Status.ACCEPTED, actor=actor)
    if counts.events:
        summary_refresh(account_ids=[account.pk])
    record("baseline.accept_resource", target=resource, organization_id=account.organization_id,
           detail={"account": account.name, "reason": reason})
    return approval, counts
