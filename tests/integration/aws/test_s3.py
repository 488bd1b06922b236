"""The S3 collector against moto's server over real HTTP: onboard, poll, approve, mutate the
buckets through boto3, poll again, and read the exact findings."""

import json
import re
import time
import urllib.request

import pytest

import collectors.aws.s3  # noqa: F401  (registers the collector)
from collectors.aws.s3 import S3Collector
from collectors.aws.session import AwsSession
from collectors.base import CollectContext, Collector
from collectors.registry import registry
from cspm.inventory.models import Resource
from cspm.inventory.selectors import version_configs
from tests.integration.helpers import cli, poll
from tests.support.aws import ACCESS, ACCOUNT

pytestmark = pytest.mark.django_db

PAB_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
PAB_OFF = dict.fromkeys(PAB_ON, False)
PAB_PATHS = [f"/PublicAccessBlockConfiguration/{flag}" for flag in sorted(PAB_ON)]
TLS_ONLY = {
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": ["arn:aws:s3:::acme-locked", "arn:aws:s3:::acme-locked/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }],
}
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                   "Resource": "arn:aws:s3:::acme-web/*"}],
}


class Idle(Collector):
    """Another collector of the account that always succeeds, so a failed S3 listing reads as the
    partial snapshot it makes in a real poll."""

    key, provider, resource_types = "aws.test_idle", "aws", ("aws.test.idle",)

    def collect(self):
        return iter(())


@pytest.fixture(autouse=True)
def only_s3():
    """The S3 collector alone (with Idle): counts and statuses do not depend on what else the
    process has registered."""
    with registry.isolated(S3Collector, Idle):
        yield


def arn(name):
    return f"arn:aws:s3:::{name}"


def s3control(moto):
    """The test's own s3control client: one endpoint has no account-prefixed host."""
    client = moto.client("s3control")
    client.meta.events.register("before-send.s3-control.*",
                                lambda request, **_: setattr(request, "url", re.sub(r"//\d{12}\.", "//", request.url)))
    return client


