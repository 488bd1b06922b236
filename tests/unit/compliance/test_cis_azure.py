"""CIS Microsoft Azure Foundations 3.0.0 (and the v5.0.0 additions) over storage accounts, custom role
definitions and role assignments as the Azure collectors record them: the ARM GET shapes (camelCase,
`properties` envelope), volatile fields dropped.

Each base configuration passes every control of its type; each case changes the one field its control
reads, the way the ARM API shows that setting (an unset storage property is absent).
"""

import copy
from typing import Any

import pytest

from cspm.compliance.catalog import cis_azure
from cspm.compliance.controls import CONTROLS, ERROR, FAIL, NOT_APPLICABLE, PASS, evaluate
from tests.unit.compliance import support
from tests.unit.compliance.support import verdicts, with_properties

ACCOUNT_TYPE, DEFINITION_TYPE, ASSIGNMENT_TYPE = (
    "azure.storage.account", "azure.authorization.role_definition", "azure.authorization.role_assignment")
BENCHMARKS = {"cis_azure", "cis_azure_v5"}
SUBSCRIPTION = "6f0f1c4e-2b8a-4c1e-9d3f-2a7b5c9e1d01"
SUB = f"/subscriptions/{SUBSCRIPTION}"
UAA = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
ROLES = "providers/Microsoft.Authorization/roleDefinitions"
ACCOUNT_ID = f"{SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/acmeproddata"

# As recorded: no etag, provisioningState, statusOfPrimary, keyCreationTime or lastEnabledTime.
ACCOUNT: dict[str, Any] = {
    "id": ACCOUNT_ID,
    "name": "acmeproddata",
    "type": "Microsoft.Storage/storageAccounts",
    "location": "westeurope",
    "tags": {"env": "prod"},
    "sku": {"name": "Standard_RAGRS", "tier": "Standard"},
    "kind": "StorageV2",
    "identity": {"type": "SystemAssigned", "principalId": "3a9c7e51-0000-4000-8000-0000000000a1",
                 "tenantId": "00000000-0000-0000-0000-000000000001"},
    "properties": {
        "creationTime": "2026-01-01T00:00:00.0000000Z",
        "keyPolicy": {"keyExpirationPeriodInDays": 90},
        "primaryEndpoints": {"blob": "https://acmeproddata.blob.core.windows.net/",
                             "dfs": "https://acmeproddata.dfs.core.windows.net/",
                             "file": "https://acmeproddata.file.core.windows.net/",
                             "queue": "https://acmeproddata.queue.core.windows.net/",
                             "table": "https://acmeproddata.table.core.windows.net/",
                             "web": "https://acmeproddata.z6.web.core.windows.net/"},
        "primaryLocation": "westeurope",
        "secondaryLocation": "northeurope",
        "supportsHttpsTrafficOnly": True,
        "minimumTlsVersion": "TLS1_2",
        "allowBlobPublicAccess": False,
        "allowSharedKeyAccess": False,
        "allowCrossTenantReplication": False,
        "defaultToOAuthAuthentication": True,
        "publicNetworkAccess": "Disabled",
        "networkAcls": {"bypass": "AzureServices", "virtualNetworkRules": [],
                        "ipRules": [{"value": "203.0.113.10", "action": "Allow"}], "defaultAction": "Deny"},
        "privateEndpointConnections": [{
            "id": f"{ACCOUNT_ID}/privateEndpointConnections/acmeproddata.0b6c2f1e",
            "name": "acmeproddata.0b6c2f1e",
            "type": "Microsoft.Storage/storageAccounts/privateEndpointConnections",
            "properties": {
                "privateEndpoint": {"id": f"{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/"
                                          "privateEndpoints/acmeproddata-blob-pe"},
                "privateLinkServiceConnectionState": {"status": "Approved", "description": "Auto-Approved",
                                                      "actionRequired": "None"},
            },
        }],
        "encryption": {
            "services": {"blob": {"enabled": True, "keyType": "Account"},
                         "file": {"enabled": True, "keyType": "Account"}},
            "keySource": "Microsoft.Keyvault",
            "keyvaultproperties": {"keyname": "storage-cmk", "keyvaulturi": "https://kv-data.vault.azure.net/"},
            "requireInfrastructureEncryption": True,
        },
        "accessTier": "Hot",
    },
}

