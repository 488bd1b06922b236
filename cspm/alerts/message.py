"""What a sender sends, independent of the channel: the items of one notification (the most
severe first, capped) and the counts of all of them. Pure: no database."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings

from cspm.alerts.models import EventKind, Mode

KIND_LABELS = {
    EventKind.DRIFT_NEW: "New drift",
    EventKind.DRIFT_RESOLVED: "Drift resolved",
    EventKind.RESOURCE_NEW_ACQUIRED: "New resource in an acquired organization",
    EventKind.COLLECTION_FAILING: "Collection failing",
    EventKind.CONTROL_FAILING: "Control failing",
    # Not "passing again": a control finding also resolves when the resource is gone, the control no
    # longer applies to it, or the account's organizations stopped requiring the control.
    EventKind.CONTROL_RESOLVED: "Control no longer failing",
}
MODE_LABELS = {Mode.IMMEDIATE: "", Mode.HOURLY: "Hourly digest: ", Mode.DAILY: "Daily digest: "}
# Items that need no attention: a message's severities leave them out.
GOOD_NEWS = (EventKind.DRIFT_RESOLVED, EventKind.CONTROL_RESOLVED)


@dataclass
class Message:
    key: str  # the idempotency key: the notification's id (a receiver drops a repeat of it)
    mode: str
    channel: str
    created_at: dt.datetime
    items: list[dict] = field(default_factory=list)  # payloads, most severe first, capped
    total: int = 0  # every item of the notification, shown or not
    kinds: dict[str, int] = field(default_factory=dict)
    # severities of what needs attention (GOOD_NEWS, resolved drift or controls, is not counted)
    severities: dict[str, int] = field(default_factory=dict)
    accounts: list[str] = field(default_factory=list)
    test: bool = False

    @property
    def hidden(self) -> int:
        return max(0, self.total - len(self.items))

    @property
    def message_id(self) -> str:
        """A stable RFC 5322 Message-ID: a resent notification is recognisably the same mail."""
        domain = urlsplit(settings.CSPM_BASE_URL).hostname or "cspm.invalid"
        return f"<cspm.notification.{self.key}.{int(self.created_at.timestamp())}@{domain}>"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def headline(m: Message) -> str:
    """e.g. "3 drift findings in acme-prod (1 critical)", "1 drift finding, 2 failing controls in acme-prod
    (1 critical, 2 high)"."""
    if m.test:
        return f"Test message from channel {m.channel}"
    parts = []
    if m.kinds.get(EventKind.DRIFT_NEW):
        parts.append(plural(m.kinds[EventKind.DRIFT_NEW], "drift finding"))
    if m.kinds.get(EventKind.CONTROL_FAILING):
        parts.append(plural(m.kinds[EventKind.CONTROL_FAILING], "failing control"))
    if m.kinds.get(EventKind.RESOURCE_NEW_ACQUIRED):
        parts.append(plural(m.kinds[EventKind.RESOURCE_NEW_ACQUIRED], "new resource"))
    # The good news after what needs attention.
    if m.kinds.get(EventKind.DRIFT_RESOLVED):
        parts.append(plural(m.kinds[EventKind.DRIFT_RESOLVED], "resolved finding"))
    if m.kinds.get(EventKind.CONTROL_RESOLVED):
        n = m.kinds[EventKind.CONTROL_RESOLVED]
        parts.append(f"{plural(n, 'control')} no longer failing")
    if m.kinds.get(EventKind.COLLECTION_FAILING):
        parts.append("collection failing")
    where = m.accounts[0] if len(m.accounts) == 1 else plural(len(m.accounts), "account")
    text = f"{MODE_LABELS.get(m.mode, '')}{', '.join(parts) or 'no items'} in {where}"
    worst = [f"{m.severities[s]} {s}" for s in ("critical", "high") if m.severities.get(s)]
    return text + (f" ({', '.join(worst)})" if worst else "")


def subject(m: Message) -> str:
    return f"[CSPM] {headline(m)}"


def item_title(item: dict) -> str:
    """The one line that names an item: what happened, to which resource."""
    label = KIND_LABELS.get(item["kind"], item["kind"])
    if (item.get("finding") or {}).get("action") == "changed":
        # A live finding whose drift, or whose failure's detail, moved: it was news before.
        label = {EventKind.DRIFT_NEW: "Drift changed", EventKind.CONTROL_FAILING: "Control still failing"}.get(
            item["kind"], label)
    resource = item.get("resource")
    if resource:
        what = (item.get("finding") or {}).get("kind")
        name = resource["name"] or resource["native_id"]
        control = (item.get("finding") or {}).get("title")
        if control:
            return f"{label}: {resource['type']} {name} — {control}"
        return f"{label}: {resource['type']} {name}" + (f" ({what})" if what and what != "modified" else "")
    return f"{label}: {item['account']['name']} ({item.get('status', '')})"


def where(item: dict) -> str:
    account, org = item["account"], item["organization"]
    acquired = " (acquisition)" if org.get("acquired") else ""
    return (f"account {account['name']} ({account['provider']} {account['native_id']}, {account['environment']}), "
            f"organization {org['name']}{acquired}")


def summarize(items: list[dict]) -> tuple[dict[str, int], dict[str, int], list[str]]:
    """Kinds, severities (of what needs attention) and accounts of a list of payloads."""
    kinds = Counter(i["kind"] for i in items)
    severities = Counter(i["severity"] for i in items if i["kind"] not in GOOD_NEWS)
    accounts = sorted({i["account"]["name"] for i in items})
    return dict(kinds), dict(severities), accounts
