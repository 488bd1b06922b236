"""What to grant the product in each cloud, as data: every API call the collectors, the connection
test and discovery make (collectors/aws, gcp, azure), mapped to the permission it needs. The
onboarding wizard and the README show documents built from these tables; a test reads the
collectors' source and fails when a call is missing here.

Plain Python (no Django, no SDK)."""

from __future__ import annotations

import json

# AWS: "<boto3 service>:<operation>" -> the IAM actions it needs. The roles below only read.
AWS_CALLS: dict[str, tuple[str, ...]] = {
    "sts:get_caller_identity": (),  # needs no permission: who am I, which account
    "ec2:describe_regions": ("ec2:DescribeRegions",),
    # collectors/aws/eks.py
    "eks:list_clusters": ("eks:ListClusters",),
    "eks:describe_cluster": ("eks:DescribeCluster",),
    "eks:list_nodegroups": ("eks:ListNodegroups",),
    "eks:describe_nodegroup": ("eks:DescribeNodegroup",),
    "eks:list_addons": ("eks:ListAddons",),
    "eks:list_access_entries": ("eks:ListAccessEntries",),
    "eks:list_identity_provider_configs": ("eks:ListIdentityProviderConfigs",),
    # collectors/aws/iam.py
    "iam:get_account_authorization_details": ("iam:GetAccountAuthorizationDetails",),
    "iam:list_access_keys": ("iam:ListAccessKeys",),
    "iam:get_access_key_last_used": ("iam:GetAccessKeyLastUsed",),
    "iam:list_mfa_devices": ("iam:ListMFADevices",),
    "iam:get_login_profile": ("iam:GetLoginProfile",),
    "iam:get_policy_version": ("iam:GetPolicyVersion",),
    "iam:list_policy_tags": ("iam:ListPolicyTags",),
    "iam:get_account_password_policy": ("iam:GetAccountPasswordPolicy",),
    "iam:get_account_summary": ("iam:GetAccountSummary",),
    # collectors/aws/s3.py
    "s3:list_buckets": ("s3:ListAllMyBuckets",),
    "s3control:get_public_access_block": ("s3:GetAccountPublicAccessBlock",),
    "s3:get_bucket_location": ("s3:GetBucketLocation",),
    "s3:get_public_access_block": ("s3:GetBucketPublicAccessBlock",),
    "s3:get_bucket_policy": ("s3:GetBucketPolicy",),
    "s3:get_bucket_policy_status": ("s3:GetBucketPolicyStatus",),
    "s3:get_bucket_acl": ("s3:GetBucketAcl",),
    "s3:get_bucket_encryption": ("s3:GetEncryptionConfiguration",),
    "s3:get_bucket_versioning": ("s3:GetBucketVersioning",),
    "s3:get_bucket_logging": ("s3:GetBucketLogging",),
    "s3:get_bucket_tagging": ("s3:GetBucketTagging",),
    # collectors/aws/organizations.py (discovery; only the management account answers it)
    "organizations:list_accounts": ("organizations:ListAccounts",),
}

# GCP: the call names the collectors give their requests ("<api>:<method>") -> IAM permissions.
GCP_CALLS: dict[str, tuple[str, ...]] = {
    "resourcemanager:projects.get": ("resourcemanager.projects.get",),  # the connection test
    "container:clusters.list": ("container.clusters.list",),
    "resourcemanager:projects.getIamPolicy": ("resourcemanager.projects.getIamPolicy",),
    "iam:serviceAccounts.list": ("iam.serviceAccounts.list",),
    "iam:serviceAccounts.keys.list": ("iam.serviceAccountKeys.list",),
    # projection=full returns the buckets' ACLs too, which needs getIamPolicy as well as list.
    "storage:buckets.list": ("storage.buckets.list", "storage.buckets.getIamPolicy"),
    "storage:buckets.getIamPolicy": ("storage.buckets.getIamPolicy",),
    # discovery: projects.search lists the projects the credential may get, under its org or folders
    "resourcemanager:projects.search": ("resourcemanager.projects.get", "resourcemanager.projects.list"),
}

# Azure: the call names of the collectors -> the ARM actions they need. The built-in Reader role
# (*/read) covers all of them; the custom role below is the least-privilege alternative.
AZURE_CALLS: dict[str, tuple[str, ...]] = {
    "subscriptions get": ("Microsoft.Resources/subscriptions/read",),  # the connection test
    "subscriptions list": ("Microsoft.Resources/subscriptions/read",),  # discovery
    "managedClusters list": ("Microsoft.ContainerService/managedClusters/read",),
    "storageAccounts list": ("Microsoft.Storage/storageAccounts/read",),
    "roleAssignments list": ("Microsoft.Authorization/roleAssignments/read",),
    "roleDefinitions list": ("Microsoft.Authorization/roleDefinitions/read",),
}

