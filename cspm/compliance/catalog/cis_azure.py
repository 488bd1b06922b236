"""CIS Microsoft Azure Foundations Benchmark: the controls that one storage account, custom role
definition or role assignment decides. Refs as in the public compliance mods (steampipe
azure_compliance cis_v300 / cis_v500).

- cis_azure (v3.0.0): 2.23 custom subscription administrator roles; storage 4.1-4.3, 4.6-4.9, 4.11,
  4.15-4.17.
- cis_azure_v5 (v5.0.0): only what v3.0.0 has no recommendation for: 5.3.3 User Access Administrator
  at root scope, 9.3.1.3 shared key access, 9.3.3.1 Entra authorization by default in the portal,
  9.3.11 geo-redundancy. (v5.0.0 renumbers the v3 storage items without changing what they check:
  4.1 -> 9.3.4, 4.3 -> 9.3.1.1, 4.6 -> 9.3.2.2, 4.7 -> 9.3.2.3, 4.8 -> 9.3.5, 4.9 -> 9.3.2.1,
  4.15 -> 9.3.6, 4.16 -> 9.3.7, 4.17 -> 9.3.8, 2.23 -> 5.23.)

Configs (collectors/azure/storage.py, authorization.py): the ARM GET shapes as-is, camelCase with the
`properties` envelope. ARM omits a storage property nobody set, and for several of them null has a
documented meaning (allowBlobPublicAccess, allowSharedKeyAccess and allowCrossTenantReplication null
behave as true; minimumTlsVersion null accepts TLS 1.0; publicNetworkAccess null is Enabled; no
keyPolicy means no rotation reminder): the checks fail on those absences. A property the API always
returns (supportsHttpsTrafficOnly, networkAcls, encryption) missing means it was not collected: not
applicable.

Left out: 4.4 key regeneration (keyCreationTime is dropped as volatile, and age needs a clock), 4.5 SAS
lifetimes (a practice, not a setting), 4.10 and 4.12-4.14 (blob service properties and diagnostic
settings, not collected), 2.x Entra ID tenant settings (Graph, not collected), v5.0 5.27 two or three
subscription Owners (a count over every assignment: one configuration cannot decide it).
"""

from __future__ import annotations

import re
from typing import Any

from cspm.compliance.checks import boolean_setting, get, pointer, properties
from cspm.compliance.controls import Verdict, benchmark, control, fail, not_applicable, passed

AZURE = benchmark("cis_azure", "CIS Microsoft Azure Foundations Benchmark", "3.0.0", provider="azure")
AZURE_V5 = benchmark("cis_azure_v5", "CIS Microsoft Azure Foundations Benchmark", "5.0.0", provider="azure")

ACCOUNT = ("azure.storage.account",)
DEFINITION = ("azure.authorization.role_definition",)
ASSIGNMENT = ("azure.authorization.role_assignment",)

USER_ACCESS_ADMINISTRATOR = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
_SUBSCRIPTION_OR_ABOVE = re.compile(r"/|/subscriptions/[^/]+|/providers/microsoft\.management/managementgroups/[^/]+",
                                    re.IGNORECASE)
GEO_REDUNDANT = ("GRS", "GZRS")  # sku.name suffixes: Standard_GRS, Standard_RAGRS, Standard_GZRS, Standard_RAGZRS
UNCOLLECTED = "properties not collected"
ACCOUNT_UNCOLLECTED = f"storage account {UNCOLLECTED}"


# -- storage account properties: never raise ---------------------------------------------------------

def _account_field(config: Any, *keys: str) -> Any:
    """The storage account property at properties/<keys> (None when unset), or the not-applicable verdict when
    the account's properties, or the object holding the property (networkAcls, encryption), were not collected."""
    props = properties(config)
    if props is None:
        return not_applicable(ACCOUNT_UNCOLLECTED)
    holder = get(props, *keys[:-1])
    if not isinstance(holder, dict):
        return not_applicable(f"{'.'.join(keys[:-1])} not collected")
    return holder.get(keys[-1])


