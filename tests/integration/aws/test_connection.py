"""Onboarding tests the connection first: credentials that do not reach the account are refused."""

import json

import pytest
from django.core.management.base import CommandError

from cspm.accounts.models import CloudAccount
from tests.integration.helpers import cli
from tests.support.aws import ACCESS

pytestmark = pytest.mark.django_db


def onboard(url, tmp_path, account_id, credentials):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(credentials))
    return cli("onboard", "--provider", "aws", "--account-id", account_id, "--name", "target", "--org", "Globex",
               "--acquired", "--credentials", str(path), "--endpoint", url)


def test_working_credentials_are_tested_and_saved(moto, tmp_path):
    assert onboard(moto.url, tmp_path, "123456789012", ACCESS)["name"] == "target"


def test_a_role_in_the_acquired_account_is_assumed(moto, tmp_path):
    role = {**ACCESS, "role_arn": "arn:aws:iam::210987654321:role/cspm-reader", "external_id": "globex-2026"}
    with pytest.raises(CommandError):  # a role document may not carry keys too
        onboard(moto.url, tmp_path, "210987654321", role)
    # Role alone: assumed from the product's own base credentials (the environment here).
    import os

    os.environ.update(AWS_ACCESS_KEY_ID=ACCESS["access_key_id"], AWS_SECRET_ACCESS_KEY=ACCESS["secret_access_key"])
    try:
        out = onboard(moto.url, tmp_path, "210987654321",
                      {"role_arn": "arn:aws:iam::210987654321:role/cspm-reader", "external_id": "globex-2026"})
    finally:
        del os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]
    assert out["credentials"] == {"kind": "aws_role", "role_arn": "arn:aws:iam::210987654321:role/cspm-reader",
                                  "has_external_id": True}


def test_credentials_for_another_account_are_refused(moto, tmp_path):
    with pytest.raises(CommandError) as err:
        onboard(moto.url, tmp_path, "111122223333", ACCESS)
    assert err.value.returncode == 2
    assert "reach AWS account 123456789012, not 111122223333" in str(err.value)
    assert not CloudAccount.objects.exists()


def test_an_unreachable_endpoint_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError) as err:
        onboard("http://127.0.0.1:9", tmp_path, "123456789012", ACCESS)
    assert err.value.returncode == 2 and "connection test failed (transient)" in str(err.value)
    assert "wJalrXUtnFEMI" not in str(err.value)


def test_a_poll_through_an_assumed_role_sees_only_that_account(moto, tmp_path, monkeypatch):
    import json as json_module

    from tests.integration.helpers import poll

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS["access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", ACCESS["secret_access_key"])
    moto.client("s3").create_bucket(Bucket="parent-only-bucket")
    role = {"role_arn": "arn:aws:iam::210987654321:role/cspm-reader", "external_id": "globex-2026"}
    path = tmp_path / "role.json"
    path.write_text(json_module.dumps(role))
    cli("onboard", "--provider", "aws", "--account-id", "210987654321", "--name", "globex-aws", "--org", "Globex",
        "--acquired", "--credentials", str(path), "--endpoint", moto.url, "--regions", "us-east-1")
    result = poll("globex-aws")
    assert result["collectors"]["aws.s3"]["status"] == "ok"
    ids = set(CloudAccount.objects.get(name="globex-aws").resources.values_list("native_id", flat=True))
    assert "arn:aws:s3:::parent-only-bucket" not in ids
    assert "210987654321" in ids  # its own account-level S3 record


def test_an_unreachable_cloud_fails_the_snapshot_and_removes_nothing(aws_account, moto):
    from tests.integration.helpers import poll

    moto.client("s3").create_bucket(Bucket="kept-bucket")
    assert poll(aws_account)["status"] == "ok"
    live = CloudAccount.objects.get(name=aws_account).resources.filter(removed_at__isnull=True).count()
    CloudAccount.objects.filter(name=aws_account).update(endpoint_url="http://127.0.0.1:9")
    result = poll(aws_account)
    assert result["status"] == "failed"
    assert {c["error_kind"] for c in result["collectors"].values()} == {"transient"}
    assert all("127.0.0.1:9" in c["error"] for c in result["collectors"].values())
    assert result["counts"]["removed"] == 0
    assert CloudAccount.objects.get(name=aws_account).resources.filter(removed_at__isnull=True).count() == live