DEFINITION: dict[str, Any] = {
    "id": f"{SUB}/{ROLES}/dadeb87f-ed73-58e9-9321-4d90e4fa70a5",
    "name": "dadeb87f-ed73-58e9-9321-4d90e4fa70a5",
    "type": "Microsoft.Authorization/roleDefinitions",
    "properties": {
        "roleName": "AKS operator",
        "description": "What the platform on-call needs",
        "type": "CustomRole",
        "permissions": [{"actions": ["Microsoft.ContainerService/managedClusters/listClusterUserCredential/action",
                                     "Microsoft.ContainerService/managedClusters/read"],
                         "notActions": [], "dataActions": [], "notDataActions": []}],
        "assignableScopes": [SUB],
        "createdOn": "2026-01-01T00:00:00.000Z",
        "createdBy": "11111111-1111-4111-8111-111111111111",
    },
}

ASSIGNMENT: dict[str, Any] = {
    "id": f"{SUB}/providers/Microsoft.Authorization/roleAssignments/00cb6255-d689-5cbe-849f-c59b0987a564",
    "name": "00cb6255-d689-5cbe-849f-c59b0987a564",
    "type": "Microsoft.Authorization/roleAssignments",
    "properties": {
        "scope": SUB,
        "roleDefinitionId": f"{SUB}/{ROLES}/{UAA}",
        "principalId": "4d3c2b1a-0000-4000-8000-0000000000ee",
        "principalType": "User",
        "createdOn": "2026-01-01T00:00:00.000Z",
        "createdBy": "11111111-1111-4111-8111-111111111111",
    },
}


def account(**properties: Any) -> dict:
    """ACCOUNT with properties replaced (None removes one: ARM leaves unset properties out)."""
    return with_properties(ACCOUNT, **properties)


def encryption(**fields: Any) -> dict:
    return account(encryption={**ACCOUNT["properties"]["encryption"], **fields})


def without_encryption(field: str) -> dict:
    return account(encryption={k: v for k, v in ACCOUNT["properties"]["encryption"].items() if k != field})


def acls(**fields: Any) -> dict:
    return account(networkAcls={**ACCOUNT["properties"]["networkAcls"], **fields})


def sku(name: str) -> dict:
    config = account()
    config["sku"] = {"name": name, "tier": "Premium" if name.startswith("Premium") else "Standard"}
    return config


def endpoint(status: str) -> dict:
    connection = copy.deepcopy(ACCOUNT["properties"]["privateEndpointConnections"][0])
    connection["properties"]["privateLinkServiceConnectionState"] = {"status": status, "description": "",
                                                                     "actionRequired": "None"}
    return account(privateEndpointConnections=[connection])


def definition(actions: list[str], scopes: list[str] | None = None) -> dict:
    config = copy.deepcopy(DEFINITION)
    config["properties"]["permissions"][0]["actions"] = actions
    if scopes is not None:
        config["properties"]["assignableScopes"] = scopes
    return config


def assignment(role: str = UAA, scope: str = SUB) -> dict:
    config = copy.deepcopy(ASSIGNMENT)
    config["properties"]["roleDefinitionId"] = f"{SUB}/{ROLES}/{role}"
    config["properties"]["scope"] = scope
    return config


MG = "/providers/Microsoft.Management/managementGroups/acme-root"
RG = f"{SUB}/resourceGroups/rg-sandbox"

