"""CIS Amazon Web Services Foundations Benchmark v3.0.0: the IAM and S3 controls the collected configs decide.

Ids and titles as in the benchmark (and the public cis_v300 compliance mods). Configs as the collectors record
them (collectors/aws/iam.py, collectors/aws/s3.py), after normalization: the volatile fields (last-used dates,
attachment counts, the account's usage counters) are not stored, so no check may rely on them.

- aws.iam.account: {"PasswordPolicy": GetAccountPasswordPolicy (absent when the account has none),
  "AccountSummary": GetAccountSummary's SummaryMap}.
- aws.iam.user / aws.iam.role: GetAccountAuthorizationDetails entries; a user also has AccessKeys,
  MFADevices and LoginProfile (absent when the user has no console password).
- aws.iam.policy: a customer managed policy with DefaultVersion (its Document a dict).
- aws.s3.bucket: Name, PublicAccessBlockConfiguration (four flags), Policy (absent when none),
  PolicyStatus (only when there is a policy), Versioning ({} when never enabled), ...
- aws.s3.account: {"PublicAccessBlockConfiguration": the account's four flags}.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from cspm.compliance.checks import entries, get, pointer, strings
from cspm.compliance.controls import Verdict, benchmark, control, fail, not_applicable, passed

AWS = benchmark("cis_aws", "CIS Amazon Web Services Foundations Benchmark", "3.0.0", provider="aws")

ACCOUNT, USER, ROLE, POLICY = "aws.iam.account", "aws.iam.user", "aws.iam.role", "aws.iam.policy"
BUCKET, S3_ACCOUNT = "aws.s3.bucket", "aws.s3.account"
PAB_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
ADMIN_POLICY = re.compile(r"^arn:[a-z-]+:iam::aws:policy/AdministratorAccess$")
CLOUDSHELL_POLICY = re.compile(r"^arn:[a-z-]+:iam::aws:policy/AWSCloudShellFullAccess$")


# -- readers -------------------------------------------------------------------------------------

def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _statements(document: Any, at: str) -> Iterator[tuple[str, dict]]:
    """(pointer, statement) of a policy document; a lone Statement object counts as one."""
    body = get(document, "Statement")
    if isinstance(body, dict):
        yield f"{at}/Statement", body
        return
    for index, statement in enumerate(body if isinstance(body, list) else ()):
        if isinstance(statement, dict):
            yield f"{at}/Statement/{index}", statement


def _star_star(document: Any, at: str) -> str | None:
    """Pointer to the first statement that allows Action "*" on Resource "*", if any."""
    for path, statement in _statements(document, at):
        if statement.get("Effect") != "Allow":
            continue
        if strings(statement.get("Action")) & {"*", "*:*"} and "*" in strings(statement.get("Resource")):
            return path
    return None


def _policy_arns(config: dict) -> list[tuple[str, str]] | None:
    """(pointer, PolicyArn) of the managed policies attached to a user or role; None when not collected."""
    attached = entries(config.get("AttachedManagedPolicies"))
    if attached is None:
        return None
    return [(pointer("AttachedManagedPolicies", key, "PolicyArn"), arn) for key, item in attached
            if isinstance(arn := get(item, "PolicyArn"), str)]


def _inline_key(config: dict) -> str:
    return "RolePolicyList" if "RolePolicyList" in config or "RoleName" in config else "UserPolicyList"


# -- IAM: the account -------------------------------------------------------------------------------

@control(AWS, "1.4", "Ensure no 'root' user account access key exists", severity="critical", types=(ACCOUNT,),
         rationale="The root user has unrestricted access to every resource of the account and its access keys "
                   "cannot be limited by any IAM policy. A leaked root key is a full account takeover; removing "
                   "root keys forces programmatic access through IAM principals that can be scoped and revoked.",
         console="Sign in as the root user > account name menu > Security credentials > Access keys: for each key "
                 "choose Actions > Deactivate, then Actions > Delete.",
         cli="With the root user's credentials: aws iam list-access-keys, then "
             "aws iam delete-access-key --access-key-id <root-access-key-id> (no --user-name: the caller's own key). "
             "Check: aws iam get-account-summary --query 'SummaryMap.AccountAccessKeysPresent'")
def root_no_access_keys(config: dict) -> Verdict:
    present = _int(get(config, "AccountSummary", "AccountAccessKeysPresent"))
    if present is None:
        return not_applicable("AccountSummary.AccountAccessKeysPresent not collected")
    if present:
        return fail(f"the root user has access keys (AccountAccessKeysPresent={present})",
                    "/AccountSummary/AccountAccessKeysPresent")
    return passed("the root user has no access key", "/AccountSummary/AccountAccessKeysPresent")


@control(AWS, "1.5", "Ensure MFA is enabled for the 'root' user account", severity="critical", types=(ACCOUNT,),
         rationale="The root user can do anything in the account, including closing it and changing its contact "
                   "details, and a password alone is one phishing page away from being stolen. MFA makes a stolen "
                   "root password insufficient to sign in.",
         console="Sign in as the root user > account name menu > Security credentials > Multi-factor "
                 "authentication (MFA) > Assign MFA device: choose the device type and follow the prompts.",
         cli="Root MFA is assigned in the console as the root user (EnableMFADevice takes an IAM user name). "
             "Check: aws iam get-account-summary --query 'SummaryMap.AccountMFAEnabled' (1 when enabled)")
def root_mfa(config: dict) -> Verdict:
    enabled = _int(get(config, "AccountSummary", "AccountMFAEnabled"))
    if enabled is None:
        return not_applicable("AccountSummary.AccountMFAEnabled not collected")
    if enabled != 1:
        return fail(f"the root user has no MFA (AccountMFAEnabled={enabled})", "/AccountSummary/AccountMFAEnabled")
    return passed("the root user has MFA", "/AccountSummary/AccountMFAEnabled")


def _password_policy(config: dict) -> dict | Verdict:
    """The account's password policy, or the verdict when there is none or it was not collected."""
    policy = config.get("PasswordPolicy")
    if isinstance(policy, dict):
        return policy
    if policy is None and isinstance(config.get("AccountSummary"), dict):
        # IAM settings were read and GetAccountPasswordPolicy said NoSuchEntity: AWS's defaults apply.
        return fail("the account has no IAM password policy", "/PasswordPolicy")
    return not_applicable("PasswordPolicy not collected")


