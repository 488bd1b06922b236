"""What a poll has to say: alert items derived from the events of one poll (its findings,
its new resources, its collection health). Reads only; the outbox writes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
from django.conf import settings

from cspm.accounts.models import CloudAccount, Organization
from cspm.alerts.models import EventKind
from cspm.drift.models import DriftFinding
from cspm.inventory.models import Resource, Snapshot

MAX_VALUE = 300  # characters of one before/after value kept in a message
MAX_CHANGES = 20  # changes listed per item; the rest are counted
MAX_ERROR = 300
MAX_DEPTH = 20  # organizations nest a few levels at most; guards against a cycle


@dataclass
class AlertItem:
    kind: str
    severity: str
    dedup_key: str
    account_id: int
    provider: str
    org_chain: list[int]  # the account's organization, then its ancestors
    payload: dict[str, Any] = field(default_factory=dict)


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show_value(value: Any) -> str:
    """A before/after value as one short line: JSON, so false, "false" and null stay distinct."""
    if value is None:
        return "(none)"
    return truncate(orjson.dumps(value, default=str).decode(), MAX_VALUE)


def link(path: str) -> str:
    return settings.CSPM_BASE_URL.rstrip("/") + path


def organization_chain(org: Organization) -> list[Organization]:
    chain, seen = [org], {org.pk}
    while chain[-1].parent_id is not None and chain[-1].parent_id not in seen and len(chain) < MAX_DEPTH:
        parent = Organization.objects.get(pk=chain[-1].parent_id)
        chain.append(parent)
        seen.add(parent.pk)
    return chain


class PollContext:
    """What every item of one poll shares: its account, organization chain and snapshot."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.account = CloudAccount.objects.select_related("organization").get(pk=snapshot.account_id)
        self.chain = organization_chain(self.account.organization)
        self.acquired = any(o.kind == Organization.Kind.ACQUISITION for o in self.chain)

    def item(self, kind: str, severity: str, dedup_key: str, **payload: Any) -> AlertItem:
        account, org = self.account, self.account.organization
        body = {
            "kind": kind,
            "severity": severity,
            "account": {"id": account.pk, "name": account.name, "native_id": account.native_id,
                        "provider": account.provider, "environment": account.environment},
            "organization": {"id": org.pk, "name": org.name, "kind": org.kind,
                             "acquired": self.acquired},
            "resource": None,
            "finding": None,
            "changes": [],
            "more_changes": 0,
            "snapshot_id": self.snapshot.pk,
            "at": self.snapshot.finished_at.isoformat(),
            **payload,
        }
        return AlertItem(kind=kind, severity=severity, dedup_key=dedup_key, account_id=account.pk,
                         provider=account.provider, org_chain=[o.pk for o in self.chain], payload=body)


def resource_payload(resource: Resource) -> dict[str, str]:
    return {"id": resource.pk, "type": resource.type, "name": truncate(resource.name or "", 200),
            "native_id": truncate(resource.native_id, 400), "region": resource.region}


def finding_payload(finding: DriftFinding, action: str) -> dict[str, Any]:
    changes = [{"path": truncate(c.get("path") or "", 200), "op": c.get("op") or "",
                "before": show_value(c.get("before")), "after": show_value(c.get("after")),
                "severity": c.get("severity") or ""} for c in finding.changes[:MAX_CHANGES]]
    return {
        "resource": resource_payload(finding.resource),
        "finding": {"id": finding.pk, "kind": finding.kind, "action": action, "status": finding.status,
                    **({"control": finding.control_id, "title": finding.reasons[0] if finding.reasons else ""}
                       if finding.control_id else {})},
        "changes": changes,
        "more_changes": max(0, len(finding.changes) - MAX_CHANGES),
        "link": link(f"/findings/{finding.pk}/"),
    }