def seed(moto):
    """An estate worth watching: locked-down buckets, a website bucket, a legacy bucket, an account guard."""
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="acme-logs", ACL="log-delivery-write")
    s3.create_bucket(Bucket="acme-locked")
    s3.put_public_access_block(Bucket="acme-locked", PublicAccessBlockConfiguration=PAB_ON)
    s3.put_bucket_versioning(Bucket="acme-locked", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(Bucket="acme-locked", ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.put_bucket_logging(Bucket="acme-locked", BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": "acme-logs", "TargetPrefix": "acme-locked/"}})
    s3.put_bucket_tagging(Bucket="acme-locked", Tagging={"TagSet": [{"Key": "team", "Value": "data"}]})
    # Indented on purpose: the stored policy must be the document, not its whitespace.
    s3.put_bucket_policy(Bucket="acme-locked", Policy=json.dumps(TLS_ONLY, indent=2))
    eu = moto.client("s3", "eu-west-1")
    eu.create_bucket(Bucket="acme-eu-data", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    eu.put_public_access_block(Bucket="acme-eu-data", PublicAccessBlockConfiguration=PAB_ON)
    eu.put_bucket_versioning(Bucket="acme-eu-data", VersioningConfiguration={"Status": "Enabled"})
    s3.create_bucket(Bucket="acme-web")  # no public access block: approved as it is, private
    s3.create_bucket(Bucket="acme-acl")
    s3.create_bucket(Bucket="acme-old")
    s3control(moto).put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=PAB_ON)


def stored(native_id, type_="aws.s3.bucket"):
    resource = Resource.objects.get(type=type_, native_id=native_id)
    return resource, version_configs([resource.current_version_id])[resource.current_version_id]


def findings():
    return {f["resource_id"]: f for f in cli("drift", "moto-aws") if f["resource_type"].startswith("aws.s3.")}


def changes(finding):
    return {c["path"]: (c["op"], c["before"], c["after"], c["severity"], c["rule"]) for c in finding["changes"]}


def test_buckets_are_stored_in_boto3_shapes_and_an_idle_poll_is_quiet(moto, aws_account):
    seed(moto)
    first = poll("moto-aws")
    assert first["status"] == "ok" and first["collectors"]["aws.s3"]["status"] == "ok"
    assert first["counts"] == {"added": 7, "changed": 0, "removed": 0, "unchanged": 0}  # six buckets, the account
    assert "gaps" not in first["collectors"]["aws.s3"]

    locked, config = stored(arn("acme-locked"))
    assert (locked.region, locked.name, locked.tags) == ("us-east-1", "acme-locked", {"team": "data"})
    assert config["PublicAccessBlockConfiguration"] == PAB_ON
    assert config["Policy"] == TLS_ONLY  # parsed: a document, compared as one
    assert config["PolicyStatus"] == {"IsPublic": False}
    assert config["Versioning"] == {"Status": "Enabled"}
    assert config["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"}
    assert config["LoggingEnabled"] == {"TargetBucket": "acme-logs", "TargetPrefix": "acme-locked/"}
    assert config["TagSet"] == [{"Key": "team", "Value": "data"}]
    assert [g["Permission"] for g in config["Grants"]] == ["FULL_CONTROL"] and config["Owner"]["ID"]
    assert "ResponseMetadata" not in json.dumps(config)

    eu, _ = stored(arn("acme-eu-data"))
    assert eu.region == "eu-west-1"
    # A bare bucket: no configuration blocks nothing, and the missing details are facts, not gaps.
    bare_resource, bare = stored(arn("acme-acl"))
    assert bare_resource.region == "us-east-1" and bare_resource.tags == {}
    assert bare["PublicAccessBlockConfiguration"] == PAB_OFF
    assert bare["Versioning"] == {} and bare["TagSet"] == []
    assert not {"Policy", "PolicyStatus", "ServerSideEncryptionConfiguration", "LoggingEnabled"} & set(bare)
    account, account_config = stored(ACCOUNT, "aws.s3.account")
    assert account_config == {"PublicAccessBlockConfiguration": PAB_ON} and account.region == ""

    cli("baseline", "approve", "moto-aws")
    second = poll("moto-aws")
    assert second["status"] == "ok"
    assert second["counts"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": 7}
    assert second["findings"]["opened"] == 0
    assert findings() == {}


def test_risky_changes_are_exact_findings_and_a_fix_resolves_them(moto, aws_account):
    seed(moto)
    poll("moto-aws")
    cli("baseline", "approve", "moto-aws")

    s3 = moto.client("s3")
    s3.delete_public_access_block(Bucket="acme-locked")
    s3.put_bucket_policy(Bucket="acme-web", Policy=json.dumps(PUBLIC_READ))
    s3.put_bucket_acl(Bucket="acme-acl", ACL="public-read")
    moto.client("s3", "eu-west-1").put_bucket_versioning(Bucket="acme-eu-data",
                                                         VersioningConfiguration={"Status": "Suspended"})
    s3.delete_bucket(Bucket="acme-old")
    s3.create_bucket(Bucket="acme-shadow")
    s3control(moto).delete_public_access_block(AccountId=ACCOUNT)

    result = poll("moto-aws")
    assert result["status"] == "ok"
    assert result["collectors"]["aws.s3"]["resources"] == 7
    assert result["counts"] == {"added": 1, "changed": 5, "removed": 1, "unchanged": 1}  # acme-logs
    found = findings()
    assert {k: (f["kind"], f["severity"]) for k, f in found.items()} == {
        arn("acme-locked"): ("modified", "critical"),
        arn("acme-web"): ("modified", "critical"),
        arn("acme-acl"): ("modified", "critical"),
        arn("acme-eu-data"): ("modified", "high"),  # medium, raised one level in prod
        arn("acme-old"): ("removed", "high"),
        arn("acme-shadow"): ("added", "critical"),  # born without a public access block
        ACCOUNT: ("modified", "critical"),
    }

    # The public access block deleted: each of the four guards reads as turned off.
    pab_off = {path: ("replace", True, False, "critical", "aws-s3-public-access-block-off") for path in PAB_PATHS}
    assert changes(found[arn("acme-locked")]) == pab_off
    assert changes(found[ACCOUNT]) == pab_off
    assert found[ACCOUNT]["resource_type"] == "aws.s3.account"

    web = changes(found[arn("acme-web")])
    assert set(web) == {"/Policy", "/PolicyStatus"}
    assert web["/PolicyStatus"] == ("add", None, {"IsPublic": True}, "critical", "aws-s3-bucket-public")
    op, before, after, severity, rule = web["/Policy"]
    assert (op, before, severity, rule) == ("add", None, "high", "aws-s3-policy-public-principal")
    assert after["Statement"]["PublicRead"]["Principal"] == "*"  # statements keyed by Sid

    [(path, (op, before, after, severity, rule))] = changes(found[arn("acme-acl")]).items()
    assert (path, op, severity, rule) == ("/Grants", "replace", "critical", "aws-s3-acl-public")
    all_users = "http://acs.amazonaws.com/groups/global/AllUsers"
    assert not any(g["Grantee"].get("URI") == all_users for g in before)
    assert {"Grantee": {"Type": "Group", "URI": all_users}, "Permission": "READ"} in after

    assert changes(found[arn("acme-eu-data")]) == {
        "/Versioning/Status": ("replace", "Enabled", "Suspended", "medium", "aws-s3-versioning-suspended")}
    assert found[arn("acme-eu-data")]["region"] == "eu-west-1"

    # Put the guard back: that finding resolves by itself, the others stay open.
    s3.put_public_access_block(Bucket="acme-locked", PublicAccessBlockConfiguration=PAB_ON)
    assert poll("moto-aws")["findings"]["resolved"] == 1
    assert arn("acme-locked") not in findings() and len(findings()) == 6


@pytest.fixture
def restricted_account(moto, tmp_path, db):
    """An account onboarded with an IAM user that may read everything but bucket policies, and
    moto's IAM enforcement, switched on by the test through moto's own API, off again afterwards."""
    iam = moto.client("iam")
    iam.create_user(UserName="auditor")
    iam.put_user_policy(UserName="auditor", PolicyName="read", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
                      {"Effect": "Deny", "Action": "s3:GetBucketPolicy", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    keys = {"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]}
    creds = tmp_path / "auditor.json"
    creds.write_text(json.dumps(keys))
    cli("onboard", "--provider", "aws", "--account-id", ACCOUNT, "--name", "moto-aws", "--org", "Acme Group",
        "--credentials", str(creds), "--endpoint", moto.url, "--regions", "us-east-1")

    def enforce(on: bool) -> None:
        request = urllib.request.Request(f"{moto.url}/moto-api/reset-auth", data=b"0" if on else b"inf",
                                         method="POST", headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(request, timeout=30)

    try:
        yield enforce
    finally:
        enforce(False)


def test_a_denied_detail_is_a_gap_and_a_denied_listing_a_partial_snapshot(moto, restricted_account):
    enforce = restricted_account
    seed(moto)
    poll("moto-aws")  # enforcement off: everything is readable
    cli("baseline", "approve", "moto-aws")

    enforce(True)
    result = poll("moto-aws")
    s3 = result["collectors"]["aws.s3"]
    assert result["status"] == "ok" and s3["status"] == "ok" and s3["resources"] == 7
    # Only acme-locked has a policy, but the denial hides whether the others have one too. (The
    # account record may show a gap as well: with signatures enforced, moto refuses s3control
    # requests whose account host prefix the session strips after signing.)
    bucket_gaps = sorted(g for g in s3["gap_examples"] if g.startswith("aws.s3.bucket "))
    assert bucket_gaps == [f"aws.s3.bucket {arn(name)} Policy: AccessDenied: get_bucket_policy"
                           for name in ("acme-acl", "acme-eu-data", "acme-locked", "acme-logs", "acme-old", "acme-web")]
    assert result["counts"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": 7}
    assert stored(arn("acme-locked"))[1]["Policy"] == TLS_ONLY  # last known value kept
    assert findings() == {}

    # Now listing itself is denied: the collector fails, the snapshot is partial, nothing is removed.
    enforce(False)
    moto.client("iam").put_user_policy(UserName="auditor", PolicyName="no-list", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}))
    enforce(True)
    result = poll("moto-aws")
    s3 = result["collectors"]["aws.s3"]
    assert result["status"] == "partial" and result["collectors"]["aws.test_idle"]["status"] == "ok"
    assert (s3["status"], s3["error_kind"]) == ("failed", "auth")
    assert "ListBuckets" in s3["error"]
    assert result["counts"]["removed"] == 0
    assert Resource.objects.filter(type="aws.s3.bucket", removed_at__isnull=True).count() == 6


def test_three_hundred_buckets_poll_concurrently_and_idle_repoll_is_quiet(moto, aws_account, capsys):
    s3 = moto.client("s3")
    started = time.monotonic()
    for n in range(300):
        s3.create_bucket(Bucket=f"bulk-{n:03d}")
    created = time.monotonic() - started
    # What one bucket's details cost when asked one after the other, to compare with the poll.
    started = time.monotonic()
    for n in range(20):
        for operation in ("get_bucket_location", "get_public_access_block", "get_bucket_policy", "get_bucket_acl",
                          "get_bucket_encryption", "get_bucket_versioning", "get_bucket_logging",
                          "get_bucket_tagging"):
            try:
                getattr(s3, operation)(Bucket=f"bulk-{n:03d}")
            except s3.exceptions.ClientError:
                pass
    serial = (time.monotonic() - started) / 20 * 300

    first = poll("moto-aws")
    s3_outcome = first["collectors"]["aws.s3"]
    assert first["status"] == "ok" and s3_outcome["resources"] == 301
    # sts + s3control + one ListBuckets page + eight detail calls per bucket (no policy: no status).
    assert s3_outcome["api_calls"] == 3 + 300 * 8
    assert s3_outcome["buckets"] == 300
    second = poll("moto-aws")
    assert second["counts"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": 301}
    with capsys.disabled():
        print(f"\n300 buckets (created in {created:.1f}s): S3 collector {s3_outcome['seconds']:.2f}s for "
              f"{s3_outcome['api_calls']} calls; the same details asked serially: ~{serial:.1f}s; "
              f"poll total {first['timings']['total']:.2f}s, idle re-poll {second['timings']['total']:.2f}s")


def test_a_china_partition_account_gets_aws_cn_arns(moto):
    """The partition comes from the role's ARN (moto's STS accepts it; the account is its own)."""

    role = {"role_arn": "arn:aws-cn:iam::210987654321:role/cspm-reader", "external_id": "acme-42"}
    context = CollectContext(provider="aws", account_id="210987654321", credentials={**ACCESS, **role},
                             endpoint=moto.url, timeout=10)
    collector = S3Collector(context)
    # Seeded through the collector's own session: the assumed role's account, not the default one.
    AwsSession(context).client("s3", "cn-northwest-1").create_bucket(
        Bucket="acquired-cn-data", CreateBucketConfiguration={"LocationConstraint": "cn-northwest-1"})
    records = {r.native_id: r for r in collector.collect()}
    assert set(records) == {"210987654321", "arn:aws-cn:s3:::acquired-cn-data"}
    bucket = records["arn:aws-cn:s3:::acquired-cn-data"]
    assert (bucket.type, bucket.region, bucket.name, bucket.gaps) == (
        "aws.s3.bucket", "cn-northwest-1", "acquired-cn-data", {})
    assert records["210987654321"].type == "aws.s3.account"
    assert collector.stats["buckets"] == 1 and collector.stats["api_calls"] > 0
