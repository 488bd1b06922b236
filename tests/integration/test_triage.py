"""Analyst actions: acknowledge, suppress with reason and expiry, accept into the baseline."""

import datetime as dt

import pytest
from django.core.management.base import CommandError
from django.utils import timezone

from cspm.drift.evaluate import expire_suppressions
from cspm.drift.models import BaselineEntry, DriftFinding, FindingEvent
from cspm.inventory.models import Resource
from tests.integration.helpers import BUCKET_ARN, EKS_ARN, bucket_config, cli, eks_config, onboard, poll

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding(estate):
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config())
    onboard()
    poll()
    cli("baseline", "approve", "prod-aws")
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config(block=False))
    poll()
    [f] = cli("drift", "prod-aws")
    return f


def test_acknowledge_keeps_the_finding_live_and_records_who(finding):
    done = cli("finding", "acknowledge", str(finding["id"]), "--reason", "ticket SEC-42")
    assert done["status"] == "acknowledged" and done["status_reason"] == "ticket SEC-42"
    assert done["status_changed_by"].startswith("cli:")
    assert [f["id"] for f in cli("drift", "prod-aws")] == [finding["id"]]
    with pytest.raises(CommandError) as err:
        cli("finding", "acknowledge", str(finding["id"]))
    assert err.value.returncode == 2 and "not open" in str(err.value)


def test_drift_that_moves_reopens_an_acknowledged_finding(finding, estate):
    cli("finding", "acknowledge", str(finding["id"]))
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(version="1.30"))
    poll()  # another resource changed: this finding stays acknowledged
    assert DriftFinding.objects.get(pk=finding["id"]).status == "acknowledged"
    config = bucket_config(block=False)
    config["Versioning"] = {"Status": "Suspended"}
    estate.put("aws.s3.bucket", BUCKET_ARN, config)
    result = poll()
    assert result["findings"]["reopened"] == 1
    assert DriftFinding.objects.get(pk=finding["id"]).status == "open"


def test_suppress_needs_reason_and_future_expiry_then_expires(finding):
    fid = str(finding["id"])
    with pytest.raises(CommandError):
        cli("finding", "suppress", fid, "--reason", " ", "--days", "30")
    with pytest.raises(CommandError):
        cli("finding", "suppress", fid, "--reason", "vendor access", "--until", "2001-01-01")
    done = cli("finding", "suppress", fid, "--reason", "vendor access until migration", "--days", "30")
    assert done["status"] == "suppressed" and done["suppressed_until"]
    assert cli("drift", "prod-aws", "--status", "suppressed")[0]["id"] == finding["id"]
    # The exception lapses: the finding is open again.
    DriftFinding.objects.filter(pk=finding["id"]).update(suppressed_until=timezone.now() - dt.timedelta(seconds=1))
    assert expire_suppressions(DriftFinding.objects.get(pk=finding["id"]).account) == 1
    assert DriftFinding.objects.get(pk=finding["id"]).status == "open"
    assert FindingEvent.objects.filter(finding_id=finding["id"], action="suppression_expired").exists()


def test_accept_moves_the_baseline_and_keeps_history(finding, estate):
    bucket = Resource.objects.get(native_id=BUCKET_ARN)
    old_entry = BaselineEntry.objects.get(resource=bucket, valid_to__isnull=True)
    done = cli("finding", "accept", str(finding["id"]), "--reason", "public website bucket")
    assert done["status"] == "accepted"
    new_entry = BaselineEntry.objects.get(resource=bucket, valid_to__isnull=True)
    assert new_entry.version_id == bucket.current_version_id != old_entry.version_id
    old_entry.refresh_from_db()
    assert old_entry.valid_to is not None and old_entry.closed_by_id == new_entry.approval_id
    history = cli("baseline", "history", "prod-aws")
    assert [h["scope"] for h in history] == ["resource", "snapshot"]
    assert history[0]["reason"] == "public website bucket" and history[0]["resource"] == BUCKET_ARN
    # The accepted state is now known-good: polling again opens nothing.
    assert poll()["findings"]["opened"] == 0
    # Drift back to the old state is drift again.
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config())
    assert poll()["findings"]["opened"] == 1


def test_approving_the_latest_snapshot_accepts_live_findings(finding):
    result = cli("baseline", "approve", "prod-aws", "--reason", "all reviewed")
    assert result["findings"]["resolved"] == 1
    assert DriftFinding.objects.get(pk=finding["id"]).status == "accepted"


def test_actions_on_unknown_or_settled_findings_fail_cleanly(finding):
    with pytest.raises(CommandError) as err:
        cli("finding", "acknowledge", "999999")
    assert err.value.returncode == 2 and "no finding 999999" in str(err.value)
    cli("finding", "accept", str(finding["id"]))
    with pytest.raises(CommandError) as err:
        cli("finding", "suppress", str(finding["id"]), "--reason", "x", "--days", "1")
    assert "only live findings" in str(err.value)
