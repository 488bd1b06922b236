"""Cloud Storage: every bucket of the project with its IAM policy.

gcp.storage.bucket config: the bucket resource as buckets.list returns it with projection=full
(the same shape as buckets.get: iamConfiguration with publicAccessPrevention, versioning, logging,
retentionPolicy, encryption, labels, acl...), plus "iamPolicy": buckets.getIamPolicy
(requestedPolicyVersion 3) as REST JSON {resourceId, version, etag, bindings}. Native id
//storage.googleapis.com/projects/_/buckets/NAME. A bucket whose policy cannot be read (403) has a
gap on "iamPolicy"; a failed listing fails the collector. Policies are read concurrently.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from collectors.base import Collector
from collectors.concurrency import parallel
from collectors.errors import NotFoundError
from collectors.gcp.session import GcpSession, optional, translate
from collectors.records import ResourceRecord
from collectors.registry import register

BUCKET = "gcp.storage.bucket"
WORKERS = 8


@register
class StorageCollector(Collector):
    key = "gcp.storage"
    provider = "gcp"
    resource_types = (BUCKET,)

    def collect(self) -> Iterator[ResourceRecord]:
        session = GcpSession(self.context, stats=self.stats)
        client = session.storage()
        try:
            buckets = []
            pages = client.list_buckets(project=session.project, projection="full", retry=session.retry,
                                        timeout=session.timeout).pages
            for page in pages:  # one request per page
                session.count()
                buckets += list(page)
        except Exception as exc:
            raise translate(exc, "storage:buckets.list") from None
        self.stats["buckets"] = len(buckets)
        for record in parallel(lambda b: self._bucket(session, b), buckets, workers=WORKERS):
            if record is not None:
                yield record

    def _bucket(self, session: GcpSession, bucket: Any) -> ResourceRecord | None:
        gaps: dict[str, str] = {}
        config = dict(bucket._properties)
        try:
            policy = optional(session, "storage:buckets.getIamPolicy",
                              lambda: session.call("storage:buckets.getIamPolicy", bucket.get_iam_policy,
                                                   requested_policy_version=3),
                              gaps=gaps, field="iamPolicy")
        except NotFoundError:
            return None  # deleted between the listing and now
        if policy is not None:
            config["iamPolicy"] = policy.to_api_repr()
        name = config["name"]
        return ResourceRecord(type=BUCKET, native_id=f"//storage.googleapis.com/projects/_/buckets/{name}",
                              config=config, region=str(config.get("location", "")).lower(), name=name,
                              tags=dict(config.get("labels") or {}), gaps=gaps)
