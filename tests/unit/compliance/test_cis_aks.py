"""CIS AKS Benchmark 1.8.0 over managed clusters as the AKS collector records them: the ARM GET of
Microsoft.ContainerService/managedClusters (camelCase, `properties` envelope), volatile fields dropped.

CLUSTER is a hardened cluster that passes every control; each case changes the one field its control
reads, the way the ARM API shows that setting (an optional profile is absent when its feature is off).
"""

import copy
from typing import Any

import pytest

from cspm.compliance.catalog import cis_aks
from cspm.compliance.controls import ERROR, FAIL, NOT_APPLICABLE, PASS, evaluate
from tests.unit.compliance import support
from tests.unit.compliance.support import controls_of, verdicts, with_properties

TYPE = "azure.aks.cluster"
BENCHMARKS = {"cis_aks"}
SUB = "/subscriptions/6f0f1c4e-2b8a-4c1e-9d3f-2a7b5c9e1d01"

# As recorded: no etag, systemData, provisioningState, powerState, currentKubernetesVersion,
# maxAgentPools, pool counts or node image versions; sets sorted, pools ordered by name.
CLUSTER: dict[str, Any] = {
    "id": f"{SUB}/resourcegroups/rg-platform/providers/Microsoft.ContainerService/managedClusters/prod-aks",
    "location": "westeurope",
    "name": "prod-aks",
    "type": "Microsoft.ContainerService/ManagedClusters",
    "tags": {"env": "prod", "team": "platform"},
    "sku": {"name": "Base", "tier": "Standard"},
    "identity": {"type": "SystemAssigned", "principalId": "0b6f8a52-7c1e-5d9a-a4e2-3f1b6c8d2e77",
                 "tenantId": "00000000-0000-0000-0000-000000000001"},
    "properties": {
        "kubernetesVersion": "1.30.5",
        "dnsPrefix": "prod-aks-dns",
        "fqdn": "prod-aks-dns-4f2a1b.hcp.westeurope.azmk8s.io",
        "azurePortalFQDN": "prod-aks-dns-4f2a1b.portal.hcp.westeurope.azmk8s.io",
        "agentPoolProfiles": [
            {"name": "system", "vmSize": "Standard_D4s_v5", "osDiskSizeGB": 128, "osDiskType": "Managed",
             "kubeletDiskType": "OS", "maxPods": 30, "type": "VirtualMachineScaleSets",
             "availabilityZones": ["1", "2", "3"], "maxCount": 10, "minCount": 2, "enableAutoScaling": True,
             "orchestratorVersion": "1.30.5", "enableNodePublicIP": False, "mode": "System", "osType": "Linux",
             "osSKU": "AzureLinux", "enableFIPS": False},
            {"name": "workers", "vmSize": "Standard_D8s_v5", "osDiskSizeGB": 128, "osDiskType": "Managed",
             "kubeletDiskType": "OS", "maxPods": 30, "type": "VirtualMachineScaleSets",
             "availabilityZones": ["1", "2", "3"], "maxCount": 10, "minCount": 2, "enableAutoScaling": True,
             "orchestratorVersion": "1.30.5", "enableNodePublicIP": False, "mode": "User", "osType": "Linux",
             "osSKU": "AzureLinux", "enableFIPS": False},
        ],
        "nodeResourceGroup": "MC_rg-platform_prod-aks_westeurope",
        "enableRBAC": True,
        "supportPlan": "KubernetesOfficial",
        "networkProfile": {
            "networkPlugin": "azure", "networkPolicy": "calico", "networkDataplane": "azure",
            "loadBalancerSku": "standard", "outboundType": "loadBalancer", "serviceCidr": "10.0.0.0/16",
            "dnsServiceIP": "10.0.0.10", "serviceCidrs": ["10.0.0.0/16"], "ipFamilies": ["IPv4"],
            "loadBalancerProfile": {"managedOutboundIPs": {"count": 1}},
        },
        "aadProfile": {"managed": True, "enableAzureRBAC": True,
                       "adminGroupObjectIDs": ["5f8a1d1e-0000-4000-8000-00000000aa01"],
                       "tenantID": "00000000-0000-0000-0000-000000000001"},
        "apiServerAccessProfile": {"authorizedIPRanges": ["198.51.100.0/24", "203.0.113.0/24"],
                                   "enablePrivateCluster": False},
        "disableLocalAccounts": True,
        "addonProfiles": {"azurepolicy": {"enabled": True, "config": {"version": "v2"}},
                          "omsagent": {"enabled": False}},
        "securityProfile": {
            "defender": {"securityMonitoring": {"enabled": True}},
            "azureKeyVaultKms": {"enabled": True, "keyVaultNetworkAccess": "Public",
                                 "keyId": "https://kv-platform.vault.azure.net/keys/etcd/0d1b4c2a9e8f4a6b"},
        },
    },
}
PRIVATE_ACCESS = {"enablePrivateCluster": True, "privateDNSZone": "system", "enablePrivateClusterPublicFQDN": False}


