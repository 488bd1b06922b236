"""The simulated estate flow at small scale, through the CLI: seed both simulators
(collectors.simulator.estate), onboard a GCP project and an Azure subscription, poll, approve,
idle poll (zero drift), inject every drift kind, poll, and check each kind's exact finding (kind,
severity, paths). bench/simulated_estate.py runs the same flow at the bar's scale."""

import json

import pytest

from collectors.simulator.estate import DRIFT_KINDS, compare, inject, seed_azure, seed_gcp
from tests.integration.helpers import cli, poll
from tests.support.azure import SERVICE_PRINCIPAL, SUBSCRIPTION, arm_server, fake_arm, fake_ca_file  # noqa: F401
from tests.support.gcp import PROJECT, gcp, gcp_key, gcp_keyfile, gcp_keypair, gcp_server  # noqa: F401

pytestmark = pytest.mark.django_db

SMALL_GCP = {"clusters": 4, "buckets": 10, "bindings": 20, "service_accounts": 2}
SMALL_AZURE = {"clusters": 3, "storage_accounts": 10, "assignments": 20, "custom_roles": 2}


@pytest.fixture
def accounts(gcp, gcp_keyfile, fake_arm, fake_ca_file, tmp_path):  # noqa: F811
    gcp_estate = seed_gcp(gcp, PROJECT, **SMALL_GCP)
    azure_estate = seed_azure(fake_arm, SUBSCRIPTION, **SMALL_AZURE)
    cli("onboard", "--provider", "gcp", "--account-id", PROJECT, "--name", "estate-gcp", "--org", "Acme Group",
        "--credentials", gcp_keyfile, "--endpoint", gcp.url)
    creds = tmp_path / "azure.json"
    creds.write_text(json.dumps(SERVICE_PRINCIPAL))
    cli("onboard", "--provider", "azure", "--account-id", SUBSCRIPTION, "--name", "estate-azure",
        "--org", "Acme Group", "--credentials", str(creds), "--endpoint", fake_arm.url, "--ca-bundle", fake_ca_file)
    return {"estate-gcp": (gcp, gcp_estate), "estate-azure": (fake_arm, azure_estate)}


def test_seeds_are_deterministic_and_varied(gcp, fake_arm):  # noqa: F811
    first = seed_gcp(gcp, PROJECT, **SMALL_GCP)
    snapshot = json.dumps([gcp.project(PROJECT).policy, sorted(gcp.buckets)], sort_keys=True)
    again = seed_gcp(gcp, PROJECT, **SMALL_GCP)
    assert (first.clusters, first.buckets) == (again.clusters, again.buckets)
    assert json.dumps([gcp.project(PROJECT).policy, sorted(gcp.buckets)], sort_keys=True) == snapshot
    assert len({loc for loc, _ in first.clusters}) == 4
    members = sum(len(b["members"]) for b in gcp.project(PROJECT).policy["bindings"])
    assert members == 2 + SMALL_GCP["bindings"]  # the owner and auditor groups, and the seeded ones

    azure = seed_azure(fake_arm, SUBSCRIPTION, **SMALL_AZURE)
    assert len(azure.assignments) == SMALL_AZURE["assignments"] - 1  # plus the admin group's Owner
    assert len(set(azure.clusters)) == 3 and len(set(azure.buckets)) == 10


def test_idle_poll_is_silent_and_every_drift_kind_gives_its_exact_finding(accounts):
    for account in accounts:
        first = poll(account)
        assert first["status"] == "ok", first
        assert first["counts"]["changed"] == first["counts"]["removed"] == 0
    assert poll("estate-gcp")["counts"]["added"] == 0
    gcp_counts = {k: v["resources"] for k, v in poll("estate-gcp")["collectors"].items()}
    assert gcp_counts == {"gcp.gke": 4, "gcp.iam": 3, "gcp.storage": 10}
    azure_counts = {k: v["resources"] for k, v in poll("estate-azure")["collectors"].items()}
    assert azure_counts == {"azure.aks": 3, "azure.authorization": 22, "azure.storage": 10}

    for account in accounts:
        cli("baseline", "approve", account)
        idle = poll(account)
        assert idle["status"] == "ok"
        assert (idle["counts"]["added"], idle["counts"]["changed"], idle["counts"]["removed"]) == (0, 0, 0), idle
        assert cli("drift", account) == []

    report = []
    for account, (server, estate) in accounts.items():
        expected = inject(estate.cloud, server, estate)
        assert set(expected) == {name for name, (cloud, _) in DRIFT_KINDS.items() if cloud == estate.cloud}
        result = poll(account)
        assert result["status"] == "ok", result
        assert result["findings"]["opened"] == len(expected), result
        lines, ok = compare(expected, cli("drift", account))
        report += lines
        assert ok, "\n".join(lines)
    print("\n".join(report))
