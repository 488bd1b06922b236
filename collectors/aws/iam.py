"""IAM: users, roles, customer managed policies and the account's IAM settings.

IAM is global: every call goes to the home region of the account's partition. The listing is
GetAccountAuthorizationDetails (paged, one filter per type, the three run concurrently): it gives
users and roles with their attached and inline policies, groups and tags, and the customer managed
policies with every version's document. Per user, the credentials are read next to it, concurrently
across users: access keys (ListAccessKeys + GetAccessKeyLastUsed), MFA devices (ListMFADevices) and
the console password (GetLoginProfile). Shapes: see collectors/aws/specs.py.

- aws.iam.user / aws.iam.role: the UserDetailList / RoleDetailList entry, plus for a user
  AccessKeys (ListAccessKeys entries, each with its AccessKeyLastUsed, volatile), MFADevices and
  LoginProfile (absent when the user has no console password).
- aws.iam.policy: the Policies entry (Scope=Local only) plus DefaultVersion, the default version
  with its Document; tags from ListPolicyTags (the listing does not carry them).
- aws.iam.account: one record, native id ``arn:<partition>:iam::<account>:root`` (the account's
  root principal: the settings are the account's own), with PasswordPolicy (absent when the
  account has none) and AccountSummary (the SummaryMap; its usage counters are volatile per spec).

Policy documents are always dicts (boto3 already URL-decodes and parses them; any string form is
parsed here), a lone Statement object becomes a list of one so statements diff by Sid, and
timestamps are ISO 8601 strings in UTC.

Errors: a failed listing raises (the collector fails and nothing of its types looks removed); a
detail call that is denied or not implemented leaves a gap on the field it would have filled.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from collectors.aws.session import AwsSession, optional
from collectors.base import Collector
from collectors.concurrency import parallel
from collectors.records import ResourceRecord
from collectors.registry import register

# IAM resources belong to no region (AWS Config records them under "global" too).
REGION = "global"
WORKERS = 8
_LISTINGS = (("User", "UserDetailList"), ("Role", "RoleDetailList"), ("LocalManagedPolicy", "Policies"))
_NO_SUCH_ENTITY = ("NoSuchEntity",)


@register
class IamCollector(Collector):
    key = "aws.iam"
    provider = "aws"
    resource_types = ("aws.iam.user", "aws.iam.role", "aws.iam.policy", "aws.iam.account")

    def collect(self) -> Iterator[ResourceRecord]:
        session = AwsSession(self.context, stats=self.stats)
        iam = session.client("iam")

        def listing(item: tuple[str, str]) -> list[dict]:
            kind, key = item
            return list(session.pages(iam, "get_account_authorization_details", key, Filter=[kind]))

        users, roles, policies = parallel(listing, _LISTINGS, workers=len(_LISTINGS))
        for role in roles:
            yield role_record(role)

        def job(item: tuple[str, Any]) -> ResourceRecord | None:
            kind, detail = item
            if kind == "user":
                return user_record(session, iam, detail)
            if kind == "policy":
                return policy_record(session, iam, detail)
            return account_record(session, iam, self.context.account_id or session.account_id())

        jobs = [("account", None), *(("user", u) for u in users), *(("policy", p) for p in policies)]
        for record in parallel(job, jobs, workers=WORKERS):
            if record is not None:
                yield record


# -- records ----------------------------------------------------------------------------------

def user_record(session: AwsSession, iam: Any, detail: dict) -> ResourceRecord | None:
    """A user with its credentials; None when the user was deleted while the poll ran."""
    name = detail["UserName"]
    config = plain(detail)
    config["UserPolicyList"] = _inline(config.get("UserPolicyList"))
    gaps: dict[str, str] = {}

    keys = _listing(session, iam, "list_access_keys", "AccessKeyMetadata", gaps=gaps, field="AccessKeys",
                    UserName=name)
    if keys is None and "AccessKeys" not in gaps:
        return None  # NoSuchEntity: gone since the listing, and it will be reported so next poll
    if keys is not None:
        for key in keys:
            key_id = key.get("AccessKeyId", "")
            used = optional(session, iam, "get_access_key_last_used", gaps=gaps,
                            field=f"AccessKeys/{key_id}/AccessKeyLastUsed", AccessKeyId=key_id)
            if used is not None and "AccessKeyLastUsed" in used:
                key["AccessKeyLastUsed"] = used["AccessKeyLastUsed"]
        config["AccessKeys"] = plain(keys)

    devices = _listing(session, iam, "list_mfa_devices", "MFADevices", gaps=gaps, field="MFADevices",
                       UserName=name)
    if devices is None and "MFADevices" not in gaps:
        return None
    if devices is not None:
        config["MFADevices"] = plain(devices)

    login = optional(session, iam, "get_login_profile", absent=_NO_SUCH_ENTITY, gaps=gaps, field="LoginProfile",
                     UserName=name)
    if login is not None and "LoginProfile" in login:
        config["LoginProfile"] = plain(login["LoginProfile"])
    return ResourceRecord(type="aws.iam.user", native_id=detail["Arn"], config=config, region=REGION, name=name,
                          tags=tag_dict(detail.get("Tags")), gaps=gaps)


def role_record(detail: dict) -> ResourceRecord:
    config = plain(detail)
    config["RolePolicyList"] = _inline(config.get("RolePolicyList"))
    if "AssumeRolePolicyDocument" in config:
        config["AssumeRolePolicyDocument"] = document(config["AssumeRolePolicyDocument"])
    for profile in config.get("InstanceProfileList") or ():
        roles = profile.get("Roles") if isinstance(profile, dict) else None
        for role in roles or ():
            if isinstance(role, dict) and "AssumeRolePolicyDocument" in role:
                role["AssumeRolePolicyDocument"] = document(role["AssumeRolePolicyDocument"])
    return ResourceRecord(type="aws.iam.role", native_id=detail["Arn"], config=config, region=REGION,
                          name=detail.get("RoleName", ""), tags=tag_dict(detail.get("Tags")))


def policy_record(session: AwsSession, iam: Any, detail: dict) -> ResourceRecord:
    config = plain(detail)
    gaps: dict[str, str] = {}
    versions = [v for v in config.get("PolicyVersionList") or () if isinstance(v, dict)]
    for version in versions:
        if "Document" in version:
            version["Document"] = document(version["Document"])
    default = next((v for v in versions if v.get("IsDefaultVersion")), None)
    if default is None and config.get("DefaultVersionId"):
        reply = optional(session, iam, "get_policy_version", gaps=gaps, field="DefaultVersion",
                         PolicyArn=detail["Arn"], VersionId=config["DefaultVersionId"])
        if reply is not None:
            default = plain(reply["PolicyVersion"])
            default["Document"] = document(default.get("Document"))
    if default is not None:
        config["DefaultVersion"] = default
    tags = _listing(session, iam, "list_policy_tags", "Tags", gaps=gaps, field="Tags", PolicyArn=detail["Arn"])
    if tags is not None:
        config["Tags"] = tags
    elif "Tags" in gaps:
        gaps["tags"] = gaps["Tags"]  # the record's tags are unknown too, not empty
    return ResourceRecord(type="aws.iam.policy", native_id=detail["Arn"], config=config, region=REGION,
                          name=detail.get("PolicyName") or detail["Arn"].rsplit("/", 1)[-1], tags=tag_dict(tags),
                          gaps=gaps)


def account_record(session: AwsSession, iam: Any, account_id: str) -> ResourceRecord:
    config: dict[str, Any] = {}
    gaps: dict[str, str] = {}
    policy = optional(session, iam, "get_account_password_policy", absent=_NO_SUCH_ENTITY, gaps=gaps,
                      field="PasswordPolicy")
    if policy is not None and "PasswordPolicy" in policy:
        config["PasswordPolicy"] = plain(policy["PasswordPolicy"])
    summary = optional(session, iam, "get_account_summary", gaps=gaps, field="AccountSummary")
    if summary is not None:
        config["AccountSummary"] = plain(summary.get("SummaryMap") or {})
    return ResourceRecord(type="aws.iam.account", native_id=f"arn:{session.partition}:iam::{account_id}:root",
                          config=config, region=REGION, name=account_id, gaps=gaps)


# -- helpers ----------------------------------------------------------------------------------

def _listing(session: AwsSession, client: Any, operation: str, key: str, *, gaps: dict[str, str], field: str,
             **params: Any) -> list[dict] | None:
    """Every item of a paged detail listing (Marker/IsTruncated); None when the entity is gone
    (NoSuchEntity) or the listing could not be read (then a gap is recorded on `field`)."""
    items: list[dict] = []
    marker = None
    while True:
        page = {"Marker": marker} if marker else {}
        reply = optional(session, client, operation, absent=_NO_SUCH_ENTITY, gaps=gaps, field=field,
                         **params, **page)
        if reply is None:
            return None
        items += reply.get(key) or []
        marker = reply.get("Marker")
        if not reply.get("IsTruncated") or not marker:
            return items


def _inline(policies: Any) -> list:
    """Inline policies with their documents as dicts."""
    out = []
    for policy in policies or ():
        if isinstance(policy, dict) and "PolicyDocument" in policy:
            policy = {**policy, "PolicyDocument": document(policy["PolicyDocument"])}
        out.append(policy)
    return out


def document(value: Any) -> Any:
    """A policy document as a dict: the raw API sends URL-encoded JSON text (boto3 decodes it;
    any text left is parsed here). A lone Statement object becomes a list of one."""
    if isinstance(value, str):
        for text in (value, unquote(value)):
            try:
                parsed = json.loads(text)
            except ValueError:
                continue
            if isinstance(parsed, dict):
                value = plain(parsed)
                break
        else:
            return value  # not JSON at all: kept as it came, still compared as a whole
    if isinstance(value, dict) and isinstance(value.get("Statement"), dict):
        value = {**value, "Statement": [value["Statement"]]}
    return value


def tag_dict(tags: Any) -> dict[str, str]:
    return {str(t["Key"]): str(t.get("Value", "")) for t in tags or () if isinstance(t, dict) and "Key" in t}


def plain(value: Any) -> Any:
    """JSON-ready copy of a boto3 reply: timestamps as ISO 8601 UTC, ResponseMetadata dropped."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value
