"""The control catalog's building blocks: benchmarks, controls and their verdicts. Plain data and
pure functions (no database): a control's check reads one stored configuration — exactly as the
collector recorded it, in the cloud API's own shape — and says pass, fail or not applicable.

A catalog file (catalog/<benchmark>.py) declares its benchmark and its controls with @control:

    EKS = benchmark("cis_eks", "CIS Amazon EKS Benchmark", "1.8.0", provider="aws")

    @control(EKS, "5.4.1", "Restrict access to the control plane endpoint", severity="high",
             types=("aws.eks.cluster",), rationale="...", console="...", cli="...")
    def endpoint_restricted(config: dict) -> Verdict:
        ...
        return fail("publicAccessCidrs contains 0.0.0.0/0", "/resourcesVpcConfig/publicAccessCidrs")
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("low", "medium", "high", "critical")
# A failed control weighs this much in a score (a critical failure costs ten low ones).
WEIGHTS = {"low": 1, "medium": 3, "high": 6, "critical": 10}

PASS, FAIL, NOT_APPLICABLE, ERROR = "pass", "fail", "n/a", "error"


@dataclass(frozen=True, slots=True)
class Verdict:
    status: str  # pass | fail | n/a | error
    detail: str = ""  # what was seen, for a person: "publicAccessCidrs contains 0.0.0.0/0"
    path: str = ""  # JSON pointer of the deciding field, when there is one


def passed(detail: str = "", path: str = "") -> Verdict:
    return Verdict(PASS, detail, path)


def fail(detail: str, path: str = "") -> Verdict:
    return Verdict(FAIL, detail, path)


def not_applicable(detail: str) -> Verdict:
    return Verdict(NOT_APPLICABLE, detail)


@dataclass(frozen=True, slots=True)
class Benchmark:
    key: str  # "cis_eks"
    title: str  # "CIS Amazon EKS Benchmark"
    version: str  # "1.8.0": control refs shift between versions, so results keep it
    provider: str


@dataclass(frozen=True, slots=True)
class Control:
    benchmark: Benchmark
    ref: str  # the benchmark's own number: "5.4.1"
    title: str
    severity: str
    resource_types: tuple[str, ...]
    check: Callable[[dict], Verdict] = field(repr=False)
    rationale: str = ""
    console: str = ""  # remediation in the cloud console
    cli: str = ""  # remediation with the cloud's CLI

    @property
    def id(self) -> str:
        """Stable across catalog edits: "cis_eks-1.8.0-5.4.1"."""
        return f"{self.benchmark.key}-{self.benchmark.version}-{self.ref}"


BENCHMARKS: dict[str, Benchmark] = {}
CONTROLS: dict[str, Control] = {}
_BY_TYPE: dict[str, list[Control]] = {}


def benchmark(key: str, title: str, version: str, *, provider: str) -> Benchmark:
    bench = Benchmark(key, title, version, provider)
    if BENCHMARKS.setdefault(key, bench) != bench:
        raise ValueError(f"benchmark {key!r} declared twice differently")
    return bench


def control(bench: Benchmark, ref: str, title: str, *, severity: str, types: tuple[str, ...], rationale: str,
            console: str, cli: str) -> Callable[[Callable[[dict], Verdict]], Callable[[dict], Verdict]]:
    """Declare the decorated check as a control of `bench`."""
    if severity not in SEVERITIES:
        raise ValueError(f"{bench.key} {ref}: unknown severity {severity!r}")
    if not types or any(not t.startswith(bench.provider + ".") for t in types):
        raise ValueError(f"{bench.key} {ref}: resource types must be {bench.provider} types")
    if not (rationale and console and cli):
        raise ValueError(f"{bench.key} {ref}: rationale and both remediations are required")

    def register(check: Callable[[dict], Verdict]) -> Callable[[dict], Verdict]:
        item = Control(bench, ref, title, severity, tuple(types), check, rationale, console, cli)
        if item.id in CONTROLS:
            raise ValueError(f"control {item.id} declared twice")
        CONTROLS[item.id] = item
        for type_key in item.resource_types:
            _BY_TYPE.setdefault(type_key, []).append(item)
        return check

    return register


def controls_for(resource_type: str) -> list[Control]:
    load()
    return _BY_TYPE.get(resource_type, [])


def evaluate(resource_type: str, config: Any) -> dict[str, Verdict]:
    """Every control of the type against one configuration. A check that raises is an error
    verdict (a catalog bug must not stop a poll), never a pass."""
    results = {}
    for item in controls_for(resource_type):
        try:
            verdict = item.check(config if isinstance(config, dict) else {})
            if not isinstance(verdict, Verdict):
                raise TypeError(f"returned {type(verdict).__name__}, not a Verdict")
        except Exception as exc:  # recorded as the control's error verdict
            verdict = Verdict(ERROR, f"{type(exc).__name__}: {exc}"[:300])
        results[item.id] = verdict
    return results


def load() -> None:
    """Import the catalog files once (each registers its controls)."""
    from cspm.compliance import catalog  # noqa: F401


def catalog_fingerprint() -> str:
    """Changes whenever the catalog could judge differently: the source of every catalog file
    (a check, its constants, its private readers) and of the shared readers. Cached verdicts
    keyed by (config hash, fingerprint) are judged again after any such change."""
    import hashlib
    import inspect
    import sys

    load()
    from cspm.compliance import checks

    modules = {sys.modules[c.check.__module__] for c in CONTROLS.values()} | {checks, sys.modules[__name__]}
    digest = hashlib.sha256()
    for module in sorted(modules, key=lambda m: m.__name__):
        digest.update(module.__name__.encode() + b"\0" + inspect.getsource(module).encode() + b"\0")
    return digest.hexdigest()[:16]
