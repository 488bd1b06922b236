"""CIS Azure Kubernetes Service (AKS) Benchmark v1.8.0: the controls that one managed cluster's ARM
configuration decides. Refs and titles as in kube-bench cfg/aks-1.8.0 (controlplane.yaml,
managedservices.yaml).

Config (collectors/azure/aks.py): the ARM GET of Microsoft.ContainerService/managedClusters as-is,
camelCase with its `properties` envelope, volatile fields dropped and agentPoolProfiles ordered by
name. ARM leaves out an optional profile whose feature is off: no `aadProfile` without Entra ID
integration, no `securityProfile.azureKeyVaultKms` without KMS, no `networkProfile.networkPolicy`
without a policy engine, no `enableNodePublicIP` on a pool without node public IPs. So inside
`properties` an absent field is the feature's default (off); a config without `properties` was not
collected, and every control is not applicable to it.

Left out, because one cluster's ARM configuration cannot decide them: 2.1.1 audit logs (diagnostic
settings, a separate Microsoft.Insights API we do not collect), 5.1.x (container registries), 5.2.1,
5.4.5, 5.6.x (in-cluster workloads). Left out for want of a CIS AKS id: disableLocalAccounts (Azure
security baseline only) and the Azure Policy add-on (group 4.3 "Azure Policy / OPA" has no checks);
enableRBAC has an id only in CIS Azure Foundations v1.3.0 (8.5), not in this benchmark.
"""

from __future__ import annotations

from typing import Any

from cspm.compliance.checks import boolean_setting, entries, open_to_world, pointer, properties
from cspm.compliance.controls import Verdict, benchmark, control, fail, not_applicable, passed

AKS = benchmark("cis_aks", "CIS Azure Kubernetes Service (AKS) Benchmark", "1.8.0", provider="azure")
CLUSTER = ("azure.aks.cluster",)

ACCESS = "/properties/apiServerAccessProfile"
NETWORK_POLICIES = frozenset({"azure", "calico", "cilium"})
UNCOLLECTED = "cluster properties not collected"


# -- small readers: never raise, and tell "absent" (None) from "unreadable" (_BAD) ----------------

_BAD = object()


def _flag(section: dict, key: str) -> Any:
    """True/False, None when absent, _BAD for anything else."""
    value = section.get(key)
    return value if value is None or isinstance(value, bool) else _BAD


def _access_profile(config: Any) -> dict | Verdict:
    """properties.apiServerAccessProfile ({} when absent: nothing restricts the API server), or the
    not-applicable verdict when the cluster or the profile cannot be read."""
    props = properties(config)
    if props is None:
        return not_applicable(UNCOLLECTED)
    access = props.get("apiServerAccessProfile")
    if access is None:
        return {}
    return access if isinstance(access, dict) else not_applicable("apiServerAccessProfile unreadable")


def _profile_flag(config: Any, *keys: str, absent: str, absent_path: str = "", ok: str, bad: str) -> Verdict:
    """The boolean at properties/<keys>, inside an optional profile (keys[:-1]) that ARM leaves out when its
    feature is off: a missing profile fails with `absent` (at absent_path, by default the profile's pointer);
    in the profile, true passes, false or a missing flag fails, anything else is not applicable."""
    props = properties(config)
    if props is None:
        return not_applicable(UNCOLLECTED)
    profile: Any = props
    for key in keys[:-1]:  # None (absent) and a non-object stay what they are
        profile = profile.get(key) if isinstance(profile, dict) else profile
    if profile is None:
        return fail(absent, absent_path or pointer("properties", *keys[:-1]))
    if not isinstance(profile, dict):
        return not_applicable(f"{'.'.join(keys[:-1])} unreadable")
    return boolean_setting(profile.get(keys[-1]), pointer("properties", *keys), ok=ok, bad=bad, absent=False,
                           unreadable=f"{'.'.join(keys)} unreadable")


# -- 5.3 Key Management Service ---------------------------------------------------------------------

@control(
    AKS, "5.3.1", "Ensure Kubernetes Secrets are encrypted", severity="medium", types=CLUSTER,
    rationale=(
        "Kubernetes Secrets live in etcd, which AKS encrypts only with platform-managed keys unless KMS "
        "etcd encryption is on. With KMS the secrets are wrapped by a key you hold in Azure Key Vault, so "
        "you control its rotation and can revoke it, and a copy of etcd alone reveals nothing."),
    console=(
        "Key vaults > (vault) > Keys > Generate/Import an RSA key; Key vaults > (vault) > Access control (IAM) "
        "> Add role assignment: 'Key Vault Crypto User' to the cluster's managed identity. Then turn on KMS "
        "with the CLI command (the portal does not offer it for an existing cluster)."),
    cli=(
        "az aks update --resource-group <rg> --name <cluster> --enable-azure-keyvault-kms "
        "--azure-keyvault-kms-key-id https://<vault>.vault.azure.net/keys/<key>/<version> "
        "--azure-keyvault-kms-key-vault-network-access Public"),
)
def secrets_encrypted_with_kms(config: dict) -> Verdict:
    return _profile_flag(config, "securityProfile", "azureKeyVaultKms", "enabled",
                         absent="KMS etcd encryption is not configured (no securityProfile.azureKeyVaultKms): "
                                "secrets are encrypted with platform-managed keys only",
                         absent_path="/properties/securityProfile/azureKeyVaultKms/enabled",
                         ok="secrets encrypted through Azure Key Vault KMS",
                         bad="KMS etcd encryption is disabled (azureKeyVaultKms.enabled is false)")