# (benchmark key, ref, case, config, status, path of the deciding field for failures)
CASES = [
    ("cis_azure", "2.23", "least-privilege custom role", DEFINITION, PASS, ""),
    ("cis_azure", "2.23", "* assignable only at a resource group", definition(["*"], [RG]), PASS, ""),
    ("cis_azure", "2.23", "* at subscription scope (the 'Break glass' drift)", definition(["*"]), FAIL,
     "/properties/permissions/0/actions/0"),
    ("cis_azure", "2.23", "* among other actions at a management group",
     definition(["Microsoft.Storage/*/read", "*"], [MG]), FAIL, "/properties/permissions/0/actions/1"),
    ("cis_azure", "2.23", "* at root scope", definition(["*"], ["/"]), FAIL, "/properties/permissions/0/actions/0"),

    ("cis_azure", "4.1", "https only", ACCOUNT, PASS, ""),
    ("cis_azure", "4.1", "http allowed", account(supportsHttpsTrafficOnly=False), FAIL,
     "/properties/supportsHttpsTrafficOnly"),

    ("cis_azure", "4.2", "infrastructure encryption", ACCOUNT, PASS, ""),
    ("cis_azure", "4.2", "off", encryption(requireInfrastructureEncryption=False), FAIL,
     "/properties/encryption/requireInfrastructureEncryption"),
    ("cis_azure", "4.2", "not set (created without it)", without_encryption("requireInfrastructureEncryption"),
     FAIL, "/properties/encryption/requireInfrastructureEncryption"),

    ("cis_azure", "4.3", "90-day reminder", ACCOUNT, PASS, ""),
    ("cis_azure", "4.3", "30-day reminder", account(keyPolicy={"keyExpirationPeriodInDays": 30}), PASS, ""),
    ("cis_azure", "4.3", "no keyPolicy (never configured)", account(keyPolicy=None), FAIL, "/properties/keyPolicy"),
    ("cis_azure", "4.3", "yearly reminder", account(keyPolicy={"keyExpirationPeriodInDays": 365}), FAIL,
     "/properties/keyPolicy/keyExpirationPeriodInDays"),

    ("cis_azure", "4.6", "disabled", ACCOUNT, PASS, ""),
    ("cis_azure", "4.6", "enabled", account(publicNetworkAccess="Enabled"), FAIL, "/properties/publicNetworkAccess"),
    ("cis_azure", "4.6", "not set (Enabled by default)", account(publicNetworkAccess=None), FAIL,
     "/properties/publicNetworkAccess"),
    ("cis_azure", "4.6", "secured by perimeter", account(publicNetworkAccess="SecuredByPerimeter"), FAIL,
     "/properties/publicNetworkAccess"),

    ("cis_azure", "4.7", "deny", ACCOUNT, PASS, ""),
    ("cis_azure", "4.7", "firewall opened (drift kind storage_firewall_open)",
     account(networkAcls={"bypass": "AzureServices", "virtualNetworkRules": [], "ipRules": [],
                          "defaultAction": "Allow"}), FAIL, "/properties/networkAcls/defaultAction"),

    ("cis_azure", "4.8", "AzureServices", ACCOUNT, PASS, ""),
    ("cis_azure", "4.8", "logging, metrics and AzureServices", acls(bypass="Logging, Metrics, AzureServices"), PASS,
     ""),
    ("cis_azure", "4.8", "no bypass", acls(bypass="None"), FAIL, "/properties/networkAcls/bypass"),
    ("cis_azure", "4.8", "logging only", acls(bypass="Logging, Metrics"), FAIL, "/properties/networkAcls/bypass"),

    ("cis_azure", "4.9", "approved private endpoint", ACCOUNT, PASS, ""),
    ("cis_azure", "4.9", "no private endpoint", account(privateEndpointConnections=[]), FAIL,
     "/properties/privateEndpointConnections"),
    ("cis_azure", "4.9", "pending connection only", endpoint("Pending"), FAIL,
     "/properties/privateEndpointConnections"),

    ("cis_azure", "4.11", "customer-managed key", ACCOUNT, PASS, ""),
    ("cis_azure", "4.11", "Microsoft-managed keys",
     account(encryption={"services": {"blob": {"enabled": True, "keyType": "Account"}},
                         "keySource": "Microsoft.Storage", "requireInfrastructureEncryption": True}), FAIL,
     "/properties/encryption/keySource"),

    ("cis_azure", "4.15", "TLS 1.2", ACCOUNT, PASS, ""),
    ("cis_azure", "4.15", "TLS 1.3", account(minimumTlsVersion="TLS1_3"), PASS, ""),
    ("cis_azure", "4.15", "TLS 1.0 (drift kind storage_tls10)", account(minimumTlsVersion="TLS1_0"), FAIL,
     "/properties/minimumTlsVersion"),
    ("cis_azure", "4.15", "TLS 1.1", account(minimumTlsVersion="TLS1_1"), FAIL, "/properties/minimumTlsVersion"),
    ("cis_azure", "4.15", "not set (TLS 1.0 accepted)", account(minimumTlsVersion=None), FAIL,
     "/properties/minimumTlsVersion"),

    ("cis_azure", "4.16", "disallowed", ACCOUNT, PASS, ""),
    ("cis_azure", "4.16", "allowed", account(allowCrossTenantReplication=True), FAIL,
     "/properties/allowCrossTenantReplication"),
    ("cis_azure", "4.16", "not set (old account: allowed)", account(allowCrossTenantReplication=None), FAIL,
     "/properties/allowCrossTenantReplication"),

    ("cis_azure", "4.17", "disallowed", ACCOUNT, PASS, ""),
    ("cis_azure", "4.17", "allowed (drift kind blob_public)", account(allowBlobPublicAccess=True), FAIL,
     "/properties/allowBlobPublicAccess"),
    ("cis_azure", "4.17", "not set (anonymous access permitted)", account(allowBlobPublicAccess=None), FAIL,
     "/properties/allowBlobPublicAccess"),

    ("cis_azure_v5", "5.3.3", "at subscription scope", ASSIGNMENT, PASS, ""),
    ("cis_azure_v5", "5.3.3", "at a management group", assignment(scope=MG), PASS, ""),
    ("cis_azure_v5", "5.3.3", "at root scope (elevated access)", assignment(scope="/"), FAIL, "/properties/scope"),
    ("cis_azure_v5", "5.3.3", "Reader at root scope: not this control", assignment(READER, "/"), NOT_APPLICABLE, ""),

    ("cis_azure_v5", "9.3.1.3", "disallowed", ACCOUNT, PASS, ""),
    ("cis_azure_v5", "9.3.1.3", "allowed", account(allowSharedKeyAccess=True), FAIL,
     "/properties/allowSharedKeyAccess"),
    ("cis_azure_v5", "9.3.1.3", "not set (null is true)", account(allowSharedKeyAccess=None), FAIL,
     "/properties/allowSharedKeyAccess"),

    ("cis_azure_v5", "9.3.3.1", "Entra authorization by default", ACCOUNT, PASS, ""),
    ("cis_azure_v5", "9.3.3.1", "off", account(defaultToOAuthAuthentication=False), FAIL,
     "/properties/defaultToOAuthAuthentication"),
    ("cis_azure_v5", "9.3.3.1", "not set (false)", account(defaultToOAuthAuthentication=None), FAIL,
     "/properties/defaultToOAuthAuthentication"),

    ("cis_azure_v5", "9.3.11", "RA-GRS", ACCOUNT, PASS, ""),
    ("cis_azure_v5", "9.3.11", "GZRS", sku("Standard_GZRS"), PASS, ""),
    ("cis_azure_v5", "9.3.11", "ZRS", sku("Standard_ZRS"), FAIL, "/sku/name"),
    ("cis_azure_v5", "9.3.11", "premium LRS", sku("Premium_LRS"), FAIL, "/sku/name"),
]

