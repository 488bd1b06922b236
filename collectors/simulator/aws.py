"""A small simulated AWS estate in moto's server, and its drift kinds, for the demo.

moto (``moto.server.ThreadedMotoServer``) is the AWS of the offline simulator: ``seed_aws`` fills
one account of a running server through boto3 (EKS clusters, S3 buckets, IAM users), hardened
and deterministic (same names and settings each time); ``AWS_DRIFT_KINDS`` edits it the way the
drift kinds of :mod:`collectors.simulator.estate` edit the GCP and Azure simulators, and returns
what the product must report. An account other than moto's default is reached with credentials
from STS assume-role into it (moto keys each issued access key to the role's account).
Plain Python: no Django.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from collectors.simulator.estate import pointer

DEFAULT_ACCOUNT = "123456789012"  # moto's own account: the static keys below reach it
ACCESS = {"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
REGION = "us-east-1"
PRIVATE_ENDPOINT = {"subnetIds": ["subnet-0b2", "subnet-0a1"], "securityGroupIds": ["sg-0c3"],
                    "endpointPublicAccess": False, "endpointPrivateAccess": True}
PUBLIC_ACCESS_BLOCK = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                       "RestrictPublicBuckets": True}
TEAMS = ("platform", "payments", "data", "identity")


def client(url: str, service: str, credentials: dict[str, str] | None = None, region: str = REGION) -> Any:
    import boto3
    from botocore.config import Config

    creds = credentials or ACCESS
    return boto3.client(service, region_name=region, endpoint_url=url,
                        aws_access_key_id=creds["access_key_id"], aws_secret_access_key=creds["secret_access_key"],
                        aws_session_token=creds.get("session_token"),
                        config=Config(retries={"total_max_attempts": 2}, s3={"addressing_style": "path"}))


def account_credentials(url: str, account_id: str) -> dict[str, str]:
    """Keys that reach ``account_id`` in this moto server: the static keys for moto's default
    account, else temporary ones from sts:AssumeRole into the account (valid while the server runs)."""
    if account_id == DEFAULT_ACCOUNT:
        return dict(ACCESS)
    issued = client(url, "sts").assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/cspm-audit",
                                            RoleSessionName="cspm-demo")["Credentials"]
    return {"access_key_id": issued["AccessKeyId"], "secret_access_key": issued["SecretAccessKey"],
            "session_token": issued["SessionToken"]}


@dataclass
class AwsEstate:
    """What seed_aws put in one account, for the drift kinds to pick from."""

    url: str
    account: str
    credentials: dict[str, str]
    clusters: list[str] = field(default_factory=list)
    buckets: list[str] = field(default_factory=list)
    users: list[str] = field(default_factory=list)
    taken: set = field(default_factory=set)

    def pick(self, items: list[str]) -> str:
        for item in reversed(items):
            if item not in self.taken:
                self.taken.add(item)
                return item
        raise LookupError(f"no untouched resource left in AWS account {self.account} for this drift kind")


def seed_aws(url: str, account_id: str, prefix: str, *, clusters: int = 2, buckets: int = 4,
             users: int = 4) -> AwsEstate:
    """Hardened EKS clusters (private endpoint, logging, secrets encryption), S3 buckets behind a
    public access block, and IAM users in one account of a running moto server."""
    creds = account_credentials(url, account_id)
    estate = AwsEstate(url, account_id, creds)
    iam, s3, eks = client(url, "iam", creds), client(url, "s3", creds), client(url, "eks", creds)
    role = f"arn:aws:iam::{account_id}:role/eks-cluster"
    kms = f"arn:aws:kms:{REGION}:{account_id}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    for i in range(clusters):
        name = f"{prefix}-{TEAMS[i % len(TEAMS)]}-eks"
        eks.create_cluster(
            name=name, version="1.30", roleArn=role, resourcesVpcConfig=PRIVATE_ENDPOINT,
            logging={"clusterLogging": [{"types": ["api", "audit", "authenticator"], "enabled": True}]},
            encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": kms}}],
            tags={"team": TEAMS[i % len(TEAMS)], "env": "prod"})
        estate.clusters.append(name)
    for i in range(buckets):
        name = f"{prefix}-{('logs', 'data', 'backup', 'assets')[i % 4]}-{i + 1:02d}"
        s3.create_bucket(Bucket=name)
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=PUBLIC_ACCESS_BLOCK)
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        estate.buckets.append(name)
    for i in range(users):
        name = f"{prefix}-{TEAMS[i % len(TEAMS)]}-engineer-{i + 1:02d}"
        iam.create_user(UserName=name, Tags=[{"Key": "team", "Value": TEAMS[i % len(TEAMS)]}])
        estate.users.append(name)
    return estate


def make_steady(estate: AwsEstate) -> None:
    """moto gives a resource new random ids and the current time on each start of the server, so a
    restarted simulator would look like every IAM user and EKS cluster was deleted and made again.
    Pin those to values derived from the names: a demo restart then starts from the same estate.
    Works on a ThreadedMotoServer in this process (moto's in-memory backends), moto 5.2."""
    from moto.eks.models import eks_backends
    from moto.iam.models import iam_backends

    def tag(*parts: str) -> str:
        return hashlib.sha256("|".join(parts).encode()).hexdigest().upper()

    users = iam_backends[estate.account]["global"].users
    for name in estate.users:
        users[name].id = "AIDA" + tag(estate.account, name)[:17]
        users[name].create_date = dt.datetime(2025, 1, 15, 9, 0, 0)  # moto keeps naive UTC
    clusters = eks_backends[estate.account][REGION].clusters
    for name in estate.clusters:
        digest = tag(estate.account, REGION, name)
        clusters[name].endpoint = f"https://{digest[:32]}.gr7.{REGION}.eks.amazonaws.com"
        clusters[name].identity = {"oidc": {"issuer": f"https://oidc.eks.{REGION}.amazonaws.com/id/{digest[:32]}"}}


def eks_endpoint_public(estate: AwsEstate) -> dict:
    name = estate.pick(estate.clusters)
    # AWS merges the fields sent; moto replaces the whole block, so send it whole.
    client(estate.url, "eks", estate.credentials).update_cluster_config(name=name, resourcesVpcConfig={
        **PRIVATE_ENDPOINT, "endpointPublicAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]})
    return _expect("aws.eks.cluster", f"arn:aws:eks:{REGION}:{estate.account}:cluster/{name}", "modified",
                   "critical", "/resourcesVpcConfig/endpointPublicAccess")


def s3_bucket_public(estate: AwsEstate) -> dict:
    name = estate.pick(estate.buckets)
    client(estate.url, "s3", estate.credentials).delete_public_access_block(Bucket=name)
    return _expect("aws.s3.bucket", f"arn:aws:s3:::{name}", "modified", "critical")


def iam_user_admin(estate: AwsEstate) -> dict:
    name = estate.pick(estate.users)
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    client(estate.url, "iam", estate.credentials).put_user_policy(
        UserName=name, PolicyName="break-glass", PolicyDocument=json.dumps(document))
    return _expect("aws.iam.user", f"arn:aws:iam::{estate.account}:user/{name}", "modified", "critical",
                   pointer("UserPolicyList", "break-glass"))


def _expect(resource_type: str, native_id: str, kind: str, severity: str, *paths: str) -> dict:
    return {"resource_type": resource_type, "native_id": native_id, "kind": kind, "paths": list(paths),
            "severity": severity}


AWS_DRIFT_KINDS: dict[str, Callable[[AwsEstate], dict]] = {
    "aws.eks_endpoint_public": eks_endpoint_public,
    "aws.s3_bucket_public": s3_bucket_public,
    "aws.iam_user_admin": iam_user_admin,
}
