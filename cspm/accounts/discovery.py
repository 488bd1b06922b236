"""Discovery and bulk onboarding: bring in every account an organization's credentials can see
(an AWS Organization's members), each with the same role to assume."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import orjson

from collectors.errors import CollectorError
from collectors.registry import registry
from cspm.accounts.context import account_context
from cspm.accounts.crypto import decrypt_credentials
from cspm.accounts.models import CloudAccount
from cspm.accounts.services import account_onboard
from cspm.core.errors import DomainError

_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")


@dataclass
class BulkOnboarding:
    onboarded: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"onboarded": self.onboarded, "skipped": self.skipped, "failed": self.failed}


def discover_accounts(account: CloudAccount) -> list[dict]:
    """Member accounts visible to this account's credentials, each marked if already onboarded."""
    with account_context(account) as context:
        try:
            found = registry.discover(context)
        except CollectorError as exc:
            raise DomainError(f"discovery failed ({exc.kind}): {' '.join(str(exc).split())[:300]}") from None
    if found is None:
        raise DomainError(f"discovery is not available for {account.provider} yet")
    known = dict(CloudAccount.objects.filter(provider=account.provider).values_list("native_id", "name"))
    return [item | {"onboarded_as": known.get(item["account_id"])} for item in found]


def bulk_onboard(
    *, source: CloudAccount, members: list[dict], role_name: str, external_id: str | None, organization: str,
    acquired: bool, environment: str, test_connection: bool = True,
) -> BulkOnboarding:
    """Onboard each discovered member. AWS: with role `role_name` in each member, assumed from the
    product's own base credentials. GCP and Azure: with the source account's own credentials (the
    service account or principal that could see them). One account failing (its role missing,
    say) does not stop the others."""
    if source.provider == "aws" and not _ROLE_NAME.match(role_name or ""):
        raise DomainError("--role-name is required for AWS: 1-64 characters of letters, digits and +=,.@_-")
    shared = decrypt_credentials(source.credentials_encrypted) if source.credentials_encrypted else None
    if shared:
        shared = {k: v for k, v in shared.items() if k != "kind"}
    result = BulkOnboarding()
    for member in members:
        status = member.get("status") or member.get("state") or "ACTIVE"
        if member.get("onboarded_as") or status not in ("ACTIVE", "Enabled"):
            result.skipped.append({"account_id": member["account_id"],
                                   "reason": f"already onboarded as {member['onboarded_as']!r}"
                                   if member.get("onboarded_as") else f"status {status}"})
            continue
        if source.provider == "aws":
            credentials = {"role_arn": f"arn:{member.get('partition', 'aws')}:iam::{member['account_id']}:role/"
                                       f"{role_name}"}
            if external_id:
                credentials["external_id"] = external_id
        else:
            credentials = shared
        name = _free_name(member)
        try:
            account = account_onboard(
                provider=source.provider, native_id=member["account_id"], name=name, organization=organization,
                acquired=acquired, environment=environment,
                credentials=orjson.dumps(credentials) if credentials else None, endpoint=source.endpoint_url,
                ca_bundle=source.ca_bundle.encode() if source.ca_bundle else None, regions=source.regions,
                test_connection=test_connection)
        except DomainError as exc:
            result.failed.append({"account_id": member["account_id"], "name": name, "error": str(exc)})
            continue
        result.onboarded.append({"account_id": account.native_id, "name": account.name})
    return result


def _free_name(member: dict) -> str:
    base = " ".join((member.get("name") or member["account_id"]).split())[:150] or member["account_id"]
    taken = CloudAccount.objects.filter(name=base).exists()
    return f"{base} ({member['account_id']})" if taken else base