# Settings present but of the wrong type: unknown, so never a pass (and never an exception).
GARBAGE = {
    ACCOUNT_TYPE: [
        {},
        {"properties": None, "sku": None},
        {"properties": "acmeproddata", "sku": "Standard_GRS"},
        {"id": ACCOUNT_ID, "name": "acmeproddata"},
        {"sku": {"name": 3}, "properties": {
            "supportsHttpsTrafficOnly": "true", "encryption": "on", "keyPolicy": {"keyExpirationPeriodInDays": "90"},
            "publicNetworkAccess": 0, "networkAcls": {"defaultAction": 1, "bypass": ["AzureServices"]},
            "privateEndpointConnections": "pe", "minimumTlsVersion": 1.2, "allowCrossTenantReplication": "false",
            "allowBlobPublicAccess": "false", "allowSharedKeyAccess": 0, "defaultToOAuthAuthentication": "yes"}},
        {"sku": [], "properties": {
            "supportsHttpsTrafficOnly": 1, "encryption": {"requireInfrastructureEncryption": 1, "keySource": None},
            "keyPolicy": {"keyExpirationPeriodInDays": True}, "publicNetworkAccess": ["Disabled"],
            "networkAcls": [], "privateEndpointConnections": 7, "minimumTlsVersion": {"v": "TLS1_2"},
            "allowCrossTenantReplication": 0, "allowBlobPublicAccess": [], "allowSharedKeyAccess": "no",
            "defaultToOAuthAuthentication": 0}},
    ],
    DEFINITION_TYPE: [
        {},
        {"properties": []},
        {"properties": {"permissions": "*", "assignableScopes": "/"}},
        {"properties": {"permissions": [{"actions": "*"}], "assignableScopes": ["/"]}},
        {"properties": {"permissions": ["*"], "assignableScopes": [SUB]}},
    ],
    ASSIGNMENT_TYPE: [
        {},
        {"properties": 1},
        {"properties": {"roleDefinitionId": 5, "scope": "/"}},
        {"properties": {"roleDefinitionId": f"{SUB}/{ROLES}/{UAA}", "scope": ["/"]}},
        {"properties": {"roleDefinitionId": None, "scope": "/"}},
    ],
}


