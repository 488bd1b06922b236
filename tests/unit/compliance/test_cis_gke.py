"""CIS GKE Benchmark v1.9.0: every control against passing and failing clusters shaped exactly as the GKE
collector records them. Each config is written as the REST JSON of clusters.get, parsed into the SDK's
Cluster message (so a misspelt or unknown field fails the test), rendered with the collector's own
message_dict (proto3 JSON: fields at their default are left out), node pools sorted, then normalized as
ingest stores it (volatile fields dropped)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from google.cloud import container_v1
from google.protobuf.json_format import ParseDict

from collectors.gcp.session import message_dict
from collectors.simulator.gcp import GcpSimulator, deep_merge
from cspm.compliance.controls import CONTROLS, ERROR, FAIL, NOT_APPLICABLE, PASS
from cspm.drift.diff import diff_view
from cspm.drift.normalize import normalize
from tests.unit.compliance import support
from tests.unit.compliance.support import Edit, both, patch, verdicts

BENCH = "cis_gke"
TYPE = "gcp.gke.cluster"
PROJECT = "acme-prod-123"
KEY = f"projects/{PROJECT}/locations/europe-west1/keyRings/gke/cryptoKeys"


def node_pool(name: str, machine: str) -> dict:
    return {
        "name": name,
        "config": {
            "machineType": machine,
            "diskSizeGb": 100,
            "oauthScopes": ["https://www.googleapis.com/auth/cloud-platform"],
            "metadata": {"disable-legacy-endpoints": "true"},
            "imageType": "COS_CONTAINERD",
            "labels": {"pool": name},
            "serviceAccount": f"gke-nodes@{PROJECT}.iam.gserviceaccount.com",
            "diskType": "pd-balanced",
            "bootDiskKmsKey": f"{KEY}/boot-disks",
            "workloadMetadataConfig": {"mode": "GKE_METADATA"},
            "shieldedInstanceConfig": {"enableSecureBoot": True, "enableIntegrityMonitoring": True},
        },
        "initialNodeCount": 1,
        "autoscaling": {"enabled": True, "minNodeCount": 1, "maxNodeCount": 5, "locationPolicy": "BALANCED"},
        "management": {"autoUpgrade": True, "autoRepair": True},
        "maxPodsConstraint": {"maxPodsPerNode": "110"},
        "podIpv4CidrSize": 24,
        "locations": ["europe-west1-b", "europe-west1-c", "europe-west1-d"],
        "networkConfig": {"podRange": "gke-pods", "podIpv4CidrBlock": "10.8.0.0/14"},
        "upgradeSettings": {"maxSurge": 1, "strategy": "SURGE"},
        "selfLink": f"https://container.googleapis.com/v1/projects/{PROJECT}/locations/europe-west1/clusters/"
                    f"prod-gke/nodePools/{name}",
        "version": "1.30.5-gke.1014001",
        "instanceGroupUrls": [f"https://www.googleapis.com/compute/v1/projects/{PROJECT}/zones/europe-west1-b/"
                              f"instanceGroupManagers/gke-prod-gke-{name}-grp"],
        "status": "RUNNING",
        "etag": "2b7d4c1e-0f9a-4c55-9d2e-7f3b1a2c9e10",
    }


# A hardened regional cluster as clusters.get returns it (REST JSON; int64 as strings, enums as names).
CLUSTER: dict[str, Any] = {
    "name": "prod-gke",
    "masterAuth": {"clientCertificateConfig": {}, "clusterCaCertificate": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"},
    "loggingService": "logging.googleapis.com/kubernetes",
    "monitoringService": "monitoring.googleapis.com/kubernetes",
    "network": "prod-vpc",
    "clusterIpv4Cidr": "10.8.0.0/14",
    "addonsConfig": {
        "httpLoadBalancing": {}, "horizontalPodAutoscaling": {}, "kubernetesDashboard": {"disabled": True},
        "networkPolicyConfig": {"disabled": True}, "gcePersistentDiskCsiDriverConfig": {"enabled": True},
    },
    "subnetwork": "gke-europe-west1",
    # highmem-pool first, as the API may list them: the collector sorts node pools by name.
    "nodePools": [node_pool("highmem-pool", "n2-highmem-4"), node_pool("default-pool", "e2-standard-4")],
    "locations": ["europe-west1-b", "europe-west1-c", "europe-west1-d"],
    "resourceLabels": {"env": "prod", "team": "platform"},
    "labelFingerprint": "a9c3e1f0",
    "legacyAbac": {},
    "networkPolicy": {},
    "ipAllocationPolicy": {"useIpAliases": True, "clusterSecondaryRangeName": "gke-pods",
                           "servicesSecondaryRangeName": "gke-services", "clusterIpv4CidrBlock": "10.8.0.0/14",
                           "servicesIpv4CidrBlock": "10.12.0.0/20", "stackType": "IPV4"},
    "masterAuthorizedNetworksConfig": {"enabled": True, "cidrBlocks": [
        {"displayName": "corp", "cidrBlock": "203.0.113.0/24"},
        {"displayName": "vpn", "cidrBlock": "198.51.100.16/28"}]},
    "maintenancePolicy": {"window": {"dailyMaintenanceWindow": {"startTime": "03:00", "duration": "PT4H0M0S"}},
                          "resourceVersion": "e3b0c442"},
    "binaryAuthorization": {"evaluationMode": "PROJECT_SINGLETON_POLICY_ENFORCE"},
    "networkConfig": {"network": f"projects/{PROJECT}/global/networks/prod-vpc",
                      "subnetwork": f"projects/{PROJECT}/regions/europe-west1/subnetworks/gke-europe-west1",
                      "enableIntraNodeVisibility": True, "datapathProvider": "ADVANCED_DATAPATH",
                      "defaultSnatStatus": {}},
    "defaultMaxPodsConstraint": {"maxPodsPerNode": "110"},
    "authenticatorGroupsConfig": {"enabled": True, "securityGroup": "gke-security-groups@acme.example"},
    "privateClusterConfig": {"enablePrivateNodes": True, "enablePrivateEndpoint": True,
                             "masterIpv4CidrBlock": "172.16.0.0/28", "privateEndpoint": "172.16.0.2",
                             "publicEndpoint": "34.76.10.20"},
    "databaseEncryption": {"state": "ENCRYPTED", "keyName": f"{KEY}/etcd",
                           "currentState": "CURRENT_STATE_ENCRYPTED"},
    "shieldedNodes": {"enabled": True},
    "releaseChannel": {"channel": "REGULAR"},
    "workloadIdentityConfig": {"workloadPool": f"{PROJECT}.svc.id.goog"},
    "notificationConfig": {"pubsub": {}},
    "securityPostureConfig": {"mode": "BASIC", "vulnerabilityMode": "VULNERABILITY_BASIC"},
    "loggingConfig": {"componentConfig": {"enableComponents": ["SYSTEM_COMPONENTS", "WORKLOADS"]}},
    "monitoringConfig": {"componentConfig": {"enableComponents": ["SYSTEM_COMPONENTS"]},
                         "managedPrometheusConfig": {"enabled": True}},
    "selfLink": f"https://container.googleapis.com/v1/projects/{PROJECT}/locations/europe-west1/clusters/prod-gke",
    "zone": "europe-west1",
    "endpoint": "172.16.0.2",
    "initialClusterVersion": "1.29.8-gke.1211000",
    "currentMasterVersion": "1.30.5-gke.1014001",
    "currentNodeVersion": "1.30.5-gke.1014001",
    "createTime": "2025-03-04T09:30:00+00:00",
    "status": "RUNNING",
    "servicesIpv4Cidr": "10.12.0.0/20",
    "currentNodeCount": 6,
    "location": "europe-west1",
    "id": "5f3a1c9e2b7d4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f",
    "etag": "7e1c0d55-1f0b-4b8e-9a7c-2d4b6f8e0a13",
}


def collected(rest: dict) -> dict:
    """The cluster as the collector records it and ingest stores it."""
    message = container_v1.Cluster.pb()()
    ParseDict(rest, message)  # unknown fields raise: every field here is a real Cluster field
    config = message_dict(message)
    config["nodePools"] = sorted(config.get("nodePools", []), key=lambda p: p.get("name", ""))
    return normalize(TYPE, config)


def pool(changes: dict, name: str = "highmem-pool") -> Edit:
    """Deep-merge into one node pool (highmem-pool sorts second: its pointers are /nodePools/1/...)."""
    return lambda rest: deep_merge(next(p for p in rest["nodePools"] if p["name"] == name), copy.deepcopy(changes))


def no_pools(rest: dict) -> None:
    rest["nodePools"] = []


def config_of(edit: Edit | None = None) -> dict:
    rest = copy.deepcopy(CLUSTER)
    if edit is not None:
        edit(rest)
    return collected(rest)


def check(ref: str, config: dict):
    return CONTROLS[f"{BENCH}-1.9.0-{ref}"].check(config)


POOL1 = "/nodePools/1/config"
# (ref, case, edit of the hardened cluster, expected status, expected path or None not to check it)
CASES: list[tuple[str, str, Edit | None, str, str | None]] = [
    ("5.1.4", "enforced", None, PASS, "/binaryAuthorization/evaluationMode"),
    ("5.1.4", "deprecated enabled flag", patch({"binaryAuthorization": {"evaluationMode": None, "enabled": True}}),
     PASS, "/binaryAuthorization/enabled"),
    ("5.1.4", "disabled", patch({"binaryAuthorization": {"evaluationMode": "DISABLED"}}), FAIL,
     "/binaryAuthorization/evaluationMode"),
    ("5.1.4", "never configured", patch({"binaryAuthorization": None}), FAIL, "/binaryAuthorization/evaluationMode"),

    ("5.2.1", "dedicated node account", None, PASS, None),
    ("5.2.1", "default compute account named", pool({"config": {
        "serviceAccount": "123456789012-compute@developer.gserviceaccount.com"}}), FAIL, f"{POOL1}/serviceAccount"),
    ("5.2.1", "\"default\"", pool({"config": {"serviceAccount": "default"}}, "default-pool"), FAIL,
     "/nodePools/0/config/serviceAccount"),
    ("5.2.1", "not set", pool({"config": {"serviceAccount": None}}), FAIL, f"{POOL1}/serviceAccount"),
    ("5.2.1", "no node pools", no_pools, NOT_APPLICABLE, None),

    ("5.2.2", "workload pool", None, PASS, "/workloadIdentityConfig/workloadPool"),
    ("5.2.2", "disabled", patch({"workloadIdentityConfig": None}), FAIL, "/workloadIdentityConfig/workloadPool"),

    ("5.3.1", "CMEK", None, PASS, "/databaseEncryption/keyName"),
    ("5.3.1", "decrypted", patch({"databaseEncryption": {"state": "DECRYPTED", "keyName": None,
                                                         "currentState": "CURRENT_STATE_DECRYPTED"}}),
     FAIL, "/databaseEncryption/state"),
    ("5.3.1", "never configured", patch({"databaseEncryption": None}), FAIL, "/databaseEncryption/state"),
    ("5.3.1", "encrypted without a key", patch({"databaseEncryption": {"keyName": None}}), FAIL,
     "/databaseEncryption/keyName"),

    ("5.4.1", "GKE metadata server", None, PASS, None),
    ("5.4.1", "GCE metadata", pool({"config": {"workloadMetadataConfig": {"mode": "GCE_METADATA"}}}), FAIL,
     f"{POOL1}/workloadMetadataConfig/mode"),
    ("5.4.1", "not set", pool({"config": {"workloadMetadataConfig": None}}), FAIL,
     f"{POOL1}/workloadMetadataConfig/mode"),

    ("5.5.1", "cos_containerd", None, PASS, None),
    ("5.5.1", "Ubuntu", pool({"config": {"imageType": "UBUNTU_CONTAINERD"}}), FAIL, f"{POOL1}/imageType"),
    ("5.5.1", "not reported", pool({"config": {"imageType": None}}), NOT_APPLICABLE, None),

    ("5.5.2", "auto-repair", None, PASS, None),
    ("5.5.2", "off", pool({"management": {"autoRepair": False}}), FAIL, "/nodePools/1/management/autoRepair"),

    ("5.5.3", "auto-upgrade", None, PASS, None),
    ("5.5.3", "off", pool({"management": {"autoUpgrade": False}}), FAIL, "/nodePools/1/management/autoUpgrade"),
    ("5.5.3", "no management block", pool({"management": None}), FAIL, "/nodePools/1/management/autoUpgrade"),

    ("5.5.4", "regular", None, PASS, "/releaseChannel/channel"),
    ("5.5.4", "stable", patch({"releaseChannel": {"channel": "STABLE"}}), PASS, "/releaseChannel/channel"),
    ("5.5.4", "unspecified", patch({"releaseChannel": {"channel": "UNSPECIFIED"}}), FAIL, "/releaseChannel/channel"),
    ("5.5.4", "no channel", patch({"releaseChannel": None}), FAIL, "/releaseChannel/channel"),

    ("5.5.5", "shielded", None, PASS, "/shieldedNodes/enabled"),
    ("5.5.5", "off", patch({"shieldedNodes": {"enabled": False}}), FAIL, "/shieldedNodes/enabled"),

    ("5.5.6", "integrity monitoring", None, PASS, None),
    ("5.5.6", "off", pool({"config": {"shieldedInstanceConfig": {"enableIntegrityMonitoring": False}}}), FAIL,
     f"{POOL1}/shieldedInstanceConfig/enableIntegrityMonitoring"),

    ("5.5.7", "secure boot", None, PASS, None),
    ("5.5.7", "off", pool({"config": {"shieldedInstanceConfig": {"enableSecureBoot": False}}}), FAIL,
     f"{POOL1}/shieldedInstanceConfig/enableSecureBoot"),

    ("5.6.1", "intranode visibility", None, PASS, "/networkConfig/enableIntraNodeVisibility"),
    ("5.6.1", "off", patch({"networkConfig": {"enableIntraNodeVisibility": False}}), FAIL,
     "/networkConfig/enableIntraNodeVisibility"),

    ("5.6.2", "VPC-native", None, PASS, "/ipAllocationPolicy/useIpAliases"),
    ("5.6.2", "routes-based", patch({"ipAllocationPolicy": {"useIpAliases": False}}), FAIL,
     "/ipAllocationPolicy/useIpAliases"),

    ("5.6.3", "corp and vpn only", None, PASS, None),
    ("5.6.3", "enabled with no CIDR (private access only)",
     patch({"masterAuthorizedNetworksConfig": {"cidrBlocks": None}}), PASS, None),
    ("5.6.3", "disabled", patch({"masterAuthorizedNetworksConfig": None}), FAIL,
     "/masterAuthorizedNetworksConfig/enabled"),
    ("5.6.3", "open to the internet", patch({"masterAuthorizedNetworksConfig": {"cidrBlocks": [
        {"displayName": "corp", "cidrBlock": "203.0.113.0/24"}, {"displayName": "all", "cidrBlock": "0.0.0.0/0"}]}}),
     FAIL, "/masterAuthorizedNetworksConfig/cidrBlocks"),

    ("5.6.4", "private endpoint", None, PASS, "/privateClusterConfig/enablePrivateEndpoint"),
    ("5.6.4", "public endpoint", patch({"privateClusterConfig": {"enablePrivateEndpoint": False}}), FAIL,
     "/privateClusterConfig/enablePrivateEndpoint"),

    ("5.6.5", "private nodes", None, PASS, "/privateClusterConfig/enablePrivateNodes"),
    ("5.6.5", "private nodes by default", both(patch({"privateClusterConfig": None}),
                                               patch({"networkConfig": {"defaultEnablePrivateNodes": True}})),
     PASS, "/networkConfig/defaultEnablePrivateNodes"),
    ("5.6.5", "public nodes", patch({"privateClusterConfig": None}), FAIL, "/privateClusterConfig/enablePrivateNodes"),

    ("5.7.1", "logging and monitoring", None, PASS, None),
    ("5.7.1", "logging off", patch({"loggingService": "none", "loggingConfig": {"componentConfig": None}}), FAIL,
     "/loggingService"),
    ("5.7.1", "monitoring off", patch({"monitoringService": "none"}), FAIL, "/monitoringService"),
    ("5.7.1", "not reported", patch({"loggingService": None, "monitoringService": None}), NOT_APPLICABLE, None),

    ("5.8.1", "no client certificate", None, PASS, "/masterAuth"),
    ("5.8.1", "client certificate issued", patch({"masterAuth": {
        "clientCertificateConfig": {"issueClientCertificate": True},
        "clientCertificate": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=",
        "clientKey": "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlF"}}), FAIL, "/masterAuth/clientKey"),
    ("5.8.1", "issue flag on, no key yet", patch({"masterAuth": {
        "clientCertificateConfig": {"issueClientCertificate": True}}}), FAIL,
     "/masterAuth/clientCertificateConfig/issueClientCertificate"),

    ("5.8.2", "Google Groups for RBAC", None, PASS, "/authenticatorGroupsConfig/securityGroup"),
    ("5.8.2", "not configured", patch({"authenticatorGroupsConfig": None}), FAIL, "/authenticatorGroupsConfig/enabled"),
    ("5.8.2", "enabled without a group", patch({"authenticatorGroupsConfig": {"securityGroup": None}}), FAIL,
     "/authenticatorGroupsConfig/securityGroup"),

    ("5.8.3", "disabled (empty message)", None, PASS, "/legacyAbac"),
    ("5.8.3", "disabled (message left out)", patch({"legacyAbac": None}), PASS, "/legacyAbac"),
    ("5.8.3", "enabled", patch({"legacyAbac": {"enabled": True}}), FAIL, "/legacyAbac/enabled"),

    ("5.9.2", "CMEK boot disks", None, PASS, None),
    ("5.9.2", "Google-managed key", pool({"config": {"bootDiskKmsKey": None}}), FAIL, f"{POOL1}/bootDiskKmsKey"),

    ("5.10.1", "dashboard disabled", None, PASS, "/addonsConfig/kubernetesDashboard/disabled"),
    ("5.10.1", "dashboard not configured", patch({"addonsConfig": {"kubernetesDashboard": None}}), PASS, None),
    ("5.10.1", "dashboard enabled", patch({"addonsConfig": {"kubernetesDashboard": {"disabled": False}}}), FAIL,
     "/addonsConfig/kubernetesDashboard/disabled"),

    ("5.10.2", "not alpha", None, PASS, "/enableKubernetesAlpha"),
    ("5.10.2", "alpha cluster", patch({"enableKubernetesAlpha": True, "expireTime": "2025-04-03T09:30:00+00:00"}),
     FAIL, "/enableKubernetesAlpha"),

    ("5.10.4", "basic", None, PASS, "/securityPostureConfig/mode"),
    ("5.10.4", "enterprise", patch({"securityPostureConfig": {"mode": "ENTERPRISE"}}), PASS, None),
    ("5.10.4", "disabled", patch({"securityPostureConfig": {"mode": "DISABLED"}}), FAIL, "/securityPostureConfig/mode"),
    ("5.10.4", "not reported", patch({"securityPostureConfig": None}), NOT_APPLICABLE, None),
]


@pytest.mark.parametrize(("ref", "edit", "status", "path"), [pytest.param(r, e, s, p, id=f"{r} {c}")
                                                             for r, c, e, s, p in CASES])
def test_control(ref, edit, status, path):
    support.assert_verdict(check(ref, config_of(edit)), status, path)


def test_every_control_is_tested_with_a_passing_and_a_failing_cluster():
    declared = {c.ref for c in CONTROLS.values() if c.benchmark.key == BENCH}
    support.assert_covered(declared, {(ref, status) for ref, _, _, status, _ in CASES})


def test_the_benchmark_and_its_controls():
    controls = [c for c in CONTROLS.values() if c.benchmark.key == BENCH]
    assert len(controls) == 25
    for item in controls:
        assert item.benchmark.title == "CIS Google Kubernetes Engine (GKE) Benchmark"
        assert item.benchmark.version == "1.9.0" and item.benchmark.provider == "gcp"
        assert item.resource_types == (TYPE,)
        assert "gcloud container" in item.cli and "Kubernetes Engine >" in item.console


def test_the_hardened_cluster_passes_every_control():
    results = verdicts(TYPE, config_of(), BENCH)
    assert set(results) == {c.id for c in CONTROLS.values() if c.benchmark.key == BENCH}
    assert {cid: v for cid, v in results.items() if v.status != PASS} == {}


def test_every_bad_node_pool_is_named_and_the_path_is_the_first_ones():
    config = config_of(both(pool({"config": {"serviceAccount": "default"}}, "default-pool"),
                            pool({"config": {"serviceAccount": None}}, "highmem-pool")))
    verdict = check("5.2.1", config)
    assert verdict.status == FAIL and verdict.path == "/nodePools/0/config/serviceAccount"
    assert "default-pool" in verdict.detail and "highmem-pool" in verdict.detail


def test_node_pools_keyed_by_name_in_the_diff_view_give_named_paths():
    config = diff_view(TYPE, config_of(pool({"config": {"workloadMetadataConfig": {"mode": "GCE_METADATA"}}})))
    assert isinstance(config["nodePools"], dict)
    verdict = check("5.4.1", config)
    assert verdict.status == FAIL
    assert verdict.path == "/nodePools/highmem-pool/config/workloadMetadataConfig/mode"


def test_an_unreadable_node_pool_is_not_applicable_unless_another_fails():
    config = config_of()
    config["nodePools"].append("not a node pool")
    assert check("5.5.2", config).status == NOT_APPLICABLE
    config["nodePools"][0]["management"]["autoRepair"] = False
    assert check("5.5.2", config).status == FAIL


# -- the simulator's clusters and its drift kinds ---------------------------------------------------------

def simulated(edit: Callable[[GcpSimulator], None] | None = None) -> dict:
    """The GCP simulator's hardened cluster (what the integration tests poll), after a drift injector."""
    server = GcpSimulator()  # never started: only its in-memory estate is used
    server.put_cluster(PROJECT, "europe-west1", "prod-gke")
    if edit is not None:
        edit(server)
    return collected(copy.deepcopy(server.projects[PROJECT].clusters[("europe-west1", "prod-gke")]))


