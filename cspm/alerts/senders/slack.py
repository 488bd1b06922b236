"""Slack incoming webhook, formatted with Block Kit. Slack takes at most 50 blocks per message
and 3000 characters per text field: the first items get a section each, the rest a count."""

from __future__ import annotations

import orjson

from cspm.alerts.message import Message, headline, item_title, plural, where
from cspm.alerts.senders.base import post_json

MAX_BLOCKS = 50
MAX_TEXT = 3000
MAX_HEADER = 150
# header + context + one section per item + the "and N more" section
MAX_ITEMS = MAX_BLOCKS - 3


def escape(text: str) -> str:
    """Slack mrkdwn: &, < and > are control characters (links, mentions)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code(text: str) -> str:
    return "`" + escape(str(text).replace("`", "'")) + "`"


def fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def item_text(item: dict) -> str:
    lines = [f"*{item['severity'].upper()}* · {escape(item_title(item))}", escape(where(item))]
    details = [f"• {code(c['path'])}: {code(c['before'])} → {code(c['after'])}"
               + (f" ({escape(c['severity'])})" if c.get("severity") else "") for c in item.get("changes", [])]
    details += [f"• {escape(c['key'])}: {escape(c['error_kind'])}: {escape(c['error'])}"
                for c in item.get("collectors", [])]
    more = item.get("more_changes", 0)
    text = "\n".join(lines)
    for n, line in enumerate(details):
        rest = len(details) - n + more
        if len(text) + len(line) + 40 > MAX_TEXT:
            return text + f"\n…and {rest} more"
        text += "\n" + line
    return text + (f"\n…and {more} more changes" if more else "")


def section(item: dict) -> dict:
    block = {"type": "section", "text": {"type": "mrkdwn", "text": fit(item_text(item), MAX_TEXT)}}
    if item.get("link"):
        label = "View finding" if item.get("finding") else "View account"
        block["accessory"] = {"type": "button", "text": {"type": "plain_text", "text": label},
                              "url": item["link"][:3000]}
    return block


def slack_payload(m: Message) -> dict:
    title = headline(m)
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": fit(title, MAX_HEADER)}}]
    context = "Test message: this channel works." if m.test else f"CSPM drift monitor · notification {m.key}"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(context)}]})
    shown = m.items[:MAX_ITEMS]
    blocks += [section(item) for item in shown]
    hidden = m.total - len(shown)
    if hidden > 0:
        # Items come most severe first: what is left out is the least severe.
        more = f"…and {plural(hidden, 'more item')} of lower or equal severity: see the findings list."
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": more}})
    return {"text": fit(title, MAX_TEXT), "blocks": blocks}


def send(config: dict, secrets: dict, m: Message) -> None:
    body = orjson.dumps(slack_payload(m))
    post_json(secrets["url"], body, {"Idempotency-Key": m.key}, secrets)