def _account_flag(config: Any, *keys: str, ok: str, bad: str, want: bool = True, absent: bool | None = None,
                  unset: str = "", unreadable: str = "") -> Verdict:
    """A boolean storage account property, judged by boolean_setting; unreadable defaults to "<name> unreadable"."""
    value = _account_field(config, *keys)
    if isinstance(value, Verdict):
        return value
    return boolean_setting(value, pointer("properties", *keys), ok=ok, bad=bad, want=want, absent=absent,
                           unset=unset, unreadable=unreadable or f"{keys[-1]} unreadable")


def _account_choice(config: Any, key: str, *, good: tuple[str, ...], ok: str, unset: str) -> Verdict:
    """A string storage account property: a value in `good` passes (`ok` may name it as {value}), absence fails
    with `unset`, any other string fails naming itself, anything else is not applicable."""
    value = _account_field(config, key)
    if isinstance(value, Verdict):
        return value
    path = pointer("properties", key)
    if value in good:
        return passed(ok.format(value=value), path)
    if value is None:
        return fail(unset, path)
    if isinstance(value, str):
        return fail(f"{key} is {value}", path)
    return not_applicable(f"{key} unreadable")


# -- 2 Identity ------------------------------------------------------------------------------------

@control(
    AZURE, "2.23", "Ensure That No Custom Subscription Administrator Roles Exist", severity="high", types=DEFINITION,
    rationale=(
        "A custom role that allows every action (*) at subscription scope is an Owner in disguise: it grants "
        "full administrative access, including to role assignments, while its name hides it from reviews of "
        "who holds Owner. Least privilege means custom roles list the actions they need."),
    console=(
        "Subscriptions > (subscription) > Access control (IAM) > Roles > Type: Custom role > select the role "
        "whose permissions include '*' > Delete (remove its assignments first), or Edit it down to the "
        "actions needed."),
    cli="az role definition delete --name '<role name>' --scope /subscriptions/<subscription-id>",
)
def no_custom_admin_roles(config: dict) -> Verdict:
    props = properties(config)
    if props is None:
        return not_applicable(f"role definition {UNCOLLECTED}")
    if props.get("type") not in (None, "CustomRole"):
        return not_applicable(f"not a custom role ({props.get('type')!r})")
    permissions, scopes = props.get("permissions"), props.get("assignableScopes")
    if not isinstance(permissions, list) or not isinstance(scopes, list):
        return not_applicable("permissions or assignableScopes not collected")
    wide = [s for s in scopes if isinstance(s, str) and _SUBSCRIPTION_OR_ABOVE.fullmatch(s.rstrip("/") or "/")]
    for i, permission in enumerate(permissions):
        actions = permission.get("actions") if isinstance(permission, dict) else None
        if not isinstance(actions, list):
            return not_applicable(f"permissions/{i}/actions unreadable")
        if "*" in actions:
            path = pointer("properties", "permissions", i, "actions", actions.index("*"))
            if wide:
                return fail(f"custom role allows every action (*) and is assignable at {wide[0]}", path)
            return passed("allows every action (*), but only below subscription scope", path)
    return passed("no wildcard (*) action", "/properties/permissions")


# -- 4 Storage Accounts ----------------------------------------------------------------------------

@control(
    AZURE, "4.1", "Ensure that 'Secure transfer required' is set to 'Enabled'", severity="high", types=ACCOUNT,
    rationale=(
        "With secure transfer required, the account refuses plain HTTP and unencrypted SMB, so data and "
        "shared access signatures never cross the network in clear text. Without it a client can be talked "
        "into an unencrypted connection that anyone on the path can read or alter."),
    console="Storage accounts > (account) > Settings > Configuration > Secure transfer required: Enabled > Save.",
    cli="az storage account update --resource-group <rg> --name <account> --https-only true",
)
def secure_transfer(config: dict) -> Verdict:
    # Always returned by the API: absent means not collected.
    return _account_flag(config, "supportsHttpsTrafficOnly", ok="HTTPS only",
                         bad="supportsHttpsTrafficOnly is false: HTTP requests are accepted",
                         unreadable="supportsHttpsTrafficOnly not collected")