AWS_PRINCIPAL_PLACEHOLDER = "arn:aws:iam::PRODUCT_ACCOUNT_ID:root"
GCP_ROLE_ID = "cspmReader"
AZURE_ROLE_NAME = "CSPM reader"


def _union(table: dict[str, tuple[str, ...]]) -> list[str]:
    return sorted({action for actions in table.values() for action in actions}, key=str.lower)


def aws_actions() -> list[str]:
    return _union(AWS_CALLS)


def gcp_permissions() -> list[str]:
    return _union(GCP_CALLS)


def azure_actions() -> list[str]:
    return _union(AZURE_CALLS)


def aws_policy() -> dict:
    """The least-privilege inline policy of the role (or user) the product reads with."""
    return {"Version": "2012-10-17",
            "Statement": [{"Sid": "CspmDriftMonitorRead", "Effect": "Allow", "Action": aws_actions(),
                           "Resource": "*"}]}


def aws_trust_policy(*, principal: str, external_id: str) -> dict:
    """Lets the product's own AWS identity assume the role, only with this external id."""
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": principal or AWS_PRINCIPAL_PLACEHOLDER},
                           "Action": "sts:AssumeRole",
                           "Condition": {"StringEquals": {"sts:ExternalId": external_id}}}]}


def aws_commands(*, role_name: str, account_id: str = "ACCOUNT_ID") -> str:
    return "\n".join([
        "aws iam create-role --role-name " + role_name + " --assume-role-policy-document file://trust.json",
        "aws iam put-role-policy --role-name " + role_name + " --policy-name cspm-read \\",
        "    --policy-document file://policy.json",
        f"# the role ARN to give below: arn:aws:iam::{account_id}:role/{role_name}",
    ])


def gcp_role(*, role_id: str = GCP_ROLE_ID) -> str:
    """The custom role as a YAML file for `gcloud iam roles create --file`."""
    lines = [f"title: CSPM reader ({role_id})",
             "description: Read-only access for the CSPM drift monitor (GKE, IAM, Cloud Storage, project discovery)",
             "stage: GA",
             "includedPermissions:"]
    lines += [f"- {permission}" for permission in gcp_permissions()]
    return "\n".join(lines) + "\n"


def gcp_commands(*, project_id: str = "PROJECT_ID", role_id: str = GCP_ROLE_ID) -> str:
    sa = "cspm-reader@SECURITY_PROJECT.iam.gserviceaccount.com"
    return "\n".join([
        "# the role, defined once in the organization (or per project: --project=PROJECT_ID)",
        f"gcloud iam roles create {role_id} --organization=ORG_ID --file=cspm-role.yaml",
        "gcloud iam service-accounts create cspm-reader --project=SECURITY_PROJECT",
        "# bound on the project to monitor; on a folder or the organization to cover (and discover) every",
        "# project under it: gcloud resource-manager folders / organizations add-iam-policy-binding ...",
        f"gcloud projects add-iam-policy-binding {project_id} --role=organizations/ORG_ID/roles/{role_id} \\",
        f"    --member=serviceAccount:{sa}",
        f"gcloud iam service-accounts keys create key.json --iam-account={sa}",
    ])


def azure_role(*, scope: str = "/subscriptions/SUBSCRIPTION_ID") -> dict:
    """A custom role with exactly the read actions the collectors need (instead of Reader)."""
    return {"Name": AZURE_ROLE_NAME, "IsCustom": True,
            "Description": "Read-only access for the CSPM drift monitor (AKS, storage accounts, RBAC)",
            "Actions": azure_actions(), "NotActions": [], "DataActions": [], "NotDataActions": [],
            "AssignableScopes": [scope]}


def azure_commands(*, subscription_id: str = "SUBSCRIPTION_ID") -> str:
    scope = f"/subscriptions/{subscription_id}"
    return "\n".join([
        "# Reader covers every call; on a management group it covers (and lets discovery list) every",
        "# subscription under it: --scopes /providers/Microsoft.Management/managementGroups/GROUP_ID",
        f"az ad sp create-for-rbac --name cspm-reader --role Reader --scopes {scope}",
        "# prints appId (client id), password (client secret) and tenant: enter them below",
        "# or, least privilege: the custom role instead of Reader",
        "az role definition create --role-definition @cspm-role.json",
        f"az ad sp create-for-rbac --name cspm-reader --role \"{AZURE_ROLE_NAME}\" --scopes {scope}",
    ])


def as_json(document: dict) -> str:
    return json.dumps(document, indent=2)
