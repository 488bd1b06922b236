"""Helpers shared by the catalog tests: building configs from a base, filtering the engine's verdicts to one
benchmark, and asserting what a verdict or a list of cases must show."""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any

from collectors.simulator.gcp import deep_merge
from cspm.compliance.controls import CONTROLS, FAIL, PASS, Control, Verdict, evaluate, load

load()

DELETE = object()


def vary(base: dict, *changes: tuple[str, Any]) -> dict:
    """A deep copy of `base` with each (JSON pointer, value) set; DELETE removes the field."""
    config = copy.deepcopy(base)
    for pointer, value in changes:
        *parents, last = pointer.strip("/").split("/")
        node = config
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        slot: Any = int(last) if isinstance(node, list) else last
        if value is DELETE:
            del node[slot]
        else:
            node[slot] = value
    return config


def with_properties(base: dict, **properties: Any) -> dict:
    """A deep copy of an ARM resource with top-level properties replaced (None removes one: ARM leaves an
    unset property out)."""
    config = copy.deepcopy(base)
    for key, value in properties.items():
        if value is None:
            config["properties"].pop(key, None)
        else:
            config["properties"][key] = value
    return config


Edit = Callable[[dict], Any]


def patch(changes: dict) -> Edit:
    """An edit deep-merging changes into a REST body: objects merge, None deletes a key, anything else replaces."""
    return lambda rest: deep_merge(rest, copy.deepcopy(changes))


def both(*edits: Edit) -> Edit:
    """One edit making each of edits in turn."""
    def edit(rest: dict) -> None:
        for one in edits:
            one(rest)
    return edit


def mutations(base: dict, values: Iterable[Any]) -> Iterator[tuple[tuple, Any, Any]]:
    """(path, value, config) for every field of `base` (and `base` itself, path ()) set to each of values; the
    config is a fresh copy, and stays an object when `base` itself is replaced by something else."""
    for path in _paths(base):
        for value in values:
            config = copy.deepcopy(base)
            if not path:
                config = value if isinstance(value, dict) else {}
            else:
                node = config
                for key in path[:-1]:
                    node = node[key]
                node[path[-1]] = value
            yield path, value, config


def _paths(value: Any, at: tuple = ()) -> Iterator[tuple]:
    yield at
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*at, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*at, index))


def controls_of(*benchmarks: str) -> dict[str, Control]:
    """The controls of the benchmarks (keys such as "cis_eks"), by ref."""
    return {c.ref: c for c in CONTROLS.values() if c.benchmark.key in benchmarks}


def verdicts(type_key: str, config: Any, *benchmarks: str) -> dict[str, Verdict]:
    """The engine's verdicts on a copy of config, only those of the benchmarks, by control id."""
    return {cid: v for cid, v in evaluate(type_key, copy.deepcopy(config)).items()
            if cid.split("-", 1)[0] in benchmarks}


def assert_verdict(verdict: Verdict, status: str, path: str | None = None) -> None:
    """The verdict has the status and a detail; the path when one is given (None or "" not to check it); a
    failure always names the field that decided it."""
    assert verdict.status == status, verdict
    assert verdict.detail, verdict
    if path:
        assert verdict.path == path, verdict
    if status == FAIL:
        assert verdict.path, verdict


def assert_declared(controls: dict[str, Control], *, version: str, provider: str, cli: str,
                    types: Collection[str]) -> None:
    """Each control (by ref) is of the benchmark's version and provider, has the id "<benchmark>-<version>-<ref>",
    a title, a rationale and both remediations, a CLI remediation naming `cli`, and resource types among types."""
    assert controls, "no control declared"
    for ref, item in controls.items():
        assert (item.benchmark.version, item.benchmark.provider) == (version, provider), item.id
        assert item.id == f"{item.benchmark.key}-{version}-{ref}"
        assert item.title and item.rationale and item.console and item.cli, item.id
        assert cli in item.cli, item.id
        assert set(item.resource_types) <= set(types), item.id


def assert_covered(declared: Iterable[Any], tested: Iterable[tuple[Any, str]]) -> None:
    """Every declared control (a ref, or any key naming one) has a passing and a failing case among the
    (key, status) pairs tested, and no case tests a control that is not declared."""
    declared, tested = set(declared), set(tested)
    assert declared, "no control declared"
    for key in declared:
        assert (key, PASS) in tested, f"{key} has no passing case"
        assert (key, FAIL) in tested, f"{key} has no failing case"
    assert {key for key, _ in tested} <= declared, "a case tests a control that does not exist"
