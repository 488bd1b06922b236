"""Counting a poll's API requests through the rate limiter: a bucket that never refills in a
test's time and never runs dry, so what a poll takes from it is its count of requests."""

import pytest

from cspm.inventory import ratelimit


@pytest.fixture
def limits(settings):
    """Settings for the limiter, with its per-process cache of buckets emptied around the test."""
    ratelimit.bucket.cache_clear()
    yield settings
    ratelimit.bucket.cache_clear()


@pytest.fixture
def counting_buckets(limits):
    limits.CSPM_RATE_LIMITS = {"aws": 0.0001, "gcp": 0.0001, "azure": 0.0001}
    limits.CSPM_RATE_BURST_SECONDS = 1e10
    limits.CSPM_REDIS_URL = ""
    return taken


def taken(provider: str, account: str) -> int:
    chosen = ratelimit.bucket(provider, account)
    return round(chosen.burst - chosen.tokens)


def api_calls(poll_result: dict) -> int:
    return sum(c.get("api_calls", 0) for c in poll_result["collectors"].values())
