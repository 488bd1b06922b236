"""Per-type normalization before hashing and diffing: drop volatile fields, order sets and keyed lists.

Ingest calls normalize() for every polled resource, so a spec is compiled once into closures over a
trie of its paths: one walk of the config visits each named branch once, and a type without a
spec costs a dict lookup.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable
from typing import Any

import orjson

from collectors.base import TypeSpec
from collectors.errors import InvalidRecordError
from collectors.registry import registry

Normalizer = Callable[[dict], dict]
Visit = Callable[[Any], None]

_SORT = orjson.OPT_SORT_KEYS


def canon(value: Any) -> bytes:
    """Canonical JSON bytes of a value: the sort key of sets and the identity of keyless elements."""
    try:
        return orjson.dumps(value, option=_SORT)
    except TypeError:
        # Lone surrogates or integers beyond 64 bits: the stdlib still gives a stable order.
        try:
            return json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode()
        except (TypeError, ValueError) as exc:
            raise InvalidRecordError(f"config is not JSON: {str(exc)[:200]}") from None


def split_path(path: str) -> tuple[str, ...]:
    """Spec path "a/*/b" (a leading "/" is tolerated) -> ("a", "*", "b")."""
    return tuple(path.strip("/").split("/")) if path.strip("/") else ()


def natural_key(element: Any, field: str) -> str | bytes | None:
    """The key value a keyed list is ordered and named by: a string, canonical bytes of another
    scalar, or None when the element has no usable key."""
    value = element.get(field) if isinstance(element, dict) else None
    if value is None or isinstance(value, str):
        return value
    return None if isinstance(value, dict | list) else canon(value)


def _identity(config: dict) -> dict:
    return config


# Strings free of these serialize as '"' + text + '"' and nothing sorts below the closing quote, so
# their canonical order is plain str order: the common case (CIDRs, members) skips serializing.
_NEEDS_CANON = re.compile(r'[\x00-\x22\\\ud800-\udfff]')


def _sort_set(items: list) -> None:
    if len(items) < 2:
        return
    try:
        plain = _NEEDS_CANON.search("".join(items)) is None
    except TypeError:  # not all strings
        plain = False
    if plain:
        items.sort()
    else:
        items.sort(key=canon)


def _keyed_sorter(field: str) -> Callable[[list], None]:
    key_of = operator.itemgetter(field)

    def order(items: list) -> None:
        if len(items) < 2:
            return
        try:
            names = list(map(key_of, items))
        except (KeyError, TypeError, IndexError):
            names = []
        # The common case: every element has a distinct string key.
        if names and all(type(n) is str for n in names) and len(set(names)) == len(names):
            items.sort(key=key_of)
            return
        keys: list[tuple] = []
        for element in items:
            value = natural_key(element, field)
            if isinstance(value, str):
                keys.append((0, value))
            elif value is not None:
                keys.append((1, value))
            else:
                keys.append((2, canon(element)))  # keyless elements last, in canonical order
        if len(set(keys)) < len(keys):
            # Duplicate key values: break ties canonically so the order never depends on input order.
            keys = [(*key, canon(element)) for key, element in zip(keys, items, strict=True)]
        ranked = sorted(range(len(items)), key=keys.__getitem__)
        items[:] = [items[i] for i in ranked]

    return order


class _Node:
    """One step of the path trie: keys to drop here, children by segment, how to order this list."""

    __slots__ = ("children", "drop", "order")

    def __init__(self) -> None:
        self.drop: set[str] = set()
        self.children: dict[str, _Node] = {}
        self.order: Callable[[list], None] | None = None

    def at(self, segments: tuple[str, ...]) -> _Node:
        node = self
        for segment in segments:
            node = node.children.setdefault(segment, _Node())
        return node


def _merge(a: _Node, b: _Node) -> _Node:
    """A named key also gets what "*" asks at the same level: merge the two subtries."""
    out = _Node()
    out.drop = a.drop | b.drop
    out.order = b.order or a.order
    for segment in a.children.keys() | b.children.keys():
        left, right = a.children.get(segment), b.children.get(segment)
        out.children[segment] = _merge(left, right) if left and right else (left or right)
    return out


def _compile_node(node: _Node) -> Visit | None:
    """Post-order visitor: drop volatile keys, normalize children, then order this list."""
    star = node.children.get("*")
    star_visit = _compile_node(star) if star else None
    named = {}
    for segment, child in node.children.items():
        if segment != "*":
            visit = _compile_node(_merge(star, child) if star else child)
            if visit:
                named[segment] = visit
    clear = "*" in node.drop
    drops = tuple(sorted(node.drop - {"*"}))
    order = node.order
    if not (clear or drops or named or star_visit or order):
        return None

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            if clear:
                value.clear()
                return
            for key in drops:
                value.pop(key, None)
            if star_visit:
                for key, child in value.items():
                    named.get(key, star_visit)(child)
            else:
                for key, child_visit in named.items():
                    child = value.get(key)
                    if child is not None:
                        child_visit(child)
        elif isinstance(value, list):
            if clear:
                value.clear()
                return
            if star_visit:
                for child in value:
                    star_visit(child)
            if order:
                order(value)

    return visit


def compile_spec(spec: TypeSpec) -> Normalizer:
    """Compile a spec into a function that normalizes a config in place and returns it."""
    root = _Node()
    for path in spec.volatile:
        segments = split_path(path)
        if segments:
            root.at(segments[:-1]).drop.add(segments[-1])
    for path in spec.sets:
        root.at(split_path(path)).order = _sort_set
    for path, field in spec.keyed.items():
        root.at(split_path(path)).order = _keyed_sorter(field)
    visit = _compile_node(root)
    if visit is None:
        return _identity

    def normalizer(config: dict) -> dict:
        visit(config)
        return config

    return normalizer


_normalizers: dict[str, Normalizer] = {}


def normalize(type_key: str, config: dict) -> dict:
    """Normalize a config IN PLACE for its type and return it (the same dict)."""
    normalizer = _normalizers.get(type_key)
    if normalizer is None:
        normalizer = _normalizers[type_key] = compile_spec(registry.spec(type_key))
    return normalizer(config)