# -- 5.4 Cluster Networking -------------------------------------------------------------------------

@control(
    AKS, "5.4.1", "Restrict Access to the Control Plane Endpoint", severity="high", types=CLUSTER,
    rationale=(
        "A public AKS API server without authorized IP ranges answers the whole internet, so a leaked "
        "kubeconfig or token, or an API server flaw, is exploitable from anywhere. Limiting the endpoint to "
        "known ranges (or making the cluster private) shrinks that surface to networks you control."),
    console=(
        "Kubernetes services > (cluster) > Settings > Networking > Public access: 'Enable authorized IP "
        "ranges', list your egress ranges (never 0.0.0.0/0), Save."),
    cli="az aks update --resource-group <rg> --name <cluster> --api-server-authorized-ip-ranges 203.0.113.0/24",
)
def control_plane_restricted(config: dict) -> Verdict:
    access = _access_profile(config)
    if isinstance(access, Verdict):
        return access
    private = _flag(access, "enablePrivateCluster")
    if private is True:
        return passed("private cluster: the API server has no public endpoint", f"{ACCESS}/enablePrivateCluster")
    if private is _BAD:
        return not_applicable("apiServerAccessProfile.enablePrivateCluster unreadable")
    ranges = access.get("authorizedIPRanges")
    path = f"{ACCESS}/authorizedIPRanges"
    if ranges is None:
        ranges = []
    if not isinstance(ranges, list) or not all(isinstance(r, str) for r in ranges):
        return not_applicable("apiServerAccessProfile.authorizedIPRanges unreadable")
    if not ranges:
        return fail("public API server endpoint with no authorized IP ranges: reachable from any address", path)
    world = sorted(r for r in ranges if open_to_world(r))
    if world:
        return fail(f"authorizedIPRanges contains {', '.join(world)}", path)
    return passed(f"public endpoint limited to {len(ranges)} authorized range(s)", path)


@control(
    AKS, "5.4.2", "Ensure clusters are created with Private Endpoint Enabled and Public Access Disabled",
    severity="high", types=CLUSTER,
    rationale=(
        "A private cluster exposes its API server only on a private IP in your virtual network, so the "
        "control plane cannot be reached or attacked from the internet at all. Keeping the public FQDN off "
        "as well avoids publishing the API server's name in public DNS."),
    console=(
        "Kubernetes services > Create > Networking: check 'Enable private cluster' (an existing cluster "
        "converts only with API Server VNet Integration: use the CLI), then redeploy workloads onto it."),
    cli=(
        "az aks create --resource-group <rg> --name <cluster> --enable-private-cluster --disable-public-fqdn "
        "(existing cluster with API Server VNet Integration: az aks update --resource-group <rg> "
        "--name <cluster> --enable-private-cluster --disable-public-fqdn)"),
)
def private_endpoint_only(config: dict) -> Verdict:
    access = _access_profile(config)
    if isinstance(access, Verdict):
        return access
    private, public_fqdn = _flag(access, "enablePrivateCluster"), _flag(access, "enablePrivateClusterPublicFQDN")
    if private is _BAD or public_fqdn is _BAD:
        return not_applicable("apiServerAccessProfile flags unreadable")
    if private is not True:
        return fail("not a private cluster: the API server has a public endpoint", f"{ACCESS}/enablePrivateCluster")
    if public_fqdn is True:
        return fail("private cluster, but enablePrivateClusterPublicFQDN publishes the API server name in public DNS",
                    f"{ACCESS}/enablePrivateClusterPublicFQDN")
    return passed("private cluster without a public FQDN", f"{ACCESS}/enablePrivateCluster")


