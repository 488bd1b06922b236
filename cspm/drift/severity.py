"""How bad is a drift: severity rules over (resource type, JSON pointer, before/after values).

A field rule names a path glob. It judges a change at that path (fnmatch on the whole pointer),
a change above it (a section added or removed: the values are followed down to the rule's path)
and, when the whole configs are given, a change below it (the values are read at the rule's path,
so one predicate can weigh sibling fields, e.g. public endpoint AND 0.0.0.0/0).
Whole-resource rules have path "" and ops {"added"} or {"removed"}.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Any

from cspm.drift.diff import Change, diff_view, escape, same, unescape

SEVERITIES = ("info", "low", "medium", "high", "critical")
ENVIRONMENTS = ("prod", "staging", "dev")
KINDS = ("added", "removed", "modified")
_RANK = {s: i for i, s in enumerate(SEVERITIES)}
_DEFAULT = {"added": "medium", "removed": "low", "modified": "low"}
_DEFAULT_REASON = {
    "added": "Resource created outside the approved baseline",
    "removed": "Resource deleted since the approved baseline",
    "modified": "Configuration changed from the approved baseline",
}
_DEFAULT_RATIONALE = {
    "added": "A resource created outside the approved baseline is unreviewed: shadow IT, or an attacker's "
             "foothold, until someone owns it.",
    "removed": "A resource deleted outside change control may be an outage or an attempt to remove evidence.",
    "modified": "No specific rule covers this change, but it bypassed the approved baseline.",
}
_WHO = "Find who did it (AWS CloudTrail, GCP Cloud Audit Logs, Azure Activity Log); "
_DEFAULT_REMEDIATION = {
    "added": _WHO + "delete the resource, or approve it into the baseline if it is legitimate.",
    "removed": _WHO + "restore the resource, or approve the removal as the new baseline.",
    "modified": _WHO + "revert the change, or approve it as the new baseline if it was intended.",
}
_ABSENT: Any = object()


class _NewResource:
    """The `before` of a field of a resource that did not exist: falsy like an absent value,
    but a protective flag of a new resource counts as weakened (its approved state is secure)."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NEW_RESOURCE"


NEW_RESOURCE: Any = _NewResource()


def rank(severity: str) -> int:
    return _RANK[severity]


def most_severe(severities: Iterable[str]) -> str:
    return max(severities, key=rank, default="info")


def in_context(severity: str, environment: str) -> str:
    """prod raises one level, dev lowers one; info stays info (a tag change never pages anyone)."""
    if environment not in ENVIRONMENTS:
        raise ValueError(f"unknown environment {environment!r}")
    if environment == "prod" and severity != "info":
        return SEVERITIES[min(rank(severity) + 1, len(SEVERITIES) - 1)]
    if environment == "dev":
        return SEVERITIES[max(rank(severity) - 1, 0)]
    return severity


@dataclass(frozen=True)
class Rule:
    id: str
    types: str
    path: str
    severity: str
    title: str
    rationale: str
    remediation: str
    ops: frozenset[str] | None = None
    when: Callable[[Any, Any], bool] | None = None

    def __post_init__(self) -> None:
        if self.severity not in _RANK:
            raise ValueError(f"rule {self.id}: unknown severity {self.severity!r}")
        if self.path and not self.path.startswith("/"):
            raise ValueError(f"rule {self.id}: path must be a JSON pointer glob or ''")


@lru_cache(maxsize=512)
def _pattern(path: str) -> tuple[str, ...]:
    return tuple(path.split("/")[1:]) if path else ()


def _prefix_match(segments: Sequence[str], pattern: Sequence[str]) -> bool:
    return all(fnmatchcase(s, p) for s, p in zip(segments, pattern, strict=False))


def _child(value: Any, key: str) -> Any:
    return value[key] if isinstance(value, dict) and key in value else _ABSENT


def _project(before: Any, after: Any, pattern: Sequence[str]) -> Iterator[tuple[Any, Any]]:
    """Follow a section's before/after values down the rest of a rule's path glob."""
    if not pattern:
        yield before, after
        return
    keys = {k for v in (before, after) if isinstance(v, dict) for k in v if fnmatchcase(escape(k), pattern[0])}
    for key in sorted(keys):
        yield from _project(_child(before, key), _child(after, key), pattern[1:])


def _at(config: Any, escaped: Sequence[str]) -> Any:
    value = config
    for segment in escaped:
        value = _child(value, unescape(segment))
    return value


