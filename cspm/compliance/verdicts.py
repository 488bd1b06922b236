"""Verdicts for a set of resources, judged once per configuration content: cached by (type,
config hash, catalog fingerprint), so a poll pays only for contents never judged before."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import orjson
from django.db import connection

from cspm.compliance.controls import CONTROLS, Verdict, catalog_fingerprint, controls_for, evaluate
from cspm.compliance.models import ConfigVerdicts
from cspm.inventory.bulk import copy_rows, is_postgres
from cspm.inventory.selectors import version_configs

Key = tuple[str, str]  # (type, hash)
TABLE = ConfigVerdicts._meta.db_table


@lru_cache(maxsize=1)
def fingerprint() -> str:
    return catalog_fingerprint()


def judged(resources: list[dict], known: Mapping[Key, bytes | dict] | None = None,
           ) -> tuple[dict[Key, dict[str, Verdict]], int]:
    """{(type, hash): {control id: Verdict}} for live resources of types that have controls,
    and how many of those contents came from the cache. `resources` rows carry type,
    current_hash, current_version_id and removed_at; `known` holds configs already in memory
    (the poll's new and changed ones), so they are not read back from the database."""
    wanted = {(r["type"], r["current_hash"]): r["current_version_id"] for r in resources
              if r["removed_at"] is None and controls_for(r["type"])}
    if not wanted:
        return {}, 0
    catalog = fingerprint()
    found: dict[Key, dict[str, Verdict]] = {}
    hashes = sorted({digest for _, digest in wanted})
    for start in range(0, len(hashes), 2000):
        for type_, digest, stored in ConfigVerdicts.objects.filter(
                catalog=catalog, hash__in=hashes[start:start + 2000]).values_list("type", "hash", "verdicts"):
            if (type_, digest) in wanted:
                found[(type_, digest)] = {cid: Verdict(*v) for cid, v in stored.items() if cid in CONTROLS}
    reused = len(found)
    missing = [key for key in wanted if key not in found]
    if missing:
        known = known or {}
        unread = {wanted[key] for key in missing if key not in known}
        configs = version_configs(unread) if unread else {}
        fresh = {}
        for key in missing:
            config = known[key] if key in known else configs.get(wanted[key])
            fresh[key] = evaluate(key[0], orjson.loads(config) if isinstance(config, bytes) else config or {})
        _store(catalog, fresh)
        found.update(fresh)
    return found, reused


def _store(catalog: str, fresh: dict[Key, dict[str, Verdict]]) -> None:
    """Add verdict sets to the cache; one already there (another account's identical config,
    judged meanwhile) is kept."""
    rows = [(t, h, catalog, orjson.dumps({cid: [v.status, v.detail, v.path] for cid, v in verdicts.items()}))
            for (t, h), verdicts in fresh.items()]
    if not is_postgres():
        ConfigVerdicts.objects.bulk_create(
            [ConfigVerdicts(type=t, hash=h, catalog=c, verdicts=orjson.loads(v)) for t, h, c, v in rows],
            batch_size=1000, ignore_conflicts=True)
        return
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE verdicts_in (type text, hash text, catalog text, verdicts jsonb) ON COMMIT DROP")
    copy_rows("verdicts_in", [("type", "text"), ("hash", "text"), ("catalog", "text"), ("verdicts", "json")], rows)
    with connection.cursor() as cur:
        cur.execute(f'INSERT INTO "{TABLE}" (type, hash, catalog, verdicts) SELECT type, hash, catalog, verdicts'  # noqa: S608
                    " FROM verdicts_in ON CONFLICT DO NOTHING")
        cur.execute("DROP TABLE verdicts_in")