def statuses(config: dict) -> dict[str, str]:
    return {cid.rsplit("-", 1)[1]: v.status for cid, v in verdicts(TYPE, config, BENCH).items()}


def test_the_simulators_hardened_cluster():
    got = statuses(simulated())
    # It sets no Google Groups for RBAC, no boot disk CMEK, and reports no security posture mode.
    assert {ref: s for ref, s in got.items() if s != PASS} == {"5.8.2": FAIL, "5.9.2": FAIL, "5.10.4": NOT_APPLICABLE}


@pytest.mark.parametrize(("drift", "failing"), [
    (lambda s: s.make_cluster_public(PROJECT, "europe-west1", "prod-gke"), {"5.6.3", "5.6.4"}),
    (lambda s: s.patch_cluster(PROJECT, "europe-west1", "prod-gke", {"legacyAbac": {"enabled": True}}), {"5.8.3"}),
    (lambda s: s.patch_node_pool(PROJECT, "europe-west1", "prod-gke", "default-pool",
                                 {"config": {"workloadMetadataConfig": {"mode": "GCE_METADATA"}}}), {"5.4.1"}),
], ids=["gcp.cluster_public", "gcp.legacy_abac", "gcp.node_metadata_exposed"])
def test_the_simulators_drift_kinds_fail_their_controls(drift, failing):
    before, after = statuses(simulated()), statuses(simulated(drift))
    assert {ref for ref in after if after[ref] == FAIL and before[ref] != FAIL} == failing


