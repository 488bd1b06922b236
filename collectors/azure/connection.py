"""Test connection: do the credentials reach the subscription they were onboarded for?"""

from __future__ import annotations

from collectors.azure.session import AzureSession
from collectors.base import CollectContext
from collectors.errors import AuthError, NotFoundError
from collectors.registry import register_connection_test


def test_connection(context: CollectContext) -> dict:
    session = AzureSession(context)
    try:
        subscription = session.get_json(f"/subscriptions/{context.account_id}")
    except NotFoundError:
        # ARM answers 404 for a subscription the principal has no access to, as for one that does not exist.
        raise AuthError(f"the credentials do not reach Azure subscription {context.account_id}") from None
    if str(subscription.get("subscriptionId", "")).lower() != context.account_id.lower():
        raise AuthError(f"the credentials reach subscription {subscription.get('subscriptionId')}, "
                        f"not {context.account_id}")
    creds = context.credentials or {}
    return {"account": subscription["subscriptionId"], "name": subscription.get("displayName", ""),
            "state": subscription.get("state", ""), "tenant_id": subscription.get("tenantId", ""),
            "identity": creds.get("client_id") or "access token"}


register_connection_test("azure", test_connection)
