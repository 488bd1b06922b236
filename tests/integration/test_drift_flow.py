"""The user story of the core: onboard, poll, approve, poll again, see exactly what drifted."""

import pytest

from cspm.drift.models import DriftFinding
from cspm.inventory.models import Resource, ResourceVersion, Snapshot
from tests.integration.helpers import BUCKET_ARN, EKS_ARN, bucket_config, cli, eks_config, onboard, poll

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(estate):
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config(), region="eu-west-1")
    return onboard()


def test_first_poll_stores_every_resource_and_an_idle_repoll_writes_nothing(account, estate):
    first = poll()
    assert first["status"] == "ok"
    assert first["counts"] == {"added": 2, "changed": 0, "removed": 0, "unchanged": 0}
    assert first["collectors"]["aws.test_eks"] == {"status": "ok", "resources": 1,
                                                   "seconds": first["collectors"]["aws.test_eks"]["seconds"]}
    versions = ResourceVersion.objects.count()
    # Volatile fields move without a configuration change: still no change.
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(status="UPDATING"))
    second = poll()
    assert second["counts"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": 2}
    assert ResourceVersion.objects.count() == versions
    assert Snapshot.objects.count() == 2


def test_drift_names_field_before_after_and_severity_then_resolves(account, estate):
    poll()
    approval = cli("baseline", "approve", "prod-aws", "--reason", "reviewed in CAB-12")
    assert approval["scope"] == "snapshot" and approval["reason"] == "reviewed in CAB-12"
    assert cli("drift", "prod-aws") == []

    estate.put("aws.eks.cluster", EKS_ARN, eks_config(public=True, cidrs=("0.0.0.0/0",)))
    result = poll()
    assert result["counts"]["changed"] == 1 and result["findings"]["opened"] == 1
    [finding] = cli("drift", "prod-aws")
    assert finding["kind"] == "modified"
    assert finding["resource_id"] == EKS_ARN and finding["resource_type"] == "aws.eks.cluster"
    assert finding["severity"] == "critical"
    changes = {c["path"]: c for c in finding["changes"]}
    assert changes["/resourcesVpcConfig/endpointPublicAccess"]["before"] is False
    assert changes["/resourcesVpcConfig/endpointPublicAccess"]["after"] is True
    assert changes["/resourcesVpcConfig/publicAccessCidrs"]["after"] == ["0.0.0.0/0"]
    assert finding["remediation"]

    # Back to the approved configuration: the finding resolves by itself.
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    result = poll()
    assert result["findings"]["resolved"] == 1
    assert cli("drift", "prod-aws") == []
    [resolved] = cli("drift", "prod-aws", "--status", "resolved")
    assert resolved["id"] == finding["id"]


def test_one_finding_per_resource_across_polls_updated_when_drift_moves(account, estate):
    poll()
    cli("baseline", "approve", "prod-aws")
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(version="1.30"))
    poll()
    [first] = cli("drift", "prod-aws")
    # Same drift seen again (a volatile field moved): still one finding, unchanged.
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(version="1.30", status="UPDATING"))
    poll()
    assert [f["id"] for f in cli("drift", "prod-aws")] == [first["id"]]
    # The drift grows: the same finding now names both fields.
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(version="1.30", public=True, cidrs=("0.0.0.0/0",)))
    poll()
    [moved] = cli("drift", "prod-aws")
    assert moved["id"] == first["id"]
    paths = {c["path"] for c in moved["changes"]}
    assert {"/version", "/resourcesVpcConfig/endpointPublicAccess"} <= paths
    assert moved["severity"] == "critical"
    assert DriftFinding.objects.filter(control_id="", status__in=DriftFinding.LIVE_STATUSES).count() == 1


def test_added_and_removed_resources_are_findings(account, estate):
    poll()
    cli("baseline", "approve", "prod-aws")
    estate.drop("aws.s3.bucket", BUCKET_ARN)
    estate.put("aws.s3.bucket", "arn:aws:s3:::shadow-it", bucket_config(block=False), region="us-east-1")
    result = poll()
    assert result["counts"] == {"added": 1, "changed": 0, "removed": 1, "unchanged": 1}
    findings = {f["resource_id"]: f for f in cli("drift", "prod-aws")}
    assert {k: f["kind"] for k, f in findings.items()} == {BUCKET_ARN: "removed", "arn:aws:s3:::shadow-it": "added"}
    # A new resource is judged by what it exposes: this one has no public access block.
    assert findings["arn:aws:s3:::shadow-it"]["severity"] == "critical"
    # The removed bucket's history ends with a removal event, and it keeps its row.
    bucket = Resource.objects.get(native_id=BUCKET_ARN)
    assert bucket.removed_at is not None
    assert list(bucket.versions.values_list("event", flat=True)) == ["added", "removed"]
    # It comes back: same resource row, history continues, the removal finding resolves.
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config(), region="eu-west-1")
    poll()
    bucket.refresh_from_db()
    assert bucket.removed_at is None
    assert list(bucket.versions.values_list("event", flat=True)) == ["added", "removed", "added"]
    assert {f["resource_id"] for f in cli("drift", "prod-aws")} == {"arn:aws:s3:::shadow-it"}


def test_config_history_is_kept_compactly(account, estate):
    poll()
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(version="1.30"))
    poll()
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())  # flaps back to the first config
    poll()
    cluster = Resource.objects.get(native_id=EKS_ARN)
    v1, v2, v3 = cluster.versions.order_by("id")
    assert [v.event for v in (v1, v2, v3)] == ["added", "modified", "modified"]
    assert v1.config["version"] == "1.29" and v2.config["version"] == "1.30"
    # The third version repeats the first: stored once, pointed at.
    assert v3.config is None and v3.same_as_id == v1.pk and v3.hash == v1.hash
    assert cluster.current_version_id == v3.pk
    # Volatile fields never reach the history.
    assert "status" not in v1.config and "createdAt" not in v1.config


def test_rerunning_a_poll_is_harmless(account, estate):
    poll()
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(version="1.30"))
    poll()
    rows = (Resource.objects.count(), ResourceVersion.objects.count())
    again = poll()
    assert again["counts"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": 2}
    assert (Resource.objects.count(), ResourceVersion.objects.count()) == rows


def test_approving_an_older_snapshot(account, estate):
    first = poll()
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(version="1.30"))
    estate.drop("aws.s3.bucket", BUCKET_ARN)
    poll()
    cli("baseline", "approve", "prod-aws", "--snapshot", str(first["id"]))
    findings = {f["resource_id"]: f for f in cli("drift", "prod-aws")}
    assert findings[EKS_ARN]["kind"] == "modified"
    assert findings[EKS_ARN]["changes"][0]["before"] == "1.29"
    assert findings[BUCKET_ARN]["kind"] == "removed"
    history = cli("baseline", "history", "prod-aws")
    assert [h["snapshot"] for h in history] == [first["id"]]


def test_no_baseline_no_drift_findings(account, estate):
    poll()
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(public=True))
    poll()
    assert cli("drift", "prod-aws", "--status", "all") == []
