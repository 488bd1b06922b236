"""Small readers and check shapes shared by the catalog files: they take any JSON shape and never raise."""

from __future__ import annotations

import ipaddress
from collections.abc import Collection
from typing import Any

from cspm.compliance.controls import Verdict, fail, not_applicable, passed

WORLD = frozenset({"0.0.0.0/0", "::/0", "*", "Internet", "any"})


def get(value: Any, *keys: str) -> Any:
    """value[k1][k2]... or None when any step is missing or not an object."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def items(value: Any) -> list:
    """Elements of a list, or values of an object (a keyed list); [] for anything else."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return []


def entries(value: Any) -> list[tuple[Any, Any]] | None:
    """(index, element) of a list, or (key, element) of a keyed list stored as an object (the diff view keys
    lists by name); None for anything else."""
    if isinstance(value, list):
        return list(enumerate(value))
    if isinstance(value, dict):
        return list(value.items())
    return None


def strings(value: Any) -> set[str]:
    """{value} for a string; the strings among a list's elements or an object's values otherwise."""
    if isinstance(value, str):
        return {value}
    return {v for v in items(value) if isinstance(v, str)}


def pointer(*parts: Any) -> str:
    """The JSON pointer (RFC 6901) of a path: pointer("properties", "a/b", 0) is "/properties/a~1b/0"."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def properties(config: Any) -> dict | None:
    """An ARM resource's `properties` envelope; None when it is missing or not an object (not collected)."""
    props = config.get("properties") if isinstance(config, dict) else None
    return props if isinstance(props, dict) else None


def open_to_world(cidr: Any, aliases: Collection[str] = WORLD) -> bool:
    """A range of prefix length 0 (0.0.0.0/0, ::/0, or any other address with /0), or one of `aliases`: what
    an API may write for every address instead of a CIDR. False for anything else, a non-string included."""
    if not isinstance(cidr, str):
        return False
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False).prefixlen == 0
    except ValueError:
        return cidr.strip() in aliases


def boolean_setting(value: Any, path: str, *, ok: str, bad: str, unreadable: str, want: bool = True,
                    absent: bool | None = None, unset: str = "") -> Verdict:
    """Judge a boolean setting read at `path`: `want` passes with `ok`, the other boolean fails with `bad`.

    `absent` is what a missing value (None) means where the API documents a default: it is judged as that
    boolean, and fails with `unset` when one is given (to say the setting was never made), else with `bad`.
    Without a default, None is not applicable like any other value that is not a boolean (`unreadable`)."""
    if value is None and absent is not None:
        return passed(ok, path) if absent is want else fail(unset or bad, path)
    if value is want:
        return passed(ok, path)
    if isinstance(value, bool):
        return fail(bad, path)
    return not_applicable(unreadable)