# -- configs that are not collected clusters --------------------------------------------------------------

READ_FIELDS = ("binaryAuthorization", "nodePools", "workloadIdentityConfig", "databaseEncryption", "releaseChannel",
               "shieldedNodes", "networkConfig", "ipAllocationPolicy", "masterAuthorizedNetworksConfig",
               "privateClusterConfig", "loggingService", "monitoringService", "masterAuth",
               "authenticatorGroupsConfig", "legacyAbac", "addonsConfig", "enableKubernetesAlpha",
               "securityPostureConfig")


def wrong_type(value: Any) -> Any:
    """A value of another JSON type than the field's."""
    if isinstance(value, bool):
        return "true"
    if isinstance(value, str):
        return 7
    return "garbage"


def top_level_garbage() -> dict:
    config = {key: wrong_type(value) for key, value in config_of().items() if key != "name"}
    config.update({key: wrong_type(config_of().get(key, False)) for key in READ_FIELDS})
    return {"name": "prod-gke", **config}


# The right objects, with a value of the wrong type (or null) in every field a control reads.
NESTED_GARBAGE = {
    "name": "prod-gke",
    "binaryAuthorization": {"evaluationMode": 1, "enabled": "yes"},
    "nodePools": [{"name": "default-pool", "config": {
        "serviceAccount": 1, "imageType": ["COS_CONTAINERD"], "workloadMetadataConfig": {"mode": None},
        "bootDiskKmsKey": {"name": "k"}, "shieldedInstanceConfig": {"enableSecureBoot": 1,
                                                                    "enableIntegrityMonitoring": "on"}},
        "management": {"autoRepair": "yes", "autoUpgrade": None}}, None],
    "workloadIdentityConfig": {"workloadPool": 7},
    "databaseEncryption": {"state": 1, "keyName": None},
    "releaseChannel": {"channel": 2},
    "shieldedNodes": {"enabled": "true"},
    "networkConfig": {"enableIntraNodeVisibility": "true", "defaultEnablePrivateNodes": 1},
    "ipAllocationPolicy": {"useIpAliases": 1},
    "masterAuthorizedNetworksConfig": {"enabled": "yes", "cidrBlocks": "0.0.0.0/0"},
    "privateClusterConfig": {"enablePrivateNodes": "yes", "enablePrivateEndpoint": None},
    "loggingService": None, "monitoringService": ["none"],
    "masterAuth": {"clientKey": 5, "clientCertificate": None, "clientCertificateConfig": "issue"},
    "authenticatorGroupsConfig": {"enabled": "yes", "securityGroup": 3},
    "legacyAbac": {"enabled": "no"},
    "addonsConfig": {"kubernetesDashboard": {"disabled": "true"}},
    "enableKubernetesAlpha": "false",
    "securityPostureConfig": {"mode": 2},
}


@pytest.mark.parametrize("config", [{}, {"name": ""}, {"name": 5, "legacyAbac": {}}, [], "cluster", None],
                         ids=["empty", "blank name", "name not a string", "a list", "a string", "null"])
def test_what_is_not_a_cluster_is_not_applicable_to_every_control(config):
    results = verdicts(TYPE, config, BENCH)
    assert len(results) == 25
    assert {v.status for v in results.values()} == {NOT_APPLICABLE}


@pytest.mark.parametrize("config", [top_level_garbage(), NESTED_GARBAGE], ids=["top level", "nested"])
def test_settings_of_the_wrong_type_are_never_a_pass(config):
    results = verdicts(TYPE, config, BENCH)
    assert not [v for v in results.values() if v.status in (PASS, ERROR)], results
    assert {v.status for v in results.values()} == {NOT_APPLICABLE}
