"""Test connection: do the credentials reach the project they were onboarded for?"""

from __future__ import annotations

from collectors.base import CollectContext
from collectors.errors import AuthError, NotFoundError
from collectors.gcp.session import GcpSession, message_dict
from collectors.registry import register_connection_test


def test_connection(context: CollectContext) -> dict:
    session = GcpSession(context, retry_deadline=min(10.0, context.timeout))
    try:
        project = message_dict(session.call("resourcemanager:projects.get", session.projects().get_project,
                                            name=f"projects/{context.account_id}"))
    except (AuthError, NotFoundError) as exc:
        raise AuthError(f"the credentials ({session.identity}) cannot read GCP project {context.account_id}: "
                        f"{exc}") from None
    if project.get("projectId") != context.account_id:
        raise AuthError(f"the credentials reach GCP project {project.get('projectId')}, not {context.account_id}")
    return {"account": project["projectId"], "identity": session.identity,
            "project_number": project.get("name", "").removeprefix("projects/"),
            "state": project.get("state", "")}


register_connection_test("gcp", test_connection)