@control(
    AKS, "5.4.3", "Ensure clusters are created with Private Nodes", severity="medium", types=CLUSTER,
    rationale=(
        "A node pool with 'public IP per node' gives every node its own internet-routable address, exposing "
        "the kubelet, SSH and any hostPort or NodePort service directly. Nodes without public IPs are reached "
        "only through the virtual network and the load balancers you define."),
    console=(
        "Kubernetes services > (cluster) > Settings > Node pools > Add node pool with 'Enable public IP per "
        "node' unchecked, move the workloads, then delete the pool that has public IPs (the setting is fixed "
        "at pool creation)."),
    cli=(
        "az aks nodepool add --resource-group <rg> --cluster-name <cluster> --name <newpool> --mode User "
        "&& az aks nodepool delete --resource-group <rg> --cluster-name <cluster> --name <oldpool>"),
)
def private_nodes(config: dict) -> Verdict:
    props = properties(config)
    if props is None:
        return not_applicable(UNCOLLECTED)
    pools = entries(props.get("agentPoolProfiles"))  # (index, pool), or (name, pool) when keyed by name
    if not pools:
        return not_applicable("agentPoolProfiles not collected")
    for key, pool in pools:
        if not isinstance(pool, dict):
            return not_applicable(f"agent pool {key} unreadable")
        public = _flag(pool, "enableNodePublicIP")
        if public is True:
            name = pool.get("name") if isinstance(pool.get("name"), str) else key
            return fail(f"node pool {name} gives each node a public IP",
                        pointer("properties", "agentPoolProfiles", key, "enableNodePublicIP"))
        if public is _BAD:
            return not_applicable(f"agent pool {key}: enableNodePublicIP unreadable")
    return passed(f"none of the {len(pools)} node pool(s) assigns public IPs", "/properties/agentPoolProfiles")


@control(
    AKS, "5.4.4", "Ensure Network Policy is Enabled and set as appropriate", severity="medium", types=CLUSTER,
    rationale=(
        "Without a network policy engine every pod can reach every other pod in the cluster, so one "
        "compromised workload can probe and attack all the others. An engine (Azure NPM, Calico or Cilium) "
        "enforces the NetworkPolicy objects that segment namespaces and workloads."),
    console=(
        "Kubernetes services > (cluster) > Settings > Networking > Network policy: choose Azure, Calico or "
        "Cilium (at creation: Create > Networking > Network policy), Save."),
    cli="az aks update --resource-group <rg> --name <cluster> --network-policy calico",
)
def network_policy(config: dict) -> Verdict:
    props = properties(config)
    if props is None:
        return not_applicable(UNCOLLECTED)
    network = props.get("networkProfile")
    if not isinstance(network, dict):
        return not_applicable("networkProfile not collected")
    engine = network.get("networkPolicy")
    path = "/properties/networkProfile/networkPolicy"
    if engine is None or engine == "none":
        return fail("no network policy engine: every pod can reach every other pod", path)
    if not isinstance(engine, str):
        return not_applicable("networkProfile.networkPolicy unreadable")
    if engine.lower() in NETWORK_POLICIES:
        return passed(f"network policy engine {engine}", path)
    return not_applicable(f"unknown network policy engine {engine!r}")


# -- 5.5 Authentication and Authorization -----------------------------------------------------------

@control(
    AKS, "5.5.1", "Manage Kubernetes RBAC users with Azure AD", severity="high", types=CLUSTER,
    rationale=(
        "With AKS-managed Microsoft Entra ID integration, people sign in to the cluster with their Entra "
        "identities, so conditional access, MFA and leaver processes apply and access disappears with the "
        "account. Without it, access rests on long-lived client certificates that cannot be revoked per user."),
    console=(
        "Kubernetes services > (cluster) > Settings > Security configuration > Authentication and "
        "Authorization: 'Microsoft Entra ID authentication with Kubernetes RBAC' (or with Azure RBAC), choose "
        "the cluster admin group, Apply."),
    cli="az aks update --resource-group <rg> --name <cluster> --enable-aad --aad-admin-group-object-ids <group-id>",
)
def entra_id_users(config: dict) -> Verdict:
    return _profile_flag(config, "aadProfile", "managed",
                         absent="no Microsoft Entra ID integration (no aadProfile): users authenticate with cluster "
                                "certificates",
                         ok="AKS-managed Microsoft Entra ID integration",
                         bad="legacy (service principal) Entra ID integration, retired by AKS: not AKS-managed")


@control(
    AKS, "5.5.2", "Use Azure RBAC for Kubernetes Authorization", severity="medium", types=CLUSTER,
    rationale=(
        "Azure RBAC for Kubernetes authorization manages who may do what in the cluster through Azure role "
        "assignments, reviewed and audited with the rest of the subscription's access. Otherwise permissions "
        "live only in in-cluster RoleBindings that Azure access reviews never see."),
    console=(
        "Kubernetes services > (cluster) > Settings > Security configuration > Authentication and "
        "Authorization: 'Microsoft Entra ID authentication with Azure RBAC', Apply."),
    cli="az aks update --resource-group <rg> --name <cluster> --enable-azure-rbac",
)
def azure_rbac_authorization(config: dict) -> Verdict:
    return _profile_flag(config, "aadProfile", "enableAzureRBAC",
                         absent="no Microsoft Entra ID integration (no aadProfile), so no Azure RBAC for Kubernetes",
                         ok="Azure RBAC authorizes Kubernetes requests",
                         bad="Azure RBAC for Kubernetes authorization is off (enableAzureRBAC false)")