@control(
    AZURE, "4.2", "Ensure that 'Enable Infrastructure Encryption' for Each Storage Account in Azure Storage is Set "
    "to 'enabled'", severity="low", types=ACCOUNT,
    rationale=(
        "Infrastructure encryption adds a second layer of AES-256 encryption, with a different algorithm mode "
        "and key, beneath the default service-level encryption. Data stays protected if one of the two "
        "encryption layers or its keys is ever compromised."),
    console=(
        "Set at creation only: Storage accounts > Create > Encryption > 'Enable infrastructure encryption'; "
        "copy the data (e.g. AzCopy or object replication) into the new account and retire the old one."),
    cli=(
        "az storage account create --resource-group <rg> --name <new-account> --sku Standard_ZRS "
        "--kind StorageV2 --require-infrastructure-encryption"),
)
def infrastructure_encryption(config: dict) -> Verdict:
    return _account_flag(config, "encryption", "requireInfrastructureEncryption", absent=False,
                         ok="infrastructure (double) encryption on",
                         bad="infrastructure encryption is off (it can only be chosen when the account is created)")


@control(
    AZURE, "4.3", "Ensure that 'Enable key rotation reminders' is enabled for each Storage Account", severity="low",
    types=ACCOUNT,
    rationale=(
        "Account access keys are full-access credentials that never expire by themselves. A key expiration "
        "policy (the rotation reminder) flags keys older than the period so they get rotated, which limits "
        "how long a leaked key stays useful; the benchmark prescribes 90 days."),
    console=(
        "Storage accounts > (account) > Security + networking > Access keys > Set rotation reminder > check "
        "'Enable key rotation reminders', Remind me every 90 Days > Save."),
    cli="az storage account update --resource-group <rg> --name <account> --key-exp-days 90",
)
def key_rotation_reminder(config: dict) -> Verdict:
    policy = _account_field(config, "keyPolicy")
    if isinstance(policy, Verdict):
        return policy
    path = "/properties/keyPolicy/keyExpirationPeriodInDays"
    if policy is None:
        return fail("no key rotation reminder (keyPolicy not set)", "/properties/keyPolicy")
    days = policy.get("keyExpirationPeriodInDays") if isinstance(policy, dict) else None
    if not isinstance(days, int) or isinstance(days, bool):
        return not_applicable("keyPolicy.keyExpirationPeriodInDays unreadable")
    if days > 90:
        return fail(f"key rotation reminder every {days} days, longer than 90", path)
    return passed(f"key rotation reminder every {days} days", path)


@control(
    AZURE, "4.6", "Ensure that 'Public Network Access' is 'Disabled' for storage accounts", severity="medium",
    types=ACCOUNT,
    rationale=(
        "With public network access disabled, the account's endpoints answer only through private endpoints, "
        "whatever the firewall rules or container access levels say. It removes the internet-facing surface "
        "that misconfigured rules or leaked keys and SAS tokens would otherwise expose."),
    console=(
        "Storage accounts > (account) > Security + networking > Networking > Firewalls and virtual networks > "
        "Public network access: Disabled > Save (create private endpoints first for your clients)."),
    cli="az storage account update --resource-group <rg> --name <account> --public-network-access Disabled",
)
def public_network_access_disabled(config: dict) -> Verdict:
    return _account_choice(config, "publicNetworkAccess", good=("Disabled",), ok="public network access disabled",
                           unset="publicNetworkAccess not set: public network access is enabled by default")


@control(
    AZURE, "4.7", "Ensure Default Network Access Rule for Storage Accounts is Set to Deny", severity="high",
    types=ACCOUNT,
    rationale=(
        "Storage accounts accept connections from any network unless the default firewall action is Deny. "
        "Denying by default and allowing only named virtual networks and IP ranges means a leaked key or SAS "
        "token cannot be used from an arbitrary internet address."),
    console=(
        "Storage accounts > (account) > Security + networking > Networking > Firewalls and virtual networks > "
        "'Enabled from selected virtual networks and IP addresses', add the allowed networks > Save."),
    cli="az storage account update --resource-group <rg> --name <account> --default-action Deny",
)
def default_network_deny(config: dict) -> Verdict:
    action = _account_field(config, "networkAcls", "defaultAction")
    if isinstance(action, Verdict):
        return action
    path = "/properties/networkAcls/defaultAction"
    if action == "Deny":
        return passed("firewall denies by default", path)
    if action == "Allow":
        return fail("networkAcls.defaultAction is Allow: every network may connect", path)
    return not_applicable("networkAcls.defaultAction unreadable")


