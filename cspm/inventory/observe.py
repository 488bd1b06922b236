"""The collect phase of a poll: run collectors and sort what they saw into new, changed and
unchanged against the account's current hashes, keeping bytes only for what must be written.

A collector that raises has its whole output discarded: nothing of its types is written, marked
removed, or evaluated, so a failing cloud API never makes resources look deleted.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from collectors.base import CollectContext, Collector
from collectors.errors import CollectorError, InvalidRecordError
from cspm.inventory.canonical import canonical, prepare

log = logging.getLogger(__name__)

Key = tuple[str, str]  # (type, native id)


@dataclass(slots=True)
class Pending:
    """A record that must be written: a new resource (resource_id None) or a changed one."""

    resource_id: int | None
    type: str
    native_id: str
    region: str
    name: str
    tags: bytes
    hash: str
    config: bytes
    version_id: int = 0  # set when the poll is written
    gaps: dict[str, str] | None = None  # fields to carry over from the current version


@dataclass(slots=True)
class Outcome:
    key: str
    types: tuple[str, ...]
    ok: bool
    resources: int = 0
    seconds: float = 0.0
    error_kind: str = ""
    error: str = ""
    gaps: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        data = {"status": "ok" if self.ok else "failed", "resources": self.resources,
                "seconds": round(self.seconds, 3), **self.stats}
        if self.gaps:
            data["gaps"] = len(self.gaps)
            data["gap_examples"] = self.gaps[:10]
        if not self.ok:
            data.update(error_kind=self.error_kind, error=self.error)
        return data


@dataclass
class Observation:
    """Accumulates one poll's collector results; `current` maps key -> (resource id, hash)."""

    current: dict[Key, tuple[int, str]]
    pending: list[Pending] = field(default_factory=list)
    seen_ids: set[int] = field(default_factory=set)
    unchanged: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    _merge: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def succeeded_types(self) -> set[str]:
        return {t for o in self.outcomes if o.ok for t in o.types}

    def run(self, collector_cls: type[Collector], context: CollectContext) -> Outcome:
        started = time.monotonic()
        types = frozenset(collector_cls.resource_types)
        pending: list[Pending] = []
        seen: set[int] = set()
        keys: dict[Key, str] = {}
        unchanged = 0
        outcome = Outcome(key=collector_cls.key, types=tuple(sorted(types)), ok=True)
        collector = None
        try:
            collector = collector_cls(context)
            for record in collector.collect():
                if record.type not in types:
                    raise InvalidRecordError(
                        f"{collector_cls.key} yielded type {str(record.type)[:80]!r} it does not declare"
                    )
                digest, body = prepare(record)
                key = (record.type, record.native_id)
                if key in keys:
                    if keys[key] != digest:
                        raise InvalidRecordError(
                            f"{record.type} {record.native_id[:80]!r} listed twice with different configs"
                        )
                    continue
                keys[key] = digest
                current = self.current.get(key)
                if record.gaps:
                    outcome.gaps += [f"{record.type} {record.native_id[:200]} {f}: {why}"
                                     for f, why in sorted(record.gaps.items())]
                if current is not None:
                    seen.add(current[0])
                    if current[1] == digest and not record.gaps:
                        unchanged += 1
                        continue
                pending.append(
                    Pending(
                        resource_id=current[0] if current else None,
                        type=record.type,
                        native_id=record.native_id,
                        region=record.region,
                        name=record.name,
                        tags=memoryview(canonical(record.tags)).tobytes(),
                        hash=digest,
                        # orjson's bytes keep their whole growth buffer (~8 KB for a 2 KB config):
                        # a compact copy is what keeps a 100k-resource first poll under 1 GB.
                        config=memoryview(body).tobytes(),
                        gaps=dict(record.gaps) if record.gaps and current is not None else None,
                    )
                )
        except Exception as exc:  # every failure is recorded; none may pass as "resources gone"
            outcome.ok = False
            outcome.error_kind = exc.kind if isinstance(exc, CollectorError) else "error"
            outcome.error = _one_line(exc)
            log.warning("collector %s failed for %s %s: %s", collector_cls.key, context.provider,
                        context.account_id, outcome.error, exc_info=not isinstance(exc, CollectorError))
        else:
            outcome.resources = len(keys)
            with self._merge:
                self.pending.extend(pending)
                self.seen_ids |= seen
                self.unchanged += unchanged
        outcome.seconds = time.monotonic() - started
        outcome.stats = dict(collector.stats) if collector is not None else {}
        with self._merge:
            self.outcomes.append(outcome)
        return outcome

    def fail(self, key: str, types: tuple[str, ...], error: str, kind: str = "error") -> Outcome:
        """Record a collector that could not even start (no credentials to hand it, say)."""
        outcome = Outcome(key=key, types=types, ok=False, error_kind=kind, error=error[:500])
        with self._merge:
            self.outcomes.append(outcome)
        return outcome

    def run_all(self, collectors: list[type[Collector]], context: CollectContext, workers: int = 4) -> None:
        """Run collectors side by side: a poll lasts as long as its slowest collector, not their sum.
        Each collector keeps its output to itself until it has succeeded (see run)."""
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(collectors)))) as pool:
            list(pool.map(lambda cls: self.run(cls, context), collectors))
        self.outcomes.sort(key=lambda o: o.key)

    def removed_ids(self) -> list[int]:
        """Resources of successful collectors that no longer appear."""
        types = self.succeeded_types
        return [rid for (type_, _), (rid, _) in self.current.items() if type_ in types and rid not in self.seen_ids]


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if not isinstance(exc, CollectorError):
        text = f"{type(exc).__name__}: {text}"
    return text[:500]
