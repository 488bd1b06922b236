"""Hostile strings from a cloud are data: stored and returned exactly (they are escaped where
shown), except what the database cannot hold, which is kept visible as text."""

import pytest

from cspm.inventory.models import Resource
from tests.integration.helpers import cli, onboard, poll

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert(document.cookie)</script>",
    "'; DROP TABLE inventory_resource; --",
    "\u202egnp.exe",  # right-to-left override
    "{{ settings.SECRET_KEY }}",
    "../../etc/passwd",
    "emoji 🚨 and CJK 漢字",
]


def test_hostile_names_and_configs_round_trip_exactly(estate):
    onboard()
    for i, text in enumerate(HOSTILE):
        estate.put("aws.s3.bucket", f"arn:aws:s3:::b{i}", {"Name": text, "Policy": {"Sid": text}},
                   name=text, tags={"owner": text})
    assert poll()["counts"]["added"] == len(HOSTILE)
    cli("baseline", "approve", "prod-aws")
    for i, text in enumerate(HOSTILE):
        estate.put("aws.s3.bucket", f"arn:aws:s3:::b{i}", {"Name": text, "Policy": {"Sid": text + "!"}},
                   name=text, tags={"owner": text})
    poll()
    findings = {f["resource_id"]: f for f in cli("drift", "prod-aws")}
    for i, text in enumerate(HOSTILE):
        f = findings[f"arn:aws:s3:::b{i}"]
        assert f["resource_name"] == text
        [change] = [c for c in f["changes"] if c["path"].startswith("/Policy")]
        assert change["before"] == text and change["after"] == text + "!"
    assert Resource.objects.count() == len(HOSTILE)


def test_nul_and_lone_surrogates_are_kept_visible_not_dropped(estate):
    onboard()
    estate.put("aws.s3.bucket", "arn:aws:s3:::nul\x00bucket", {"Name": "a\x00b", "bad": "x\ud800y"},
               name="nul\x00name\udfff")
    result = poll()
    assert result["status"] == "ok" and result["counts"]["added"] == 1
    resource = Resource.objects.get()
    assert resource.native_id == "arn:aws:s3:::nul\\u0000bucket"
    assert resource.name == "nul\\u0000name\ufffd"
    config = resource.versions.get().config
    assert config["Name"] == "a\\u0000b" and config["bad"] == "x\ufffdy"
    # The same odd input next time is the same resource, unchanged.
    assert poll()["counts"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": 1}


def test_a_config_that_is_not_json_fails_only_its_collector(estate):
    onboard()
    estate.put("aws.s3.bucket", "arn:aws:s3:::ok", {"Name": "ok"})
    estate.put("aws.eks.cluster", "arn:aws:eks:us-east-1:123456789012:cluster/x", {"blob": object()})
    result = poll()
    assert result["status"] == "partial"
    assert result["collectors"]["aws.test_eks"]["error_kind"] == "invalid_record"
    assert "not JSON" in result["collectors"]["aws.test_eks"]["error"]
    assert list(Resource.objects.values_list("native_id", flat=True)) == ["arn:aws:s3:::ok"]
