"""Continuous polling on a real Celery worker with the machine's Redis as broker: the scheduler
claims a due account and a separate worker process polls it (AWS, through moto's server)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from cspm.accounts.models import CloudAccount
from cspm.celery import app
from cspm.inventory.models import Snapshot
from cspm.inventory.tasks import schedule_due_polls
from tests.integration.helpers import cli
from tests.support.aws import ACCESS, ACCOUNT

ROOT = Path(__file__).resolve().parents[2]
BROKER = "redis://127.0.0.1:6379/15"


def forget_producers() -> None:
    """Eager tasks of earlier tests opened a producer pool on the default broker; a real worker
    process never changes brokers, so Celery keeps no public way to drop it (as after a fork)."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker():
    """Tasks go to Redis (not run eagerly) for this test; a clean queue before and after."""
    redis.Redis.from_url(BROKER).flushdb()
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    forget_producers()
    app.conf.update(task_always_eager=False, broker_url=BROKER)
    yield BROKER
    forget_producers()
    app.conf.update(saved)
    redis.Redis.from_url(BROKER).flushdb()


@pytest.fixture
def worker(broker, transactional_db, tmp_path):
    db = connection.settings_dict
    log = tmp_path / "worker.log"
    env = dict(os.environ, CELERY_BROKER_URL=broker,
               DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cspm", "worker", "-Q", "celery,aws,gcp,azure", "--pool", "solo",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"))
    proc.log = log
    yield proc
    proc.kill()
    proc.wait(timeout=10)


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_due_account_is_polled_by_a_separate_worker_once(moto, tmp_path, worker):
    moto.client("s3").create_bucket(Bucket="watched-bucket")
    creds = tmp_path / "aws.json"
    creds.write_text(json.dumps(ACCESS))
    cli("onboard", "--provider", "aws", "--account-id", ACCOUNT, "--name", "moto-aws", "--org", "Acme Group",
        "--credentials", str(creds), "--endpoint", moto.url, "--regions", "us-east-1")
    account = CloudAccount.objects.get(name="moto-aws")

    assert schedule_due_polls() == [account.pk]
    assert schedule_due_polls() == []  # a second beat at the same moment: the claim holds
    assert wait_for(lambda: Snapshot.objects.filter(account=account).exists()), worker.log.read_text()[-3000:]
    snapshot = Snapshot.objects.get(account=account)
    assert snapshot.collectors["aws.s3"]["status"] == "ok"
    assert account.resources.filter(native_id="arn:aws:s3:::watched-bucket").exists()
    assert wait_for(lambda: CloudAccount.objects.get(pk=account.pk).poll_claimed_until is None)
    # Polled just now: not due again until its interval passes.
    assert schedule_due_polls() == []
    assert Snapshot.objects.filter(account=account).count() == 1
