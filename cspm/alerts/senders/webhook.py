"""The generic webhook: the notification as JSON, signed with the channel's secret
(see cspm/alerts/signature.py for what a receiver checks)."""

from __future__ import annotations

import time

import orjson

from cspm.alerts.message import Message, headline
from cspm.alerts.senders.base import post_json
from cspm.alerts.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

MAX_ITEMS = 500


def webhook_body(m: Message) -> bytes:
    items = m.items[:MAX_ITEMS]
    return orjson.dumps({
        "notification_id": m.key,
        "test": m.test,
        "channel": m.channel,
        "mode": m.mode,
        "headline": headline(m),
        "total": m.total,
        "truncated": m.total > len(items),
        "counts": {"kinds": m.kinds, "severities": m.severities},
        "accounts": m.accounts,
        "items": items,
    })


def send(config: dict, secrets: dict, m: Message) -> None:
    body = webhook_body(m)
    timestamp = int(time.time())
    post_json(secrets["url"], body, {
        SIGNATURE_HEADER: sign(secrets["signing_secret"], timestamp, body),
        TIMESTAMP_HEADER: str(timestamp),
        "Idempotency-Key": m.key,
    }, secrets)