def _fires(rule: Rule, op: str, before: Any, after: Any, new_resource: bool = False) -> bool:
    if (before is _ABSENT and after is _ABSENT) or same(before, after):
        return False
    if rule.ops is not None and op not in rule.ops:
        return False
    before = (NEW_RESOURCE if new_resource else None) if before is _ABSENT else before
    after = None if after is _ABSENT else after
    return rule.when is None or bool(rule.when(before, after))


def _op(before: Any, after: Any) -> str:
    return "add" if before is _ABSENT else "remove" if after is _ABSENT else "replace"


def _matches(rule: Rule, change: Change, configs: tuple[Any, Any] | None) -> bool:
    """Does a field rule fire on a field change?"""
    path, op = change["path"], change["op"]
    before = _ABSENT if op == "add" else change.get("before")
    after = _ABSENT if op == "remove" else change.get("after")
    if fnmatchcase(path, rule.path) and _fires(rule, op, before, after):
        return True
    segments, pattern = _pattern(path), _pattern(rule.path)
    if not _prefix_match(segments, pattern):
        return False
    if len(segments) < len(pattern):
        return any(_fires(rule, _op(b, a), b, a) for b, a in _project(before, after, pattern[len(segments):]))
    if len(segments) > len(pattern) and configs is not None:
        b, a = (_at(config, segments[:len(pattern)]) for config in configs)
        return _fires(rule, _op(b, a), b, a)
    return False


@lru_cache(maxsize=1024)
def _catalog(type_key: str) -> tuple[Rule, ...]:
    from cspm.drift.rules import RULES  # the rule modules import Rule from here

    return tuple(r for r in RULES if fnmatchcase(type_key, r.types))


def _most_severe_rule(candidates: Iterable[Rule]) -> Rule | None:
    best: Rule | None = None
    for rule in candidates:
        if best is None or rank(rule.severity) > rank(best.severity):
            best = rule
    return best


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def assess(
    type_key: str,
    kind: str,
    changes: list[Change],
    environment: str,
    *,
    before: dict | None = None,
    after: dict | None = None,
    rules: Sequence[Rule] | None = None,
) -> dict:
    """Severity of one drift finding.

    before/after: the resource's stored configs (baseline and current; only `after` for "added",
    only `before` for "removed"). Optional, but without them rules that weigh sibling fields
    cannot fire and an added resource is judged by its kind alone.
    rules: use these instead of the catalog (tests, what-if).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown finding kind {kind!r}")
    if environment not in ENVIRONMENTS:
        raise ValueError(f"unknown environment {environment!r}")
    catalog = _catalog(type_key) if rules is None else tuple(r for r in rules if fnmatchcase(type_key, r.types))
    field_rules = [r for r in catalog if r.path]
    views = (diff_view(type_key, before) if isinstance(before, dict) else _ABSENT,
             diff_view(type_key, after) if isinstance(after, dict) else _ABSENT)
    # Reading values at a rule's path above a change needs both sides.
    configs = views if all(v is not _ABSENT for v in views) else None
    whole_values = tuple(None if v is _ABSENT else v for v in views)

    verdicts: list[tuple[str, Rule | None]] = []
    annotated = []
    for change in changes:
        rule = _most_severe_rule(r for r in field_rules if _matches(r, change, configs))
        severity = rule.severity if rule else _DEFAULT["modified"]
        annotated.append({**change, "severity": severity, "rule": rule.id if rule else None})
        verdicts.append((severity, rule))
    if kind != "modified":
        whole = [r for r in catalog if not r.path and (r.ops is None or kind in r.ops)
                 and (r.when is None or r.when(*whole_values))]
        rule = _most_severe_rule(whole)
        verdicts.append((rule.severity if rule else _DEFAULT[kind], rule))
        if kind == "added" and views[1] is not _ABSENT:
            # A new resource is judged by what it already exposes: project every field rule from the root.
            verdicts += [(r.severity, r) for r in field_rules
                         if any(_fires(r, _op(b, a), b, a, new_resource=True)
                                for b, a in _project(_ABSENT, views[1], _pattern(r.path)))]

    top = most_severe(s for s, _ in verdicts)
    deciding = [r for s, r in verdicts if s == top]
    fired = sorted((r for _, r in verdicts if r), key=lambda r: -rank(r.severity))
    chosen = [r for r in deciding if r] or [None]
    return {
        "severity": in_context(top, environment),
        "changes": annotated,
        "reasons": _unique(r.title for r in fired) or ([_DEFAULT_REASON[kind]] if verdicts else []),
        "rationale": "\n\n".join(_unique(r.rationale if r else _DEFAULT_RATIONALE[kind] for r in chosen)),
        "remediation": "\n\n".join(_unique(r.remediation if r else _DEFAULT_REMEDIATION[kind] for r in chosen)),
    }
