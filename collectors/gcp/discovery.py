"""GCP project discovery: the projects the credential can see (under its organization or folders),
for bulk onboarding."""

from __future__ import annotations

from collectors.base import CollectContext
from collectors.gcp.session import GcpSession, message_dict, translate
from collectors.registry import register_discovery


def discover_projects(context: CollectContext) -> list[dict]:
    session = GcpSession(context)
    client = session.projects()
    try:
        found = [message_dict(p) for p in client.search_projects(request={"query": ""}, retry=session.retry,
                                                                  timeout=session.timeout)]
    except Exception as exc:
        raise translate(exc, "resourcemanager:projects.search") from None
    return sorted(
        ({"account_id": p["projectId"], "name": p.get("displayName", ""), "state": p.get("state", ""),
          "parent": p.get("parent", ""), "project_number": p.get("name", "").removeprefix("projects/")}
         for p in found if p.get("state", "ACTIVE") == "ACTIVE"),
        key=lambda p: p["account_id"],
    )


register_discovery("gcp", discover_projects)
