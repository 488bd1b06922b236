"""Normalization specs of the AWS resource types (boto3 response shapes).

Config shapes the collectors hand over:
- aws.eks.cluster: DescribeCluster["cluster"].
- aws.eks.nodegroup: DescribeNodegroup["nodegroup"].
- aws.iam.user / aws.iam.role: GetAccountAuthorizationDetails UserDetailList / RoleDetailList entries
  (policy documents as dicts), a user plus AccessKeys (ListAccessKeys), MFADevices (ListMFADevices)
  and LoginProfile (GetLoginProfile, absent when none).
- aws.iam.policy: the Policies entry plus DefaultVersion = the default PolicyVersion (Document as a dict).
- aws.iam.account: {"PasswordPolicy": GetAccountPasswordPolicy, "AccountSummary": GetAccountSummary}.
- aws.s3.bucket: the merged Get* responses under their own keys: PublicAccessBlockConfiguration, Policy
  (parsed when possible), PolicyStatus, Owner, Grants, ServerSideEncryptionConfiguration,
  Versioning {Status, MFADelete}, LoggingEnabled, TagSet.
- aws.s3.account: {"PublicAccessBlockConfiguration": s3control GetPublicAccessBlock}.
"""

from collectors.base import TypeSpec
from collectors.registry import register_spec


def _statement_sets(document: str) -> tuple[str, ...]:
    """A policy document's order-free lists: actions, resources, principals."""
    fields = ("Action", "NotAction", "Resource", "NotResource", "Principal/AWS", "Principal/Service",
              "Principal/Federated")
    return tuple(f"{document}/Statement/*/{field}" for field in fields)


register_spec(TypeSpec(
    type="aws.eks.cluster",
    title="EKS cluster",
    # platformVersion moves with AWS's own patching; the CA rotates without a config change.
    volatile=("status", "health", "createdAt", "platformVersion", "clientRequestToken", "certificateAuthority"),
    sets=("resourcesVpcConfig/subnetIds", "resourcesVpcConfig/securityGroupIds",
          "resourcesVpcConfig/publicAccessCidrs", "logging/clusterLogging/*/types", "logging/clusterLogging",
          "encryptionConfig/*/resources", "encryptionConfig"),
))

register_spec(TypeSpec(
    type="aws.eks.nodegroup",
    title="EKS managed node group",
    # The cluster autoscaler moves desiredSize; min and max are the configuration.
    volatile=("status", "health", "createdAt", "modifiedAt", "scalingConfig/desiredSize"),
    sets=("instanceTypes", "subnets", "remoteAccess/sourceSecurityGroups", "taints"),
))

register_spec(TypeSpec(
    type="aws.iam.user",
    title="IAM user",
    volatile=("PasswordLastUsed", "AccessKeys/*/LastUsed", "AccessKeys/*/AccessKeyLastUsed"),
    sets=("GroupList", *_statement_sets("UserPolicyList/*/PolicyDocument")),
    keyed={
        "AttachedManagedPolicies": "PolicyArn",
        "UserPolicyList": "PolicyName",
        "UserPolicyList/*/PolicyDocument/Statement": "Sid",
        "AccessKeys": "AccessKeyId",
        "MFADevices": "SerialNumber",
        "Tags": "Key",
    },
))

register_spec(TypeSpec(
    type="aws.iam.role",
    title="IAM role",
    # Instance profiles embed a copy of the role itself, last-used data included.
    volatile=("RoleLastUsed", "InstanceProfileList/*/Roles"),
    sets=(*_statement_sets("AssumeRolePolicyDocument"), *_statement_sets("RolePolicyList/*/PolicyDocument")),
    keyed={
        "AttachedManagedPolicies": "PolicyArn",
        "RolePolicyList": "PolicyName",
        "RolePolicyList/*/PolicyDocument/Statement": "Sid",
        "AssumeRolePolicyDocument/Statement": "Sid",
        "InstanceProfileList": "InstanceProfileName",
        "Tags": "Key",
    },
))

register_spec(TypeSpec(
    type="aws.iam.policy",
    title="IAM customer managed policy",
    # Counts move whenever an identity is attached elsewhere; only the default version grants anything.
    volatile=("UpdateDate", "AttachmentCount", "PermissionsBoundaryUsageCount", "DefaultVersion/CreateDate",
              "PolicyVersionList"),
    sets=_statement_sets("DefaultVersion/Document"),
    keyed={"DefaultVersion/Document/Statement": "Sid", "Tags": "Key"},
))

register_spec(TypeSpec(
    type="aws.iam.account",
    title="IAM account settings",
    # Usage counters of GetAccountSummary; the root MFA and root key flags stay.
    volatile=tuple(f"AccountSummary/{count}" for count in (
        "Users", "Groups", "Roles", "Policies", "InstanceProfiles", "Providers", "MFADevices",
        "MFADevicesInUse", "PolicyVersionsInUse", "ServerCertificates")),
))

register_spec(TypeSpec(
    type="aws.s3.bucket",
    title="S3 bucket",
    # AWS is retiring display names: they vanish without any change of access.
    volatile=("Owner/DisplayName", "Grants/*/Grantee/DisplayName"),
    sets=("Grants", "ServerSideEncryptionConfiguration/Rules", *_statement_sets("Policy")),
    keyed={"Policy/Statement": "Sid", "TagSet": "Key"},
))

register_spec(TypeSpec(
    type="aws.s3.account",
    title="S3 account Block Public Access",
))
