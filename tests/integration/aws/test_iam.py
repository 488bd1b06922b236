"""The IAM collector against moto's server over real HTTP: onboard, poll, approve, mutate IAM
through boto3, poll again, and see exactly which findings open (kind, JSON path, severity)."""

import json
import urllib.parse
import urllib.request

import pytest

import collectors.aws.iam  # noqa: F401  (registers the collector)
from collectors.aws.iam import IamCollector, document, plain
from collectors.registry import registry
from cspm.inventory.models import Resource
from cspm.inventory.selectors import version_configs
from tests.integration.helpers import BUCKET_ARN, bucket_config, cli, poll
from tests.support.aws import ACCOUNT
from tests.support.estate import TEST_COLLECTORS

pytestmark = pytest.mark.django_db

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
BOB = f"arn:aws:iam::{ACCOUNT}:user/bob"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/deployer"
POLICY = f"arn:aws:iam::{ACCOUNT}:policy/app-read"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
MFA = f"arn:aws:iam::{ACCOUNT}:mfa/alice-phone"
SEEDED = 5  # alice, bob, the role, the customer policy, the account settings


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def seed(iam):
    """alice: a group, an inline and a managed policy, an access key, MFA and a console password;
    bob: nothing; a role trusted by EC2 using a customer managed policy; a password policy."""
    iam.create_group(GroupName="developers")
    iam.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "payments"}])
    iam.add_user_to_group(GroupName="developers", UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="read-logs", PolicyDocument=doc(
        {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:GetLogEvents", "logs:FilterLogEvents"],
         "Resource": "*"}))
    iam.attach_user_policy(UserName="alice", PolicyArn=READ_ONLY)
    iam.create_access_key(UserName="alice")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1="123456",
                          AuthenticationCode2="654321")
    iam.create_login_profile(UserName="alice", Password="correct-Horse-battery-9", PasswordResetRequired=False)
    iam.create_user(UserName="bob")
    iam.create_policy(PolicyName="app-read", Tags=[{"Key": "owner", "Value": "platform"}], PolicyDocument=doc(
        {"Sid": "ReadData", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::app-data/*"}))
    iam.create_role(RoleName="deployer", Tags=[{"Key": "env", "Value": "prod"}], AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}))
    iam.attach_role_policy(RoleName="deployer", PolicyArn=POLICY)
    iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True, PasswordReusePrevention=24)


def stored(native_id: str) -> dict:
    resource = Resource.objects.get(native_id=native_id, removed_at__isnull=True)
    return version_configs([resource.current_version_id])[resource.current_version_id]


@pytest.fixture
def iam_only():
    """Only the IAM collector polls, whatever other AWS collectors exist: exact counts."""
    with registry.isolated(IamCollector):
        yield


@pytest.fixture
def approved(moto, iam_only, aws_account):
    """The seeded estate, polled once and approved as the baseline; returns the test's IAM client."""
    iam = moto.client("iam")
    seed(iam)
    first = poll(aws_account)
    assert first["status"] == "ok", first
    assert first["counts"]["added"] == SEEDED
    cli("baseline", "approve", aws_account)
    return iam


@pytest.fixture
def moto_auth(moto):
    """Make moto enforce IAM policies on every request (its /moto-api/reset-auth switch), and turn
    enforcement off again whatever happens: the server is shared by the whole test session."""
    def enforce(count: str) -> None:
        request = urllib.request.Request(f"{moto.url}/moto-api/reset-auth", data=count.encode(), method="POST",
                                         headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(request, timeout=30)

    yield lambda: enforce("0")
    enforce("inf")


def drift(account="moto-aws"):
    return {(f["resource_id"], f["kind"]): f for f in cli("drift", account)}


# -- inventory --------------------------------------------------------------------------------

def test_the_collector_is_registered_for_aws():
    assert IamCollector in registry.collectors_for("aws")
    assert IamCollector.key == "aws.iam"
    assert IamCollector.resource_types == ("aws.iam.user", "aws.iam.role", "aws.iam.policy", "aws.iam.account")


def test_first_poll_stores_iam_in_boto3_shapes(moto, iam_only, aws_account):
    seed(moto.client("iam"))
    result = poll(aws_account)
    assert result["status"] == "ok"
    assert result["collectors"]["aws.iam"]["resources"] == SEEDED
    assert result["counts"] == {"added": SEEDED, "changed": 0, "removed": 0, "unchanged": 0}
    assert "gaps" not in result["collectors"]["aws.iam"]

    alice = Resource.objects.get(native_id=ALICE)
    assert (alice.type, alice.name, alice.region, alice.tags) == ("aws.iam.user", "alice", "global",
                                                                   {"team": "payments"})
    config = stored(ALICE)
    assert config["AttachedManagedPolicies"] == [{"PolicyArn": READ_ONLY, "PolicyName": "ReadOnlyAccess"}]
    assert config["GroupList"] == ["developers"]
    # The inline policy document is a document, not a string.
    [inline] = config["UserPolicyList"]
    assert inline["PolicyName"] == "read-logs"
    assert inline["PolicyDocument"]["Statement"][0]["Sid"] == "Logs"
    assert inline["PolicyDocument"]["Statement"][0]["Action"] == ["logs:FilterLogEvents", "logs:GetLogEvents"]
    [key] = config["AccessKeys"]
    assert key["Status"] == "Active" and key["AccessKeyId"].startswith("AKIA")
    assert key["CreateDate"].endswith("Z")
    assert "AccessKeyLastUsed" not in key  # volatile: never stored
    assert [d["SerialNumber"] for d in config["MFADevices"]] == [MFA]
    assert config["LoginProfile"]["PasswordResetRequired"] is False

    bob = stored(BOB)
    assert bob["AccessKeys"] == [] and bob["MFADevices"] == []
    assert "LoginProfile" not in bob  # no console password: absent, not null

    role = stored(ROLE)
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    assert role["AttachedManagedPolicies"] == [{"PolicyArn": POLICY, "PolicyName": "app-read"}]
    assert Resource.objects.get(native_id=ROLE).tags == {"env": "prod"}

    policy = stored(POLICY)
    assert policy["DefaultVersion"]["VersionId"] == "v1"
    assert policy["DefaultVersion"]["Document"]["Statement"][0]["Resource"] == "arn:aws:s3:::app-data/*"
    assert "AttachmentCount" not in policy and "PolicyVersionList" not in policy  # volatile
    assert Resource.objects.get(native_id=POLICY).tags == {"owner": "platform"}
    # AWS managed policies are not inventoried: only Scope=Local.
    assert not Resource.objects.filter(native_id=READ_ONLY).exists()

    account = stored(ROOT)
    assert account["PasswordPolicy"]["MinimumPasswordLength"] == 14
    assert account["PasswordPolicy"]["PasswordReusePrevention"] == 24
    assert account["AccountSummary"]["AccountMFAEnabled"] == 0
    assert account["AccountSummary"]["AccountAccessKeysPresent"] == 0
    assert "Users" not in account["AccountSummary"]  # a usage counter


def test_idle_repoll_is_clean_even_when_usage_counters_move(approved, aws_account):
    # Counters of GetAccountSummary move (a new group, a new MFA device not yet assigned), nothing
    # that is collected changes.
    approved.create_group(GroupName="auditors")
    approved.create_virtual_mfa_device(VirtualMFADeviceName="spare")
    second = poll(aws_account)
    assert second["status"] == "ok"
    assert second["counts"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": SEEDED}
    assert second["findings"]["opened"] == 0
    assert cli("drift", aws_account) == []


# -- drift ------------------------------------------------------------------------------------

def test_administrator_access_attached_to_a_user_is_critical(approved, aws_account):
    approved.attach_user_policy(UserName="alice", PolicyArn=ADMIN)
    result = poll(aws_account)
    assert result["counts"] == {"added": 0, "changed": 1, "removed": 0, "unchanged": SEEDED - 1}
    [finding] = cli("drift", aws_account)
    assert (finding["resource_id"], finding["resource_type"], finding["kind"]) == (ALICE, "aws.iam.user",
                                                                                   "modified")
    assert finding["severity"] == "critical"
    [change] = finding["changes"]
    assert change["path"] == "/AttachedManagedPolicies/arn:aws:iam::aws:policy~1AdministratorAccess"
    assert change["op"] == "add" and change["before"] is None
    assert change["after"] == {"PolicyArn": ADMIN, "PolicyName": "AdministratorAccess"}
    assert change["rule"] == "aws-iam-administrator-access-attached" and change["severity"] == "critical"
    assert "AdministratorAccess attached to an IAM identity" in finding["reasons"]

    # Detached again: back to the baseline, the finding resolves itself.
    approved.detach_user_policy(UserName="alice", PolicyArn=ADMIN)
    assert poll(aws_account)["findings"]["resolved"] == 1
    assert cli("drift", aws_account) == []


def test_a_new_user_is_an_added_finding(approved, aws_account):
    approved.create_user(UserName="mallory")
    result = poll(aws_account)
    # The account's user counter moved too, but it is volatile: only the user is new.
    assert result["counts"] == {"added": 1, "changed": 0, "removed": 0, "unchanged": SEEDED}
    findings = drift(aws_account)
    assert list(findings) == [(f"arn:aws:iam::{ACCOUNT}:user/mallory", "added")]
    finding = findings[(f"arn:aws:iam::{ACCOUNT}:user/mallory", "added")]
    assert finding["resource_type"] == "aws.iam.user" and finding["resource_name"] == "mallory"
    assert finding["severity"] == "high"  # medium for an unreviewed new resource, one up in prod


def test_a_new_access_key_is_a_finding(approved, aws_account):
    key = approved.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    poll(aws_account)
    [finding] = cli("drift", aws_account)
    assert (finding["resource_id"], finding["kind"]) == (BOB, "modified")
    [change] = finding["changes"]
    assert change["path"] == f"/AccessKeys/{key}" and change["op"] == "add"
    assert change["after"]["Status"] == "Active" and "AccessKeyLastUsed" not in change["after"]
    assert change["rule"] == "aws-iam-access-key-created" and change["severity"] == "medium"
    assert finding["severity"] == "high"  # medium, one up in prod


def test_an_inactive_key_reactivated_is_a_finding(moto, iam_only, aws_account):
    iam = moto.client("iam")
    seed(iam)
    key = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"][0]["AccessKeyId"]
    iam.update_access_key(UserName="alice", AccessKeyId=key, Status="Inactive")
    poll(aws_account)
    cli("baseline", "approve", aws_account)
    iam.update_access_key(UserName="alice", AccessKeyId=key, Status="Active")
    poll(aws_account)
    [finding] = cli("drift", aws_account)
    [change] = finding["changes"]
    assert (change["path"], change["before"], change["after"]) == (f"/AccessKeys/{key}/Status", "Inactive",
                                                                  "Active")
    assert change["rule"] == "aws-iam-access-key-reactivated"
    assert finding["severity"] == "high"


def test_mfa_device_removed_is_a_finding(approved, aws_account):
    approved.deactivate_mfa_device(UserName="alice", SerialNumber=MFA)
    poll(aws_account)
    [finding] = cli("drift", aws_account)
    assert (finding["resource_id"], finding["kind"]) == (ALICE, "modified")
    [change] = finding["changes"]
    assert change["path"] == "/MFADevices/arn:aws:iam::123456789012:mfa~1alice-phone"
    assert change["op"] == "remove" and change["before"]["SerialNumber"] == MFA
    assert change["rule"] == "aws-iam-mfa-removed" and change["severity"] == "high"
    assert finding["severity"] == "critical"  # high, one up in prod


def test_console_password_created_is_a_finding(approved, aws_account):
    approved.create_login_profile(UserName="bob", Password="another-Secret-42")
    poll(aws_account)
    [finding] = cli("drift", aws_account)
    [change] = finding["changes"]
    assert (finding["resource_id"], change["path"], change["op"]) == (BOB, "/LoginProfile", "add")
    assert change["rule"] == "aws-iam-console-password-created"
    assert finding["severity"] == "high"


def test_customer_policy_default_version_granting_everything_is_critical(approved, aws_account):
    approved.create_policy_version(PolicyArn=POLICY, SetAsDefault=True, PolicyDocument=doc(
        {"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"}))
    result = poll(aws_account)
    # The role that uses the policy does not change: it names the policy, not its content.
    assert result["counts"]["changed"] == 1
    [finding] = cli("drift", aws_account)
    assert (finding["resource_id"], finding["resource_type"], finding["kind"]) == (POLICY, "aws.iam.policy",
                                                                                   "modified")
    assert finding["severity"] == "critical"
    changes = {c["path"]: c for c in finding["changes"]}
    added = changes["/DefaultVersion/Document/Statement/Everything"]
    assert added["op"] == "add" and added["after"] == {"Sid": "Everything", "Effect": "Allow", "Action": "*",
                                                       "Resource": "*"}
    assert added["rule"] == "aws-iam-policy-admin" and added["severity"] == "critical"
    assert changes["/DefaultVersion/Document/Statement/ReadData"]["op"] == "remove"
    assert (changes["/DefaultVersionId"]["before"], changes["/DefaultVersionId"]["after"]) == ("v1", "v2")


def test_inline_admin_policy_on_a_role_is_critical(approved, aws_account):
    approved.put_role_policy(RoleName="deployer", PolicyName="break-glass", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}))
    poll(aws_account)
    [finding] = cli("drift", aws_account)
    assert (finding["resource_id"], finding["severity"]) == (ROLE, "critical")
    [change] = finding["changes"]
    assert change["path"] == "/RolePolicyList/break-glass" and change["op"] == "add"
    statement = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    # A lone Statement object is stored as a list of one, so statements diff by Sid (a keyless
    # statement is named by its hash in the diff).
    assert list(change["after"]["PolicyDocument"]["Statement"].values()) == [statement]
    assert stored(ROLE)["RolePolicyList"][0]["PolicyDocument"]["Statement"] == [statement]
    assert change["rule"] == "aws-iam-inline-admin"


def test_a_deleted_user_is_removed(approved, aws_account):
    approved.delete_user(UserName="bob")
    result = poll(aws_account)
    assert result["counts"] == {"added": 0, "changed": 0, "removed": 1, "unchanged": SEEDED - 1}
    findings = drift(aws_account)
    assert list(findings) == [(BOB, "removed")]
    assert findings[(BOB, "removed")]["severity"] == "medium"  # low for a removal, one up in prod


def test_password_policy_deleted_is_a_finding(approved, aws_account):
    approved.delete_account_password_policy()
    poll(aws_account)
    [finding] = cli("drift", aws_account)
    assert (finding["resource_id"], finding["resource_type"]) == (ROOT, "aws.iam.account")
    [change] = finding["changes"]
    assert (change["path"], change["op"], change["rule"]) == ("/PasswordPolicy", "remove",
                                                              "aws-iam-password-policy-removed")
    assert finding["severity"] == "high"


# -- errors -----------------------------------------------------------------------------------

AUDIT_READ = {"Effect": "Allow", "Action": ["iam:Get*", "iam:List*", "sts:GetCallerIdentity"], "Resource": "*"}


def onboard_as(moto, tmp_path, iam, user: str, *statements) -> str:
    """An account onboarded with the keys of an IAM user of moto holding exactly these permissions."""
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="collector", PolicyDocument=doc(*statements))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    creds = tmp_path / "auditor.json"
    creds.write_text(json.dumps({"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]}))
    cli("onboard", "--provider", "aws", "--account-id", ACCOUNT, "--name", "moto-audited", "--org", "Acme Group",
        "--credentials", str(creds), "--endpoint", moto.url, "--regions", "us-east-1")
    return "moto-audited"


def test_denied_detail_calls_leave_gaps_not_drift(moto, iam_only, moto_auth, tmp_path):
    iam = moto.client("iam")
    seed(iam)
    account = onboard_as(moto, tmp_path, iam, "auditor", AUDIT_READ, {
        "Effect": "Deny", "Resource": "*",
        "Action": ["iam:ListMFADevices", "iam:GetAccountPasswordPolicy", "iam:GetAccessKeyLastUsed"]})
    first = poll(account)  # enforcement off: the full view
    assert first["counts"]["added"] == SEEDED + 1 and "gaps" not in first["collectors"]["aws.iam"]
    cli("baseline", "approve", account)

    moto_auth()  # from now on the auditor's policy applies: MFA, password policy and last-used are denied
    second = poll(account)
    collector = second["collectors"]["aws.iam"]
    assert second["status"] == "ok" and collector["status"] == "ok"
    assert collector["resources"] == SEEDED + 1
    examples = collector["gap_examples"]
    assert f"aws.iam.user {ALICE} MFADevices: AccessDenied: list_mfa_devices" in examples
    assert f"aws.iam.account {ROOT} PasswordPolicy: AccessDenied: get_account_password_policy" in examples
    assert any(e.startswith(f"aws.iam.user {ALICE} AccessKeys/AKIA") and e.endswith("get_access_key_last_used")
               for e in examples)
    # Unreadable is not removed: alice keeps her MFA device, the account its password policy.
    assert second["counts"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": SEEDED + 1}
    assert cli("drift", account) == []
    assert [d["SerialNumber"] for d in stored(ALICE)["MFADevices"]] == [MFA]
    assert stored(ROOT)["PasswordPolicy"]["MinimumPasswordLength"] == 14


def test_a_denied_listing_fails_the_collector_without_false_removals(moto, estate, moto_auth, tmp_path):
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config())  # another collector, which keeps working
    with registry.isolated(IamCollector, *TEST_COLLECTORS):
        iam = moto.client("iam")
        seed(iam)
        account = onboard_as(moto, tmp_path, iam, "auditor", AUDIT_READ, {
            "Effect": "Deny", "Action": "iam:GetAccountAuthorizationDetails", "Resource": "*"})
        assert poll(account)["counts"]["added"] == SEEDED + 1 + 1
        cli("baseline", "approve", account)
        iam.delete_user(UserName="bob")  # really gone, but this poll cannot know it

        moto_auth()
        result = poll(account)
    collector = result["collectors"]["aws.iam"]
    assert collector["status"] == "failed" and collector["error_kind"] == "auth"
    assert "iam:get_account_authorization_details" in collector["error"]
    assert result["collectors"]["aws.test_s3"]["status"] == "ok"
    assert result["status"] == "partial"
    assert result["counts"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": 1}
    assert cli("drift", account) == []
    assert Resource.objects.filter(removed_at__isnull=True, type__startswith="aws.iam.").count() == SEEDED + 1


# -- pure helpers -----------------------------------------------------------------------------

def test_policy_documents_are_parsed_from_any_string_form():
    raw = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}
    as_list = {**raw, "Statement": [raw["Statement"]]}
    encoded = urllib.parse.quote(json.dumps(raw))
    assert document(encoded) == as_list  # URL-encoded JSON, as the raw API sends it
    assert document(json.dumps(raw)) == as_list
    assert document(raw) == as_list
    assert document("not json") == "not json"
    percent = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",
                                                      "Condition": {"StringLike": {"aws:UserAgent": "100%"}}}]}
    assert document(json.dumps(percent)) == percent  # plain JSON is never URL-decoded


def test_timestamps_become_utc_iso_strings():
    import datetime as dt

    local = dt.timezone(dt.timedelta(hours=2))
    reply = {"CreateDate": dt.datetime(2026, 1, 1, 12, 0, tzinfo=local), "ResponseMetadata": {"RequestId": "x"},
             "List": [dt.datetime(2026, 1, 1, 10, 0)]}
    assert plain(reply) == {"CreateDate": "2026-01-01T10:00:00Z", "List": ["2026-01-01T10:00:00Z"]}
