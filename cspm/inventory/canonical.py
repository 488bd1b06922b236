"""Record → canonical JSON → hash: the only per-resource work of a poll, so it is kept lean."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import orjson

from collectors.errors import InvalidRecordError
from collectors.records import ResourceRecord
from cspm.drift.normalize import normalize

MAX_CONFIG_BYTES = 4 * 1024 * 1024
_SORT = orjson.OPT_SORT_KEYS
_NUL_ESCAPE = b"\\u0000"
_SURROGATE = re.compile("[\ud800-\udfff]")


def canonical(value: Any) -> bytes:
    """Canonical JSON: sorted keys, no spaces. Hostile strings are kept as text (escaped when
    shown); only what the database cannot store is rewritten (see _clean)."""
    try:
        body = orjson.dumps(value, option=_SORT)
    except orjson.JSONEncodeError:
        # Lone surrogates and the like: rewrite the few bad strings, then fail only if still bad.
        try:
            body = orjson.dumps(_clean(value), option=_SORT)
        except (orjson.JSONEncodeError, TypeError) as exc:
            raise InvalidRecordError(f"config is not JSON: {str(exc)[:200]}") from None
    if _NUL_ESCAPE in body:
        # PostgreSQL text and jsonb cannot hold NUL: keep it visible as the text "\u0000".
        body = orjson.dumps(_clean(value), option=_SORT)
    return body


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_str(value)
    if isinstance(value, dict):
        return {(clean_str(k) if isinstance(k, str) else k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _needs_cleaning(value: str) -> bool:
    return "\x00" in value or (not value.isascii() and _SURROGATE.search(value) is not None)


def clean_str(value: str) -> str:
    return _SURROGATE.sub("\ufffd", value).replace("\x00", "\\u0000")


def prepare(record: ResourceRecord) -> tuple[str, bytes]:
    """Check, normalize and canonicalize a record in place; return (hash, canonical config)."""
    record.check()
    if _needs_cleaning(record.native_id) or _needs_cleaning(record.name) or _needs_cleaning(record.region):
        record.native_id, record.name = clean_str(record.native_id), clean_str(record.name)
        record.region = clean_str(record.region)
    body = canonical(normalize(record.type, record.config))
    if len(body) > MAX_CONFIG_BYTES:
        raise InvalidRecordError(
            f"{record.type} {record.native_id[:80]!r}: config larger than {MAX_CONFIG_BYTES} bytes"
        )
    return record_hash(body, record.name, record.region, record.tags), body


def record_hash(body: bytes, name: str, region: str, tags: dict) -> str:
    """The content hash of a resource: its canonical config plus name, region and tags."""
    digest = hashlib.sha256(body)
    digest.update(b"\n")
    digest.update(canonical([name, region, tags]))
    return digest.hexdigest()
