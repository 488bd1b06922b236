"""Which channel hears about which item: the routing rules, as plain values and a pure match."""

from __future__ import annotations

from dataclasses import dataclass

from cspm.alerts.items import AlertItem
from cspm.alerts.models import Mode, Rule
from cspm.drift.severity import SEVERITIES

_RANK = {s: i for i, s in enumerate(SEVERITIES)}
# Immediate rules get an item first: when two rules of one channel match, the urgent one wins.
_MODE_ORDER = {Mode.IMMEDIATE: 0, Mode.HOURLY: 1, Mode.DAILY: 2}


@dataclass(frozen=True)
class Route:
    rule_id: int
    channel_id: int
    channel_org_id: int | None
    mode: str
    min_severity: str
    organization_ids: frozenset[int] = frozenset()
    account_ids: frozenset[int] = frozenset()
    providers: frozenset[str] = frozenset()
    event_kinds: frozenset[str] = frozenset()

    def accepts(self, item: AlertItem) -> bool:
        if self.channel_org_id is not None and self.channel_org_id not in item.org_chain:
            return False  # an organization's own channel hears only about its accounts
        if _RANK[item.severity] < _RANK[self.min_severity]:
            return False
        if self.event_kinds and item.kind not in self.event_kinds:
            return False
        if self.providers and item.provider not in self.providers:
            return False
        if self.account_ids and item.account_id not in self.account_ids:
            return False
        # An organization includes its acquisitions: match anywhere up the account's chain.
        return not self.organization_ids or not self.organization_ids.isdisjoint(item.org_chain)


def active_routes() -> list[Route]:
    """Enabled rules of enabled channels, in the order items are handed to them."""
    rules = (Rule.objects.filter(enabled=True, channel__enabled=True).select_related("channel")
             .prefetch_related("organizations", "accounts"))
    routes = [Route(rule_id=r.pk, channel_id=r.channel_id, channel_org_id=r.channel.organization_id, mode=r.mode,
                    min_severity=r.min_severity, organization_ids=frozenset(o.pk for o in r.organizations.all()),
                    account_ids=frozenset(a.pk for a in r.accounts.all()), providers=frozenset(r.providers),
                    event_kinds=frozenset(r.event_kinds)) for r in rules]
    return sorted(routes, key=lambda r: (r.channel_id, _MODE_ORDER[r.mode], r.rule_id))


def route(items: list[AlertItem], routes: list[Route]) -> dict[Route, list[AlertItem]]:
    """Hand each item to the first matching rule of each channel: one item per channel, even
    when several of its rules match."""
    assigned: dict[Route, list[AlertItem]] = {}
    taken: set[tuple[int, str]] = set()
    for r in routes:
        for item in items:
            key = (r.channel_id, item.dedup_key)
            if key not in taken and r.accepts(item):
                taken.add(key)
                assigned.setdefault(r, []).append(item)
    return assigned
