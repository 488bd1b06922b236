"""An in-memory stand-in for a cloud, for testing the core without any SDK: collectors that
yield whatever the test put in the estate, and fail on demand as a cloud API would."""

from __future__ import annotations

import copy
from collections.abc import Iterator

from collectors.base import Collector
from collectors.errors import CollectorError
from collectors.records import ResourceRecord


class Estate:
    def __init__(self) -> None:
        self.records: dict[tuple[str, str], ResourceRecord] = {}
        self.failures: dict[str, tuple[int, Exception]] = {}
        self.calls: list[str] = []

    def put(self, type_: str, native_id: str, config: dict, *, name: str = "", region: str = "us-east-1",
            tags: dict | None = None, gaps: dict | None = None) -> None:
        self.records[(type_, native_id)] = ResourceRecord(
            type=type_, native_id=native_id, config=config, region=region, name=name or native_id.rsplit("/", 1)[-1],
            tags=tags or {}, gaps=gaps or {})

    def drop(self, type_: str, native_id: str) -> None:
        del self.records[(type_, native_id)]

    def fail(self, collector_key: str, error: Exception, after: int = 0) -> None:
        """Make a collector raise `error` after yielding `after` records."""
        self.failures[collector_key] = (after, error)

    def heal(self) -> None:
        self.failures.clear()

    def yield_for(self, collector: type[Collector]) -> Iterator[ResourceRecord]:
        self.calls.append(collector.key)
        after, error = self.failures.get(collector.key, (None, None))
        count = 0
        for (type_, _), record in sorted(self.records.items()):
            if type_ in collector.resource_types:
                if after is not None and count >= after:
                    raise error
                count += 1
                # Collectors hand over fresh dicts; normalization may change them in place.
                yield ResourceRecord(type=record.type, native_id=record.native_id,
                                     config=copy.deepcopy(record.config), region=record.region,
                                     name=record.name, tags=dict(record.tags), gaps=dict(record.gaps))
        if after is not None and error is not None:
            raise error


ESTATE = Estate()


class EstateEks(Collector):
    key = "aws.test_eks"
    provider = "aws"
    resource_types = ("aws.eks.cluster", "aws.eks.nodegroup")

    def collect(self):
        return ESTATE.yield_for(type(self))


class EstateS3(Collector):
    key = "aws.test_s3"
    provider = "aws"
    resource_types = ("aws.s3.bucket",)

    def collect(self):
        return ESTATE.yield_for(type(self))


class EstateGke(Collector):
    key = "gcp.test_gke"
    provider = "gcp"
    resource_types = ("gcp.gke.cluster",)

    def collect(self):
        return ESTATE.yield_for(type(self))


TEST_COLLECTORS = (EstateEks, EstateS3, EstateGke)


class Throttled(CollectorError):
    kind = "throttled"