def controls() -> dict[tuple[str, str], Any]:
    return {(c.benchmark.key, c.ref): c for c in CONTROLS.values() if c.benchmark.key in BENCHMARKS}


def test_the_benchmarks_are_declared_as_asked():
    assert [(b.key, b.title, b.version, b.provider) for b in (cis_azure.AZURE, cis_azure.AZURE_V5)] == [
        ("cis_azure", "CIS Microsoft Azure Foundations Benchmark", "3.0.0", "azure"),
        ("cis_azure_v5", "CIS Microsoft Azure Foundations Benchmark", "5.0.0", "azure")]
    assert sorted(controls()) == sorted([
        ("cis_azure", ref) for ref in ("2.23", "4.1", "4.2", "4.3", "4.6", "4.7", "4.8", "4.9", "4.11", "4.15",
                                       "4.16", "4.17")] + [
        ("cis_azure_v5", ref) for ref in ("5.3.3", "9.3.1.3", "9.3.3.1", "9.3.11")])
    for (key, ref), item in controls().items():
        assert item.id == f"{key}-{'3.0.0' if key == 'cis_azure' else '5.0.0'}-{ref}"
        assert len(item.resource_types) == 1 and item.resource_types[0] in GARBAGE
        assert item.title and item.rationale.count(".") >= 2
        assert item.cli.startswith("az ") and ">" in item.console


def test_every_control_has_a_passing_and_a_failing_case():
    support.assert_covered(controls(), {((key, ref), status) for key, ref, _, _, status, _ in CASES})


@pytest.mark.parametrize(("key", "ref", "case", "config", "status", "path"), CASES,
                         ids=[f"{key}-{ref}-{case}" for key, ref, case, *_ in CASES])
def test_control(key, ref, case, config, status, path):
    support.assert_verdict(controls()[key, ref].check(copy.deepcopy(config)), status, path)


@pytest.mark.parametrize(("type_key", "config"), [(ACCOUNT_TYPE, ACCOUNT), (DEFINITION_TYPE, DEFINITION),
                                                  (ASSIGNMENT_TYPE, ASSIGNMENT)])
def test_each_base_configuration_passes_every_control_of_its_type(type_key, config):
    results = verdicts(type_key, config, *BENCHMARKS)
    assert results and {v.status for v in results.values()} == {PASS}, results
    assert len(results) == sum(1 for c in controls().values() if c.resource_types == (type_key,))


