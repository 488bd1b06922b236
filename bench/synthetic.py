"""A synthetic AWS for the scheduling benchmark: every account holds CSPM_SYNTHETIC_RESOURCES
buckets and users made up from its id, served without any network, so the benchmark measures
the scheduler, the broker and the workers rather than a cloud.

Loaded into workers with CSPM_COLLECTOR_MODULES=bench.synthetic (it replaces the AWS
collectors in that process). Drift is injected by writing <CSPM_SYNTHETIC_STATE>/<account>.json
= {"public": ["bucket name", ...]}: those buckets lose their public access block.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from collectors.base import Collector
from collectors.records import ResourceRecord
from collectors.registry import registry

RESOURCES = int(os.environ.get("CSPM_SYNTHETIC_RESOURCES", "200"))
STATE = Path(os.environ.get("CSPM_SYNTHETIC_STATE", "/tmp/cspm-synthetic"))
BLOCKED = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
           "RestrictPublicBuckets": True}


def public_buckets(account_id: str) -> set[str]:
    try:
        return set(json.loads((STATE / f"{account_id}.json").read_text())["public"])
    except FileNotFoundError:
        return set()


class SyntheticBuckets(Collector):
    key = "aws.synthetic_s3"
    provider = "aws"
    resource_types = ("aws.s3.bucket",)

    def collect(self):
        account = self.context.account_id
        public = public_buckets(account)
        self.stats["api_calls"] = 1
        for i in range(RESOURCES * 9 // 10):
            name = f"b{account}-{i:04d}"
            yield ResourceRecord(
                type="aws.s3.bucket", native_id=f"arn:aws:s3:::{name}", name=name, region="us-east-1",
                config={"Name": name, "Versioning": {"Status": "Enabled"},
                        "PublicAccessBlockConfiguration": dict.fromkeys(BLOCKED, False) if name in public
                        else BLOCKED,
                        "Tags": [{"Key": "team", "Value": f"t{i % 7}"}], "Padding": "x" * 600})


class SyntheticUsers(Collector):
    key = "aws.synthetic_iam"
    provider = "aws"
    resource_types = ("aws.iam.user",)

    def collect(self):
        account = self.context.account_id
        self.stats["api_calls"] = 1
        for i in range(RESOURCES - RESOURCES * 9 // 10):
            name = f"user-{i:03d}"
            arn = f"arn:aws:iam::{account}:user/{name}"
            yield ResourceRecord(type="aws.iam.user", native_id=arn, name=name, region="global",
                                 config={"UserName": name, "Arn": arn, "Path": "/", "AttachedManagedPolicies": [],
                                         "AccessKeys": [], "MFADevices": [{"SerialNumber": f"{arn}-mfa"}]})


registry.replace("aws", SyntheticBuckets, SyntheticUsers)
