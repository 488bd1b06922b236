"""Continuous polling on real Celery workers with the machine's Redis as broker: the scheduler
claims a due account and separate worker processes poll it (AWS, through moto's server) as
collect tasks and a finalize task; a worker killed mid-poll leaves nothing half-written and the
poll is redone; two beats at once poll an account once."""

import datetime as dt
import json
import os
import signal
import threading
import time

import pytest
from django.db import connections

from cspm.accounts.models import CloudAccount
from cspm.inventory.models import PollRun, Snapshot, StagedOutput
from cspm.inventory.tasks import schedule_due_polls
from tests.integration.helpers import cli
from tests.support.aws import ACCESS, ACCOUNT
from tests.support.workers import Workers, wait_for

BROKER = "redis://127.0.0.1:6379/15"  # this module's own: other modules use others


@pytest.fixture
def workers(transactional_db, tmp_path):
    """start(name, **env) starts a worker on this module's Redis database."""
    pool = Workers(BROKER, tmp_path)
    yield pool.start
    pool.close()


def onboard_moto(moto, tmp_path, buckets=("watched-bucket",)) -> CloudAccount:
    for bucket in buckets:
        moto.client("s3").create_bucket(Bucket=bucket)
    creds = tmp_path / "aws.json"
    creds.write_text(json.dumps(ACCESS))
    cli("onboard", "--provider", "aws", "--account-id", ACCOUNT, "--name", "moto-aws", "--org", "Acme Group",
        "--credentials", str(creds), "--endpoint", moto.url, "--regions", "us-east-1")
    return CloudAccount.objects.get(name="moto-aws")


def test_a_due_account_is_polled_by_a_separate_worker_once(moto, tmp_path, workers):
    worker = workers()
    account = onboard_moto(moto, tmp_path)

    assert schedule_due_polls() == [account.pk]
    assert schedule_due_polls() == []  # a second beat at the same moment: the claim holds
    assert wait_for(lambda: Snapshot.objects.filter(account=account).exists()), worker.log.read_text()[-3000:]
    snapshot = Snapshot.objects.get(account=account)
    # One collect task per collector, then finalize: every collector is in the one snapshot.
    assert {key: c["status"] for key, c in snapshot.collectors.items()} == {
        "aws.eks": "ok", "aws.iam": "ok", "aws.s3": "ok"}
    assert account.resources.filter(native_id="arn:aws:s3:::watched-bucket").exists()
    run = PollRun.objects.get(account=account)
    assert run.state == PollRun.State.DONE and run.snapshot == snapshot
    assert wait_for(lambda: CloudAccount.objects.get(pk=account.pk).poll_claimed_until is None)
    # Polled just now: not due again until its interval passes.
    assert schedule_due_polls() == []
    assert Snapshot.objects.filter(account=account).count() == 1


def test_two_beats_firing_at_the_same_moment_poll_an_account_once(moto, tmp_path, workers):
    worker = workers()
    account = onboard_moto(moto, tmp_path)
    gate = threading.Barrier(2)
    dispatched: list[list[int]] = []

    def beat():
        try:
            gate.wait()
            dispatched.append(schedule_due_polls())
        finally:
            connections.close_all()

    beats = [threading.Thread(target=beat) for _ in range(2)]
    for thread in beats:
        thread.start()
    for thread in beats:
        thread.join()
    assert sorted(dispatched) == [[], [account.pk]]
    assert wait_for(lambda: Snapshot.objects.filter(account=account).exists()), worker.log.read_text()[-3000:]
    time.sleep(2)  # room for a second poll, were one sent
    assert Snapshot.objects.filter(account=account).count() == 1
    assert PollRun.objects.filter(account=account).count() == 1


def test_a_worker_killed_mid_poll_leaves_no_half_snapshot_and_the_poll_is_redone(moto, tmp_path, workers, settings):
    account = onboard_moto(moto, tmp_path, buckets=[f"acme-{i}" for i in range(6)])
    # A worker slowed by a tight AWS rate limit, so it is surely mid-poll when it is killed.
    doomed = workers("doomed", CSPM_RATE_LIMITS="aws=2", CSPM_RATE_BURST_SECONDS="1")
    settings.CSPM_POLL_CLAIM_SECONDS = 6
    assert schedule_due_polls() == [account.pk]
    assert wait_for(lambda: PollRun.objects.filter(account=account, state="collecting").exists()), \
        doomed.log.read_text()[-3000:]
    time.sleep(1.5)
    os.killpg(doomed.pid, signal.SIGKILL)  # the whole worker, at once: no chance to clean up
    doomed.wait(timeout=10)

    # Nothing of the poll is visible: no snapshot, no resources; the claim still holds it.
    assert not Snapshot.objects.filter(account=account).exists()
    assert not account.resources.exists()
    assert schedule_due_polls() == []
    # The watchdog: once the claim expires, the next beat polls again, on a healthy worker.
    claimed_until = CloudAccount.objects.get(pk=account.pk).poll_claimed_until
    time.sleep(max(0.0, (claimed_until - dt.datetime.now(dt.UTC)).total_seconds()) + 0.5)
    rescuer = workers("rescuer")
    assert schedule_due_polls() == [account.pk]
    assert wait_for(lambda: Snapshot.objects.filter(account=account).exists()), rescuer.log.read_text()[-3000:]
    snapshot = Snapshot.objects.get(account=account)
    assert snapshot.status == "ok" and snapshot.added == account.resources.count() >= 6
    dead, redone = PollRun.objects.filter(account=account).order_by("id")
    assert dead.state == "abandoned" and redone.state == "done" and redone.snapshot == snapshot
    assert not StagedOutput.objects.exists()
