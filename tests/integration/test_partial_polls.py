"""A failing cloud API never makes resources look deleted."""

import pytest

from collectors.errors import AuthError, InvalidRecordError
from cspm.drift.models import DriftFinding
from cspm.inventory.models import Resource, ResourceVersion, Snapshot
from tests.integration.helpers import BUCKET_ARN, EKS_ARN, bucket_config, cli, eks_config, onboard, poll
from tests.support.estate import Throttled

pytestmark = pytest.mark.django_db


@pytest.fixture
def baselined(estate):
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config())
    estate.put("aws.s3.bucket", "arn:aws:s3:::acme-logs", bucket_config())
    onboard()
    poll()
    cli("baseline", "approve", "prod-aws")
    return estate


def test_collector_raising_mid_poll_marks_partial_and_removes_nothing(baselined):
    estate = baselined
    # S3 fails after listing one of its two buckets, and that bucket changed meanwhile.
    estate.put("aws.s3.bucket", "arn:aws:s3:::acme-logs", bucket_config(block=False))
    estate.fail("aws.test_s3", Throttled("Rate exceeded for ListBuckets"), after=1)
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(version="1.30"))
    versions = ResourceVersion.objects.count()
    result = poll()
    assert result["status"] == "partial"
    s3 = result["collectors"]["aws.test_s3"]
    assert s3["status"] == "failed" and s3["error_kind"] == "throttled"
    assert "Rate exceeded" in s3["error"]
    assert result["collectors"]["aws.test_eks"]["status"] == "ok"
    # EKS was ingested; nothing of S3 was written, removed or judged.
    assert result["counts"] == {"added": 0, "changed": 1, "removed": 0, "unchanged": 0}
    assert ResourceVersion.objects.count() == versions + 1
    assert Resource.objects.filter(type="aws.s3.bucket", removed_at__isnull=True).count() == 2
    assert {f["resource_type"] for f in cli("drift", "prod-aws")} == {"aws.eks.cluster"}


def test_open_findings_of_a_failed_collector_are_not_resolved(baselined):
    estate = baselined
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config(block=False))
    poll()
    [finding] = cli("drift", "prod-aws")
    assert finding["severity"] == "critical"
    # The bucket is fixed, but S3 cannot be listed this time: the finding must stay as it is.
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config())
    estate.fail("aws.test_s3", AuthError("AccessDenied: s3:ListAllMyBuckets"))
    result = poll()
    assert result["status"] == "partial" and result["findings"]["resolved"] == 0
    assert DriftFinding.objects.get(pk=finding["id"]).status == "open"
    estate.heal()
    assert poll()["findings"]["resolved"] == 1


def test_every_collector_failing_gives_a_failed_snapshot_and_changes_nothing(baselined):
    estate = baselined
    estate.fail("aws.test_s3", AuthError("ExpiredToken"))
    estate.fail("aws.test_eks", ConnectionError("connection reset by peer"))
    live = Resource.objects.filter(removed_at__isnull=True).count()
    result = poll()
    assert result["status"] == "failed"
    assert result["collectors"]["aws.test_eks"]["error"] == "ConnectionError: connection reset by peer"
    assert result["collectors"]["aws.test_eks"]["error_kind"] == "error"
    assert result["counts"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": 0}
    assert Resource.objects.filter(removed_at__isnull=True).count() == live
    assert Snapshot.objects.filter(status="failed").count() == 1


def test_a_malformed_record_fails_its_collector_with_a_clear_error(baselined):
    estate = baselined
    estate.fail("aws.test_eks", InvalidRecordError("aws.eks.cluster 'x': config is not a JSON object"))
    result = poll()
    eks = result["collectors"]["aws.test_eks"]
    assert eks == {"status": "failed", "error_kind": "invalid_record", "resources": 0, "seconds": eks["seconds"],
                   "error": "aws.eks.cluster 'x': config is not a JSON object"}


def test_a_record_of_an_undeclared_type_is_rejected(baselined, monkeypatch):
    estate = baselined
    estate.put("aws.iam.user", "arn:aws:iam::123456789012:user/mallory", {"UserName": "mallory"})
    # The EKS collector now (wrongly) also yields IAM users, which it does not declare.
    original = estate.yield_for

    def leaky(collector):
        yield from original(collector)
        yield estate.records[("aws.iam.user", "arn:aws:iam::123456789012:user/mallory")]

    monkeypatch.setattr(estate, "yield_for", leaky)
    result = poll()
    assert result["collectors"]["aws.test_eks"]["error_kind"] == "invalid_record"
    assert "does not declare" in result["collectors"]["aws.test_eks"]["error"]
    assert not Resource.objects.filter(type="aws.iam.user").exists()


def test_a_field_that_could_not_be_read_keeps_its_last_known_value(baselined):
    estate = baselined
    with_policy = bucket_config() | {"Policy": {"Statement": [{"Sid": "DenyHttp", "Effect": "Deny"}]}}
    estate.put("aws.s3.bucket", BUCKET_ARN, with_policy)
    poll()
    cli("baseline", "approve", "prod-aws")
    # GetBucketPolicy is denied this time: the policy is unknown, not deleted.
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config(), gaps={"Policy": "AccessDenied: get_bucket_policy"})
    result = poll()
    assert result["counts"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": 3}
    s3 = result["collectors"]["aws.test_s3"]
    assert s3["status"] == "ok" and s3["gaps"] == 1
    assert s3["gap_examples"] == [f"aws.s3.bucket {BUCKET_ARN} Policy: AccessDenied: get_bucket_policy"]
    assert cli("drift", "prod-aws") == []
    # A real change seen in the same poll is kept, with the unreadable field carried over.
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config(block=False), gaps={"Policy": "AccessDenied"})
    poll()
    [finding] = cli("drift", "prod-aws")
    assert {c["path"].split("/")[1] for c in finding["changes"]} == {"PublicAccessBlockConfiguration"}
    current = Resource.objects.get(native_id=BUCKET_ARN).current_version
    assert current.config["Policy"] == with_policy["Policy"]


def test_unreadable_tags_keep_their_last_known_value(baselined):
    estate = baselined
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config(), tags={"owner": "data-team"})
    poll()
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config(), tags={}, gaps={"tags": "AccessDenied"})
    assert poll()["counts"]["changed"] == 0
    assert Resource.objects.get(native_id=BUCKET_ARN).tags == {"owner": "data-team"}
