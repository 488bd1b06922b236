"""Severity rules for Azure: AKS, role-based access control and Storage (CIS AKS 1.8, CIS Azure 3.0)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from cspm.drift.rules.common import (
    WORLD,
    cleared,
    gained,
    gained_any,
    get,
    items,
    left,
    started,
    stopped,
    strings,
    turned_on,
    weakened,
)
from cspm.drift.severity import Rule

REPLACE = frozenset({"replace"})
# Built-in role definition ids are the same in every tenant.
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
USER_ACCESS_ADMINISTRATOR = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
RBAC_ADMINISTRATOR = "f58310d9-a9f6-439a-9e8d-f62e7b41a168"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
_AUTHORIZATION_WRITE = re.compile(r"(?i)^microsoft\.authorization/(\*|.*/write|.*/\*)$")
_TLS = {"TLS1_0": 0, "TLS1_1": 1, "TLS1_2": 2, "TLS1_3": 3}


def role_grant(roles: set[str], principal_types: set[str] | None = None) -> Callable[[Any], bool]:
    """Does a role assignment's `properties` grant one of `roles` (to one of `principal_types`)?"""
    def test(properties: Any) -> bool:
        role = get(properties, "roleDefinitionId")
        if not isinstance(role, str) or role.lower().rsplit("/", 1)[-1] not in roles:
            return False
        return principal_types is None or get(properties, "principalType") in principal_types
    return test


def actions(permissions: Any) -> set[str]:
    return set().union(*(strings(get(p, "actions")) for p in items(permissions)))


def api_server_open(profile: Any) -> bool:
    """Public API server without authorized IP ranges (an absent profile is the open default)."""
    if get(profile, "enablePrivateCluster") is True:
        return False
    ranges = strings(get(profile, "authorizedIPRanges"))
    return not ranges or bool(ranges & WORLD)


def ssh_keys(value: Any) -> set[str]:
    return {k for k in (get(e, "keyData") for e in items(value)) if isinstance(k, str)}


def network_policy_on(value: Any) -> bool:
    return isinstance(value, str) and value.lower() not in ("", "none")


def tls_lowered(before: Any, after: Any) -> bool:
    def level(value: Any) -> int:
        return _TLS.get(value, 0) if isinstance(value, str) else 0  # absent means the TLS 1.0 default
    return level(after) < level(before)


_PRIVILEGED = {OWNER, USER_ACCESS_ADMINISTRATOR, RBAC_ADMINISTRATOR}

