"""Normalization specs of the Azure resource types (ARM shapes: id, name, type, tags, properties).

Config shapes the collectors hand over: the ARM GET of each resource as-is
(Microsoft.ContainerService/managedClusters, Microsoft.Authorization/roleAssignments and
roleDefinitions, Microsoft.Storage/storageAccounts).
"""

from collectors.base import TypeSpec
from collectors.registry import register_spec

# ARM's write bookkeeping: moves on every update without being configuration.
_ARM_VOLATILE = ("etag", "systemData", "properties/provisioningState")

register_spec(TypeSpec(
    type="azure.aks.cluster",
    title="AKS cluster",
    # The autoscaler moves pool counts; node image and current versions move with auto-upgrade channels.
    volatile=(
        *_ARM_VOLATILE, "properties/powerState", "properties/currentKubernetesVersion",
        "properties/maxAgentPools", "properties/networkProfile/loadBalancerProfile/effectiveOutboundIPs",
        "properties/agentPoolProfiles/*/count", "properties/agentPoolProfiles/*/provisioningState",
        "properties/agentPoolProfiles/*/powerState", "properties/agentPoolProfiles/*/nodeImageVersion",
        "properties/agentPoolProfiles/*/currentOrchestratorVersion",
        "properties/agentPoolProfiles/*/eTag",
    ),
    sets=(
        "properties/apiServerAccessProfile/authorizedIPRanges", "properties/aadProfile/adminGroupObjectIDs",
        "properties/linuxProfile/ssh/publicKeys", "properties/networkProfile/podCidrs",
        "properties/networkProfile/serviceCidrs", "properties/agentPoolProfiles/*/availabilityZones",
        "properties/agentPoolProfiles/*/nodeTaints",
    ),
    keyed={"properties/agentPoolProfiles": "name"},
))

register_spec(TypeSpec(
    type="azure.authorization.role_assignment",
    title="Role assignment",
    volatile=(*_ARM_VOLATILE, "properties/updatedOn", "properties/updatedBy"),
))

register_spec(TypeSpec(
    type="azure.authorization.role_definition",
    title="Role definition",
    volatile=(*_ARM_VOLATILE, "properties/updatedOn", "properties/updatedBy"),
    sets=(
        "properties/assignableScopes", "properties/permissions/*/actions", "properties/permissions/*/notActions",
        "properties/permissions/*/dataActions", "properties/permissions/*/notDataActions",
        "properties/permissions",
    ),
))

register_spec(TypeSpec(
    type="azure.storage.account",
    title="Storage account",
    # Key rotation times and replica health move without a configuration change.
    volatile=(
        *_ARM_VOLATILE, "properties/statusOfPrimary", "properties/statusOfSecondary",
        "properties/lastGeoFailoverTime", "properties/keyCreationTime",
        "properties/encryption/services/*/lastEnabledTime",
        "properties/encryption/keyvaultproperties/currentVersionedKeyIdentifier",
        "properties/encryption/keyvaultproperties/lastKeyRotationTimestamp",
        "properties/privateEndpointConnections/*/properties/provisioningState",
    ),
    sets=("properties/networkAcls/ipRules", "properties/networkAcls/virtualNetworkRules",
          "properties/networkAcls/resourceAccessRules"),
    keyed={"properties/privateEndpointConnections": "name"},
))