@control(AWS, "1.8", "Ensure IAM password policy requires minimum length of 14 or greater", severity="medium",
         types=(ACCOUNT,),
         rationale="Short passwords fall to brute force and password spraying; length is the property that adds "
                   "the most guessing cost. Without a policy IAM accepts passwords of 8 characters.",
         console="IAM > Account settings > Password policy > Edit > Custom: set Password minimum length to 14 (or "
                 "more), keep the other settings, Save changes.",
         cli="aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24 "
             "(the call replaces the whole policy: repeat every other setting you keep, e.g. --require-symbols)")
def password_length(config: dict) -> Verdict:
    policy = _password_policy(config)
    if isinstance(policy, Verdict):
        return policy
    length = _int(policy.get("MinimumPasswordLength"))
    if length is None:
        return not_applicable("PasswordPolicy.MinimumPasswordLength not collected")
    if length < 14:
        return fail(f"minimum password length is {length}", "/PasswordPolicy/MinimumPasswordLength")
    return passed(f"minimum password length is {length}", "/PasswordPolicy/MinimumPasswordLength")


@control(AWS, "1.9", "Ensure IAM password policy prevents password reuse", severity="medium", types=(ACCOUNT,),
         rationale="Users forced to change a password often cycle back to an old one, which may already be in a "
                   "breach list. Remembering the last 24 passwords (the maximum) stops that reuse.",
         console="IAM > Account settings > Password policy > Edit > Custom: tick Prevent password reuse and set "
                 "Remember 24 passwords, keep the other settings, Save changes.",
         cli="aws iam update-account-password-policy --password-reuse-prevention 24 --minimum-password-length 14 "
             "(the call replaces the whole policy: repeat every other setting you keep)")
def password_reuse(config: dict) -> Verdict:
    policy = _password_policy(config)
    if isinstance(policy, Verdict):
        return policy
    remembered = policy.get("PasswordReusePrevention")
    if remembered is None:  # the API leaves it out when reuse prevention is off
        return fail("password reuse prevention is off", "/PasswordPolicy/PasswordReusePrevention")
    if _int(remembered) is None:
        return not_applicable("PasswordPolicy.PasswordReusePrevention not readable")
    if remembered < 24:
        return fail(f"only the last {remembered} passwords are remembered", "/PasswordPolicy/PasswordReusePrevention")
    return passed(f"the last {remembered} passwords are remembered", "/PasswordPolicy/PasswordReusePrevention")


# -- IAM: users, roles, policies ----------------------------------------------------------------------