def cluster(**properties: Any) -> dict:
    """CLUSTER with top-level properties replaced (None removes one), as ARM would return it."""
    return with_properties(CLUSTER, **properties)


def with_pool(**fields: Any) -> dict:
    config = cluster()
    config["properties"]["agentPoolProfiles"][1].update(fields)
    return config


def without_pool_field(field: str) -> dict:
    config = cluster()
    for pool in config["properties"]["agentPoolProfiles"]:
        pool.pop(field)
    return config


def security(**fields: Any) -> dict:
    return cluster(securityProfile={"defender": {"securityMonitoring": {"enabled": True}}, **fields})


def access(**fields: Any) -> dict:
    return cluster(apiServerAccessProfile=fields)


def aad(**fields: Any) -> dict:
    return cluster(aadProfile={"adminGroupObjectIDs": ["5f8a1d1e-0000-4000-8000-00000000aa01"],
                               "tenantID": "00000000-0000-0000-0000-000000000001", **fields})


def network(**fields: Any) -> dict:
    profile = {k: v for k, v in CLUSTER["properties"]["networkProfile"].items() if k != "networkPolicy"}
    return cluster(networkProfile={**profile, **fields})


ACCESS_PATH = "/properties/apiServerAccessProfile"

# (ref, case, config, status, path of the deciding field for failures)
CASES = [
    ("5.3.1", "kms on", cluster(), PASS, ""),
    ("5.3.1", "no azureKeyVaultKms (KMS never configured)", security(), FAIL,
     "/properties/securityProfile/azureKeyVaultKms/enabled"),
    ("5.3.1", "no securityProfile at all", cluster(securityProfile=None), FAIL,
     "/properties/securityProfile/azureKeyVaultKms/enabled"),
    ("5.3.1", "kms disabled", security(azureKeyVaultKms={"enabled": False}), FAIL,
     "/properties/securityProfile/azureKeyVaultKms/enabled"),

    ("5.4.1", "public, two authorized ranges", cluster(), PASS, ""),
    ("5.4.1", "private cluster", cluster(apiServerAccessProfile=PRIVATE_ACCESS), PASS, ""),
    ("5.4.1", "public, ranges emptied (drift kind aks_authorized_ips_emptied)",
     access(authorizedIPRanges=[], enablePrivateCluster=False), FAIL, f"{ACCESS_PATH}/authorizedIPRanges"),
    ("5.4.1", "no apiServerAccessProfile: public and open", cluster(apiServerAccessProfile=None), FAIL,
     f"{ACCESS_PATH}/authorizedIPRanges"),
    ("5.4.1", "0.0.0.0/0 among the ranges", access(authorizedIPRanges=["0.0.0.0/0", "203.0.113.0/24"]), FAIL,
     f"{ACCESS_PATH}/authorizedIPRanges"),

    ("5.4.2", "private cluster without public FQDN", cluster(apiServerAccessProfile=PRIVATE_ACCESS), PASS, ""),
    ("5.4.2", "public endpoint with authorized ranges", cluster(), FAIL, f"{ACCESS_PATH}/enablePrivateCluster"),
    ("5.4.2", "no apiServerAccessProfile", cluster(apiServerAccessProfile=None), FAIL,
     f"{ACCESS_PATH}/enablePrivateCluster"),
    ("5.4.2", "private cluster with public FQDN",
     access(enablePrivateCluster=True, enablePrivateClusterPublicFQDN=True), FAIL,
     f"{ACCESS_PATH}/enablePrivateClusterPublicFQDN"),

    ("5.4.3", "no pool with node public IPs", cluster(), PASS, ""),
    ("5.4.3", "enableNodePublicIP absent (default off)", without_pool_field("enableNodePublicIP"), PASS, ""),
    ("5.4.3", "workers pool with node public IPs",
     with_pool(enableNodePublicIP=True, nodePublicIPPrefixID=f"{SUB}/resourceGroups/rg/providers/"
               "Microsoft.Network/publicIPPrefixes/nodes"), FAIL,
     "/properties/agentPoolProfiles/1/enableNodePublicIP"),

    ("5.4.4", "calico", cluster(), PASS, ""),
    ("5.4.4", "azure NPM", network(networkPolicy="azure"), PASS, ""),
    ("5.4.4", "cilium", network(networkPolicy="cilium", networkDataplane="cilium"), PASS, ""),
    ("5.4.4", "no networkPolicy (no engine)", network(), FAIL, "/properties/networkProfile/networkPolicy"),
    ("5.4.4", "networkPolicy none", network(networkPolicy="none"), FAIL, "/properties/networkProfile/networkPolicy"),

    ("5.5.1", "AKS-managed Entra ID", cluster(), PASS, ""),
    ("5.5.1", "no aadProfile (no Entra ID integration)", cluster(aadProfile=None), FAIL, "/properties/aadProfile"),
    ("5.5.1", "legacy Entra ID integration",
     cluster(aadProfile={"managed": False, "clientAppID": "1c2d3e4f-0000-4000-8000-000000000001",
                         "serverAppID": "1c2d3e4f-0000-4000-8000-000000000002",
                         "tenantID": "00000000-0000-0000-0000-000000000001"}), FAIL, "/properties/aadProfile/managed"),

    ("5.5.2", "Azure RBAC on", cluster(), PASS, ""),
    ("5.5.2", "Kubernetes RBAC only", aad(managed=True, enableAzureRBAC=False), FAIL,
     "/properties/aadProfile/enableAzureRBAC"),
    ("5.5.2", "enableAzureRBAC absent", aad(managed=True), FAIL, "/properties/aadProfile/enableAzureRBAC"),
    ("5.5.2", "no aadProfile", cluster(aadProfile=None), FAIL, "/properties/aadProfile"),
]

