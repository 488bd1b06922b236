"""The write phase of a poll: one transaction that writes only what changed.

Per poll: one query for the current hashes (fetch_current), then per change only: new
resources and versions by COPY, a few UPDATEs for changed and removed resources.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import orjson
from django.db import connection

from cspm.accounts.models import CloudAccount
from cspm.core.errors import DomainError
from cspm.inventory.bulk import allocate_ids, copy_rows, update_rows
from cspm.inventory.canonical import canonical, record_hash
from cspm.inventory.models import Resource, ResourceVersion, Snapshot
from cspm.inventory.observe import Key, Observation, Pending
from cspm.inventory.selectors import version_configs

RESOURCES = Resource._meta.db_table
VERSIONS = ResourceVersion._meta.db_table
EMPTY_JSON = b"{}"


class ConcurrentPoll(DomainError):
    """Another poll of the same account committed while this one was collecting."""


@dataclass
class IngestResult:
    snapshot: Snapshot
    events: dict[int, str] = field(default_factory=dict)  # resource id -> added|modified|removed
    created: set[int] = field(default_factory=set)  # resources first seen now (not revived): no past at all
    rows_written: dict[str, int] = field(default_factory=dict)


def fetch_current(account_id: int, types: Iterable[str] | None = None) -> dict[Key, tuple[int, str]]:
    """(type, native id) -> (resource id, hash) of every live resource (of these types): the one
    read per poll, or per collect task."""
    sql = f'SELECT id, type, native_id, current_hash FROM "{RESOURCES}" WHERE account_id = %s AND removed_at IS NULL'  # noqa: S608
    params: list = [account_id]
    if types is not None:
        types = sorted(types)
        sql += f" AND type IN ({', '.join(['%s'] * len(types))})" if types else " AND false"
        params += types
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return {(type_, native_id): (rid, digest) for rid, type_, native_id, digest in cur.fetchall()}


def snapshot_status(obs: Observation) -> str:
    if all(o.ok for o in obs.outcomes):
        return Snapshot.Status.OK
    return Snapshot.Status.PARTIAL if any(o.ok for o in obs.outcomes) else Snapshot.Status.FAILED


def commit_observation(
    *, account_id: int, expected_last_snapshot_id: int | None, obs: Observation, started_at: dt.datetime,
    finished_at: dt.datetime,
) -> IngestResult:
    """Write one poll. Must run inside the caller's transaction (with the drift evaluation that
    follows it), so that a poll is visible whole or not at all."""
    assert connection.in_atomic_block, "commit_observation needs the poll's transaction"
    account = CloudAccount.objects.select_for_update().get(pk=account_id)
    if account.last_snapshot_id != expected_last_snapshot_id:
        raise ConcurrentPoll(f"another poll of {account.name!r} committed meanwhile; poll again")
    snapshot = Snapshot.objects.create(
        account=account,
        status=snapshot_status(obs),
        started_at=started_at,
        finished_at=finished_at,
        collectors={o.key: o.as_dict() for o in obs.outcomes},
    )
    result = IngestResult(snapshot=snapshot)
    _carry_over_gaps(obs)
    removed = obs.removed_ids()
    new = [p for p in obs.pending if p.resource_id is None]
    changed = [p for p in obs.pending if p.resource_id is not None]
    revived = _revive(account_id, new)
    fresh = [p for p in new if p.resource_id is None]
    for p, rid in zip(fresh, allocate_ids(RESOURCES, len(fresh)), strict=True):
        p.resource_id = rid
        result.created.add(rid)
    version_ids = allocate_ids(VERSIONS, len(obs.pending) + len(removed))
    for p, vid in zip(obs.pending, version_ids, strict=False):
        p.version_id = vid
    earlier = _earlier_versions([(p.resource_id, p.hash) for p in changed + revived])
    when = finished_at

    # Resources first: versions point at them (FKs are checked at commit anyway).
    copy_rows(
        RESOURCES,
        [("id", "int"), ("account_id", "int"), ("type", "text"), ("native_id", "text"), ("region", "text"),
         ("name", "text"), ("tags", "json"), ("current_hash", "text"), ("current_version_id", "int"),
         ("first_seen_id", "int")],
        ((p.resource_id, account_id, p.type, p.native_id, p.region, p.name, p.tags, p.hash, p.version_id,
          snapshot.pk) for p in fresh),
    )
    version_rows = []
    for event, group in ((ResourceVersion.Event.ADDED, new), (ResourceVersion.Event.MODIFIED, changed)):
        for p in group:
            same_as = earlier.get((p.resource_id, p.hash))
            version_rows.append((p.version_id, p.resource_id, snapshot.pk, event, when, p.hash,
                                 None if same_as else p.config, same_as, p.name, p.region, p.tags))
            result.events[p.resource_id] = event
    tombstone_ids = version_ids[len(obs.pending):]
    for rid, vid in zip(removed, tombstone_ids, strict=True):
        version_rows.append((vid, rid, snapshot.pk, ResourceVersion.Event.REMOVED, when, "", None, None,
                             "", "", EMPTY_JSON))
        result.events[rid] = ResourceVersion.Event.REMOVED
    copy_rows(
        VERSIONS,
        [("id", "int"), ("resource_id", "int"), ("snapshot_id", "int"), ("event", "text"),
         ("observed_at", "ts"), ("hash", "text"), ("config", "json"), ("same_as_id", "int"),
         ("name", "text"), ("region", "text"), ("tags", "json")],
        version_rows,
    )
    update_rows(
        RESOURCES,
        [("current_hash", "text"), ("current_version_id", "int"), ("name", "text"), ("region", "text"),
         ("tags", "json"), ("removed_at", "ts"), ("removed_in_id", "int")],
        [(p.hash, p.version_id, p.name, p.region, p.tags, None, None, p.resource_id) for p in changed + revived],
    )
    update_rows(
        RESOURCES,
        [("current_version_id", "int"), ("removed_at", "ts"), ("removed_in_id", "int")],
        [(vid, when, snapshot.pk, rid) for rid, vid in zip(removed, tombstone_ids, strict=True)],
    )
    snapshot.added, snapshot.changed = len(new), len(changed)
    snapshot.removed, snapshot.unchanged = len(removed), obs.unchanged
    snapshot.save(update_fields=["added", "changed", "removed", "unchanged"])
    account.last_snapshot = snapshot
    account.last_polled_at = finished_at
    account.save(update_fields=["last_snapshot", "last_polled_at", "updated_at"])
    result.rows_written = {
        "versions": len(version_rows),
        "resources_inserted": len(fresh),
        "resources_updated": len(changed) + len(revived) + len(removed),
    }
    return result


def _carry_over_gaps(obs: Observation) -> None:
    """Fields a collector could not read keep their last known value; what is then identical to
    the current version is unchanged, not a change."""
    gapped = [p for p in obs.pending if p.gaps]
    if not gapped:
        return
    rows = Resource.objects.filter(pk__in=[p.resource_id for p in gapped]).values_list(
        "id", "current_version_id", "tags")
    versions = {rid: vid for rid, vid, _ in rows}
    old_tags = {rid: tags for rid, _, tags in rows}
    configs = version_configs(versions.values())
    current_hash = {rid: digest for rid, digest in obs.current.values()}
    unchanged: set[int] = set()
    for p in gapped:
        config, old = orjson.loads(p.config), configs.get(versions.get(p.resource_id), {})
        for name in p.gaps:
            if name in old:
                config[name] = old[name]
        if "tags" in p.gaps:
            p.tags = canonical(old_tags.get(p.resource_id) or {})
        p.config = canonical(config)
        p.hash = record_hash(p.config, p.name, p.region, orjson.loads(p.tags))
        if p.hash == current_hash.get(p.resource_id):
            unchanged.add(id(p))
    obs.pending = [p for p in obs.pending if id(p) not in unchanged]
    obs.unchanged += len(unchanged)


def _revive(account_id: int, new: list[Pending]) -> list[Pending]:
    """A resource seen again after its removal keeps its row and its history."""
    if not new or not Resource.objects.filter(account_id=account_id, removed_at__isnull=False).exists():
        return []
    by_key = {(p.type, p.native_id): p for p in new}
    revived = []
    for chunk in _chunks(list(by_key), 2000):
        rows = Resource.objects.filter(
            account_id=account_id, removed_at__isnull=False, native_id__in=[n for _, n in chunk]
        ).values_list("id", "type", "native_id")
        for rid, type_, native_id in rows:
            p = by_key.get((type_, native_id))
            if p is not None:
                p.resource_id = rid
                revived.append(p)
    return revived


def _earlier_versions(pairs: list[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """(resource id, hash) -> id of an earlier version holding that very config, if any."""
    found: dict[tuple[int, str], int] = {}
    wanted = set(pairs)
    for chunk in _chunks(sorted(wanted), 2000):
        rows = ResourceVersion.objects.filter(
            resource_id__in={rid for rid, _ in chunk}, hash__in={h for _, h in chunk}, config__isnull=False
        ).values_list("resource_id", "hash", "id")
        for rid, digest, vid in rows:
            if (rid, digest) in wanted:
                found.setdefault((rid, digest), vid)
    return found


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
