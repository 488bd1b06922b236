"""A poll commits whole or leaves no visible trace; two polls of one account never interleave."""

import pytest
from django.core.management.base import CommandError

from cspm.inventory import ingest
from cspm.inventory import poll as poll_module
from cspm.inventory.models import Resource, ResourceVersion, Snapshot
from cspm.inventory.poll import poll_account
from tests.integration.helpers import BUCKET_ARN, EKS_ARN, bucket_config, eks_config, onboard, poll

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(estate):
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config())
    return onboard()


def counts():
    return Snapshot.objects.count(), Resource.objects.count(), ResourceVersion.objects.count()


def test_a_failure_after_writing_leaves_no_trace(account, estate, monkeypatch):
    poll()
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(version="1.30"))
    estate.drop("aws.s3.bucket", BUCKET_ARN)
    before = counts()

    def broken(*args, **kwargs):
        raise RuntimeError("database went away during evaluation")

    monkeypatch.setattr(poll_module, "evaluate_resources", broken)
    with pytest.raises(RuntimeError):
        poll_account(account["id"])
    assert counts() == before
    assert Resource.objects.filter(removed_at__isnull=True).count() == 2
    monkeypatch.undo()
    # The next poll sees the same changes as if the failed one never happened.
    assert poll()["counts"] == {"added": 0, "changed": 1, "removed": 1, "unchanged": 0}


def test_a_poll_that_raced_another_commits_nothing(account, estate, monkeypatch):
    original = ingest.fetch_current
    raced = []

    def fetch_then_race(account_id):
        current = original(account_id)
        if not raced:
            raced.append(True)
            poll_account(account_id)  # another worker's poll of the same account commits first
        return current

    monkeypatch.setattr(poll_module, "fetch_current", fetch_then_race)
    with pytest.raises(CommandError) as err:
        poll()
    assert err.value.returncode == 1 and "another poll" in str(err.value)
    assert Snapshot.objects.count() == 1  # only the racing poll's
    assert Resource.objects.count() == 2 and ResourceVersion.objects.count() == 2
