"""A poll spread over tasks: one collect step per collector, then finalize. Each step is safe to
run twice, a superseded run's late steps do nothing, and the result equals the one-process poll."""

import pytest

from cspm.accounts.models import CloudAccount
from cspm.drift.models import DriftFinding
from cspm.inventory.models import PollRun, Resource, ResourceVersion, Snapshot, StagedOutput
from cspm.inventory.observe import Observation
from cspm.inventory.runs import collect_output, finalize_run, start_run
from cspm.inventory.staging import stage, unstage
from cspm.inventory.tasks import poll_account_task
from tests.integration.helpers import BUCKET_ARN, EKS_ARN, bucket_config, cli, eks_config, onboard, poll
from tests.support.estate import Throttled

pytestmark = pytest.mark.django_db
State = PollRun.State


@pytest.fixture
def account(estate):
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config())
    return CloudAccount.objects.get(pk=onboard()["id"])


def run_poll(account_id: int) -> PollRun:
    run = start_run(account_id)
    for key in run.collectors:
        collect_output(run.pk, key)
    finalize_run(run.pk)
    run.refresh_from_db()
    return run


def test_a_poll_through_tasks_writes_one_snapshot_and_cleans_its_stage(account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_id = poll_account_task.delay(account.pk).get()
    run = PollRun.objects.get(pk=run_id)
    assert run.state == State.DONE and run.collectors == ["aws.test_eks", "aws.test_s3"]
    snapshot = Snapshot.objects.get(account=account)
    assert run.snapshot == snapshot and snapshot.status == "ok"
    assert set(snapshot.collectors) == {"aws.test_eks", "aws.test_s3"}
    assert (snapshot.added, snapshot.changed, snapshot.removed) == (2, 0, 0)
    assert set(snapshot.timings) == {"collect", "ingest", "evaluate", "compliance", "total"}
    assert not StagedOutput.objects.exists()


def test_tasks_find_the_same_drift_as_the_one_process_poll(account, estate):
    run_poll(account.pk)
    cli("baseline", "approve", "prod-aws")
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(public=True, cidrs=("0.0.0.0/0",)))
    estate.drop("aws.s3.bucket", BUCKET_ARN)
    run = run_poll(account.pk)
    assert (run.snapshot.changed, run.snapshot.removed, run.snapshot.unchanged) == (1, 1, 0)
    kinds = {f.resource.type: (f.kind, f.severity) for f in DriftFinding.objects.filter(control_id="")
             .select_related("resource")}
    assert kinds == {"aws.eks.cluster": ("modified", "critical"), "aws.s3.bucket": ("removed", "high")}
    # A quiet poll, now the one-process way: nothing written, nothing new.
    versions = ResourceVersion.objects.count()
    assert poll()["counts"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": 1}
    assert ResourceVersion.objects.count() == versions


def test_a_collect_step_run_twice_stages_once_and_finalize_twice_writes_once(account):
    run = start_run(account.pk)
    assert collect_output(run.pk, "aws.test_eks") is False  # S3 is not in yet
    assert collect_output(run.pk, "aws.test_eks") is False  # redelivered: replaces its own row
    assert StagedOutput.objects.filter(run=run).count() == 1
    assert collect_output(run.pk, "aws.test_s3") is True
    assert collect_output(run.pk, "aws.test_s3") is False  # the run is finalizing: late copy ignored
    closed, result = finalize_run(run.pk)
    assert closed and result.snapshot.added == 2
    assert finalize_run(run.pk) == (False, None)  # redelivered: closes nothing, writes nothing
    assert Snapshot.objects.count() == 1 and Resource.objects.count() == 2


def test_a_failed_collector_in_a_run_removes_nothing(account, estate):
    run_poll(account.pk)
    estate.fail("aws.test_s3", Throttled("Rate exceeded"), after=0)
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(version="1.30"))
    run = run_poll(account.pk)
    assert run.snapshot.status == "partial"
    assert run.snapshot.collectors["aws.test_s3"]["error_kind"] == "throttled"
    assert (run.snapshot.changed, run.snapshot.removed) == (1, 0)
    assert Resource.objects.filter(type="aws.s3.bucket", removed_at__isnull=True).count() == 1