@control(AWS, "1.10", "Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console "
         "password", severity="high", types=(USER,),
         rationale="A console password can be phished, guessed or reused from another breach; MFA makes it useless "
                   "on its own. Console users are the people with interactive, often broad, access.",
         console="IAM > Users > <user> > Security credentials tab > Multi-factor authentication (MFA) > Assign MFA "
                 "device (or, if the user needs no console, Console sign-in > Manage > Disable console access).",
         cli="aws iam create-virtual-mfa-device --virtual-mfa-device-name <user> --outfile <user>-qr.png "
             "--bootstrap-method QRCodePNG; aws iam enable-mfa-device --user-name <user> --serial-number "
             "arn:aws:iam::<account>:mfa/<user> --authentication-code1 <code1> --authentication-code2 <code2> "
             "(or remove the password: aws iam delete-login-profile --user-name <user>)")
def console_user_mfa(config: dict) -> Verdict:
    login = config.get("LoginProfile")
    if login is None:
        return not_applicable("the user has no console password")
    if not isinstance(login, dict):
        return not_applicable("LoginProfile not readable")
    devices = entries(config.get("MFADevices"))
    if devices is None:
        return not_applicable("MFADevices not collected")
    if not devices:
        return fail("console password without an MFA device", "/MFADevices")
    return passed(f"{len(devices)} MFA device(s)", "/MFADevices")


@control(AWS, "1.13", "Ensure there is only one active access key available for any single IAM user",
         severity="low", types=(USER,),
         rationale="Two active keys are only needed during a rotation; left in place, the second key is a "
                   "credential nobody tracks, doubling what can leak. One active key keeps ownership and "
                   "rotation clear.",
         console="IAM > Users > <user> > Security credentials tab > Access keys: for the key not in use choose "
                 "Actions > Deactivate, then Delete once nothing breaks.",
         cli="aws iam list-access-keys --user-name <user>; aws iam update-access-key --user-name <user> "
             "--access-key-id <key-id> --status Inactive; aws iam delete-access-key --user-name <user> "
             "--access-key-id <key-id>")
def one_active_key(config: dict) -> Verdict:
    keys = entries(config.get("AccessKeys"))
    if keys is None:
        return not_applicable("AccessKeys not collected")
    active = [(slot, get(key, "AccessKeyId")) for slot, key in keys if get(key, "Status") == "Active"]
    if len(active) > 1:
        return fail(f"{len(active)} active access keys: {', '.join(str(k) for _, k in active)}",
                    pointer("AccessKeys", active[1][0], "Status"))
    return passed(f"{len(active)} active access key(s)", "/AccessKeys")


@control(AWS, "1.15", "Ensure IAM Users Receive Permissions Only Through Groups", severity="medium", types=(USER,),
         rationale="Permissions attached to individual users are scattered and rarely reviewed, and they stay "
                   "behind when a person changes role. Granting through groups keeps access tied to job functions "
                   "that can be audited and revoked in one place.",
         console="IAM > User groups > Create group (attach the policies the user needs) and add the user; then "
                 "IAM > Users > <user> > Permissions tab: select each directly attached or inline policy > Remove.",
         cli="aws iam add-user-to-group --group-name <group> --user-name <user>; "
             "aws iam detach-user-policy --user-name <user> --policy-arn <policy-arn>; "
             "aws iam delete-user-policy --user-name <user> --policy-name <inline-policy-name>")
def permissions_through_groups(config: dict) -> Verdict:
    attached = entries(config.get("AttachedManagedPolicies"))
    inline = entries(config.get("UserPolicyList"))
    if attached:
        slot, policy = attached[0]
        return fail(f"{len(attached)} managed policy(ies) attached directly, e.g. {get(policy, 'PolicyArn')}",
                    pointer("AttachedManagedPolicies", slot))
    if inline:
        slot, policy = inline[0]
        return fail(f"{len(inline)} inline policy(ies), e.g. {get(policy, 'PolicyName')}",
                    pointer("UserPolicyList", slot))
    if attached is None or inline is None:
        return not_applicable("the user's policies were not collected")
    return passed("no policy attached to the user itself")


@control(AWS, "1.16", "Ensure IAM policies that allow full \"*:*\" administrative privileges are not attached",
         severity="critical", types=(POLICY, USER, ROLE),
         rationale="A statement allowing every action on every resource makes its holder an account administrator, "
                   "able to disable logging, create credentials and delete data. Least privilege limits what a "
                   "compromised identity or a mistake can do.",
         console="IAM > Policies > <policy> > Entities attached > Detach from every user, group and role (for "
                 "AdministratorAccess or a customer policy); for an inline policy: IAM > Users or Roles > <name> > "
                 "Permissions tab > select the policy > Remove.",
         cli="aws iam list-entities-for-policy --policy-arn <policy-arn>; aws iam detach-user-policy --user-name "
             "<user> --policy-arn <policy-arn>; aws iam detach-group-policy --group-name <group> --policy-arn "
             "<policy-arn>; aws iam detach-role-policy --role-name <role> --policy-arn <policy-arn>; inline: "
             "aws iam delete-user-policy --user-name <user> --policy-name <name> (delete-role-policy for roles)")