@control(
    AZURE, "4.8", "Ensure 'Allow Azure services on the trusted services list to access this storage account' is "
    "Enabled for Storage Account Access", severity="low", types=ACCOUNT,
    rationale=(
        "Some Azure services (Backup, Monitor diagnostic logs, Event Grid...) reach storage from networks no "
        "firewall rule can name. Letting the trusted-services list bypass the firewall keeps them working with "
        "strong authentication, so the firewall can stay at Deny instead of being opened up for them."),
    console=(
        "Storage accounts > (account) > Security + networking > Networking > Firewalls and virtual networks > "
        "Exceptions: check 'Allow Azure services on the trusted services list to access this storage account' "
        "> Save."),
    cli="az storage account update --resource-group <rg> --name <account> --bypass AzureServices",
)
def trusted_services_bypass(config: dict) -> Verdict:
    bypass = _account_field(config, "networkAcls", "bypass")
    if isinstance(bypass, Verdict):
        return bypass
    path = "/properties/networkAcls/bypass"
    if not isinstance(bypass, str):
        return not_applicable("networkAcls.bypass not collected")
    if "azureservices" in {part.strip().lower() for part in bypass.split(",")}:
        return passed(f"bypass: {bypass}", path)
    return fail(f"trusted Azure services cannot bypass the firewall (bypass: {bypass})", path)


@control(
    AZURE, "4.9", "Ensure Private Endpoints are used to access Storage Accounts", severity="medium", types=ACCOUNT,
    rationale=(
        "A private endpoint gives the account an address inside your virtual network, so clients reach it over "
        "Private Link without crossing the internet. It is what lets public network access be turned off "
        "while applications keep working."),
    console=(
        "Storage accounts > (account) > Security + networking > Networking > Private endpoint connections > "
        "+ Private endpoint: choose the virtual network, subnet and target sub-resource (blob, file...) > "
        "Create, and approve the connection."),
    cli=(
        "az network private-endpoint create --resource-group <rg> --name <account>-blob-pe --vnet-name <vnet> "
        "--subnet <subnet> --private-connection-resource-id <storage-account-id> --group-id blob "
        "--connection-name <account>-blob"),
)
def private_endpoints(config: dict) -> Verdict:
    connections = _account_field(config, "privateEndpointConnections")
    if isinstance(connections, Verdict):
        return connections
    path = "/properties/privateEndpointConnections"
    if isinstance(connections, dict):
        connections = list(connections.values())
    if not isinstance(connections, list):
        return not_applicable("privateEndpointConnections not collected")
    states = [get(c, "properties", "privateLinkServiceConnectionState", "status") for c in connections]
    approved = states.count("Approved")
    if approved:
        return passed(f"{approved} approved private endpoint connection(s)", path)
    if not connections:
        return fail("no private endpoint", path)
    seen = sorted({str(state) for state in states})
    return fail(f"no approved private endpoint connection (states: {', '.join(seen)})", path)


@control(
    AZURE, "4.11", "Ensure Storage for Critical Data are Encrypted with Customer Managed Keys (CMK)", severity="low",
    types=ACCOUNT,
    rationale=(
        "By default data at rest is encrypted with Microsoft-managed keys. A customer-managed key in Key Vault "
        "puts the key's rotation, access policy and revocation in your hands, so revoking it makes the data "
        "unreadable; the benchmark asks for it on accounts holding critical data."),
    console=(
        "Storage accounts > (account) > Security + networking > Encryption > Encryption type: Customer-managed "
        "keys > select the Key Vault key and the identity > Save."),
    cli=(
        "az storage account update --resource-group <rg> --name <account> --encryption-key-source Microsoft.Keyvault "
        "--encryption-key-vault https://<vault>.vault.azure.net --encryption-key-name <key> "
        "--identity-type SystemAssigned"),
)
def customer_managed_key(config: dict) -> Verdict:
    source = _account_field(config, "encryption", "keySource")
    if isinstance(source, Verdict):
        return source
    path = "/properties/encryption/keySource"
    if not isinstance(source, str):
        return not_applicable("encryption.keySource not collected")
    if source.lower() == "microsoft.keyvault":
        return passed("encrypted with a customer-managed key", path)
    return fail(f"encrypted with Microsoft-managed keys (keySource {source})", path)


