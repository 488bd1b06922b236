"""Per-cloud rate limits on cloud API calls: one token bucket per cloud in Redis, shared by every
worker; each API request a collector sends takes a token first."""

import itertools
import json
import time
import uuid

import pytest
import redis

from cspm.inventory.ratelimit import LocalBucket, RedisBucket, pacer
from tests.integration.helpers import cli, poll
from tests.support.aws import ACCESS, ACCOUNT
from tests.support.pacing import api_calls

REDIS = "redis://127.0.0.1:6379/12"  # this module's own Redis database


@pytest.fixture
def key():
    name = f"cspm:ratelimit:test-{uuid.uuid4().hex}"
    yield name
    redis.Redis.from_url(REDIS).delete(name)


def test_two_workers_share_one_cloud_budget_in_redis(key):
    # Two workers, two connections, one bucket: 10 requests/s with a burst of 10.
    workers = [RedisBucket(redis.Redis.from_url(REDIS), key, rate=10, burst=10) for _ in range(2)]
    waits = [workers[i % 2].reserve(1) for i in range(30)]
    assert waits[:10] == [0.0] * 10  # the burst
    # Then one request each 0.1 s, in arrival order across both workers: the 30th waits ~2 s.
    assert all(later > earlier for earlier, later in itertools.pairwise(waits[10:]))
    assert 1.8 < waits[-1] <= 2.0


def test_a_bucket_refills_at_its_rate():
    bucket = LocalBucket(rate=100, burst=5)
    assert [bucket.reserve(1) for _ in range(5)] == [0.0] * 5
    assert bucket.reserve(1) > 0
    bucket.at -= 1.0  # a second later
    assert bucket.reserve(5) == 0.0


def test_redis_down_limits_the_process_instead_of_stopping_polls(key):
    unreachable = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
    bucket = RedisBucket(unreachable, key, rate=10, burst=2)
    assert bucket.reserve(1) == 0.0  # Redis failed: this process's own bucket answered
    started = time.monotonic()
    assert bucket.reserve(1) == 0.0
    assert bucket.reserve(1) == pytest.approx(0.1, abs=0.02)
    assert time.monotonic() - started < 0.1  # without asking the dead Redis again


def test_the_pacer_sleeps_what_the_shared_bucket_says(limits, key):
    limits.CSPM_RATE_LIMITS = {"aws": 5.0, "gcp": 0.0}
    limits.CSPM_RATE_BURST_SECONDS = 1.0
    limits.CSPM_REDIS_URL = REDIS
    assert pacer("gcp", "acme-prod") is None and pacer("azure", "x") is None  # 0 or unset: no limit
    slept, other = [], []
    pace = pacer("aws", key, sleep=slept.append)
    for _ in range(7):
        pace(1)
    assert len(slept) == 2 and slept[1] > slept[0] > 0.1
    # Another account of the same cloud has a bucket of its own.
    pace_other = pacer("aws", key + "-other", sleep=other.append)
    for _ in range(5):
        pace_other(1)
    assert other == []
    redis.Redis.from_url(REDIS).delete(f"cspm:ratelimit:aws:{key}", f"cspm:ratelimit:aws:{key}-other")


@pytest.mark.django_db
def test_every_aws_request_of_a_poll_takes_a_token(counting_buckets, moto, tmp_path):
    for name in ("acme-a", "acme-b"):
        moto.client("s3").create_bucket(Bucket=name)
    creds = tmp_path / "aws.json"
    creds.write_text(json.dumps(ACCESS))
    cli("onboard", "--no-test", "--provider", "aws", "--account-id", ACCOUNT, "--name", "moto-aws", "--org", "Acme",
        "--credentials", str(creds), "--endpoint", moto.url, "--regions", "us-east-1")
    result = poll("moto-aws")
    assert api_calls(result) > 10 and counting_buckets("aws", ACCOUNT) == api_calls(result)
