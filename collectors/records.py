"""The resource record: what every collector yields, in the cloud's own JSON shape."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from collectors.errors import InvalidRecordError

TYPE_KEY_RE = re.compile(r"^(aws|gcp|azure)(\.[a-z0-9_]+){2,3}$")
MAX_NATIVE_ID = 2048
_VALID_TYPES: set[str] = set()


@dataclass(slots=True)
class ResourceRecord:
    """One cloud resource as observed by one poll.

    type: registry key such as ``aws.eks.cluster``.
    native_id: the cloud's own id (ARN, GCP full resource name, Azure resource id).
    config: the resource as the cloud's REST API documents it (camelCase), before normalization.
    """

    type: str
    native_id: str
    config: dict[str, Any]
    region: str = ""
    name: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    # Top-level config fields that could not be read this time (field -> why, e.g. AccessDenied);
    # the key "tags" stands for the record's own tags. They keep their last known value: a gap
    # in what we could see is not a change.
    gaps: dict[str, str] = field(default_factory=dict)

    def check(self) -> None:
        """Raise InvalidRecordError if the record cannot be stored as given."""
        if self.type not in _VALID_TYPES:
            if not isinstance(self.type, str) or not TYPE_KEY_RE.match(self.type):
                raise InvalidRecordError(f"invalid resource type key {str(self.type)[:80]!r}")
            _VALID_TYPES.add(self.type)  # a poll checks the same few keys 100,000 times
        if not isinstance(self.native_id, str) or not self.native_id:
            raise InvalidRecordError(f"{self.type}: empty or non-string native id")
        if len(self.native_id) > MAX_NATIVE_ID:
            raise InvalidRecordError(f"{self.type}: native id longer than {MAX_NATIVE_ID} characters")
        if not isinstance(self.config, dict):
            raise InvalidRecordError(f"{self.type} {self.native_id!r}: config is not a JSON object")
        if not isinstance(self.region, str) or not isinstance(self.name, str):
            raise InvalidRecordError(f"{self.type} {self.native_id!r}: region and name must be strings")
        if not isinstance(self.tags, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.tags.items()
        ):
            raise InvalidRecordError(f"{self.type} {self.native_id!r}: tags must map strings to strings")