def test_a_superseded_run_stages_and_writes_nothing(account):
    dead = start_run(account.pk)  # its worker dies after one collector
    collect_output(dead.pk, "aws.test_eks")
    live = start_run(account.pk)  # the watchdog's new run
    dead.refresh_from_db()
    assert dead.state == State.ABANDONED and f"run {live.pk}" in dead.error
    assert not StagedOutput.objects.filter(run=dead).exists()
    # The dead run's task, redelivered late, changes nothing.
    assert collect_output(dead.pk, "aws.test_s3") is False
    assert finalize_run(dead.pk) == (False, None)
    for key in live.collectors:
        collect_output(live.pk, key)
    assert finalize_run(live.pk)[1].snapshot.added == 2
    assert Snapshot.objects.count() == 1


def test_a_run_that_loses_the_race_to_another_poll_is_abandoned(account):
    run = start_run(account.pk)
    for key in run.collectors:
        collect_output(run.pk, key)
    poll()  # someone ran `manage.py poll` meanwhile
    assert finalize_run(run.pk) == (True, None)
    run.refresh_from_db()
    assert run.state == State.ABANDONED and "another poll" in run.error
    assert Snapshot.objects.count() == 1


def test_a_collector_missing_on_the_worker_fails_only_itself(account):
    run = start_run(account.pk)
    run.collectors = [*run.collectors, "aws.retired"]
    run.save()
    for key in run.collectors:
        collect_output(run.pk, key)
    snapshot = finalize_run(run.pk)[1].snapshot
    assert snapshot.status == "partial"
    assert "not installed" in snapshot.collectors["aws.retired"]["error"]
    assert snapshot.added == 2


def test_staging_keeps_every_field_of_a_pending_write(account, estate):
    estate.put("aws.s3.bucket", "arn:aws:s3:::ünïcode-\u2603", bucket_config(), tags={"owner": "ops"})
    from cspm.accounts.context import account_context
    from tests.support.estate import EstateS3

    obs = Observation(current={("aws.s3.bucket", BUCKET_ARN): (41, "stale-hash")})
    with account_context(account) as context:
        obs.run(EstateS3, context)
    merged = Observation(current={})
    outcome = unstage(stage(obs), merged)
    assert outcome.ok and outcome.resources == 2 and outcome.key == "aws.test_s3"
    assert merged.pending == obs.pending and merged.seen_ids == {41}


def test_an_account_disabled_after_it_was_scheduled_is_not_polled(account, django_capture_on_commit_callbacks):
    CloudAccount.objects.filter(pk=account.pk).update(enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert poll_account_task.delay(account.pk).get() is None
    assert not PollRun.objects.exists() and not Snapshot.objects.exists()


def test_credentials_that_no_longer_decrypt_fail_the_snapshot_not_the_task(account, settings):
    run_poll(account.pk)
    CloudAccount.objects.filter(pk=account.pk).update(credentials_encrypted="gAAAAAB-not-a-token-of-our-keys")
    run = run_poll(account.pk)
    assert run.state == State.DONE and run.snapshot.status == "failed"
    assert {c["error_kind"] for c in run.snapshot.collectors.values()} == {"credentials"}
    assert "CSPM_CREDENTIALS_KEYS" in run.snapshot.collectors["aws.test_eks"]["error"]
    assert run.snapshot.removed == 0 and Resource.objects.filter(removed_at__isnull=True).count() == 2


def test_a_repeated_finalize_keeps_the_claim_of_the_next_poll(account, django_capture_on_commit_callbacks):
    import datetime as dt

    from cspm.inventory.scheduling import claim
    from cspm.inventory.tasks import finalize_task

    run = run_poll(account.pk)
    assert claim(account.pk, dt.timedelta(minutes=30))  # the next poll is scheduled
    finalize_task.apply(args=(run.pk,))  # the first run's finalize, delivered again
    assert CloudAccount.objects.get(pk=account.pk).poll_claimed_until is not None