@control(
    AZURE, "4.15", "Ensure the 'Minimum TLS version' for storage accounts is set to 'Version 1.2'", severity="medium",
    types=ACCOUNT,
    rationale=(
        "TLS 1.0 and 1.1 have known weaknesses and are deprecated. Requiring at least TLS 1.2 makes the "
        "account refuse clients that would negotiate the weaker protocols, so data in transit keeps modern "
        "protection."),
    console="Storage accounts > (account) > Settings > Configuration > Minimum TLS version: Version 1.2 > Save.",
    cli="az storage account update --resource-group <rg> --name <account> --min-tls-version TLS1_2",
)
def minimum_tls(config: dict) -> Verdict:
    return _account_choice(config, "minimumTlsVersion", good=("TLS1_2", "TLS1_3"), ok="minimum TLS version {value}",
                           unset="minimumTlsVersion not set: TLS 1.0 is accepted")


@control(
    AZURE, "4.16", "Ensure 'Cross Tenant Replication' is not enabled", severity="medium", types=ACCOUNT,
    rationale=(
        "Cross-tenant object replication lets a replication policy copy blobs to a storage account in another "
        "Microsoft Entra tenant, outside your organization's control. Disabling it keeps replication inside "
        "the tenant and closes a quiet path for data exfiltration."),
    console=(
        "Storage accounts > (account) > Data management > Object replication > Advanced settings > uncheck "
        "'Allow cross-tenant replication' > OK."),
    cli="az storage account update --resource-group <rg> --name <account> --allow-cross-tenant-replication false",
)
def cross_tenant_replication(config: dict) -> Verdict:
    return _account_flag(config, "allowCrossTenantReplication", want=False, absent=True,
                         ok="cross-tenant replication disallowed", bad="allowCrossTenantReplication is true",
                         unset="allowCrossTenantReplication not set: cross-tenant replication is allowed")


@control(
    AZURE, "4.17", "Ensure that 'Allow Blob Anonymous Access' is set to 'Disabled'", severity="critical",
    types=ACCOUNT,
    rationale=(
        "While anonymous blob access is allowed on the account, any container can be switched to public read "
        "and its blobs served to anyone on the internet without credentials. Disallowing it at the account "
        "overrides every container's access level."),
    console=(
        "Storage accounts > (account) > Settings > Configuration > Allow Blob anonymous access: Disabled > Save."),
    cli="az storage account update --resource-group <rg> --name <account> --allow-blob-public-access false",
)
def blob_anonymous_access(config: dict) -> Verdict:
    return _account_flag(config, "allowBlobPublicAccess", want=False, absent=True,
                         ok="anonymous blob access disallowed",
                         bad="allowBlobPublicAccess is true: containers can be made public",
                         unset="allowBlobPublicAccess not set: anonymous access is permitted")


# -- v5.0.0: recommendations v3.0.0 does not have ----------------------------------------------------

