"""Severity rules for AWS: EKS, IAM and S3 (CIS EKS 1.8, CIS AWS 3.0, FSBP; see CONTROLS.md)."""

from __future__ import annotations

import json
from typing import Any

from cspm.drift.rules.common import (
    WORLD,
    became,
    both,
    cleared,
    decreased,
    filled,
    gained,
    get,
    items,
    left,
    new_strings,
    number,
    started,
    stopped,
    strings,
    turned_on,
    weakened,
)
from cspm.drift.severity import Rule

ADD, REMOVE, REPLACE = frozenset({"add"}), frozenset({"remove"}), frozenset({"replace"})
_TRAIL = "Find who made it in CloudTrail (Event history, filter by resource name)."


# -- policy documents -------------------------------------------------------------------------

def statements(value: Any) -> list[dict]:
    """Statements of a policy document: a dict, or the JSON text boto3 returns for bucket policies."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    statement = get(value, "Statement")
    if isinstance(statement, dict) and "Effect" in statement:
        return [statement]
    return [s for s in items(statement) if isinstance(s, dict)]


def _allow(statement: dict) -> bool:
    return statement.get("Effect") == "Allow"


def principals(statement: dict, kinds: tuple[str, ...] = ("AWS",)) -> set[str]:
    principal = statement.get("Principal")
    if principal == "*":
        return {"*"}
    return set().union(*(strings(get(principal, kind)) for kind in kinds))


def grants_admin(document: Any) -> bool:
    """Allow Action "*" on Resource "*" (CIS 1.16)."""
    return any(_allow(s) and strings(s.get("Action")) & {"*", "*:*"} and "*" in strings(s.get("Resource"))
               for s in statements(document))


def public_statement(document: Any) -> bool:
    """An Allow to everyone with no condition to narrow it."""
    return any(_allow(s) and "*" in principals(s) and not s.get("Condition") for s in statements(document))


def trusted(document: Any) -> set[str]:
    return set().union(*(principals(s, ("AWS", "Federated")) for s in statements(document) if _allow(s)))


def denies_plain_http(document: Any) -> bool:
    """A Deny when aws:SecureTransport is false (CIS S3 2.1.1)."""
    for s in statements(document):
        flag = get(s.get("Condition"), "Bool", "aws:SecureTransport")
        if s.get("Effect") == "Deny" and (flag is False or "false" in strings(flag)):
            return True
    return False


def _managed(names: frozenset[str]) -> Any:
    def test(value: Any) -> bool:
        arn = get(value, "PolicyArn")
        return isinstance(arn, str) and ":iam::aws:policy/" in arn and arn.rsplit("/", 1)[-1] in names
    return started(test)


# -- EKS --------------------------------------------------------------------------------------

def eks_open_to_world(vpc: Any) -> bool:
    """Public endpoint reachable from anywhere (publicAccessCidrs defaults to 0.0.0.0/0)."""
    if get(vpc, "endpointPublicAccess") is not True:
        return False
    cidrs = get(vpc, "publicAccessCidrs")
    return cidrs is None or bool(strings(cidrs) & WORLD)


def eks_logs(value: Any) -> set[str]:
    """Enabled control-plane log types of logging.clusterLogging."""
    return set().union(*(strings(get(e, "types")) for e in items(value) if get(e, "enabled") is True))


def eks_secrets_kms(value: Any) -> bool:
    return any("secrets" in strings(get(e, "resources")) and get(e, "provider", "keyArn")
               for e in items(value))


def ssh_from_anywhere(remote: Any) -> bool:
    """Node group SSH key with no source security groups: port 22 open to 0.0.0.0/0."""
    return bool(get(remote, "ec2SshKey")) and not get(remote, "sourceSecurityGroups")


# -- S3 ---------------------------------------------------------------------------------------

def public_grants(grants: Any) -> set[tuple[str, str]]:
    out = set()
    for grant in items(grants):
        uri = get(grant, "Grantee", "URI")
        if isinstance(uri, str) and uri.rsplit("/", 1)[-1] in ("AllUsers", "AuthenticatedUsers"):
            out.add((uri, str(get(grant, "Permission"))))
    return out


def uses_kms(config: Any) -> bool:
    return any(str(get(r, "ApplyServerSideEncryptionByDefault", "SSEAlgorithm")).startswith("aws:kms")
               for r in items(get(config, "Rules")))


EKS = (
    Rule(
        id="aws-eks-endpoint-open-to-internet",
        types="aws.eks.cluster", path="/resourcesVpcConfig", severity="critical",
        when=started(eks_open_to_world),
        title="EKS API endpoint public and open to 0.0.0.0/0",
        rationale="Anyone on the internet can reach the Kubernetes API server: one leaked token or API "
                  "vulnerability away from cluster takeover (CIS EKS 5.4.1, FSBP EKS.1).",
        remediation="Console: EKS > cluster > Networking > Manage endpoint access: turn private access on, "
                    "public access off (or restrict CIDRs). CLI: `aws eks update-cluster-config --name "
                    "CLUSTER --resources-vpc-config endpointPublicAccess=false,endpointPrivateAccess=true`.",
    ),
    Rule(
        id="aws-eks-endpoint-public",
        types="aws.eks.cluster", path="/resourcesVpcConfig/endpointPublicAccess", severity="high",
        when=turned_on,
        title="EKS API endpoint made public",
        rationale="The control plane becomes reachable from the internet, limited only by publicAccessCidrs "
                  "(CIS EKS 5.4.2).",
        remediation="Console: EKS > cluster > Networking > Manage endpoint access > Private. CLI: "
                    "`aws eks update-cluster-config --name CLUSTER --resources-vpc-config "
                    "endpointPublicAccess=false,endpointPrivateAccess=true`.",
    ),
    Rule(
        id="aws-eks-public-cidrs-internet",
        types="aws.eks.cluster", path="/resourcesVpcConfig/publicAccessCidrs", severity="high",
        when=gained(*WORLD),
        title="EKS public endpoint CIDRs widened to the whole internet",
        rationale="0.0.0.0/0 in publicAccessCidrs removes the network restriction of a public endpoint "
                  "(CIS EKS 5.4.1).",
        remediation="Console: EKS > cluster > Networking > Manage endpoint access > Advanced settings: "
                    "list only office/VPN CIDRs. CLI: `aws eks update-cluster-config --name CLUSTER "
                    "--resources-vpc-config publicAccessCidrs=203.0.113.0/24`.",
    ),
    Rule(
        id="aws-eks-private-endpoint-off",
        types="aws.eks.cluster", path="/resourcesVpcConfig/endpointPrivateAccess", severity="medium",
        when=weakened,
        title="EKS private endpoint access turned off",
        rationale="Nodes and in-VPC clients must then reach the API server through the public endpoint "
                  "(CIS EKS 5.4.2).",
        remediation="Console: EKS > cluster > Networking > Manage endpoint access > enable Private. CLI: "
                    "`aws eks update-cluster-config --name CLUSTER --resources-vpc-config "
                    "endpointPrivateAccess=true`.",
    ),
    Rule(
        id="aws-eks-audit-log-off",
        types="aws.eks.cluster", path="/logging/clusterLogging", severity="high",
        when=stopped(lambda v: "audit" in eks_logs(v)),
        title="EKS audit logging disabled",
        rationale="Without the audit log there is no record of who did what in the cluster: incident "
                  "response goes blind (CIS EKS 2.1.1, FSBP EKS.8).",
        remediation="Console: EKS > cluster > Observability > Manage logging > Audit on. CLI: "
                    "`aws eks update-cluster-config --name CLUSTER --logging "
                    "'{\"clusterLogging\":[{\"types\":[\"audit\"],\"enabled\":true}]}'`.",
    ),
    Rule(
        id="aws-eks-control-plane-logs-reduced",
        types="aws.eks.cluster", path="/logging/clusterLogging", severity="medium",
        when=lambda b, a: bool(eks_logs(b) - eks_logs(a)),
        title="EKS control plane log types disabled",
        rationale="Fewer control plane logs (api, authenticator, controllerManager, scheduler) reach "
                  "CloudWatch, hiding authentication and API activity.",
        remediation="Console: EKS > cluster > Observability > Manage logging: re-enable the log types. CLI: "
                    "`aws eks update-cluster-config --name CLUSTER --logging '{\"clusterLogging\":[{\"types\":"
                    "[\"api\",\"audit\",\"authenticator\"],\"enabled\":true}]}'`.",
    ),
    Rule(
        id="aws-eks-secrets-encryption-removed",
        types="aws.eks.cluster", path="/encryptionConfig", severity="high",
        when=stopped(eks_secrets_kms),
        title="EKS secrets no longer envelope-encrypted with a KMS key",
        rationale="Kubernetes secrets in etcd lose KMS envelope encryption (CIS EKS 5.3.1).",
        remediation="Console: EKS > cluster > Overview > Secrets encryption > Enable with a CMK. CLI: "
                    "`aws eks associate-encryption-config --cluster-name CLUSTER --encryption-config "
                    "'[{\"resources\":[\"secrets\"],\"provider\":{\"keyArn\":\"KEY_ARN\"}}]'`.",
    ),
    Rule(
        id="aws-eks-auth-configmap",
        types="aws.eks.cluster", path="/accessConfig/authenticationMode", severity="medium",
        when=left("API"),
        title="EKS authentication falls back to the aws-auth ConfigMap",
        rationale="Access entries are audited IAM objects; the aws-auth ConfigMap can be edited by anyone "
                  "with cluster write access and is easy to get wrong (CIS EKS 5.5.1).",
        remediation="Console: EKS > cluster > Access > Manage access > Authentication mode: EKS API. CLI: "
                    "`aws eks update-cluster-config --name CLUSTER --access-config authenticationMode=API`.",
    ),
    Rule(
        id="aws-eks-version-changed",
        types="aws.eks.cluster", path="/version", severity="low", ops=REPLACE,
        title="EKS Kubernetes version changed",
        rationale="An upgrade outside change control can break workloads and add-ons (FSBP EKS.2 wants a "
                  "supported version, not an unreviewed one).",
        remediation="Console: EKS > cluster > Overview: check the version and the add-on compatibility. CLI: "
                    "`aws eks describe-cluster --name CLUSTER --query cluster.version`; approve the upgrade "
                    "as the new baseline once reviewed.",
    ),
    Rule(
        id="aws-eks-cluster-deleted",
        types="aws.eks.cluster", path="", severity="medium", ops=frozenset({"removed"}),
        title="EKS cluster deleted",
        rationale="A cluster deleted outside change control is an outage, and may be an attacker covering "
                  "tracks.",
        remediation="Console: CloudTrail > Event history, event name DeleteCluster. CLI: `aws cloudtrail "
                    "lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=DeleteCluster`; "
                    "recreate from infrastructure code if unintended.",
    ),
    Rule(
        id="aws-eks-nodegroup-ssh-open",
        types="aws.eks.nodegroup", path="/remoteAccess", severity="high",
        when=started(ssh_from_anywhere),
        title="Node group SSH open to the internet",
        rationale="An SSH key with no source security group lets EKS open port 22 on the nodes to "
                  "0.0.0.0/0 (CIS EKS 5.4.3).",
        remediation="Console: EKS > cluster > Compute > node group: recreate it without remote access, or "
                    "with source security groups. CLI: `aws eks create-nodegroup ... --remote-access "
                    "ec2SshKey=KEY,sourceSecurityGroups=sg-ADMIN` (remote access cannot be edited in place).",
    ),
    Rule(
        id="aws-eks-nodegroup-ssh-key",
        types="aws.eks.nodegroup", path="/remoteAccess/ec2SshKey", severity="medium",
        when=filled,
        title="SSH key added to an EKS node group",
        rationale="Direct SSH to nodes bypasses Kubernetes RBAC and audit; prefer SSM Session Manager.",
        remediation="Console: EKS > cluster > Compute: replace the node group with one without remote "
                    "access. CLI: `aws eks create-nodegroup --cluster-name CLUSTER --nodegroup-name NEW ...` "
                    "without `--remote-access`, then `aws eks delete-nodegroup` the old one.",
    ),
    Rule(
        id="aws-eks-nodegroup-role-changed",
        types="aws.eks.nodegroup", path="/nodeRole", severity="medium", ops=REPLACE,
        title="EKS node group IAM role changed",
        rationale="Every pod without IRSA inherits the node role's permissions through the instance "
                  "metadata service.",
        remediation="Console: IAM > Roles > the new role: check its policies. CLI: `aws iam "
                    "list-attached-role-policies --role-name ROLE`; restore the previous role if unintended.",
    ),
    Rule(
        id="aws-eks-nodegroup-ami-release",
        types="aws.eks.nodegroup", path="/releaseVersion", severity="info", ops=REPLACE,
        title="EKS node group AMI release updated",
        rationale="A new AMI release is routine patching; it is recorded, not alarming.",
        remediation="Nothing to fix if patching was planned. Console: EKS > node group > Update history. CLI: "
                    "`aws eks list-updates --name CLUSTER --nodegroup-name NODEGROUP`.",
    ),
)

_ADMIN_NAMES = frozenset({"AdministratorAccess"})
_PRIVILEGED_NAMES = frozenset({"PowerUserAccess", "IAMFullAccess"})

IAM = (
    Rule(
        id="aws-iam-administrator-access-attached",
        types="aws.iam.*", path="/AttachedManagedPolicies/*", severity="critical",
        when=_managed(_ADMIN_NAMES),
        title="AdministratorAccess attached to an IAM identity",
        rationale="Full control of the account; a leaked credential of this identity is a full compromise "
                  "(CIS AWS 1.16).",
        remediation="Console: IAM > Users/Roles > identity > Permissions > remove AdministratorAccess and "
                    "grant least privilege. CLI: `aws iam detach-user-policy --user-name USER --policy-arn "
                    "arn:aws:iam::aws:policy/AdministratorAccess` (detach-role-policy for a role).",
    ),
    Rule(
        id="aws-iam-privileged-policy-attached",
        types="aws.iam.*", path="/AttachedManagedPolicies/*", severity="high",
        when=_managed(_PRIVILEGED_NAMES),
        title="PowerUserAccess or IAMFullAccess attached to an IAM identity",
        rationale="IAMFullAccess can grant itself anything; PowerUserAccess can do everything but IAM.",
        remediation="Console: IAM > identity > Permissions > remove the policy. CLI: `aws iam "
                    "detach-user-policy --user-name USER --policy-arn arn:aws:iam::aws:policy/IAMFullAccess`.",
    ),
    Rule(
        id="aws-iam-user-policy-attached",
        types="aws.iam.user", path="/AttachedManagedPolicies/*", severity="medium", ops=ADD,
        title="Managed policy attached directly to an IAM user",
        rationale="Permissions should come through groups or roles, where they are reviewed once "
                  "(CIS AWS 1.15).",
        remediation="Console: IAM > Users > user > Permissions: detach, and add the user to a group instead. "
                    "CLI: `aws iam detach-user-policy --user-name USER --policy-arn ARN`; "
                    "`aws iam add-user-to-group --user-name USER --group-name GROUP`.",
    ),
    Rule(
        id="aws-iam-inline-admin",
        types="aws.iam.*", path="/*PolicyList/*/PolicyDocument", severity="critical",
        when=started(grants_admin),
        title="Inline policy grants Action * on Resource *",
        rationale="Administrator rights hidden in an inline policy (CIS AWS 1.16).",
        remediation="Console: IAM > identity > Permissions > inline policy > Edit: scope Action and Resource. "
                    "CLI: `aws iam delete-user-policy --user-name USER --policy-name NAME` (or "
                    "delete-role-policy), then put a least-privilege policy.",
    ),
    Rule(
        id="aws-iam-policy-admin",
        types="aws.iam.policy", path="/DefaultVersion/Document", severity="critical",
        when=started(grants_admin),
        title="Customer managed policy now grants Action * on Resource *",
        rationale="Every identity this policy is attached to becomes an administrator (CIS AWS 1.16).",
        remediation="Console: IAM > Policies > policy > Policy versions: set the previous version as default. "
                    "CLI: `aws iam set-default-policy-version --policy-arn ARN --version-id vN`.",
    ),
    Rule(
        id="aws-iam-wildcard-action",
        types="aws.iam.*", path="/*/Statement/*/Action", severity="high",
        when=gained("*", "*:*", "iam:*"),
        title="Policy statement grants wildcard or iam:* actions",
        rationale="Wildcard actions include privilege escalation paths such as iam:PassRole and "
                  "iam:CreatePolicyVersion.",
        remediation="Console: IAM > policy > Edit: list the needed actions. CLI: `aws iam "
                    "create-policy-version --policy-arn ARN --policy-document file://least-privilege.json "
                    "--set-as-default` (put-user-policy / put-role-policy for inline policies).",
    ),
    Rule(
        id="aws-iam-policy-document-changed",
        types="aws.iam.policy", path="/DefaultVersion/Document*", severity="medium",
        title="Customer managed policy document changed",
        rationale="The permissions of every identity the policy is attached to changed at once.",
        remediation="Console: IAM > Policies > policy > Policy versions: compare versions. CLI: `aws iam "
                    "get-policy-version --policy-arn ARN --version-id vN`; set the previous version as "
                    "default if unintended.",
    ),
    Rule(
        id="aws-iam-inline-policy-added",
        types="aws.iam.*", path="/*PolicyList/*", severity="medium", ops=ADD,
        title="Inline policy added to an IAM identity",
        rationale="Inline policies escape the review of shared managed policies (CIS AWS 1.15).",
        remediation="Console: IAM > identity > Permissions: remove the inline policy. CLI: `aws iam "
                    "delete-user-policy --user-name USER --policy-name NAME` (delete-role-policy for roles).",
    ),
    Rule(
        id="aws-iam-user-admin-group",
        types="aws.iam.user", path="/GroupList", severity="high",
        when=lambda b, a: any("admin" in g.lower() for g in new_strings(b, a)),
        title="IAM user added to an administrators group",
        rationale="Group membership is the usual way to hand out administrator rights.",
        remediation="Console: IAM > User groups > group > Users: remove the user. CLI: `aws iam "
                    "remove-user-from-group --user-name USER --group-name GROUP`.",
    ),
    Rule(
        id="aws-iam-access-key-created",
        types="aws.iam.user", path="/AccessKeys/*", severity="medium", ops=ADD,
        title="IAM access key created",
        rationale="A new long-lived credential that never expires; roles and SSO are preferred "
                  "(CIS AWS 1.14).",
        remediation="Console: IAM > Users > user > Security credentials: deactivate the key. CLI: `aws iam "
                    "update-access-key --user-name USER --access-key-id AKIA... --status Inactive`.",
    ),
    Rule(
        id="aws-iam-access-key-reactivated",
        types="aws.iam.user", path="/AccessKeys/*/Status", severity="medium",
        when=both(left("Inactive"), became("Active")),
        title="Inactive IAM access key reactivated",
        rationale="Keys are deactivated when rotated or suspected leaked; reactivating one revives it.",
        remediation="Console: IAM > Users > user > Security credentials > Deactivate. CLI: `aws iam "
                    "update-access-key --user-name USER --access-key-id AKIA... --status Inactive`.",
    ),
    Rule(
        id="aws-iam-mfa-removed",
        types="aws.iam.user", path="/MFADevices/*", severity="high", ops=REMOVE,
        title="MFA device removed from an IAM user",
        rationale="The user's console access now rests on a password alone (CIS AWS 1.10).",
        remediation="Console: IAM > Users > user > Security credentials > Assign MFA device. CLI: `aws iam "
                    "enable-mfa-device --user-name USER --serial-number ARN --authentication-code1 C1 "
                    "--authentication-code2 C2`.",
    ),
    Rule(
        id="aws-iam-console-password-created",
        types="aws.iam.user", path="/LoginProfile", severity="medium", ops=ADD,
        title="Console password created for an IAM user",
        rationale="A new console login; federated SSO with MFA is preferred (CIS AWS 1.10).",
        remediation="Console: IAM > Users > user > Security credentials > Console access > Disable. CLI: "
                    "`aws iam delete-login-profile --user-name USER`.",
    ),
    Rule(
        id="aws-iam-permissions-boundary-removed",
        types="aws.iam.*", path="/PermissionsBoundary", severity="high", ops=REMOVE,
        title="Permissions boundary removed",
        rationale="The boundary capped what the identity's policies can grant; without it, they apply in "
                  "full.",
        remediation="Console: IAM > identity > Permissions boundary > Set boundary. CLI: `aws iam "
                    "put-user-permissions-boundary --user-name USER --permissions-boundary ARN` "
                    "(put-role-permissions-boundary for roles).",
    ),
    Rule(
        id="aws-iam-role-trust-public",
        types="aws.iam.role", path="/AssumeRolePolicyDocument", severity="critical",
        when=started(public_statement),
        title="IAM role can be assumed by anyone",
        rationale="A trust policy with Principal \"*\" and no condition lets any AWS account assume the role.",
        remediation="Console: IAM > Roles > role > Trust relationships > Edit: name the trusted principals. "
                    "CLI: `aws iam update-assume-role-policy --role-name ROLE --policy-document "
                    "file://trust.json`.",
    ),
    Rule(
        id="aws-iam-role-trust-new-principal",
        types="aws.iam.role", path="/AssumeRolePolicyDocument", severity="high",
        when=lambda b, a: bool(trusted(a) - trusted(b)),
        title="IAM role trusts a new AWS or federated principal",
        rationale="A new principal (possibly another account) can assume the role and use its permissions.",
        remediation="Console: IAM > Roles > role > Trust relationships: check the new principal. CLI: `aws "
                    "iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json`.",
    ),
    Rule(
        id="aws-iam-role-trust-changed",
        types="aws.iam.role", path="/AssumeRolePolicyDocument*", severity="medium",
        title="IAM role trust policy changed",
        rationale="The trust policy decides who can become this role.",
        remediation="Console: IAM > Roles > role > Trust relationships: compare with the baseline. CLI: `aws "
                    "iam get-role --role-name ROLE --query Role.AssumeRolePolicyDocument`.",
    ),
    Rule(
        id="aws-iam-root-access-key",
        types="aws.iam.account", path="/AccountSummary/AccountAccessKeysPresent", severity="critical",
        when=started(lambda v: (number(v) or 0) >= 1),
        title="Root user access key created",
        rationale="The root user cannot be restricted by any policy; an access key makes it usable from "
                  "scripts and leakable (CIS AWS 1.4).",
        remediation="Console: sign in as root > Security credentials > Access keys > Delete. There is no "
                    "CLI for root keys other than as root: `aws iam delete-access-key --access-key-id AKIA...` "
                    "with root credentials.",
    ),
    Rule(
        id="aws-iam-root-mfa-off",
        types="aws.iam.account", path="/AccountSummary/AccountMFAEnabled", severity="critical",
        when=stopped(lambda v: number(v) == 1),
        title="Root user MFA disabled",
        rationale="The most powerful identity is protected by a password alone (CIS AWS 1.5).",
        remediation="Console: sign in as root > Security credentials > Multi-factor authentication > Assign "
                    "MFA device (hardware preferred, CIS 1.6). CLI (to verify): `aws iam get-account-summary --query "
                    "SummaryMap.AccountMFAEnabled`.",
    ),
    Rule(
        id="aws-iam-password-policy-removed",
        types="aws.iam.account", path="/PasswordPolicy", severity="medium", ops=REMOVE,
        title="Account password policy deleted",
        rationale="IAM user passwords fall back to AWS defaults: short and reusable (CIS AWS 1.8/1.9).",
        remediation="Console: IAM > Account settings > Password policy > Edit. CLI: `aws iam "
                    "update-account-password-policy --minimum-password-length 14 "
                    "--password-reuse-prevention 24`.",
    ),
    Rule(
        id="aws-iam-password-length-weakened",
        types="aws.iam.account", path="/PasswordPolicy/MinimumPasswordLength", severity="medium",
        when=both(decreased, lambda b, a: (number(a) or 0) < 14),
        title="Minimum password length lowered below 14",
        rationale="Short passwords fall to guessing and spraying (CIS AWS 1.8).",
        remediation="Console: IAM > Account settings > Password policy > Edit > 14. CLI: `aws iam "
                    "update-account-password-policy --minimum-password-length 14`.",
    ),
    Rule(
        id="aws-iam-password-reuse-weakened",
        types="aws.iam.account", path="/PasswordPolicy/PasswordReusePrevention", severity="medium",
        when=decreased,
        title="Password reuse prevention reduced",
        rationale="Users can cycle back to old, possibly leaked passwords (CIS AWS 1.9).",
        remediation="Console: IAM > Account settings > Password policy > Prevent password reuse: 24. CLI: "
                    "`aws iam update-account-password-policy --password-reuse-prevention 24`.",
    ),
    Rule(
        id="aws-iam-password-complexity-weakened",
        types="aws.iam.account", path="/PasswordPolicy/Require*", severity="low",
        when=weakened,
        title="Password complexity requirement dropped",
        rationale="Fewer character classes make passwords easier to guess.",
        remediation="Console: IAM > Account settings > Password policy > Edit. CLI: `aws iam "
                    "update-account-password-policy --require-symbols --require-numbers "
                    "--require-uppercase-characters --require-lowercase-characters`.",
    ),
)

S3 = (
    Rule(
        id="aws-s3-public-access-block-off",
        types="aws.s3.*", path="/PublicAccessBlockConfiguration/*", severity="critical",
        when=weakened,
        title="S3 Block Public Access setting turned off",
        rationale="Block Public Access is the guard rail that overrides public ACLs and policies; with it "
                  "off, one bad policy publishes the data (CIS AWS 2.1.4, FSBP S3.1/S3.8).",
        remediation="Console: S3 > bucket (or Block Public Access settings for this account) > Edit > Block "
                    "all public access. CLI: `aws s3api put-public-access-block --bucket BUCKET "
                    "--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,"
                    "BlockPublicPolicy=true,RestrictPublicBuckets=true` (account: `aws s3control "
                    "put-public-access-block --account-id ID ...`).",
    ),
    Rule(
        id="aws-s3-bucket-public",
        types="aws.s3.bucket", path="/PolicyStatus/IsPublic", severity="critical",
        when=turned_on,
        title="S3 bucket policy makes the bucket public",
        rationale="AWS itself evaluates the bucket policy as granting public access.",
        remediation="Console: S3 > bucket > Permissions > Bucket policy: remove the public statement, and turn "
                    "Block Public Access on. CLI: `aws s3api delete-bucket-policy --bucket BUCKET` or "
                    "`aws s3api put-bucket-policy --bucket BUCKET --policy file://policy.json`.",
    ),
    Rule(
        id="aws-s3-acl-public",
        types="aws.s3.bucket", path="/Grants", severity="critical",
        when=lambda b, a: bool(public_grants(a) - public_grants(b)),
        title="S3 bucket ACL grants access to AllUsers or AuthenticatedUsers",
        rationale="AuthenticatedUsers means any AWS account in the world, AllUsers means anyone.",
        remediation="Console: S3 > bucket > Permissions > Access control list > Edit: remove the group "
                    "grants, or set Object Ownership to Bucket owner enforced. CLI: `aws s3api put-bucket-acl "
                    "--bucket BUCKET --acl private`.",
    ),
    Rule(
        id="aws-s3-policy-public-principal",
        types="aws.s3.bucket", path="/Policy", severity="high",
        when=started(public_statement),
        title="S3 bucket policy allows Principal * without a condition",
        rationale="Unless Block Public Access stops it, anyone can perform the allowed actions.",
        remediation="Console: S3 > bucket > Permissions > Bucket policy > Edit: name principals or add a "
                    "condition (aws:SourceVpce, aws:PrincipalOrgID). CLI: `aws s3api put-bucket-policy "
                    "--bucket BUCKET --policy file://policy.json`.",
    ),
    Rule(
        id="aws-s3-tls-only-removed",
        types="aws.s3.bucket", path="/Policy", severity="medium",
        when=stopped(denies_plain_http),
        title="S3 bucket no longer denies plain HTTP",
        rationale="Requests over HTTP expose data and credentials in transit (CIS AWS 2.1.1, FSBP S3.5).",
        remediation="Console: S3 > bucket > Permissions > Bucket policy: add a Deny for "
                    "aws:SecureTransport=false. CLI: `aws s3api put-bucket-policy --bucket BUCKET --policy "
                    "file://policy-with-tls-deny.json`.",
    ),
    Rule(
        id="aws-s3-kms-encryption-removed",
        types="aws.s3.bucket", path="/ServerSideEncryptionConfiguration", severity="medium",
        when=stopped(uses_kms),
        title="S3 default encryption no longer uses KMS",
        rationale="SSE-S3 keys cannot be restricted by key policy or audited per use, unlike a KMS key.",
        remediation="Console: S3 > bucket > Properties > Default encryption > Edit > SSE-KMS. CLI: `aws s3api "
                    "put-bucket-encryption --bucket BUCKET --server-side-encryption-configuration "
                    "'{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\","
                    "\"KMSMasterKeyID\":\"KEY_ARN\"}}]}'`.",
    ),
    Rule(
        id="aws-s3-versioning-suspended",
        types="aws.s3.bucket", path="/Versioning/Status", severity="medium",
        when=left("Enabled"),
        title="S3 versioning suspended",
        rationale="Overwritten or deleted objects can no longer be recovered: the first step of a "
                  "ransomware or data-destruction attack (CIS AWS 2.1.2).",
        remediation="Console: S3 > bucket > Properties > Bucket Versioning > Edit > Enable. CLI: `aws s3api "
                    "put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled`.",
    ),
    Rule(
        id="aws-s3-mfa-delete-off",
        types="aws.s3.bucket", path="/Versioning/MFADelete", severity="medium",
        when=left("Enabled"),
        title="S3 MFA Delete disabled",
        rationale="Object versions can again be deleted without a second factor (CIS AWS 2.1.2).",
        remediation="Root only, CLI: `aws s3api put-bucket-versioning --bucket BUCKET "
                    "--versioning-configuration Status=Enabled,MFADelete=Enabled --mfa 'SERIAL CODE'` "
                    "(no console option).",
    ),
    Rule(
        id="aws-s3-access-logging-off",
        types="aws.s3.bucket", path="/LoggingEnabled", severity="medium",
        when=cleared,
        title="S3 server access logging disabled",
        rationale="Requests to the bucket are no longer logged for investigations (FSBP S3.9).",
        remediation="Console: S3 > bucket > Properties > Server access logging > Edit > Enable. CLI: `aws "
                    "s3api put-bucket-logging --bucket BUCKET --bucket-logging-status "
                    "'{\"LoggingEnabled\":{\"TargetBucket\":\"LOGS\",\"TargetPrefix\":\"BUCKET/\"}}'`.",
    ),
    Rule(
        id="aws-s3-bucket-deleted",
        types="aws.s3.bucket", path="", severity="medium", ops=frozenset({"removed"}),
        title="S3 bucket deleted",
        rationale="Data loss, and a deleted bucket name can be claimed by someone else (bucket sniping).",
        remediation="Console: CloudTrail > Event history, event name DeleteBucket. CLI: `aws cloudtrail "
                    "lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=DeleteBucket`; "
                    "recreate the bucket name if other systems still point at it. " + _TRAIL,
    ),
)

RULES = EKS + IAM + S3
