"""Writing the audit trail: one call per state change, inside the change's transaction (an
action that fails or rolls back leaves no trace claiming it happened)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from cspm.audit.context import current_actor
from cspm.audit.models import AuditEvent

# Keys whose values are never written to the trail, whatever a caller passes.
SECRET_KEYS = frozenset({"secret", "password", "credentials", "token", "url", "client_secret", "private_key"})


def record(action: str, *, target: Any = None, target_type: str = "", target_id: Any = "", label: str = "",
           organization_id: int | None = None, detail: dict | None = None) -> AuditEvent:
    """Record `action` on `target` (a model instance, or type/id/label given) by the current actor."""
    assert connection.in_atomic_block, f"audit {action}: record inside the change's transaction"
    actor = current_actor()
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
        label = label or str(target)
    clean = {k: v for k, v in (detail or {}).items() if k.lower() not in SECRET_KEYS}
    return AuditEvent.objects.create(
        at=timezone.now(), actor=actor.name[:200], user_id=actor.user_id, source=actor.source, ip=actor.ip,
        action=action, target_type=target_type, target_id=str(target_id)[:100], target=label[:300],
        organization_id=organization_id, detail=clean)