# Settings present but of the wrong type: unknown, so never a pass (and never an exception).
GARBAGE = [
    {},
    {"properties": None},
    {"properties": "prod-aks"},
    {"id": CLUSTER["id"], "name": "prod-aks"},
    {"properties": {"apiServerAccessProfile": "open", "aadProfile": ["managed"], "networkProfile": 7,
                    "securityProfile": "kms", "agentPoolProfiles": "system,workers"}},
    {"properties": {"apiServerAccessProfile": {"enablePrivateCluster": "yes", "authorizedIPRanges": "0.0.0.0/0",
                                               "enablePrivateClusterPublicFQDN": 1},
                    "aadProfile": {"managed": "true", "enableAzureRBAC": 1},
                    "networkProfile": {"networkPolicy": 5},
                    "securityProfile": {"azureKeyVaultKms": {"enabled": "true"}},
                    "agentPoolProfiles": [{"name": "system", "enableNodePublicIP": "no"}]}},
    {"properties": {"apiServerAccessProfile": {"authorizedIPRanges": [1, None], "enablePrivateCluster": []},
                    "securityProfile": {"azureKeyVaultKms": "on"},
                    "agentPoolProfiles": ["system"], "networkProfile": {"networkPolicy": "weave"}, "aadProfile": 0}},
]


def controls() -> dict[str, Any]:
    return controls_of(*BENCHMARKS)


def test_the_benchmark_is_declared_as_asked():
    bench = cis_aks.AKS
    assert (bench.key, bench.title, bench.version, bench.provider) == (
        "cis_aks", "CIS Azure Kubernetes Service (AKS) Benchmark", "1.8.0", "azure")
    assert set(controls()) == {"5.3.1", "5.4.1", "5.4.2", "5.4.3", "5.4.4", "5.5.1", "5.5.2"}
    for item in controls().values():
        assert item.resource_types == (TYPE,)
        assert item.id == f"cis_aks-1.8.0-{item.ref}"
        assert item.title and item.rationale.count(".") >= 2
        assert "az aks" in item.cli and ">" in item.console


def test_every_control_has_a_passing_and_a_failing_case():
    support.assert_covered(controls(), {(ref, status) for ref, _, _, status, _ in CASES})


@pytest.mark.parametrize(("ref", "case", "config", "status", "path"), CASES,
                         ids=[f"{ref}-{case}" for ref, case, *_ in CASES])
def test_control(ref, case, config, status, path):
    support.assert_verdict(controls()[ref].check(copy.deepcopy(config)), status, path)


def test_a_hardened_private_cluster_passes_everything_through_evaluate():
    results = verdicts(TYPE, cluster(apiServerAccessProfile=PRIVATE_ACCESS), *BENCHMARKS)
    assert {k: v.status for k, v in results.items()} == {f"cis_aks-1.8.0-{ref}": PASS for ref in controls()}
    # The public base cluster fails only 5.4.2 (a public endpoint, however restricted).
    assert [k for k, v in evaluate(TYPE, cluster()).items() if v.status != PASS] == ["cis_aks-1.8.0-5.4.2"]


