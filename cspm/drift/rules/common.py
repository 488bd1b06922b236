"""Predicates shared by the cloud rule modules, and the rules that hold for every cloud.

Predicates take (before, after) values of any JSON shape (None when absent) and never raise:
a config that does not look as expected simply does not match.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from cspm.drift.severity import NEW_RESOURCE, Rule

Predicate = Callable[[Any, Any], bool]

WORLD = frozenset({"0.0.0.0/0", "::/0"})


def weakened(before: Any, after: Any) -> bool:
    """A protective flag that was on (or, on a new resource, should be) is now off or gone."""
    return (before is True or before is NEW_RESOURCE) and after is not True


def turned_on(before: Any, after: Any) -> bool:
    """A risky flag is now on and was not."""
    return after is True and before is not True


def cleared(before: Any, after: Any) -> bool:
    """A setting that had a value (a key, a log sink, a list) is now empty or gone."""
    return bool(before) and not after


def filled(before: Any, after: Any) -> bool:
    """A setting that was empty or absent now has a value."""
    return bool(after) and not before


def _is_one_of(value: Any, values: tuple) -> bool:
    # Type-aware: 1 and True are different settings.
    return any(type(value) is type(v) and value == v for v in values)


def became(*values: Any) -> Predicate:
    """The value is now one of `values` and was not."""
    return lambda before, after: _is_one_of(after, values) and not _is_one_of(before, values)


def left(*values: Any) -> Predicate:
    """The value was one of `values` and no longer is."""
    return lambda before, after: _is_one_of(before, values) and not _is_one_of(after, values)


def strings(value: Any) -> set[str]:
    """The strings of a string or a list (CIDR lists, members, actions)."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set()


def new_strings(before: Any, after: Any) -> set[str]:
    return strings(after) - strings(before)


def gained(*needles: str) -> Predicate:
    """The list now holds one of `needles` that it did not hold."""
    wanted = frozenset(needles)
    return lambda before, after: bool(new_strings(before, after) & wanted)


def gained_any(before: Any, after: Any) -> bool:
    return bool(new_strings(before, after))


def number(value: Any) -> float | None:
    """A JSON number, or a decimal string as GCP sends int64 fields; never a bool."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | str):
        try:
            return float(value)
        except (ValueError, OverflowError):
            return None
    return None


def decreased(before: Any, after: Any) -> bool:
    """A number went down or disappeared."""
    old, new = number(before), number(after)
    return old is not None and (new is None or new < old)


def get(value: Any, *keys: str) -> Any:
    """value[k1][k2]... or None when any step is missing or not an object."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def items(value: Any) -> Iterable[Any]:
    """Elements of a list, or values of a keyed list already turned into an object."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return value.values()
    return ()


def both(first: Predicate, second: Predicate) -> Predicate:
    return lambda before, after: first(before, after) and second(before, after)


def started(test: Callable[[Any], bool]) -> Predicate:
    """`test` holds for the new value and did not hold for the old one."""
    return lambda before, after: test(after) and not test(before)


def stopped(test: Callable[[Any], bool]) -> Predicate:
    """`test` held for the old value and no longer holds."""
    return lambda before, after: test(before) and not test(after)


_REVIEW = ("If the change was not intended, restore the previous values; if it was, approve it as the "
           "new baseline so the finding closes.")

RULES = (
    Rule(
        id="common-tags-changed",
        types="*",
        path="/[Tt]ag[sS]*",
        severity="info",
        title="Resource tags changed",
        rationale="Tags drive ownership, cost allocation and sometimes tag-based access policies, but a tag "
                  "change alone does not alter the resource's exposure.",
        remediation="Console: open the resource's Tags tab and compare with the baseline. CLI: "
                    "`aws resourcegroupstaggingapi tag-resources --resource-arn-list ARN --tags k=v` or "
                    "`az tag update --resource-id ID --operation Merge --tags k=v`. " + _REVIEW,
    ),
    Rule(
        id="common-labels-changed",
        types="gcp.*",
        path="/labels*",
        severity="info",
        title="Resource labels changed",
        rationale="Labels drive ownership and billing reports; they do not change what the resource exposes.",
        remediation="Console: open the resource's Labels panel and compare with the baseline. CLI: "
                    "`gcloud storage buckets update gs://BUCKET --update-labels=k=v` (or the service's "
                    "`update --update-labels`). " + _REVIEW,
    ),
    Rule(
        id="common-resource-labels-changed",
        types="gcp.gke.cluster",
        path="/resourceLabels*",
        severity="info",
        title="Cluster labels changed",
        rationale="GKE resource labels are billing and ownership metadata; they do not reach the nodes.",
        remediation="Console: Kubernetes Engine > cluster > Details > Labels. CLI: "
                    "`gcloud container clusters update CLUSTER --update-labels=k=v`. " + _REVIEW,
    ),
)