AUTHORIZATION = (
    Rule(
        id="azure-owner-granted-to-user",
        types="azure.authorization.role_assignment", path="/properties", severity="critical",
        when=started(role_grant({OWNER, USER_ACCESS_ADMINISTRATOR}, {"User"})),
        title="Owner or User Access Administrator granted to a user",
        rationale="A person (possibly a guest) gains full control, including the right to grant access to "
                  "others; a phished account becomes a takeover (CIS Azure 2.x, subscription owners).",
        remediation="Console: the scope (subscription or group) > Access control (IAM) > Role assignments > "
                    "remove it; use PIM for just-in-time elevation. CLI: `az role assignment delete --ids "
                    "ASSIGNMENT_ID`.",
    ),
    Rule(
        id="azure-privileged-role-granted",
        types="azure.authorization.role_assignment", path="/properties", severity="high",
        when=started(role_grant(_PRIVILEGED)),
        title="Owner, User Access Administrator or RBAC Administrator granted",
        rationale="The principal can grant itself or others any role at this scope.",
        remediation="Console: scope > Access control (IAM) > Role assignments: check the principal. CLI: `az "
                    "role assignment list --assignee PRINCIPAL_ID --all`; `az role assignment delete --ids "
                    "ASSIGNMENT_ID`.",
    ),
    Rule(
        id="azure-contributor-granted",
        types="azure.authorization.role_assignment", path="/properties", severity="medium",
        when=started(role_grant({CONTRIBUTOR})),
        title="Contributor granted",
        rationale="Contributor can change or delete every resource at the scope.",
        remediation="Console: scope > Access control (IAM) > Role assignments: prefer a narrower role. CLI: `az "
                    "role assignment delete --ids ASSIGNMENT_ID`.",
    ),
    Rule(
        id="azure-custom-role-wildcard",
        types="azure.authorization.role_definition", path="/properties/permissions", severity="high",
        when=started(lambda p: "*" in actions(p)),
        title="Custom role allows all actions (*)",
        rationale="A custom owner-equivalent role escapes the review built-in Owner assignments get "
                  "(CIS Azure 2.23).",
        remediation="Console: subscription > Access control (IAM) > Roles > custom role > Edit permissions: "
                    "list the needed actions. CLI: `az role definition update --role-definition role.json`.",
    ),
    Rule(
        id="azure-custom-role-authorization-write",
        types="azure.authorization.role_definition", path="/properties/permissions", severity="high",
        when=lambda b, a: any(_AUTHORIZATION_WRITE.match(x) for x in actions(a) - actions(b)),
        title="Custom role can write role assignments or definitions",
        rationale="Microsoft.Authorization write lets the holder grant itself any role: privilege escalation.",
        remediation="Console: Access control (IAM) > Roles > custom role > Edit: remove "
                    "Microsoft.Authorization/*/write. CLI: `az role definition update --role-definition "
                    "role.json`.",
    ),
    Rule(
        id="azure-custom-role-widened",
        types="azure.authorization.role_definition", path="/properties/permissions", severity="medium",
        when=lambda b, a: bool(actions(a) - actions(b)),
        title="Custom role gained actions",
        rationale="Every principal assigned the role gains the new actions at once.",
        remediation="Console: Access control (IAM) > Roles > custom role: compare permissions. CLI: `az role "
                    "definition list --name ROLE --custom-role-only true`; update it back if unintended.",
    ),
)