def no_star_star(config: dict) -> Verdict:
    if "DefaultVersion" in config or "DefaultVersionId" in config:  # a customer managed policy
        # Its AttachmentCount is volatile (not stored): an admin policy is judged whether attached or not.
        document = get(config, "DefaultVersion", "Document")
        if not isinstance(document, dict):
            return not_applicable("the policy's default version was not collected")
        path = _star_star(document, "/DefaultVersion/Document")
        if path:
            return fail("the default version allows Action \"*\" on Resource \"*\"", path)
        return passed("no statement allows \"*\" on \"*\"", "/DefaultVersion/Document")
    # A user or a role: its inline policies, and the AWS managed AdministratorAccess (customer managed
    # policies are judged on their own records).
    key = _inline_key(config)
    inline = entries(config.get(key))
    arns = _policy_arns(config)
    for path, arn in arns or ():
        if ADMIN_POLICY.match(arn):
            return fail(f"{arn} is attached", path)
    unread = False
    for slot, policy in inline or ():
        document = get(policy, "PolicyDocument")
        unread |= not isinstance(document, dict)
        path = _star_star(document, pointer(key, slot, "PolicyDocument"))
        if path:
            return fail(f"inline policy {get(policy, 'PolicyName')} allows Action \"*\" on Resource \"*\"", path)
    if inline is None or arns is None or unread:
        return not_applicable("the identity's policies were not collected")
    return passed("no \"*:*\" policy attached")


@control(AWS, "1.22", "Ensure access to AWSCloudShellFullAccess is restricted", severity="medium",
         types=(USER, ROLE),
         rationale="AWSCloudShellFullAccess gives a shell with sudo, internet access and file upload and download, "
                   "a ready channel to move data out of the account. CloudShell access should be granted through a "
                   "narrower policy, if at all.",
         console="IAM > Policies > AWSCloudShellFullAccess > Entities attached: select each user, group and role > "
                 "Detach.",
         cli="aws iam list-entities-for-policy --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess; "
             "aws iam detach-user-policy --user-name <user> "
             "--policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess; "
             "aws iam detach-role-policy --role-name <role> "
             "--policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess")
def cloudshell_restricted(config: dict) -> Verdict:
    arns = _policy_arns(config)
    if arns is None:
        return not_applicable("AttachedManagedPolicies not collected")
    for path, arn in arns:
        if CLOUDSHELL_POLICY.match(arn):
            return fail(f"{arn} is attached", path)
    return passed("AWSCloudShellFullAccess not attached", "/AttachedManagedPolicies")


# -- S3 ---------------------------------------------------------------------------------------------

def _condition_false(condition: Any, key: str) -> bool:
    """The statement's Condition is Bool (or BoolIfExists) `key` = false; keys are case-insensitive."""
    for operator in ("bool", "boolifexists"):
        block = next((v for k, v in condition.items() if isinstance(k, str) and k.lower() == operator), None) \
            if isinstance(condition, dict) else None
        if not isinstance(block, dict):
            continue
        for name, value in block.items():
            if isinstance(name, str) and name.lower() == key:
                values = value if isinstance(value, list) else [value]
                if any(v is False or (isinstance(v, str) and v.lower() == "false") for v in values):
                    return True
    return False


def _objects_covered(resources: set[str], bucket: str) -> bool:
    """The statement's Resource covers every object of the bucket."""
    pattern = re.compile(r"^arn:[a-z-]+:s3:::" + re.escape(bucket) + r"(/\*|\*)$")
    return any(r == "*" or pattern.match(r) for r in resources)


def _denies_http(statement: dict, bucket: str) -> bool:
    principal = statement.get("Principal")
    everyone = principal == "*" or strings(get(principal, "AWS")) == {"*"}
    actions = {a.lower() for a in strings(statement.get("Action"))}
    return (statement.get("Effect") == "Deny" and everyone and bool(actions & {"s3:*", "*"})
            and _objects_covered(strings(statement.get("Resource")), bucket)
            and _condition_false(statement.get("Condition"), "aws:securetransport"))