@pytest.mark.parametrize(("type_key", "config"), [(t, c) for t, configs in GARBAGE.items() for c in configs],
                         ids=[f"{t.rsplit('.', 1)[1]}-{i}" for t, configs in GARBAGE.items()
                              for i in range(len(configs))])
def test_garbage_is_never_a_pass_nor_an_error(type_key, config):
    results = verdicts(type_key, config, *BENCHMARKS)
    assert results
    assert {v.status for v in results.values()} == {NOT_APPLICABLE}, results


@pytest.mark.parametrize("config", [None, [], "acmeproddata", 3, [ACCOUNT]])
def test_a_check_called_with_a_non_object_does_not_raise(config):
    for item in controls().values():
        assert item.check(config).status == NOT_APPLICABLE


def test_storage_properties_missing_from_the_record_are_not_judged():
    """Always returned by the API (supportsHttpsTrafficOnly, networkAcls, encryption, the endpoint list):
    absent means not collected. Unset-by-default ones fail: their absence has a documented meaning."""
    results = {ref: v.status for (_, ref), v in ((k, c.check({"properties": {}, "sku": {}}))
                                               for k, c in controls().items()) if ref not in ("2.23", "5.3.3")}
    assert results == {
        "4.1": NOT_APPLICABLE, "4.2": NOT_APPLICABLE, "4.7": NOT_APPLICABLE, "4.8": NOT_APPLICABLE,
        "4.9": NOT_APPLICABLE, "4.11": NOT_APPLICABLE, "9.3.11": NOT_APPLICABLE,
        "4.3": FAIL, "4.6": FAIL, "4.15": FAIL, "4.16": FAIL, "4.17": FAIL, "9.3.1.3": FAIL, "9.3.3.1": FAIL}
    assert ERROR not in results.values()


def test_built_in_roles_and_other_assignments_are_not_judged():
    builtin = definition(["*"], ["/"])
    builtin["properties"]["type"] = "BuiltInRole"
    assert controls()["cis_azure", "2.23"].check(builtin).status == NOT_APPLICABLE
    reader = verdicts(ASSIGNMENT_TYPE, assignment(READER), *BENCHMARKS)
    assert {k: v.status for k, v in reader.items()} == {"cis_azure_v5-5.0.0-5.3.3": NOT_APPLICABLE}


def test_failures_name_what_was_seen():
    checks = controls()
    assert checks["cis_azure", "4.15"].check(account(minimumTlsVersion="TLS1_0")).detail == \
        "minimumTlsVersion is TLS1_0"
    assert "/subscriptions/" in checks["cis_azure", "2.23"].check(definition(["*"])).detail
    assert "Pending" in checks["cis_azure", "4.9"].check(endpoint("Pending")).detail
    assert "365" in checks["cis_azure", "4.3"].check(account(keyPolicy={"keyExpirationPeriodInDays": 365})).detail


def test_endpoint_connections_keyed_by_name_are_read_too():
    keyed = account(privateEndpointConnections={
        c["name"]: c for c in ACCOUNT["properties"]["privateEndpointConnections"]})
    assert controls()["cis_azure", "4.9"].check(keyed).status == PASS


# -- the collectors' own record of the simulator's resources ----------------------------------------

def recorded(type_key: str, body: dict) -> dict:
    """What the Azure collectors store for an ARM body: the SDK model back to REST, then normalized."""
    from azure.mgmt.authorization.v2022_04_01.models import RoleAssignment, RoleDefinition
    from azure.mgmt.storage.models import StorageAccount

    from collectors.azure.session import as_rest
    from cspm.drift.normalize import normalize

    body = copy.deepcopy(body)
    model = {ACCOUNT_TYPE: StorageAccount, DEFINITION_TYPE: RoleDefinition.deserialize,
             ASSIGNMENT_TYPE: RoleAssignment.deserialize}[type_key](body)
    return normalize(type_key, as_rest(model))