AKS = (
    Rule(
        id="azure-aks-api-server-open",
        types="azure.aks.cluster", path="/properties/apiServerAccessProfile", severity="critical",
        when=started(api_server_open),
        title="AKS API server public with no IP restriction",
        rationale="Anyone on the internet can reach the Kubernetes API server (CIS AKS 5.4.1/5.4.2).",
        remediation="Console: AKS cluster > Networking > Public access: set authorized IP ranges, or make it "
                    "private. CLI: `az aks update -g RG -n CLUSTER --api-server-authorized-ip-ranges "
                    "203.0.113.0/24`.",
    ),
    Rule(
        id="azure-aks-authorized-ranges-removed",
        types="azure.aks.cluster", path="/properties/apiServerAccessProfile/authorizedIPRanges",
        severity="high", when=lambda b, a: cleared(b, a) or gained(*WORLD)(b, a),
        title="AKS authorized IP ranges removed or opened to 0.0.0.0/0",
        rationale="The network restriction of the public API server is gone (CIS AKS 5.4.1).",
        remediation="Console: AKS cluster > Networking > Set authorized IP ranges. CLI: `az aks update -g RG -n "
                    "CLUSTER --api-server-authorized-ip-ranges 203.0.113.0/24`.",
    ),
    Rule(
        id="azure-aks-private-cluster-off",
        types="azure.aks.cluster", path="/properties/apiServerAccessProfile/enablePrivateCluster",
        severity="high", when=weakened,
        title="AKS private cluster disabled",
        rationale="The API server gets a public endpoint (CIS AKS 5.4.2).",
        remediation="Console: AKS cluster > Networking: private access requires recreating or API server VNet "
                    "integration. CLI: `az aks update -g RG -n CLUSTER --enable-apiserver-vnet-integration "
                    "--enable-private-cluster`.",
    ),
    Rule(
        id="azure-aks-rbac-off",
        types="azure.aks.cluster", path="/properties/enableRBAC", severity="high", when=weakened,
        title="AKS Kubernetes RBAC disabled",
        rationale="Without RBAC every authenticated identity is effectively cluster-admin (CIS Azure 8.5).",
        remediation="RBAC cannot be re-enabled in place: recreate the cluster. CLI: `az aks create -g RG -n "
                    "CLUSTER --enable-aad --enable-azure-rbac ...` (RBAC is on by default).",
    ),
    Rule(
        id="azure-aks-local-accounts-on",
        types="azure.aks.cluster", path="/properties/disableLocalAccounts", severity="high", when=weakened,
        title="AKS local accounts re-enabled",
        rationale="The static local cluster-admin credential bypasses Entra ID, MFA and Conditional Access.",
        remediation="Console: AKS cluster > Cluster configuration > Kubernetes local accounts > Disable. CLI: "
                    "`az aks update -g RG -n CLUSTER --disable-local-accounts`.",
    ),
    Rule(
        id="azure-aks-entra-integration-removed",
        types="azure.aks.cluster", path="/properties/aadProfile", severity="high", when=cleared,
        title="AKS Entra ID integration removed",
        rationale="Cluster authentication no longer goes through Entra ID (CIS AKS 5.5.1).",
        remediation="Console: AKS cluster > Cluster configuration > Authentication: Microsoft Entra ID. CLI: "
                    "`az aks update -g RG -n CLUSTER --enable-aad --aad-admin-group-object-ids GROUP_ID`.",
    ),
    Rule(
        id="azure-aks-azure-rbac-off",
        types="azure.aks.cluster", path="/properties/aadProfile/enableAzureRBAC", severity="medium",
        when=weakened,
        title="AKS Azure RBAC for Kubernetes authorization disabled",
        rationale="Kubernetes permissions leave Azure's audited role assignments (CIS AKS 5.5.2).",
        remediation="Console: AKS cluster > Cluster configuration > Azure RBAC. CLI: `az aks update -g RG -n "
                    "CLUSTER --enable-azure-rbac`.",
    ),
    Rule(
        id="azure-aks-admin-group-added",
        types="azure.aks.cluster", path="/properties/aadProfile/adminGroupObjectIDs", severity="medium",
        when=gained_any,
        title="New cluster-admin group on AKS",
        rationale="Every member of the group becomes cluster-admin.",
        remediation="Console: AKS cluster > Cluster configuration > Cluster admin groups. CLI: `az aks update "
                    "-g RG -n CLUSTER --aad-admin-group-object-ids APPROVED_GROUP_ID`.",
    ),
    Rule(
        id="azure-aks-node-public-ip",
        types="azure.aks.cluster", path="/properties/agentPoolProfiles/*/enableNodePublicIP",
        severity="medium", when=turned_on,
        title="AKS node pool nodes get public IPs",
        rationale="Nodes become directly reachable from the internet (CIS AKS 5.4.3).",
        remediation="Console: AKS cluster > Node pools: add a pool without public IPs and delete this one. CLI: "
                    "`az aks nodepool add -g RG --cluster-name CLUSTER -n NEWPOOL` (public IP is off by "
                    "default), then `az aks nodepool delete ... -n OLDPOOL`.",
    ),
    Rule(
        id="azure-aks-network-policy-removed",
        types="azure.aks.cluster", path="/properties/networkProfile/networkPolicy", severity="medium",
        when=stopped(network_policy_on),
        title="AKS network policy removed",
        rationale="Pods can reach every other pod: a compromised pod moves laterally (CIS AKS 5.4.4).",
        remediation="Console: AKS cluster > Networking > Network policy. CLI: `az aks update -g RG -n CLUSTER "
                    "--network-policy azure` (or calico/cilium).",
    ),
    Rule(
        id="azure-aks-policy-addon-off",
        types="azure.aks.cluster", path="/properties/addonProfiles/[aA]zure[pP]olicy/enabled",
        severity="medium", when=weakened,
        title="Azure Policy add-on disabled on AKS",
        rationale="Admission-time guard rails (no privileged pods, allowed registries) stop being enforced.",
        remediation="Console: AKS cluster > Policies > Enable add-on. CLI: `az aks enable-addons -g RG -n "
                    "CLUSTER --addons azure-policy`.",
    ),
    Rule(
        id="azure-aks-kms-off",
        types="azure.aks.cluster", path="/properties/securityProfile/azureKeyVaultKms/enabled",
        severity="medium", when=weakened,
        title="AKS Key Vault KMS encryption of secrets disabled",
        rationale="Kubernetes secrets lose envelope encryption with a customer key (CIS AKS 5.3.1).",
        remediation="CLI: `az aks update -g RG -n CLUSTER --enable-azure-keyvault-kms --azure-keyvault-kms-key-id "
                    "KEY_ID`; Console: AKS cluster > Security configuration > Key management service.",
    ),
    Rule(
        id="azure-aks-defender-off",
        types="azure.aks.cluster", path="/properties/securityProfile/defender/securityMonitoring/enabled",
        severity="medium", when=weakened,
        title="Defender for Containers sensor disabled on AKS",
        rationale="Runtime threat detection for the cluster stops.",
        remediation="Console: AKS cluster > Microsoft Defender for Cloud > Enable. CLI: `az aks update -g RG -n "
                    "CLUSTER --enable-defender`.",
    ),
    Rule(
        id="azure-aks-node-ssh-key-added",
        types="azure.aks.cluster", path="/properties/linuxProfile/ssh/publicKeys", severity="medium",
        when=lambda b, a: bool(ssh_keys(a) - ssh_keys(b)),
        title="New SSH key on AKS nodes",
        rationale="A new key can log in to every Linux node directly, bypassing Kubernetes RBAC and audit.",
        remediation="CLI: `az aks update -g RG -n CLUSTER --ssh-key-value ~/.ssh/approved.pub` (or "
                    "`--ssh-access disabled` per node pool); Console: AKS cluster > Node pools > Security.",
    ),
    Rule(
        id="azure-aks-version-changed",
        types="azure.aks.cluster", path="/properties/kubernetesVersion", severity="low", ops=REPLACE,
        title="AKS Kubernetes version changed",
        rationale="An upgrade outside change control can break workloads.",
        remediation="Console: AKS cluster > Cluster configuration > Kubernetes version. CLI: `az aks show -g "
                    "RG -n CLUSTER --query kubernetesVersion`; approve the upgrade once reviewed.",
    ),
    Rule(
        id="azure-aks-cluster-deleted",
        types="azure.aks.cluster", path="", severity="medium", ops=frozenset({"removed"}),
        title="AKS cluster deleted",
        rationale="A cluster deleted outside change control is an outage, and may be an attacker covering tracks.",
        remediation="Console: Monitor > Activity log, operation \"Delete Kubernetes cluster\". CLI: `az monitor "
                    "activity-log list --resource-id CLUSTER_ID --offset 7d`.",
    ),
)