@pytest.mark.parametrize("config", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_is_never_a_pass_nor_an_error(config):
    results = verdicts(TYPE, config, *BENCHMARKS)
    assert len(results) == len(controls())
    assert {v.status for v in results.values()} == {NOT_APPLICABLE}, results


@pytest.mark.parametrize("config", [None, [], "prod-aks", 3, [CLUSTER]])
def test_a_check_called_with_a_non_object_does_not_raise(config):
    for item in controls().values():
        assert item.check(config).status == NOT_APPLICABLE


def test_an_empty_properties_object_fails_where_absence_means_off():
    """`properties` present but empty: every optional profile is absent, i.e. off."""
    results = {c.ref: c.check({"properties": {}}) for c in controls().values()}
    assert {ref: v.status for ref, v in results.items()} == {
        "5.3.1": FAIL, "5.4.1": FAIL, "5.4.2": FAIL, "5.5.1": FAIL, "5.5.2": FAIL,
        # Pools and the network profile are always returned: not collected, so not judged.
        "5.4.3": NOT_APPLICABLE, "5.4.4": NOT_APPLICABLE}
    assert ERROR not in {v.status for v in results.values()}


def test_pools_keyed_by_name_point_at_the_pool():
    config = with_pool(enableNodePublicIP=True)
    config["properties"]["agentPoolProfiles"] = {p["name"]: p for p in config["properties"]["agentPoolProfiles"]}
    verdict = controls()["5.4.3"].check(config)
    assert (verdict.status, verdict.path) == (FAIL, "/properties/agentPoolProfiles/workers/enableNodePublicIP")
    assert "workers" in verdict.detail


def test_an_ipv6_world_range_fails_and_an_unknown_engine_is_not_judged():
    verdict = controls()["5.4.1"].check(access(authorizedIPRanges=["::/0"]))
    assert (verdict.status, verdict.detail) == (FAIL, "authorizedIPRanges contains ::/0")
    assert controls()["5.4.4"].check(network(networkPolicy="weave")).status == NOT_APPLICABLE


# -- the collector's own record of the simulator's clusters -----------------------------------------

def recorded(body: dict) -> dict:
    """What the AKS collector stores for an ARM body: the SDK model back to REST, then normalized."""
    from azure.mgmt.containerservice.models import ManagedCluster

    from collectors.azure.session import as_rest
    from cspm.drift.normalize import normalize

    return normalize(TYPE, as_rest(ManagedCluster(copy.deepcopy(body))))


def statuses(config: dict) -> dict[str, str]:
    return {k.rsplit("-", 1)[1]: v.status for k, v in verdicts(TYPE, config, *BENCHMARKS).items()}


def test_the_simulated_estate_cluster_as_recorded():
    from collectors.simulator.azure import FakeArm

    fake = FakeArm()
    body = fake.put_cluster(SUB.split("/")[-1], "rg-platform", "prod-aks")
    config = recorded(body)
    assert "etag" not in config and "powerState" not in config["properties"]
    # The simulator builds what a careful team builds, minus KMS and a private endpoint.
    assert statuses(config) == {"5.3.1": FAIL, "5.4.1": PASS, "5.4.2": FAIL, "5.4.3": PASS, "5.4.4": PASS,
                                "5.5.1": PASS, "5.5.2": PASS}

    emptied = fake.update_cluster(body["id"], apiServerAccessProfile={"authorizedIPRanges": [],
                                                                      "enablePrivateCluster": False})
    verdict = evaluate(TYPE, recorded(emptied))["cis_aks-1.8.0-5.4.1"]
    assert (verdict.status, verdict.path) == (FAIL, f"{ACCESS_PATH}/authorizedIPRanges")

    hardened = fake.update_cluster(body["id"], apiServerAccessProfile=PRIVATE_ACCESS,
                                   securityProfile=CLUSTER["properties"]["securityProfile"])
    assert set(statuses(recorded(hardened)).values()) == {PASS}

    open_nodes = fake.update_cluster(body["id"], networkProfile={"networkPlugin": "kubenet"}, aadProfile=None,
                                     agentPoolProfiles=[{**CLUSTER["properties"]["agentPoolProfiles"][0],
                                                         "enableNodePublicIP": True}])
    results = statuses(recorded(open_nodes))
    assert {ref: results[ref] for ref in ("5.4.3", "5.4.4", "5.5.1", "5.5.2")} == {
        "5.4.3": FAIL, "5.4.4": FAIL, "5.5.1": FAIL, "5.5.2": FAIL}
