"""Polling on a schedule: which accounts are due, one claim per account, and recovery of polls
whose worker died (their claim expires)."""

import datetime as dt

import pytest
from django.utils import timezone

from cspm.accounts.models import CloudAccount
from cspm.inventory.models import Snapshot
from cspm.inventory.scheduling import claim, due_accounts, release
from cspm.inventory.tasks import poll_account_task, schedule_due_polls
from tests.integration.helpers import EKS_ARN, eks_config, onboard

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture
def accounts(estate):
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    ids = {name: onboard(name, account_id)["id"]
           for name, account_id in (("a", "111111111111"), ("b", "222222222222"), ("c", "333333333333"))}
    return ids


def test_due_accounts_follow_their_own_interval(accounts):
    CloudAccount.objects.filter(pk=accounts["a"]).update(last_polled_at=NOW - dt.timedelta(minutes=5),
                                                         poll_interval_seconds=900)
    CloudAccount.objects.filter(pk=accounts["b"]).update(last_polled_at=NOW - dt.timedelta(minutes=20),
                                                         poll_interval_seconds=900)
    # Never polled comes first, then the most overdue; not yet due is left out.
    assert due_accounts(NOW) == [accounts["c"], accounts["b"]]
    CloudAccount.objects.filter(pk=accounts["c"]).update(enabled=False)
    assert due_accounts(NOW) == [accounts["b"]]


def test_a_claim_is_taken_once_and_expires(accounts):
    a = accounts["a"]
    assert claim(a, dt.timedelta(minutes=30), NOW)
    assert not claim(a, dt.timedelta(minutes=30), NOW + dt.timedelta(minutes=1))
    assert a not in due_accounts(NOW + dt.timedelta(minutes=1))
    # Its worker died: past the claim's expiry the account is due again (the watchdog).
    later = NOW + dt.timedelta(minutes=31)
    assert a in due_accounts(later) and claim(a, dt.timedelta(minutes=30), later)
    release(a)
    assert CloudAccount.objects.get(pk=a).poll_claimed_until is None


def test_the_scheduler_polls_each_due_account_once(accounts, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dispatched = schedule_due_polls()
        # A second scheduler firing at the same moment finds every account claimed.
        assert schedule_due_polls() == []
    assert sorted(dispatched) == sorted(accounts.values())
    assert Snapshot.objects.count() == 3
    fresh = CloudAccount.objects.filter(pk__in=dispatched)
    assert all(a.poll_claimed_until is None and a.last_polled_at for a in fresh)
    # Polled just now: nothing is due until their interval passes.
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_due_polls() == []
    assert Snapshot.objects.count() == 3


def test_a_poll_that_crashes_still_releases_its_claim(accounts, monkeypatch):
    from cspm.inventory import tasks

    def crash(account_id):
        raise RuntimeError("the collector registry failed to load")

    monkeypatch.setattr(tasks, "start_run", crash)
    a = accounts["a"]
    claim(a, dt.timedelta(minutes=30))
    with pytest.raises(RuntimeError):
        poll_account_task.apply(args=(a,), throw=True)
    assert CloudAccount.objects.get(pk=a).poll_claimed_until is None


def test_the_embedded_schedule_runs_due_polls_in_process(accounts, django_capture_on_commit_callbacks):
    from tests.integration.helpers import cli

    with django_capture_on_commit_callbacks(execute=True):  # the polls run once the claims commit
        result = cli("schedule", "--once")
    assert sorted(result["polled"]) == sorted(accounts.values())
    # Beat's other entries run too: alert retries and digests go out without beat.
    assert result["tasks"]["cspm.alerts.deliver_due"] == {"sent": 0, "retrying": 0, "dead": 0}
    # ...and the dashboard's summaries are recounted (their task modules load as a worker's do).
    assert {"cspm.drift.refresh_summaries", "cspm.compliance.refresh_trend"} <= set(result["tasks"])
    assert Snapshot.objects.count() == 3
    assert cli("schedule", "--once")["polled"] == []
