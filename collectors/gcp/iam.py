"""IAM: the project's IAM policy, and its service accounts with their user-managed keys.

- gcp.iam.project_policy: projects.getIamPolicy (requestedPolicyVersion 3) as REST JSON
  (version, etag, bindings [{role, members, condition}], auditConfigs); one record per project,
  native id //cloudresourcemanager.googleapis.com/projects/P.
- gcp.iam.service_account: serviceAccounts.list item plus "keys": serviceAccounts.keys.list with
  keyTypes=USER_MANAGED ({name, validAfterTime, validBeforeTime, keyAlgorithm, keyOrigin, keyType,
  disabled}), sorted by name; native id //iam.googleapis.com/projects/P/serviceAccounts/UNIQUE_ID.
  Keys that cannot be read are a gap on "keys"; a failed listing fails the collector.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from collectors.base import Collector
from collectors.concurrency import parallel
from collectors.errors import NotFoundError
from collectors.gcp.session import GcpSession, message_dict, optional
from collectors.records import ResourceRecord
from collectors.registry import register

POLICY, ACCOUNT = "gcp.iam.project_policy", "gcp.iam.service_account"


@register
class IamCollector(Collector):
    key = "gcp.iam"
    provider = "gcp"
    resource_types = (POLICY, ACCOUNT)

    def collect(self) -> Iterator[ResourceRecord]:
        session = GcpSession(self.context, stats=self.stats)
        yield self._policy(session)
        project = quote(session.project, safe="")
        accounts = list(session.rest_pages("iam:serviceAccounts.list", f"/v1/projects/{project}/serviceAccounts",
                                           "accounts", {"pageSize": 100}))
        for record in parallel(lambda account: self._account(session, account), accounts):
            if record is not None:
                yield record

    def _policy(self, session: GcpSession) -> ResourceRecord:
        client = session.projects()
        policy = session.call("resourcemanager:projects.getIamPolicy", client.get_iam_policy,
                              request={"resource": f"projects/{session.project}",
                                       "options": {"requested_policy_version": 3}})
        config = message_dict(policy)
        config.setdefault("bindings", [])
        native = f"//cloudresourcemanager.googleapis.com/projects/{session.project}"
        return ResourceRecord(type=POLICY, native_id=native, config=config, region="", name=session.project)

    def _account(self, session: GcpSession, account: dict) -> ResourceRecord | None:
        gaps: dict[str, str] = {}
        project, email = quote(session.project, safe=""), quote(account["email"], safe="@")
        path = f"/v1/projects/{project}/serviceAccounts/{email}/keys"
        try:
            reply = optional(session, "iam:serviceAccounts.keys.list",
                             lambda: session.rest_get("iam:serviceAccounts.keys.list", path,
                                                      {"keyTypes": "USER_MANAGED"}),
                             gaps=gaps, field="keys")
        except NotFoundError:
            return None  # deleted between the listing and now
        config = dict(account)
        if reply is not None:
            config["keys"] = sorted((k for k in reply.get("keys", []) if k.get("keyType", "USER_MANAGED")
                                     == "USER_MANAGED"), key=lambda k: k.get("name", ""))
        account_id = account.get("uniqueId") or account["email"]
        native = f"//iam.googleapis.com/projects/{session.project}/serviceAccounts/{account_id}"
        return ResourceRecord(type=ACCOUNT, native_id=native, config=config, region="", name=account["email"],
                              gaps=gaps)

