"""AWS Organizations discovery: the member accounts an organization's management account sees,
so an acquired company's whole AWS estate can be onboarded at once with one role name."""

from __future__ import annotations

from collectors.aws.session import AwsSession
from collectors.base import CollectContext
from collectors.registry import register_discovery


def discover_accounts(context: CollectContext) -> list[dict]:
    session = AwsSession(context)
    org = session.client("organizations")
    accounts = session.pages(org, "list_accounts", "Accounts")
    return sorted(
        ({"account_id": a["Id"], "name": a.get("Name", ""), "email": a.get("Email", ""),
          "status": a.get("Status", ""), "partition": session.partition} for a in accounts),
        key=lambda a: a["account_id"],
    )


register_discovery("aws", discover_accounts)
