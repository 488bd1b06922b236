"""Azure RBAC of the subscription: role assignments (at the subscription and below, plus those
inherited from above) and custom role definitions (built-in roles are the same everywhere and
are not inventoried).

Configs: the ARM GET shapes of Microsoft.Authorization/roleAssignments and roleDefinitions
(`properties` envelope). azure-mgmt-authorization 4.x returns msrest models, serialized with
keep_readonly to that REST shape. Native ids: the ARM resource ids.
"""

from __future__ import annotations

from collections.abc import Iterator

from collectors.azure.session import AzureSession, as_rest
from collectors.base import Collector
from collectors.records import ResourceRecord
from collectors.registry import register

ASSIGNMENT, DEFINITION = "azure.authorization.role_assignment", "azure.authorization.role_definition"


@register
class AuthorizationCollector(Collector):
    key = "azure.authorization"
    provider = "azure"
    resource_types = (ASSIGNMENT, DEFINITION)

    def collect(self) -> Iterator[ResourceRecord]:
        session = AzureSession(self.context, stats=self.stats)
        client = session.client("authorization")
        scope = f"/subscriptions/{session.subscription_id}"
        assignments = list(session.pages("roleAssignments list", client.role_assignments.list_for_subscription))
        definitions = list(session.pages(
            "roleDefinitions list",
            lambda: client.role_definitions.list(scope=scope, filter="type eq 'CustomRole'")))
        self.stats["role_assignments"] = len(assignments)
        for assignment in assignments:
            config = as_rest(assignment)
            yield ResourceRecord(type=ASSIGNMENT, native_id=config["id"], config=config,
                                 name=config.get("name") or "")
        custom = 0
        for definition in definitions:
            config = as_rest(definition)
            if (config.get("properties") or {}).get("type") != "CustomRole":
                continue  # an endpoint that ignored the filter: built-in roles are not inventoried
            custom += 1
            name = (config.get("properties") or {}).get("roleName") or config.get("name") or ""
            yield ResourceRecord(type=DEFINITION, native_id=config["id"], config=config, name=name)
        self.stats["custom_roles"] = custom