def statuses(type_key: str, config: dict) -> dict[str, str]:
    results = verdicts(type_key, config, *BENCHMARKS)
    return {f"{k.split('-', 1)[0]} {k.rsplit('-', 1)[1]}": v.status for k, v in results.items()}


def test_the_simulated_estate_as_recorded():
    from collectors.simulator.azure import OWNER, FakeArm

    fake = FakeArm()
    body = fake.put_storage_account(SUBSCRIPTION, "rg-data", "acmeproddata")
    config = recorded(ACCOUNT_TYPE, body)
    assert "statusOfPrimary" not in config["properties"] and "etag" not in config
    # The simulator's account: hardened, but no rotation reminder, no private endpoint listed, Microsoft keys,
    # account-key portal access and zone (not geo) redundancy.
    assert statuses(ACCOUNT_TYPE, config) == {
        "cis_azure 4.1": PASS, "cis_azure 4.2": PASS, "cis_azure 4.3": FAIL, "cis_azure 4.6": PASS,
        "cis_azure 4.7": PASS, "cis_azure 4.8": PASS, "cis_azure 4.9": NOT_APPLICABLE, "cis_azure 4.11": FAIL,
        "cis_azure 4.15": PASS, "cis_azure 4.16": PASS, "cis_azure 4.17": PASS, "cis_azure_v5 9.3.1.3": PASS,
        "cis_azure_v5 9.3.3.1": FAIL, "cis_azure_v5 9.3.11": FAIL}

    # The estate's drift kinds flip exactly their control.
    before = verdicts(ACCOUNT_TYPE, config, *BENCHMARKS)
    firewall_open = {"bypass": "AzureServices", "virtualNetworkRules": [], "ipRules": [], "defaultAction": "Allow"}
    for change, ref, path in (
            ({"allowBlobPublicAccess": True}, "cis_azure-3.0.0-4.17", "/properties/allowBlobPublicAccess"),
            ({"minimumTlsVersion": "TLS1_0"}, "cis_azure-3.0.0-4.15", "/properties/minimumTlsVersion"),
            ({"networkAcls": firewall_open}, "cis_azure-3.0.0-4.7", "/properties/networkAcls/defaultAction")):
        fake.put_storage_account(SUBSCRIPTION, "rg-data", "acmeproddata")
        after = verdicts(ACCOUNT_TYPE, recorded(ACCOUNT_TYPE, fake.update_storage_account(body["id"], **change)),
                         *BENCHMARKS)
        assert (after[ref].status, after[ref].path) == (FAIL, path)
        assert {k for k in after if after[k].status != before[k].status} == {ref}

    role = recorded(DEFINITION_TYPE, fake.put_role_definition(SUBSCRIPTION, "AKS operator", [
        "Microsoft.ContainerService/managedClusters/read"]))
    assert statuses(DEFINITION_TYPE, role) == {"cis_azure 2.23": PASS}
    wildcard = recorded(DEFINITION_TYPE, fake.put_role_definition(SUBSCRIPTION, "Break glass", ["*"]))
    verdict = evaluate(DEFINITION_TYPE, wildcard)["cis_azure-3.0.0-2.23"]
    assert (verdict.status, verdict.path) == (FAIL, "/properties/permissions/0/actions/0")

    owner = recorded(ASSIGNMENT_TYPE, fake.put_role_assignment(SUBSCRIPTION, "4d3c2b1a-0000-4000-8000-0000000000ee",
                                                               OWNER, principal_type="User"))
    assert statuses(ASSIGNMENT_TYPE, owner) == {"cis_azure_v5 5.3.3": NOT_APPLICABLE}
    elevated = recorded(ASSIGNMENT_TYPE, fake.put_role_assignment(
        SUBSCRIPTION, "4d3c2b1a-0000-4000-8000-0000000000ee", f"/providers/Microsoft.Authorization/"
        f"roleDefinitions/{UAA}", scope="/"))
    verdict = evaluate(ASSIGNMENT_TYPE, elevated)["cis_azure_v5-5.0.0-5.3.3"]
    assert (verdict.status, verdict.path) == (FAIL, "/properties/scope")
