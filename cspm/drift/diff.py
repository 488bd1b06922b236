"""Structural diff of two configs as a list of JSON-pointer changes, and its inverse.

Objects are compared member by member; lists and scalars as whole values. Keyed lists (node pools
by name, statements by Sid) are turned into objects first by diff_view(), so a change reads
/nodePools/default-pool/config/machineType rather than an index that shifts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from collectors.registry import registry
from cspm.drift.normalize import canon, natural_key, normalize, split_path

Change = dict[str, Any]

_BAD_ESCAPE = re.compile(r"~(?![01])")


def escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def unescape(segment: str) -> str:
    if _BAD_ESCAPE.search(segment):
        raise ValueError(f"invalid JSON pointer escape in {segment!r}")
    return segment.replace("~1", "/").replace("~0", "~")


def pointer_segments(path: str) -> list[str]:
    """RFC 6901 pointer -> unescaped keys; "" is the root."""
    if path == "":
        return []
    if not path.startswith("/"):
        raise ValueError(f"JSON pointer must start with '/': {path!r}")
    return [unescape(s) for s in path[1:].split("/")]


def json_copy(value: Any) -> Any:
    """Deep copy of JSON-like data (much faster than copy.deepcopy)."""
    if isinstance(value, dict):
        return {k: json_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_copy(v) for v in value]
    return value


def same(a: Any, b: Any) -> bool:
    """Equality that tells 1, 1.0 and True apart (Python's == does not)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a.hex() == b.hex()  # -0.0 and 0.0 are different JSON; NaN equals itself
    return a == b


# -- keyed lists as objects ---------------------------------------------------------------------

def _keyed_object(items: list, field: str) -> dict:
    out: dict[str, Any] = {}
    for element in items:
        key = natural_key(element, field)
        if key is None:
            name = "#" + hashlib.sha256(canon(element)).hexdigest()[:12]
        else:
            name = key if isinstance(key, str) else key.decode()
        base, n = name, 1
        while name in out:
            n += 1
            name = f"{base}#{n}"
        out[name] = element
    return out


def _convert(node: Any, segments: tuple[str, ...], field: str) -> None:
    head, rest = segments[0], segments[1:]
    if isinstance(node, dict):
        slots = list(node) if head == "*" else ([head] if head in node else [])
    elif isinstance(node, list) and head == "*":
        slots = range(len(node))
    else:
        return
    for slot in slots:
        if rest:
            _convert(node[slot], rest, field)
        elif isinstance(node[slot], list):
            node[slot] = _keyed_object(node[slot], field)


_viewers: dict[str, Callable[[dict], dict]] = {}


def _viewer(type_key: str) -> Callable[[dict], dict]:
    viewer = _viewers.get(type_key)
    if viewer is None:
        # Deepest first, so a keyless outer element is named by the hash of its final form.
        keyed = sorted(((split_path(p), f) for p, f in registry.spec(type_key).keyed.items()),
                       key=lambda item: -len(item[0]))
        keyed = [(segments, field) for segments, field in keyed if segments]

        def viewer(config: dict) -> dict:
            for segments, field in keyed:
                _convert(config, segments, field)
            return config

        _viewers[type_key] = viewer
    return viewer


def diff_view(type_key: str, config: dict) -> dict:
    """A normalized copy of `config` with every keyed list turned into an object keyed by its
    natural key (duplicates get "#2", "#3"...; keyless elements "#" + 12 hex of their sha256).
    Normalizing again is idempotent, and keeps old versions comparable after a spec gains paths."""
    return _viewer(type_key)(normalize(type_key, json_copy(config)))


# -- diff and patch ---------------------------------------------------------------------------

def _change(path: str, op: str, before: Any, after: Any) -> Change:
    return {"path": path, "op": op, "before": before, "after": after}


def _diff_objects(a: dict, b: dict, prefix: str, out: list[Change]) -> None:
    for key, before in a.items():
        path = prefix + "/" + escape(key)
        if key not in b:
            out.append(_change(path, "remove", before, None))
            continue
        after = b[key]
        if isinstance(before, dict) and isinstance(after, dict):
            _diff_objects(before, after, path, out)
        elif not same(before, after):
            out.append(_change(path, "replace", before, after))
    for key, after in b.items():
        if key not in a:
            out.append(_change(prefix + "/" + escape(key), "add", None, after))


def diff(before: Any, after: Any) -> list[Change]:
    """Changes turning `before` into `after`, sorted by path; [] when they are equal."""
    out: list[Change] = []
    if isinstance(before, dict) and isinstance(after, dict):
        _diff_objects(before, after, "", out)
    elif not same(before, after):
        out.append(_change("", "replace", before, after))
    out.sort(key=lambda c: c["path"])
    return out


def diff_configs(type_key: str, before_config: dict, after_config: dict) -> list[Change]:
    return diff(diff_view(type_key, before_config), diff_view(type_key, after_config))


def apply_changes(doc: Any, changes: list[Change]) -> Any:
    """Apply changes (add/remove/replace on object members, or a root replace) to a copy of doc."""
    result = json_copy(doc)
    for change in changes:
        op, path = change.get("op"), change.get("path")
        if op not in ("add", "remove", "replace") or not isinstance(path, str):
            raise ValueError(f"unsupported change {op!r} at {path!r}")
        keys = pointer_segments(path)
        if not keys:
            if op == "remove":
                raise ValueError("cannot remove the root")
            result = json_copy(change.get("after"))
            continue
        parent = result
        for key in keys[:-1]:
            if not isinstance(parent, dict) or key not in parent:
                raise ValueError(f"path {path!r} does not exist")
            parent = parent[key]
        if not isinstance(parent, dict):
            raise ValueError(f"path {path!r} does not end in an object member")
        last = keys[-1]
        if op == "add":
            parent[last] = json_copy(change.get("after"))
        elif last not in parent:
            raise ValueError(f"cannot {op} missing member {path!r}")
        elif op == "remove":
            del parent[last]
        else:
            parent[last] = json_copy(change.get("after"))
    return result
