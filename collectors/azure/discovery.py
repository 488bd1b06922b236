"""Azure discovery: the subscriptions a service principal can see (GET /subscriptions), so an
acquired company's whole Azure estate can be onboarded at once."""

from __future__ import annotations

from collectors.azure.session import AzureSession
from collectors.base import CollectContext
from collectors.registry import register_discovery

# ARM subscription states -> the discovery statuses bulk onboarding understands.
STATES = {"enabled": "ACTIVE", "warned": "ACTIVE", "pastdue": "ACTIVE", "disabled": "DISABLED",
          "deleted": "DELETED"}


def discover_subscriptions(context: CollectContext) -> list[dict]:
    session = AzureSession(context)
    subscriptions = session.list_json("/subscriptions")
    return sorted(
        ({"account_id": s["subscriptionId"].lower(), "name": s.get("displayName", ""),
          "status": STATES.get(str(s.get("state", "")).lower(), str(s.get("state", "")).upper()),
          "state": s.get("state", ""), "tenant_id": s.get("tenantId", "")}
         for s in subscriptions if s.get("subscriptionId")),
        key=lambda s: s["account_id"],
    )


register_discovery("azure", discover_subscriptions)
