"""Normalization specs of the GCP resource types (REST shapes, camelCase).

Config shapes the collectors hand over:
- gcp.gke.cluster: container.projects.locations.clusters.get.
- gcp.iam.project_policy: projects.getIamPolicy (requestedPolicyVersion 3).
- gcp.iam.service_account: serviceAccounts.get plus "keys": serviceAccounts.keys.list with
  keyTypes=USER_MANAGED (Google rotates its system-managed keys on its own: listing them is noise).
- gcp.storage.bucket: buckets.get (projection=full) plus "iamPolicy": buckets.getIamPolicy.
"""

from collectors.base import TypeSpec
from collectors.registry import register_spec

register_spec(TypeSpec(
    type="gcp.gke.cluster",
    title="GKE cluster",
    # Auto-upgrades move the current versions and node counts; etags and fingerprints move on any write.
    volatile=(
        "status", "statusMessage", "conditions", "createTime", "expireTime", "etag", "labelFingerprint",
        "currentMasterVersion", "currentNodeVersion", "currentNodeCount", "instanceGroupUrls",
        "masterAuth/clusterCaCertificate", "maintenancePolicy/resourceVersion",
        "databaseEncryption/currentState", "databaseEncryption/decryptionKeys",
        "databaseEncryption/lastOperationErrors",
        "nodePools/*/status", "nodePools/*/statusMessage", "nodePools/*/conditions", "nodePools/*/etag",
        "nodePools/*/instanceGroupUrls", "nodePools/*/version", "nodePools/*/updateInfo",
    ),
    sets=(
        "locations", "masterAuthorizedNetworksConfig/cidrBlocks", "nodePools/*/locations",
        "nodePools/*/config/oauthScopes", "nodePools/*/config/tags", "nodePools/*/config/taints",
    ),
    keyed={"nodePools": "name"},
))

register_spec(TypeSpec(
    type="gcp.iam.project_policy",
    title="Project IAM policy",
    # Conditional bindings repeat a role: the diff names them role, role#2...
    volatile=("etag",),
    sets=("bindings/*/members", "auditConfigs/*/auditLogConfigs/*/exemptedMembers",
          "auditConfigs/*/auditLogConfigs"),
    keyed={"bindings": "role", "auditConfigs": "service"},
))

register_spec(TypeSpec(
    type="gcp.iam.service_account",
    title="Service account",
    volatile=("etag",),
    keyed={"keys": "name"},
))

register_spec(TypeSpec(
    type="gcp.storage.bucket",
    title="Cloud Storage bucket",
    # metageneration and updated move on every metadata write; bucketPolicyOnly mirrors uniform access.
    volatile=(
        "updated", "metageneration", "etag", "iamPolicy/etag", "iamConfiguration/bucketPolicyOnly",
        "retentionPolicy/effectiveTime", "softDeletePolicy/effectiveTime", "acl/*/etag",
        "defaultObjectAcl/*/etag",
    ),
    sets=("iamPolicy/bindings/*/members", "cors", "lifecycle/rule"),
    keyed={"iamPolicy/bindings": "role", "acl": "entity", "defaultObjectAcl": "entity"},
))
