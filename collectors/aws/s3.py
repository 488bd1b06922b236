"""S3: every bucket of the account with its security settings, and the account-level Block
Public Access settings.

aws.s3.bucket config (boto3's own response shapes, merged under their own keys; ResponseMetadata
never kept):
- Name.
- PublicAccessBlockConfiguration: GetPublicAccessBlock, always the four flags. A bucket without a
  configuration (NoSuchPublicAccessBlockConfiguration) blocks nothing: the four flags are False,
  which is what AWS applies. So deleting the configuration reads as
  /PublicAccessBlockConfiguration/BlockPublicAcls true -> false (and the other three), and a new
  bucket without one is judged by the protections it lacks.
- Policy: GetBucketPolicy's JSON text parsed into a document (kept as text if it does not parse);
  absent when the bucket has no policy.
- PolicyStatus: GetBucketPolicyStatus ({"IsPublic": bool}); absent when there is no policy (then
  it is not asked for).
- Owner, Grants: GetBucketAcl.
- ServerSideEncryptionConfiguration: GetBucketEncryption; absent when none is configured.
- Versioning: GetBucketVersioning {Status, MFADelete}, {} when versioning was never enabled.
- LoggingEnabled: GetBucketLogging; absent when access logging is off.
- TagSet: GetBucketTagging, [] when the bucket has no tags.

aws.s3.account config: {"PublicAccessBlockConfiguration": s3control GetPublicAccessBlock}, the
four flags False when the account has no configuration; native id = the account id (as AWS
Config names AWS::S3::AccountPublicAccessBlock).

A detail that cannot be read (access denied, not implemented by the endpoint) is left out of
the config and recorded as a gap on its field, so it keeps its last known value; a failed
ListBuckets fails the collector. Buckets are inspected concurrently.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from collectors.aws.session import AwsSession, optional
from collectors.base import Collector
from collectors.concurrency import parallel
from collectors.records import ResourceRecord
from collectors.registry import register

PAB_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
# LocationConstraint values that are not region names.
LEGACY_LOCATIONS = {"EU": "eu-west-1"}
WORKERS = 16  # the session's connection pool per client holds 16


def public_access_block(reply: dict | None) -> dict[str, bool]:
    """The four Block Public Access flags; a missing configuration (or flag) blocks nothing."""
    config = (reply or {}).get("PublicAccessBlockConfiguration") or {}
    return {flag: config.get(flag) is True for flag in PAB_FLAGS}


def policy_document(text: Any) -> Any:
    """A bucket policy as a document, so that it is compared as one (not as whitespace)."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def bucket_region(location: str | None, default: str) -> str:
    """GetBucketLocation's LocationConstraint as a region: None/"" is the partition's first region."""
    if not location:
        return default
    return LEGACY_LOCATIONS.get(location, location)


@register
class S3Collector(Collector):
    key = "aws.s3"
    provider = "aws"
    resource_types = ("aws.s3.bucket", "aws.s3.account")

    def collect(self) -> Iterator[ResourceRecord]:
        session = AwsSession(self.context, stats=self.stats)
        s3 = session.client("s3")
        # The account record first: it needs no listing, and a denied detail is only a gap.
        yield self._account(session)
        buckets = list(session.pages(s3, "list_buckets", "Buckets"))  # a failure here fails the collector
        self.stats["buckets"] = len(buckets)
        for record in parallel(lambda bucket: self._bucket(session, bucket), buckets, workers=WORKERS):
            if record is not None:
                yield record

    def _account(self, session: AwsSession) -> ResourceRecord:
        account = session.account_id()
        gaps: dict[str, str] = {}
        control = session.client("s3control")
        reply = optional(session, control, "get_public_access_block", absent=("NoSuchPublicAccessBlockConfiguration",),
                         gaps=gaps, field="PublicAccessBlockConfiguration", AccountId=account)
        config: dict[str, Any] = {}
        if "PublicAccessBlockConfiguration" not in gaps:
            config["PublicAccessBlockConfiguration"] = public_access_block(reply)
        return ResourceRecord(type="aws.s3.account", native_id=account, config=config, region="",
                              name=account, gaps=gaps)

    def _bucket(self, session: AwsSession, bucket: dict) -> ResourceRecord | None:
        name = bucket["Name"]
        gaps: dict[str, str] = {}
        home = session.client("s3")

        location = optional(session, home, "get_bucket_location", absent=("NoSuchBucket",), gaps=gaps,
                            field="LocationConstraint", Bucket=name)
        if location is None and not gaps:
            return None  # deleted between the listing and now: it is gone, not unreadable
        if location is not None:
            region = bucket_region(location.get("LocationConstraint"), session.home_region)
        else:
            # Denied: ListBuckets names the region too on current AWS; the home region otherwise.
            region = bucket.get("BucketRegion") or session.home_region
        s3 = session.client("s3", region)

        def detail(operation: str, field: str, absent: tuple[str, ...] = ()) -> dict | None:
            return optional(session, s3, operation, absent=absent, gaps=gaps, field=field, Bucket=name)

        config: dict[str, Any] = {"Name": name}

        pab = detail("get_public_access_block", "PublicAccessBlockConfiguration",
                     ("NoSuchPublicAccessBlockConfiguration",))
        if "PublicAccessBlockConfiguration" not in gaps:
            config["PublicAccessBlockConfiguration"] = public_access_block(pab)

        policy = detail("get_bucket_policy", "Policy", ("NoSuchBucketPolicy",))
        if policy is not None and policy.get("Policy") is not None:
            config["Policy"] = policy_document(policy["Policy"])

        # No policy, no policy status (AWS answers NoSuchBucketPolicy): one call fewer per bucket.
        if "Policy" in config or "Policy" in gaps:
            status = detail("get_bucket_policy_status", "PolicyStatus", ("NoSuchBucketPolicy",))
            if status is not None and status.get("PolicyStatus") is not None:
                config["PolicyStatus"] = status["PolicyStatus"]

        acl = detail("get_bucket_acl", "Grants")
        if acl is not None:
            config["Owner"] = acl.get("Owner") or {}
            config["Grants"] = acl.get("Grants") or []
        elif "Grants" in gaps:
            gaps["Owner"] = gaps["Grants"]

        encryption = detail("get_bucket_encryption", "ServerSideEncryptionConfiguration",
                            ("ServerSideEncryptionConfigurationNotFoundError",))
        if encryption is not None and encryption.get("ServerSideEncryptionConfiguration") is not None:
            config["ServerSideEncryptionConfiguration"] = encryption["ServerSideEncryptionConfiguration"]

        versioning = detail("get_bucket_versioning", "Versioning")
        if versioning is not None:
            config["Versioning"] = {k: versioning[k] for k in ("Status", "MFADelete") if k in versioning}

        logs = detail("get_bucket_logging", "LoggingEnabled")
        if logs is not None and logs.get("LoggingEnabled") is not None:
            config["LoggingEnabled"] = logs["LoggingEnabled"]

        tagging = detail("get_bucket_tagging", "TagSet", ("NoSuchTagSet",))
        tags: dict[str, str] = {}
        if "TagSet" not in gaps:
            config["TagSet"] = (tagging or {}).get("TagSet") or []
            tags = {str(t.get("Key")): str(t.get("Value", "")) for t in config["TagSet"] if isinstance(t, dict)}
        else:
            gaps["tags"] = gaps["TagSet"]  # the record's tags are unknown too, not empty

        return ResourceRecord(type="aws.s3.bucket", native_id=f"arn:{session.partition}:s3:::{name}", config=config,
                              region=region, name=name, tags=tags, gaps=gaps)