def finding_items(ctx: PollContext, finding_events: list[tuple[int, str]]) -> list[AlertItem]:
    last_action = dict(finding_events)  # a finding appears once per poll; keep its final action
    findings = DriftFinding.objects.filter(pk__in=last_action).select_related("resource").order_by("id")
    items = []
    for finding in findings:
        action = last_action[finding.pk]
        control = finding.kind == DriftFinding.Kind.CONTROL
        if action in ("opened", "changed"):
            kind = EventKind.CONTROL_FAILING if control else EventKind.DRIFT_NEW
            items.append(ctx.item(kind, finding.severity, f"{kind.value}:{finding.pk}:{finding.fingerprint}",
                                  **finding_payload(finding, action)))
        elif action == DriftFinding.Status.RESOLVED:
            kind = EventKind.CONTROL_RESOLVED if control else EventKind.DRIFT_RESOLVED
            items.append(ctx.item(kind, finding.severity, f"{kind.value}:{finding.pk}",
                                  **finding_payload(finding, action)))
    return items


def new_resource_items(ctx: PollContext, resource_events: dict[int, str],
                       drift: list[AlertItem]) -> list[AlertItem]:
    """Resources that appeared in an acquisition's account: news while its estate is unknown.
    When the same poll opened a finding for the resource, its severity and link are used."""
    added = sorted(rid for rid, event in resource_events.items() if event == "added")
    if not ctx.acquired or not added:
        return []
    by_resource = {}
    for item in drift:
        if item.payload["finding"]["kind"] == DriftFinding.Kind.ADDED:
            by_resource[item.payload["resource"]["id"]] = item
    items = []
    for resource in Resource.objects.filter(pk__in=added).order_by("id"):
        finding = by_resource.get(resource.pk)
        extra = {"finding": finding.payload["finding"], "link": finding.payload["link"]} if finding else \
            {"link": link(f"/accounts/{ctx.account.pk}/")}
        items.append(ctx.item(EventKind.RESOURCE_NEW_ACQUIRED, finding.severity if finding else "medium",
                              f"resource_new:{resource.pk}:{ctx.snapshot.pk}",
                              resource=resource_payload(resource), **extra))
    return items


def collection_failing_item(ctx: PollContext, previous_snapshot_id: int | None) -> list[AlertItem]:
    """Once per failing streak: this poll failed (wholly or partly) and the one before did not."""
    if ctx.snapshot.status == Snapshot.Status.OK:
        return []
    if previous_snapshot_id is not None:
        previous = Snapshot.objects.filter(pk=previous_snapshot_id).values_list("status", flat=True).first()
        if previous is not None and previous != Snapshot.Status.OK:
            return []
    failing = [{"key": key, "error_kind": c.get("error_kind", ""), "error": truncate(c.get("error", ""), MAX_ERROR)}
               for key, c in sorted(ctx.snapshot.collectors.items()) if c.get("status") != "ok"]
    return [ctx.item(EventKind.COLLECTION_FAILING, "high",
                     f"collection_failing:{ctx.account.pk}:{ctx.snapshot.pk}",
                     status=ctx.snapshot.status, collectors=failing, link=link(f"/accounts/{ctx.account.pk}/"))]


def has_news(snapshot: Snapshot, previous_snapshot_id, resource_events, finding_events) -> bool:
    """Cheap test before any query: most polls of a quiet estate have nothing to say."""
    return bool(finding_events) or snapshot.status != Snapshot.Status.OK or (
        previous_snapshot_id is not None and "added" in resource_events.values())


def poll_items(*, snapshot: Snapshot, previous_snapshot_id: int | None, resource_events: dict[int, str],
               finding_events: list[tuple[int, str]]) -> list[AlertItem]:
    ctx = PollContext(snapshot)
    drift = finding_items(ctx, finding_events) if finding_events else []
    if previous_snapshot_id is None:
        # A first poll is onboarding: the controls its estate fails are the starting point (see
        # `compliance findings`), not news; a later change that makes a control fail is.
        drift = [i for i in drift if i.kind != EventKind.CONTROL_FAILING]
    # A first poll is onboarding: every resource is "added", none of them is news.
    new = new_resource_items(ctx, resource_events, drift) if previous_snapshot_id is not None else []
    return drift + new + collection_failing_item(ctx, previous_snapshot_id)
