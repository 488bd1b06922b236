"""CIS AWS Foundations Benchmark v3.0.0 (IAM and S3): every control against passing and failing configs shaped
as the IAM and S3 collectors store them (boto3 reply shapes, policy documents as dicts, volatile fields
— last-used dates, attachment counts, the account's usage counters — dropped by normalization)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from cspm.compliance.controls import ERROR, FAIL, NOT_APPLICABLE, PASS, Verdict, evaluate
from tests.unit.compliance import support
from tests.unit.compliance.support import DELETE, controls_of, mutations, vary, verdicts

BENCH = "cis_aws"
ACCOUNT_ID = "123456789012"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
CLOUDSHELL = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"

ACCOUNT: dict[str, Any] = {
    "PasswordPolicy": {
        "MinimumPasswordLength": 14, "RequireSymbols": True, "RequireNumbers": True,
        "RequireUppercaseCharacters": True, "RequireLowercaseCharacters": True, "AllowUsersToChangePassword": True,
        "ExpirePasswords": False, "PasswordReusePrevention": 24, "HardExpiry": False,
    },
    "AccountSummary": {
        "GroupPolicySizeQuota": 5120, "InstanceProfilesQuota": 1000, "GroupsPerUserQuota": 10,
        "AttachedPoliciesPerUserQuota": 10, "PoliciesQuota": 1500, "AccountMFAEnabled": 1,
        "AccessKeysPerUserQuota": 2, "AssumeRolePolicySizeQuota": 2048, "PolicyVersionsInUseQuota": 10000,
        "GlobalEndpointTokenVersion": 1, "VersionsPerPolicyQuota": 5, "AttachedPoliciesPerGroupQuota": 10,
        "PolicySizeQuota": 6144, "AccountSigningCertificatesPresent": 0, "UsersQuota": 5000,
        "ServerCertificatesQuota": 20, "UserPolicySizeQuota": 2048, "RolesQuota": 1000,
        "SigningCertificatesPerUserQuota": 2, "RolePolicySizeQuota": 10240, "AttachedPoliciesPerRoleQuota": 10,
        "AccountAccessKeysPresent": 0, "GroupsQuota": 300,
    },
}

USER: dict[str, Any] = {
    "Path": "/",
    "UserName": "alice",
    "UserId": "AIDAEXAMPLEALICE0001",
    "Arn": f"arn:aws:iam::{ACCOUNT_ID}:user/alice",
    "CreateDate": "2025-03-02T09:12:44Z",
    "UserPolicyList": [],
    "GroupList": ["developers"],
    "AttachedManagedPolicies": [],
    "Tags": [{"Key": "team", "Value": "platform"}],
    "AccessKeys": [
        {"UserName": "alice", "AccessKeyId": "AKIAEXAMPLEALICE0001", "Status": "Active",
         "CreateDate": "2025-03-02T09:15:10Z"},
    ],
    "MFADevices": [
        {"UserName": "alice", "SerialNumber": f"arn:aws:iam::{ACCOUNT_ID}:mfa/alice",
         "EnableDate": "2025-03-02T09:20:00Z"},
    ],
    "LoginProfile": {"UserName": "alice", "CreateDate": "2025-03-02T09:12:44Z", "PasswordResetRequired": False},
}

STAR_STAR = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
SCOPED = {"Version": "2012-10-17", "Statement": [
    {"Sid": "ReadLogs", "Effect": "Allow", "Action": ["logs:GetLogEvents", "logs:FilterLogEvents"],
     "Resource": "*"},
    {"Sid": "Bucket", "Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::acme-prod-data/*"]},
]}

ROLE: dict[str, Any] = {
    "Path": "/",
    "RoleName": "ci-deploy",
    "RoleId": "AROAEXAMPLECIDEPLOY01",
    "Arn": f"arn:aws:iam::{ACCOUNT_ID}:role/ci-deploy",
    "CreateDate": "2025-01-10T12:00:00Z",
    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
    "InstanceProfileList": [],
    "RolePolicyList": [{"PolicyName": "deploy", "PolicyDocument": SCOPED}],
    "AttachedManagedPolicies": [{"PolicyName": "ReadOnlyAccess", "PolicyArn": READ_ONLY}],
    "Tags": [],
}

POLICY: dict[str, Any] = {
    "PolicyName": "platform-deploy",
    "PolicyId": "ANPAEXAMPLEPLATFORM01",
    "Arn": f"arn:aws:iam::{ACCOUNT_ID}:policy/platform-deploy",
    "Path": "/",
    "DefaultVersionId": "v3",
    "IsAttachable": True,
    "Description": "",
    "CreateDate": "2025-02-01T08:00:00Z",
    "DefaultVersion": {"Document": SCOPED, "VersionId": "v3", "IsDefaultVersion": True,
                       "CreateDate": "2025-06-01T08:00:00Z"},
    "Tags": [],
}

BUCKET_NAME = "acme-prod-data"
TLS_ONLY = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{BUCKET_NAME}", f"arn:aws:s3:::{BUCKET_NAME}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
READERS = {"Sid": "Readers", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:role/analytics"},
           "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET_NAME}/*"}
OWNER = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"

BUCKET: dict[str, Any] = {
    "Name": BUCKET_NAME,
    "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                       "BlockPublicPolicy": True, "RestrictPublicBuckets": True},
    "Policy": {"Version": "2012-10-17", "Statement": [READERS, TLS_ONLY]},
    "PolicyStatus": {"IsPublic": False},
    "Owner": {"ID": OWNER},
    "Grants": [{"Grantee": {"ID": OWNER, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}],
    "ServerSideEncryptionConfiguration": {"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]},
    "Versioning": {"Status": "Enabled", "MFADelete": "Enabled"},
    "LoggingEnabled": {"TargetBucket": "acme-logs", "TargetPrefix": f"s3/{BUCKET_NAME}/"},
    "TagSet": [{"Key": "data", "Value": "confidential"}],
}

# A bucket created with the API's defaults: no Block Public Access configuration (the collector records the
# four flags False), no policy (hence no policy status), versioning never enabled.
NEW_BUCKET: dict[str, Any] = {
    "Name": "acme-scratch",
    "PublicAccessBlockConfiguration": {"BlockPublicAcls": False, "IgnorePublicAcls": False,
                                       "BlockPublicPolicy": False, "RestrictPublicBuckets": False},
    "Owner": {"ID": OWNER},
    "Grants": [{"Grantee": {"ID": OWNER, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}],
    "ServerSideEncryptionConfiguration": {"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]},
    "Versioning": {},
    "TagSet": [],
}

S3_ACCOUNT: dict[str, Any] = {"PublicAccessBlockConfiguration": dict(BUCKET["PublicAccessBlockConfiguration"])}

BASES = {
    "aws.iam.account": ACCOUNT, "aws.iam.user": USER, "aws.iam.role": ROLE, "aws.iam.policy": POLICY,
    "aws.s3.bucket": BUCKET, "aws.s3.account": S3_ACCOUNT,
}


def statement(**fields: Any) -> dict:
    return {**TLS_ONLY, **fields}


A, U, R, P = "aws.iam.account", "aws.iam.user", "aws.iam.role", "aws.iam.policy"
B, S = "aws.s3.bucket", "aws.s3.account"
NO_POLICY = (("/PasswordPolicy", DELETE),)

CASES: list[tuple[str, str, str, dict, str, str]] = [
    # (control ref, resource type, case, config, status, path of a failure)
    # 1.4 root access keys
    ("1.4", A, "no root key", ACCOUNT, PASS, ""),
    ("1.4", A, "a root key", vary(ACCOUNT, ("/AccountSummary/AccountAccessKeysPresent", 1)), FAIL,
     "/AccountSummary/AccountAccessKeysPresent"),
    ("1.4", A, "summary not collected", vary(ACCOUNT, ("/AccountSummary", DELETE)), NOT_APPLICABLE, ""),
    # 1.5 root MFA
    ("1.5", A, "root MFA on", ACCOUNT, PASS, ""),
    ("1.5", A, "root MFA off", vary(ACCOUNT, ("/AccountSummary/AccountMFAEnabled", 0)), FAIL,
     "/AccountSummary/AccountMFAEnabled"),
    ("1.5", A, "summary not collected", vary(ACCOUNT, ("/AccountSummary", DELETE)), NOT_APPLICABLE, ""),
    # 1.8 password length
    ("1.8", A, "length 14", ACCOUNT, PASS, ""),
    ("1.8", A, "length 20", vary(ACCOUNT, ("/PasswordPolicy/MinimumPasswordLength", 20)), PASS, ""),
    ("1.8", A, "length 8", vary(ACCOUNT, ("/PasswordPolicy/MinimumPasswordLength", 8)), FAIL,
     "/PasswordPolicy/MinimumPasswordLength"),
    ("1.8", A, "no password policy", vary(ACCOUNT, *NO_POLICY), FAIL, "/PasswordPolicy"),
    ("1.8", A, "nothing of the account collected", {}, NOT_APPLICABLE, ""),
    # 1.9 password reuse
    ("1.9", A, "24 remembered", ACCOUNT, PASS, ""),
    ("1.9", A, "5 remembered", vary(ACCOUNT, ("/PasswordPolicy/PasswordReusePrevention", 5)), FAIL,
     "/PasswordPolicy/PasswordReusePrevention"),
    ("1.9", A, "reuse prevention off (field left out)", vary(ACCOUNT, ("/PasswordPolicy/PasswordReusePrevention",
                                                                       DELETE)),
     FAIL, "/PasswordPolicy/PasswordReusePrevention"),
    ("1.9", A, "no password policy", vary(ACCOUNT, *NO_POLICY), FAIL, "/PasswordPolicy"),
    ("1.9", A, "policy not collected", {"AccountSummary": "denied"}, NOT_APPLICABLE, ""),
    # 1.10 MFA for console users
    ("1.10", U, "console user with MFA", USER, PASS, ""),
    ("1.10", U, "console user without MFA", vary(USER, ("/MFADevices", [])), FAIL, "/MFADevices"),
    ("1.10", U, "no console password", vary(USER, ("/LoginProfile", DELETE), ("/MFADevices", [])),
     NOT_APPLICABLE, ""),
    ("1.10", U, "MFA devices not collected", vary(USER, ("/MFADevices", DELETE)), NOT_APPLICABLE, ""),
    # 1.13 one active access key
    ("1.13", U, "one active key", USER, PASS, ""),
    ("1.13", U, "one active, one inactive",
     vary(USER, ("/AccessKeys", [*USER["AccessKeys"], {"UserName": "alice", "AccessKeyId": "AKIAEXAMPLEALICE0002",
                                                       "Status": "Inactive", "CreateDate": "2024-01-01T00:00:00Z"}])),
     PASS, ""),
    ("1.13", U, "no key", vary(USER, ("/AccessKeys", [])), PASS, ""),
    ("1.13", U, "two active keys",
     vary(USER, ("/AccessKeys", [*USER["AccessKeys"], {"UserName": "alice", "AccessKeyId": "AKIAEXAMPLEALICE0002",
                                                       "Status": "Active", "CreateDate": "2025-09-01T00:00:00Z"}])),
     FAIL, "/AccessKeys/1/Status"),
    ("1.13", U, "keys not collected", vary(USER, ("/AccessKeys", DELETE)), NOT_APPLICABLE, ""),
    # 1.15 permissions only through groups
    ("1.15", U, "group membership only", USER, PASS, ""),
    ("1.15", U, "managed policy attached to the user",
     vary(USER, ("/AttachedManagedPolicies", [{"PolicyName": "ReadOnlyAccess", "PolicyArn": READ_ONLY}])),
     FAIL, "/AttachedManagedPolicies/0"),
    ("1.15", U, "attached policies as a keyed object",
     vary(USER, ("/AttachedManagedPolicies", {READ_ONLY: {"PolicyName": "ReadOnlyAccess", "PolicyArn": READ_ONLY}})),
     FAIL, "/AttachedManagedPolicies/arn:aws:iam::aws:policy~1ReadOnlyAccess"),
    ("1.15", U, "inline policy",
     vary(USER, ("/UserPolicyList", [{"PolicyName": "adhoc", "PolicyDocument": SCOPED}])), FAIL,
     "/UserPolicyList/0"),
    ("1.15", U, "attached policies not collected", vary(USER, ("/AttachedManagedPolicies", DELETE)),
     NOT_APPLICABLE, ""),
    # 1.16 no "*:*" policies
    ("1.16", P, "scoped customer policy", POLICY, PASS, ""),
    ("1.16", P, "Action * on Resource *", vary(POLICY, ("/DefaultVersion/Document", STAR_STAR)), FAIL,
     "/DefaultVersion/Document/Statement/0"),
    ("1.16", P, "Action *:* as a list, second statement",
     vary(POLICY, ("/DefaultVersion/Document/Statement", [
         *SCOPED["Statement"], {"Sid": "Admin", "Effect": "Allow", "Action": ["*:*"], "Resource": ["*"]}])),
     FAIL, "/DefaultVersion/Document/Statement/2"),
    ("1.16", P, "lone Statement object",
     vary(POLICY, ("/DefaultVersion/Document/Statement", {"Effect": "Allow", "Action": "*", "Resource": "*"})),
     FAIL, "/DefaultVersion/Document/Statement"),
    ("1.16", P, "Deny * on *",
     vary(POLICY, ("/DefaultVersion/Document/Statement", [{"Effect": "Deny", "Action": "*", "Resource": "*"}])),
     PASS, ""),
    ("1.16", P, "default version not collected", vary(POLICY, ("/DefaultVersion", DELETE)), NOT_APPLICABLE, ""),
    ("1.16", U, "user without admin policies", USER, PASS, ""),
    ("1.16", U, "AdministratorAccess attached to a user",
     vary(USER, ("/AttachedManagedPolicies", [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN}])),
     FAIL, "/AttachedManagedPolicies/0/PolicyArn"),
    ("1.16", U, "inline *:* on a user",
     vary(USER, ("/UserPolicyList", [{"PolicyName": "god", "PolicyDocument": STAR_STAR}])), FAIL,
     "/UserPolicyList/0/PolicyDocument/Statement/0"),
    ("1.16", U, "user policies not collected", vary(USER, ("/UserPolicyList", DELETE)), NOT_APPLICABLE, ""),
    ("1.16", R, "role with scoped policies", ROLE, PASS, ""),
    ("1.16", R, "AdministratorAccess attached to a role (aws-cn partition)",
     vary(ROLE, ("/AttachedManagedPolicies", [
         {"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws-cn:iam::aws:policy/ReadOnlyAccess"},
         {"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws-cn:iam::aws:policy/AdministratorAccess"}])),
     FAIL, "/AttachedManagedPolicies/1/PolicyArn"),
    ("1.16", R, "inline *:* statement on a role",
     vary(ROLE, ("/RolePolicyList/0/PolicyDocument/Statement/1", {"Effect": "Allow", "Action": "*",
                                                                  "Resource": "*"})),
     FAIL, "/RolePolicyList/0/PolicyDocument/Statement/1"),
    ("1.16", R, "inline document unreadable", vary(ROLE, ("/RolePolicyList/0/PolicyDocument", "%7B")),
     NOT_APPLICABLE, ""),
    # 1.22 AWSCloudShellFullAccess
    ("1.22", U, "user without CloudShell", USER, PASS, ""),
    ("1.22", U, "CloudShell on a user",
     vary(USER, ("/AttachedManagedPolicies", [{"PolicyName": "AWSCloudShellFullAccess", "PolicyArn": CLOUDSHELL}])),
     FAIL, "/AttachedManagedPolicies/0/PolicyArn"),
    ("1.22", R, "role without CloudShell", ROLE, PASS, ""),
    ("1.22", R, "CloudShell on a role",
     vary(ROLE, ("/AttachedManagedPolicies", [*ROLE["AttachedManagedPolicies"],
                                              {"PolicyName": "AWSCloudShellFullAccess", "PolicyArn": CLOUDSHELL}])),
     FAIL, "/AttachedManagedPolicies/1/PolicyArn"),
    ("1.22", R, "attached policies not collected", vary(ROLE, ("/AttachedManagedPolicies", DELETE)),
     NOT_APPLICABLE, ""),
    # 2.1.1 deny HTTP
    ("2.1.1", B, "Deny on aws:SecureTransport=false", BUCKET, PASS, ""),
    ("2.1.1", B, "lone Statement object, Principal {AWS: *}, boolean false, Action *",
     vary(BUCKET, ("/Policy/Statement", statement(Principal={"AWS": "*"}, Action="*",
                                                  Resource=f"arn:aws:s3:::{BUCKET_NAME}/*",
                                                  Condition={"Bool": {"aws:securetransport": False}}))),
     PASS, ""),
    ("2.1.1", B, "no bucket policy (default)", NEW_BUCKET, FAIL, "/Policy"),
    ("2.1.1", B, "policy without the Deny", vary(BUCKET, ("/Policy/Statement", [READERS])), FAIL,
     "/Policy/Statement"),
    ("2.1.1", B, "Deny only when SecureTransport is true",
     vary(BUCKET, ("/Policy/Statement/1/Condition", {"Bool": {"aws:SecureTransport": "true"}})), FAIL,
     "/Policy/Statement"),
    ("2.1.1", B, "Deny covers the bucket, not its objects",
     vary(BUCKET, ("/Policy/Statement/1/Resource", f"arn:aws:s3:::{BUCKET_NAME}")), FAIL, "/Policy/Statement"),
    ("2.1.1", B, "Allow instead of Deny", vary(BUCKET, ("/Policy/Statement/1/Effect", "Allow")), FAIL,
     "/Policy/Statement"),
    ("2.1.1", B, "policy exists but was not read", vary(BUCKET, ("/Policy", DELETE)), NOT_APPLICABLE, ""),
    ("2.1.1", B, "policy text not JSON", vary(BUCKET, ("/Policy", "{not json")), NOT_APPLICABLE, ""),
    # 2.1.2 MFA Delete
    ("2.1.2", B, "MFA Delete on", BUCKET, PASS, ""),
    ("2.1.2", B, "versioning never enabled (default)", NEW_BUCKET, FAIL, "/Versioning/MFADelete"),
    ("2.1.2", B, "versioning without MFA Delete", vary(BUCKET, ("/Versioning", {"Status": "Enabled"})), FAIL,
     "/Versioning/MFADelete"),
    ("2.1.2", B, "MFA Delete disabled", vary(BUCKET, ("/Versioning/MFADelete", "Disabled")), FAIL,
     "/Versioning/MFADelete"),
    ("2.1.2", B, "versioning not collected", vary(BUCKET, ("/Versioning", DELETE)), NOT_APPLICABLE, ""),
    # 2.1.4 Block Public Access
    ("2.1.4", B, "bucket blocks all", BUCKET, PASS, ""),
    ("2.1.4", B, "no configuration (default)", NEW_BUCKET, FAIL, "/PublicAccessBlockConfiguration/BlockPublicAcls"),
    ("2.1.4", B, "public policies allowed",
     vary(BUCKET, ("/PublicAccessBlockConfiguration/BlockPublicPolicy", False)), FAIL,
     "/PublicAccessBlockConfiguration/BlockPublicPolicy"),
    ("2.1.4", B, "not collected", vary(BUCKET, ("/PublicAccessBlockConfiguration", DELETE)), NOT_APPLICABLE, ""),
    ("2.1.4", S, "account blocks all", S3_ACCOUNT, PASS, ""),
    ("2.1.4", S, "account has no configuration",
     vary(S3_ACCOUNT, ("/PublicAccessBlockConfiguration", dict(NEW_BUCKET["PublicAccessBlockConfiguration"]))),
     FAIL, "/PublicAccessBlockConfiguration/BlockPublicAcls"),
    ("2.1.4", S, "account ignores public ACLs only",
     vary(S3_ACCOUNT, ("/PublicAccessBlockConfiguration/RestrictPublicBuckets", False)), FAIL,
     "/PublicAccessBlockConfiguration/RestrictPublicBuckets"),
    ("2.1.4", S, "not collected (denied)", {}, NOT_APPLICABLE, ""),
]


def ours() -> dict[str, Any]:
    return controls_of(BENCH)


@pytest.mark.parametrize(("ref", "type_key", "case", "config", "status", "path"), CASES,
                         ids=[f"{ref} {type_key} {case}" for ref, type_key, case, *_ in CASES])
def test_control(ref, type_key, case, config, status, path):
    item = ours()[ref]
    assert type_key in item.resource_types
    verdict = item.check(copy.deepcopy(config))
    support.assert_verdict(verdict, status, path)
    # The engine gives the same verdict for the resource type.
    assert evaluate(type_key, copy.deepcopy(config))[item.id] == verdict


def test_every_control_and_type_has_a_passing_and_a_failing_case():
    """A control (or a resource type of a control) added without tests fails here."""
    declared = {(ref, type_key) for ref, item in ours().items() for type_key in item.resource_types}
    support.assert_covered(declared, {((ref, type_key), status) for ref, type_key, _, _, status, _ in CASES})


def test_controls_are_complete_and_versioned():
    support.assert_declared(ours(), version="3.0.0", provider="aws", cli="aws ", types=BASES)


@pytest.mark.parametrize("type_key", list(BASES))
def test_hardened_estate_passes_everything(type_key):
    results = verdicts(type_key, BASES[type_key], BENCH)
    assert results
    assert {v.status for v in results.values()} == {PASS}, results


def test_default_bucket_fails_everything():
    assert {v.status for v in verdicts("aws.s3.bucket", NEW_BUCKET, BENCH).values()} == {FAIL}


GARBAGE: dict[str, list] = {
    "aws.iam.account": [{}, [], {"PasswordPolicy": "strong", "AccountSummary": None},
                        {"PasswordPolicy": {"MinimumPasswordLength": "14", "PasswordReusePrevention": "24"},
                         "AccountSummary": {"AccountMFAEnabled": True, "AccountAccessKeysPresent": "0"}}],
    "aws.iam.user": [{}, "alice", {"UserName": "alice", "LoginProfile": "yes", "MFADevices": "none",
                                   "AccessKeys": "AKIA", "AttachedManagedPolicies": None, "UserPolicyList": 0},
                     {"UserName": "alice", "LoginProfile": {}, "MFADevices": None, "AccessKeys": None,
                      "AttachedManagedPolicies": "AdministratorAccess", "UserPolicyList": []}],
    "aws.iam.role": [{}, {"RoleName": "r", "RolePolicyList": {"p": {"PolicyDocument": "*"}},
                          "AttachedManagedPolicies": 3}],
    "aws.iam.policy": [{}, {"DefaultVersionId": "v1"}, {"DefaultVersion": {"Document": "%7B%22Statement%22"}},
                       {"DefaultVersion": None, "DefaultVersionId": 1}],
    "aws.s3.bucket": [{}, [], {"Name": BUCKET_NAME, "Policy": ["Deny"], "Versioning": "Enabled",
                               "PublicAccessBlockConfiguration": "all"},
                      {"Name": BUCKET_NAME, "Policy": "not json", "Versioning": None,
                       "PublicAccessBlockConfiguration": {"BlockPublicAcls": "true", "IgnorePublicAcls": 1,
                                                          "BlockPublicPolicy": None, "RestrictPublicBuckets": True}}],
    "aws.s3.account": [{}, {"PublicAccessBlockConfiguration": None}, {"PublicAccessBlockConfiguration": [True] * 4}],
}


@pytest.mark.parametrize(("type_key", "config"), [(t, c) for t, configs in GARBAGE.items() for c in configs],
                         ids=[f"{t}-{i}" for t, configs in GARBAGE.items() for i in range(len(configs))])
def test_garbage_gives_no_error_and_no_pass(type_key, config):
    results = verdicts(type_key, config, BENCH)
    assert results
    for control_id, verdict in results.items():
        assert verdict.status not in (ERROR, PASS), (control_id, verdict)


WRONG = (None, "x", "*", 7, 1.5, True, False, [], {}, [None, 3], {"x": None})


@pytest.mark.parametrize("type_key", list(BASES))
def test_any_field_of_any_type_never_raises(type_key):
    base = BASES[type_key]
    checks = [c for c in ours().values() if type_key in c.resource_types]
    for path, wrong, config in mutations(base, WRONG):
        for item in checks:
            assert isinstance(item.check(config), Verdict), (item.ref, path, wrong)
