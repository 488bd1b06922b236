"""The AWS session base against moto's server: credentials, assume-role, regions, errors."""

import pytest

from collectors.aws.session import AwsSession, optional, translate
from collectors.base import CollectContext
from collectors.concurrency import parallel
from collectors.errors import AuthError, CollectorError, ThrottledError, TransientError
from tests.support.aws import ACCESS, ACCOUNT


def context(url, credentials=None, regions=()):
    return CollectContext(provider="aws", account_id=ACCOUNT, credentials=credentials or {"kind": "aws_keys", **ACCESS},
                          regions=regions, endpoint=url, timeout=10)


def test_static_keys_reach_the_account(moto):
    session = AwsSession(context(moto.url))
    assert session.account_id() == ACCOUNT
    assert session.home_region == "us-east-1"


def test_assume_role_into_another_account_sees_that_account(moto):
    role = {"kind": "aws_role", "role_arn": "arn:aws:iam::210987654321:role/cspm-reader", "external_id": "acme-42"}
    session = AwsSession(context(moto.url, {**ACCESS, **role}))
    assert session.account_id() == "210987654321"
    # The other account's resources are its own: a bucket made here is not in the first account.
    session.client("s3").create_bucket(Bucket="acquired-data")
    assert "acquired-data" in [b["Name"] for b in session.client("s3").list_buckets()["Buckets"]]
    assert "acquired-data" not in [b["Name"] for b in moto.client("s3").list_buckets()["Buckets"]]


def test_regions_are_the_configured_ones_or_the_enabled_ones(moto):
    assert AwsSession(context(moto.url, regions=("eu-west-1",))).regions() == ["eu-west-1"]
    enabled = AwsSession(context(moto.url)).regions()
    assert "us-east-1" in enabled and "eu-west-1" in enabled and enabled == sorted(enabled)


def test_s3control_reaches_a_single_endpoint(moto):
    session = AwsSession(context(moto.url))
    control = session.client("s3control")
    control.put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration={"BlockPublicAcls": True})
    got = control.get_public_access_block(AccountId=ACCOUNT)["PublicAccessBlockConfiguration"]
    assert got["BlockPublicAcls"] is True


def test_errors_are_typed():
    from botocore.exceptions import ClientError, EndpointConnectionError

    def client_error(code, status):
        return ClientError({"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}},
                           "ListBuckets")

    assert isinstance(translate(client_error("AccessDenied", 403), "s3:ListBuckets"), AuthError)
    assert isinstance(translate(client_error("ThrottlingException", 400), "x"), ThrottledError)
    assert isinstance(translate(client_error("InternalError", 500), "x"), TransientError)
    assert isinstance(translate(EndpointConnectionError(endpoint_url="https://x"), "x"), TransientError)
    other = translate(client_error("ValidationError", 400), "eks:DescribeCluster")
    assert type(other) is CollectorError and str(other).startswith("eks:DescribeCluster: ")


def test_an_optional_call_that_is_denied_or_missing_records_a_gap_not_a_failure(moto):
    session = AwsSession(context(moto.url))
    s3 = session.client("s3")
    s3.create_bucket(Bucket="bucket-one")
    gaps = {}
    assert optional(session, s3, "get_bucket_policy", absent=("NoSuchBucketPolicy",), gaps=gaps, field="Policy",
                    Bucket="bucket-one") is None
    assert gaps == {}  # no policy is a fact, not a gap
    eks = session.client("eks")
    eks.create_cluster(name="c1", roleArn=f"arn:aws:iam::{ACCOUNT}:role/eks",
                       resourcesVpcConfig={"subnetIds": ["subnet-1"]})
    assert optional(session, eks, "list_addons", gaps=gaps, field="addons", clusterName="c1") is None
    assert "addons" in gaps  # moto does not implement it: unknown, recorded


def test_bad_credentials_fail_clearly(moto):
    role = {"kind": "aws_role", "role_arn": "not-an-arn"}
    with pytest.raises(CollectorError) as err:
        AwsSession(context(moto.url, {**ACCESS, **role}))
    assert "sts:AssumeRole" in str(err.value)


def test_parallel_keeps_order_and_propagates_the_first_failure():
    assert list(parallel(lambda x: x * 2, range(20), workers=4)) == [x * 2 for x in range(20)]

    def boom(x):
        if x == 3:
            raise ThrottledError("slow down")
        return x

    with pytest.raises(ThrottledError):
        list(parallel(boom, range(10), workers=4))