@control(
    AZURE_V5, "5.3.3", "Ensure that use of the 'User Access Administrator' role is restricted", severity="high",
    types=ASSIGNMENT,
    rationale=(
        "A User Access Administrator assignment at root scope (/) is the 'elevated access' a Global "
        "Administrator can grant themselves: it can assign any role on every subscription and management "
        "group of the tenant. It should exist only for the minutes of the task that needs it."),
    console=(
        "Subscriptions > (subscription) > Access control (IAM): on the banner 'X users have elevated access in "
        "your tenant', click View role assignments > Remove."),
    cli="az role assignment delete --role 'User Access Administrator' --scope '/' --assignee <principal-id>",
)
def user_access_administrator_at_root(config: dict) -> Verdict:
    props = properties(config)
    if props is None:
        return not_applicable(f"role assignment {UNCOLLECTED}")
    role, scope = props.get("roleDefinitionId"), props.get("scope")
    if not isinstance(role, str):
        return not_applicable("roleDefinitionId not collected")
    if not role.lower().rstrip("/").endswith("/" + USER_ACCESS_ADMINISTRATOR):
        return not_applicable("not a User Access Administrator assignment")
    if not isinstance(scope, str):
        return not_applicable("assignment scope not collected")
    if scope == "/":
        return fail("User Access Administrator assigned at root scope (/): elevated access over the whole tenant",
                    "/properties/scope")
    return passed(f"User Access Administrator assigned at {scope}, not at root scope", "/properties/scope")


@control(
    AZURE_V5, "9.3.1.3", "Ensure 'Allow storage account key access' for Azure Storage Accounts is 'Disabled'",
    severity="medium", types=ACCOUNT,
    rationale=(
        "Account keys and the SAS tokens signed with them grant access without any identity, conditional "
        "access or per-user audit trail, and leak easily in connection strings. Disabling Shared Key "
        "authorization makes every request authenticate with Microsoft Entra ID and Azure RBAC."),
    console=(
        "Storage accounts > (account) > Settings > Configuration > Allow storage account key access: Disabled "
        "> Save (move applications to Entra ID authorization first)."),
    cli="az storage account update --resource-group <rg> --name <account> --allow-shared-key-access false",
)
def shared_key_access(config: dict) -> Verdict:
    return _account_flag(config, "allowSharedKeyAccess", want=False, absent=True,
                         ok="Shared Key authorization disallowed",
                         bad="allowSharedKeyAccess is true: account keys and SAS tokens authorize requests",
                         unset="allowSharedKeyAccess not set: Shared Key authorization is allowed")


@control(
    AZURE_V5, "9.3.3.1", "Ensure that 'Default to Microsoft Entra authorization in the Azure portal' is set to "
    "'Enabled'", severity="low", types=ACCOUNT,
    rationale=(
        "With this default the Azure portal reads blobs, files, queues and tables with the user's Entra "
        "identity and RBAC roles rather than the account key. Portal access is then governed and audited per "
        "user, and people need no key-listing permission to browse data."),
    console=(
        "Storage accounts > (account) > Settings > Configuration > Default to Microsoft Entra authorization in "
        "the Azure portal: Enabled > Save."),
    cli=("az resource update --resource-group <rg> --name <account> --resource-type Microsoft.Storage/storageAccounts "
         "--set properties.defaultToOAuthAuthentication=true"),
)
def default_to_entra_authorization(config: dict) -> Verdict:
    return _account_flag(config, "defaultToOAuthAuthentication", absent=False,
                         ok="the portal authorizes with Microsoft Entra ID by default",
                         bad="the portal authorizes with the account key by default (defaultToOAuthAuthentication off)")


@control(
    AZURE_V5, "9.3.11", "Ensure Redundancy is set to 'geo-redundant storage (GRS)' on critical Azure Storage Accounts",
    severity="low", types=ACCOUNT,
    rationale=(
        "Locally and zone-redundant storage keep every copy in one region, so a regional outage or disaster "
        "makes the data unavailable or loses it. Geo-redundant storage copies it asynchronously to the paired "
        "region; the benchmark asks for it on accounts holding critical data."),
    console="Storage accounts > (account) > Data management > Redundancy: Geo-redundant storage (GRS) > Save.",
    cli="az storage account update --resource-group <rg> --name <account> --sku Standard_GRS",
)
def geo_redundant(config: dict) -> Verdict:
    name = get(config, "sku", "name")
    if not isinstance(name, str):
        return not_applicable("sku not collected")
    if name.upper().endswith(GEO_REDUNDANT):
        return passed(f"replication {name}", "/sku/name")
    return fail(f"replication {name} keeps every copy in one region", "/sku/name")
