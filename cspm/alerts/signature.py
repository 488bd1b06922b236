"""The signature of a webhook delivery: HMAC-SHA256 over "<timestamp>.<body>" with the channel's
signing secret, sent as `X-CSPM-Signature: sha256=<hex>` beside `X-CSPM-Timestamp: <unix seconds>`.
A receiver recomputes it over the raw body, compares in constant time, and refuses old timestamps
(a replayed request)."""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-CSPM-Signature"
TIMESTAMP_HEADER = "X-CSPM-Timestamp"
TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, signature: str, body: bytes, *, now: float | None = None,
           tolerance: int = TOLERANCE_SECONDS) -> bool:
    """What a receiver runs (it may copy this function)."""
    if not timestamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)
