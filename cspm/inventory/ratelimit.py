"""Per-cloud rate limits on cloud API calls, shared by every worker on every machine.

Clouds meter their APIs per account (AWS per account and region, GCP per project, ARM per
subscription), so each cloud has its rate and every account of it its own token bucket. The
buckets live in Redis and are taken from by one Lua call per API request, so adding workers adds
polling capacity without adding load on any account's API beyond the limit.
Redis's own clock is used, so machines with skewed clocks still share one bucket. Without
Redis (the embedded default: one process) the same bucket lives in memory.

Tokens may go below zero: a caller reserves its request and sleeps until its turn, which keeps
callers in arrival order instead of letting them spin.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings

log = logging.getLogger(__name__)

# KEYS[1] bucket; ARGV rate/s, burst, tokens wanted. Returns the seconds to wait, as a string.
RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate, burst, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate) - n
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
if tokens >= 0 then return '0' end
return tostring(-tokens / rate)
"""


class LocalBucket:
    """The same bucket for one process."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.at = burst, time.monotonic()
        self._lock = threading.Lock()

    def reserve(self, n: int) -> float:
        with self._lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate) - n
            self.at = now
            return max(0.0, -self.tokens / self.rate)


class RedisBucket:
    # After Redis fails, the process limits itself this long before trying Redis again: an
    # outage must cost one timeout, not one per API request.
    RETRY_AFTER = 30.0

    def __init__(self, client, key: str, rate: float, burst: float) -> None:
        self.key, self.rate, self.burst = key, rate, burst
        self._script = client.register_script(RESERVE)
        self._fallback = LocalBucket(rate, burst)
        self._down_until = 0.0

    def reserve(self, n: int) -> float:
        if time.monotonic() >= self._down_until:
            try:
                return float(self._script(keys=[self.key], args=[self.rate, self.burst, n]))
            except Exception as exc:  # a limiter outage must not stop polling
                self._down_until = time.monotonic() + self.RETRY_AFTER
                log.warning("rate limit bucket %s unavailable (%s); limiting this process only for %.0f s",
                            self.key, type(exc).__name__, self.RETRY_AFTER)
        return self._fallback.reserve(n)


def limits() -> dict[str, float]:
    """{provider: API requests per second per account, across all workers}; 0 or absent: no limit."""
    return {provider: float(rate) for provider, rate in settings.CSPM_RATE_LIMITS.items() if float(rate) > 0}


@lru_cache(maxsize=4096)
def bucket(provider: str, account: str) -> LocalBucket | RedisBucket | None:
    rate = limits().get(provider)
    if not rate:
        return None
    burst = max(1.0, rate * settings.CSPM_RATE_BURST_SECONDS)
    if not settings.CSPM_REDIS_URL:
        return LocalBucket(rate, burst)
    return RedisBucket(_redis(settings.CSPM_REDIS_URL), f"cspm:ratelimit:{provider}:{account}", rate, burst)


@lru_cache(maxsize=4)
def _redis(url: str):
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2, retry=Retry(NoBackoff(), 0))


def pacer(provider: str, account: str, sleep: Callable[[float], None] = time.sleep) -> Callable[[int], None] | None:
    """The `pace` a collector context calls before its API requests, or None without a limit."""
    chosen = bucket(provider, account)
    if chosen is None:
        return None

    def pace(n: int = 1) -> None:
        wait = chosen.reserve(n)
        if wait > 0:
            sleep(wait)

    return pace
