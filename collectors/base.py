"""The collector interface and the per-type normalization spec, both plain data and classes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from collectors.records import ResourceRecord

PROVIDERS = ("aws", "gcp", "azure")


@dataclass(frozen=True, slots=True)
class TypeSpec:
    """How to normalize one resource type before hashing and diffing.

    Paths are "/"-separated keys from the config root; "*" matches every key of an object or
    every element of a list (e.g. "nodePools/*/status").
    - volatile: fields that move without a configuration change (status, timestamps, counts).
    - sets: lists whose order carries no meaning (CIDR ranges): sorted canonically.
    - keyed: lists of objects identified by a natural key (node pools by "name", policy
      statements by "Sid"): sorted by that key, and diffed element by element.
    """

    type: str
    title: str = ""
    volatile: tuple[str, ...] = ()
    sets: tuple[str, ...] = ()
    keyed: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CollectContext:
    """Everything a collector needs to reach one account; credentials are already parsed."""

    provider: str
    account_id: str
    credentials: Mapping[str, Any]
    regions: tuple[str, ...] = ()
    endpoint: str | None = None
    ca_bundle: str | None = None
    timeout: float = 30.0
    # Called with the number of API requests about to be sent; blocks while the cloud's rate
    # limit (shared by every worker) has no room. None: no limit.
    pace: Callable[[int], None] | None = field(default=None, compare=False)


class Collector:
    """One cloud service's inventory. Subclasses set the class attributes and implement collect().

    collect() yields records and raises a CollectorError (or anything else) when the listing
    could not be completed; a collector that raised has its whole output discarded, so a
    failing API never makes resources look deleted.
    """

    key: ClassVar[str] = ""
    provider: ClassVar[str] = ""
    resource_types: ClassVar[tuple[str, ...]] = ()

    def __init__(self, context: CollectContext) -> None:
        self.context = context
        # Figures the poll records with the collector's outcome (e.g. {"api_calls": 412}).
        self.stats: dict[str, int] = {}

    def collect(self) -> Iterator[ResourceRecord]:
        raise NotImplementedError