@control(AWS, "2.1.1", "Ensure S3 Bucket Policy is set to deny HTTP requests", severity="medium", types=(BUCKET,),
         rationale="S3 accepts plain HTTP as well as HTTPS unless a bucket policy denies requests where "
                   "aws:SecureTransport is false. Over HTTP, data and request signatures travel unencrypted and "
                   "can be read or tampered with in transit.",
         console="S3 > Buckets > <bucket> > Permissions tab > Bucket policy > Edit: add a statement {\"Effect\": "
                 "\"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\", \"Resource\": [\"arn:aws:s3:::<bucket>\", "
                 "\"arn:aws:s3:::<bucket>/*\"], \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}}, "
                 "Save changes.",
         cli="aws s3api get-bucket-policy --bucket <bucket> --query Policy --output text > policy.json; add the Deny "
             "statement on aws:SecureTransport=false; aws s3api put-bucket-policy --bucket <bucket> "
             "--policy file://policy.json")
def deny_http(config: dict) -> Verdict:
    bucket = config.get("Name")
    if not isinstance(bucket, str):
        return not_applicable("bucket not collected")
    policy = config.get("Policy")
    if policy is None:
        if config.get("PolicyStatus") is not None:  # a policy exists (it has a status) but was not read
            return not_applicable("bucket policy not collected")
        return fail("no bucket policy: HTTP requests are allowed", "/Policy")
    if not isinstance(policy, dict):
        return not_applicable("bucket policy is not a readable JSON document")
    for path, statement in _statements(policy, "/Policy"):
        if _denies_http(statement, bucket):
            return passed("the bucket policy denies requests without TLS", path)
    return fail("no Deny statement on aws:SecureTransport=false in the bucket policy", "/Policy/Statement")


@control(AWS, "2.1.2", "Ensure MFA Delete is enabled on S3 buckets", severity="low", types=(BUCKET,),
         rationale="With MFA Delete, changing the bucket's versioning state or permanently deleting an object "
                   "version needs the root user's MFA code, so stolen credentials cannot wipe the bucket's history. "
                   "It protects the versions that recovery from ransomware or mistakes depends on.",
         console="The console cannot turn MFA Delete on: S3 > Buckets > <bucket> > Properties tab > Bucket "
                 "Versioning shows it; enable it with the CLI as the root user, with the root MFA device.",
         cli="As the root user: aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration "
             "Status=Enabled,MFADelete=Enabled --mfa \"arn:aws:iam::<account>:mfa/root-account-mfa-device <code>\"")
def mfa_delete(config: dict) -> Verdict:
    versioning = config.get("Versioning")
    if not isinstance(versioning, dict):
        return not_applicable("Versioning not collected")
    state = versioning.get("MFADelete")
    if state == "Enabled":
        return passed("MFA Delete is enabled", "/Versioning/MFADelete")
    if state is None:
        seen = "versioning was never enabled" if not versioning else "MFA Delete was never enabled"
        return fail(seen, "/Versioning/MFADelete")
    return fail(f"MFA Delete is {state}", "/Versioning/MFADelete")


@control(AWS, "2.1.4", "Ensure that S3 Buckets are configured with 'Block public access (bucket settings)'",
         severity="critical", types=(BUCKET, S3_ACCOUNT),
         rationale="Block Public Access overrides any ACL or bucket policy that would make a bucket or its objects "
                   "public, so one mistaken grant cannot expose data. Set on a bucket it protects that bucket; set "
                   "on the account it protects every bucket, present and future.",
         console="Bucket: S3 > Buckets > <bucket> > Permissions tab > Block public access (bucket settings) > Edit: "
                 "tick Block all public access, Save changes, type confirm. Account: S3 > Block Public Access "
                 "settings for this account > Edit > Block all public access > Save changes > confirm.",
         cli="aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration "
             "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true; "
             "account: aws s3control put-public-access-block --account-id <account> "
             "--public-access-block-configuration "
             "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true")
def block_public_access(config: dict) -> Verdict:
    # Judged per record: a bucket by its own settings, the account by the account's (each has its record).
    flags = config.get("PublicAccessBlockConfiguration")
    if not isinstance(flags, dict):
        return not_applicable("PublicAccessBlockConfiguration not collected")
    off = [flag for flag in PAB_FLAGS if flags.get(flag) is False]
    if off:
        return fail(f"Block Public Access off: {', '.join(off)}", f"/PublicAccessBlockConfiguration/{off[0]}")
    if any(not isinstance(flags.get(flag), bool) for flag in PAB_FLAGS):
        return not_applicable("Block Public Access flags not readable")
    return passed("all four Block Public Access flags are on", "/PublicAccessBlockConfiguration")
