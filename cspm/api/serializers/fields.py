"""Input fields the API needs beyond DRF's: text the database can store, and credentials that go
in but never come out."""

from __future__ import annotations

import json

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from collectors.credentials import MAX_DOCUMENT_BYTES


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which JSON's \ud800 escapes can carry
        return False
    return True


class Text(serializers.CharField):
    """A CharField (NUL already refused) that also refuses lone surrogates: PostgreSQL cannot store them."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not _encodable(value):
            raise serializers.ValidationError("contains characters that are not valid Unicode")
        return value


@extend_schema_field({
    "oneOf": [{"type": "object", "additionalProperties": True}, {"type": "string"}],
    "writeOnly": True,
    "description": "The credentials document as a JSON object (or that JSON as a string): AWS keys or role, "
                   "a GCP service-account key, an Azure service principal, or {\"type\": \"access_token\", "
                   "\"token\"}. Stored encrypted; never shown again.",
})
class CredentialsField(serializers.Field):
    """Write-only: the bytes of the JSON document the services parse (they validate its content)."""

    def __init__(self, **kwargs):
        super().__init__(write_only=True, **kwargs)

    def to_internal_value(self, data) -> bytes:
        if isinstance(data, dict):
            data = json.dumps(data)
        elif not isinstance(data, str):
            raise serializers.ValidationError("expected a JSON object, or the JSON document as a string")
        if not _encodable(data):
            raise serializers.ValidationError("contains characters that are not valid Unicode")
        raw = data.encode("utf-8")
        if len(raw) > MAX_DOCUMENT_BYTES:
            raise serializers.ValidationError(f"larger than {MAX_DOCUMENT_BYTES // 1024} KB")
        return raw

    def to_representation(self, value):  # pragma: no cover - write-only, never rendered
        raise AssertionError("credentials are never rendered")

