"""One collector's output between its collect task and the finalize step: what it saw, sorted
into pending writes, seen resources and the unchanged count, as compressed bytes.

Only new and changed records carry their configs, so a stage costs what the poll changed
(plus eight bytes per seen resource), not what it listed.
"""

from __future__ import annotations

import zlib

import orjson

from cspm.inventory.observe import Observation, Outcome, Pending

FORMAT = 1


def stage(obs: Observation) -> bytes:
    """The output of an Observation that ran exactly one collector."""
    (outcome,) = obs.outcomes
    body = {
        "format": FORMAT,
        "outcome": {"key": outcome.key, "types": list(outcome.types), "ok": outcome.ok, "resources": outcome.resources,
                    "seconds": outcome.seconds, "error_kind": outcome.error_kind, "error": outcome.error,
                    "gaps": outcome.gaps, "stats": outcome.stats},
        "pending": [[p.resource_id, p.type, p.native_id, p.region, p.name, p.tags.decode(), p.hash,
                     p.config.decode(), p.gaps] for p in obs.pending],
        "seen": sorted(obs.seen_ids),
        "unchanged": obs.unchanged,
    }
    return zlib.compress(orjson.dumps(body), 1)


def unstage(payload: bytes, into: Observation) -> Outcome:
    """Merge a staged output into the run's Observation; returns its outcome."""
    body = orjson.loads(zlib.decompress(payload))
    if body.get("format") != FORMAT:
        raise ValueError(f"staged output of format {body.get('format')!r}; this version reads {FORMAT}")
    outcome = Outcome(**{**body["outcome"], "types": tuple(body["outcome"]["types"])})
    into.outcomes.append(outcome)
    if outcome.ok:
        into.pending.extend(
            Pending(resource_id=rid, type=type_, native_id=native_id, region=region, name=name, tags=tags.encode(),
                    hash=digest, config=config.encode(), gaps=gaps)
            for rid, type_, native_id, region, name, tags, digest, config, gaps in body["pending"])
        into.seen_ids.update(body["seen"])
        into.unchanged += body["unchanged"]
    return outcome
