"""Compliance through polls of the simulated clouds, with the real SDKs: the seeded GCP project
and Azure subscription are judged on their first poll (no baseline), and drift injected by the
simulators makes exactly the controls it breaks fail, as findings that alert."""

import json

import pytest

from collectors.simulator.estate import DRIFT_KINDS, seed_azure, seed_gcp
from cspm.compliance.models import ControlResult
from cspm.drift.models import DriftFinding
from tests.integration.helpers import cli, poll
from tests.support.aws import ACCESS, ACCOUNT
from tests.support.azure import SERVICE_PRINCIPAL, SUBSCRIPTION, arm_server, fake_arm, fake_ca_file  # noqa: F401
from tests.support.gcp import PROJECT, gcp, gcp_key, gcp_keyfile, gcp_keypair, gcp_server  # noqa: F401

pytestmark = pytest.mark.django_db

# Drift kind -> the controls it must make fail on its resource.
BREAKS = {
    "gcp.cluster_public": {"cis_gke-1.9.0-5.6.3", "cis_gke-1.9.0-5.6.4"},
    "gcp.legacy_abac": {"cis_gke-1.9.0-5.8.3"},
    "gcp.node_metadata_exposed": {"cis_gke-1.9.0-5.4.1"},
    "gcp.bucket_all_users": {"cis_gcp-4.0.0-5.1"},
    "azure.aks_authorized_ips_emptied": {"cis_aks-1.8.0-5.4.1"},
    "azure.blob_public": {"cis_azure-3.0.0-4.17"},
    "azure.storage_tls10": {"cis_azure-3.0.0-4.15"},
    "azure.storage_firewall_open": {"cis_azure-3.0.0-4.7"},
}


def failing(native_id: str) -> set[str]:
    return set(ControlResult.objects.filter(resource__native_id=native_id, status="fail")
               .values_list("control_id", flat=True))


@pytest.fixture
def clouds(gcp, gcp_keyfile, fake_arm, fake_ca_file, tmp_path):  # noqa: F811
    estates = {"gcp": (gcp, seed_gcp(gcp, PROJECT, clusters=3, buckets=6, bindings=10, service_accounts=2)),
               "azure": (fake_arm, seed_azure(fake_arm, SUBSCRIPTION, clusters=3, storage_accounts=6, assignments=6,
                                              custom_roles=1))}
    cli("onboard", "--provider", "gcp", "--account-id", PROJECT, "--name", "sim-gcp", "--org", "Acme Group",
        "--credentials", gcp_keyfile, "--endpoint", gcp.url)
    creds = tmp_path / "azure.json"
    creds.write_text(json.dumps(SERVICE_PRINCIPAL))
    cli("onboard", "--provider", "azure", "--account-id", SUBSCRIPTION, "--name", "sim-azure", "--org", "Acme Group",
        "--credentials", str(creds), "--endpoint", fake_arm.url, "--ca-bundle", fake_ca_file)
    return estates


def test_injected_drift_fails_exactly_the_controls_it_breaks(clouds):
    for account in ("sim-gcp", "sim-azure"):
        first = poll(account)
        assert first["status"] == "ok" and first["compliance"]["resources"] > 0, first
    before = {}
    for name, controls in BREAKS.items():
        cloud, inject = DRIFT_KINDS[name]
        server, estate = clouds[cloud]
        expected = inject(server, estate)
        before[name] = (expected["native_id"], failing(expected["native_id"]))
        assert not controls & before[name][1], f"{name}: {controls & before[name][1]} failed before the drift"
    for account in ("sim-gcp", "sim-azure"):
        poll(account)
    for name, controls in BREAKS.items():
        native_id, was = before[name]
        now = failing(native_id)
        assert now - was == controls, f"{name}: newly failing {now - was}, expected {controls}"
        opened = set(DriftFinding.objects.filter(resource__native_id=native_id, kind="control", status="open")
                     .values_list("control_id", flat=True))
        assert controls <= opened, name


def test_an_aws_account_is_judged_through_moto(moto, tmp_path):
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="acme-open")
    s3.create_bucket(Bucket="acme-locked")
    s3.put_public_access_block(Bucket="acme-locked", PublicAccessBlockConfiguration=dict.fromkeys(
        ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True))
    creds = tmp_path / "aws.json"
    creds.write_text(json.dumps(ACCESS))
    cli("onboard", "--provider", "aws", "--account-id", ACCOUNT, "--name", "moto-aws", "--org", "Acme Group",
        "--credentials", str(creds), "--endpoint", moto.url, "--regions", "us-east-1")
    poll("moto-aws")
    block = "cis_aws-3.0.0-2.1.4"
    assert block in failing("arn:aws:s3:::acme-open")
    assert block not in failing("arn:aws:s3:::acme-locked")
    assert ControlResult.objects.get(resource__native_id="arn:aws:s3:::acme-locked", control_id=block).status == "pass"
    # The account itself: moto's root has no MFA.
    assert "cis_aws-3.0.0-1.5" in failing(ACCOUNT) | failing(f"arn:aws:iam::{ACCOUNT}:root")