STORAGE = (
    Rule(
        id="azure-storage-blob-public-access",
        types="azure.storage.account", path="/properties/allowBlobPublicAccess", severity="critical",
        when=turned_on,
        title="Storage account allows anonymous blob access",
        rationale="Any container can then be made public with one setting (CIS Azure 4.17).",
        remediation="Console: storage account > Configuration > Allow Blob anonymous access > Disabled. CLI: "
                    "`az storage account update -g RG -n ACCOUNT --allow-blob-public-access false`.",
    ),
    Rule(
        id="azure-storage-https-only-off",
        types="azure.storage.account", path="/properties/supportsHttpsTrafficOnly", severity="high",
        when=weakened,
        title="Storage account accepts plain HTTP",
        rationale="Data and SAS tokens travel unencrypted (CIS Azure 4.1).",
        remediation="Console: storage account > Configuration > Secure transfer required > Enabled. CLI: `az "
                    "storage account update -g RG -n ACCOUNT --https-only true`.",
    ),
    Rule(
        id="azure-storage-network-open",
        types="azure.storage.account", path="/properties/networkAcls/defaultAction", severity="high",
        when=left("Deny"),
        title="Storage account firewall default changed to Allow",
        rationale="The account accepts connections from every network (CIS Azure 4.7).",
        remediation="Console: storage account > Networking > Enabled from selected virtual networks and IP "
                    "addresses. CLI: `az storage account update -g RG -n ACCOUNT --default-action Deny`.",
    ),
    Rule(
        id="azure-storage-tls-lowered",
        types="azure.storage.account", path="/properties/minimumTlsVersion", severity="medium",
        when=tls_lowered,
        title="Storage account minimum TLS version lowered",
        rationale="Clients can negotiate deprecated TLS versions (CIS Azure 4.15).",
        remediation="Console: storage account > Configuration > Minimum TLS version > 1.2. CLI: `az storage "
                    "account update -g RG -n ACCOUNT --min-tls-version TLS1_2`.",
    ),
    Rule(
        id="azure-storage-public-network-on",
        types="azure.storage.account", path="/properties/publicNetworkAccess", severity="medium",
        when=left("Disabled"),
        title="Storage account public network access enabled",
        rationale="The account becomes reachable outside its private endpoints (CIS Azure 9.3.2.2).",
        remediation="Console: storage account > Networking > Public network access > Disabled. CLI: `az "
                    "storage account update -g RG -n ACCOUNT --public-network-access Disabled`.",
    ),
    Rule(
        id="azure-storage-shared-key-on",
        types="azure.storage.account", path="/properties/allowSharedKeyAccess", severity="medium",
        when=lambda b, a: b is False and a is not False,
        title="Storage account shared key access enabled",
        rationale="Account keys grant full access with no identity attached (CIS Azure 9.3.1.3).",
        remediation="Console: storage account > Configuration > Allow storage account key access > Disabled. "
                    "CLI: `az storage account update -g RG -n ACCOUNT --allow-shared-key-access false`.",
    ),
    Rule(
        id="azure-storage-cmk-removed",
        types="azure.storage.account", path="/properties/encryption/keySource", severity="medium",
        when=left("Microsoft.Keyvault"),
        title="Storage account no longer encrypted with a customer-managed key",
        rationale="Data falls back to Microsoft-managed keys, outside the organization's key control.",
        remediation="Console: storage account > Encryption > Customer-managed keys. CLI: `az storage account "
                    "update -g RG -n ACCOUNT --encryption-key-source Microsoft.Keyvault "
                    "--encryption-key-vault VAULT_URI --encryption-key-name KEY`.",
    ),
    Rule(
        id="azure-storage-cross-tenant-replication-on",
        types="azure.storage.account", path="/properties/allowCrossTenantReplication", severity="medium",
        when=turned_on,
        title="Storage account cross-tenant replication enabled",
        rationale="Object replication can copy data to an account in another Entra tenant.",
        remediation="Console: storage account > Data management > Object replication > Advanced settings. "
                    "CLI: `az storage account update -g RG -n ACCOUNT --allow-cross-tenant-replication false`.",
    ),
    Rule(
        id="azure-storage-account-deleted",
        types="azure.storage.account", path="", severity="medium", ops=frozenset({"removed"}),
        title="Storage account deleted",
        rationale="Data loss; a deleted account name can be claimed by another tenant.",
        remediation="Console: Storage accounts > Restore deleted account (possible for 14 days). CLI: `az "
                    "monitor activity-log list -g RG --offset 7d --query \"[?operationName.value=="
                    "'Microsoft.Storage/storageAccounts/delete']\"` to see who deleted it.",
    ),
)

RULES = AUTHORIZATION + AKS + STORAGE
