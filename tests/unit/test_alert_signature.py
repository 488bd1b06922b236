"""The webhook signature: HMAC-SHA256 over "<timestamp>.<body>", checked as a receiver would."""

import hashlib
import hmac

from cspm.alerts.signature import sign, verify

SECRET = "s1gning-secret-0123456789abcdef"
BODY = b'{"notification_id": "7", "items": []}'


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, 1700000000, BODY) == f"sha256={expected}"


def test_verify_accepts_only_the_same_secret_body_and_a_fresh_timestamp():
    signature = sign(SECRET, 1700000000, BODY)
    assert verify(SECRET, "1700000000", signature, BODY, now=1700000100)
    assert not verify("another secret", "1700000000", signature, BODY, now=1700000100)
    assert not verify(SECRET, "1700000000", signature, BODY + b" ", now=1700000100)
    assert not verify(SECRET, "1700000001", signature, BODY, now=1700000100)  # the timestamp is signed too
    assert not verify(SECRET, "1700000000", signature, BODY, now=1700000000 + 301)  # a replay, too late
    assert not verify(SECRET, "17e8", signature, BODY, now=1700000100)
