"""Rendering of messages: headlines, Slack's limits, escaping, and error text without secrets."""

import datetime as dt

import orjson
import pytest
import requests

from cspm.alerts.items import show_value
from cspm.alerts.message import Message, headline, item_title, summarize
from cspm.alerts.senders.base import SendError, post_json, root_reason, scrub
from cspm.alerts.senders.slack import MAX_BLOCKS, MAX_TEXT, slack_payload
from cspm.alerts.senders.webhook import webhook_body
from tests.support.receivers import free_port

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def payload(n=0, severity="high", kind="drift_new", account="acme-prod", changes=1, value="x", name="bucket"):
    return {
        "kind": kind, "severity": severity,
        "account": {"id": 1, "name": account, "native_id": "123456789012", "provider": "aws", "environment": "prod"},
        "organization": {"id": 1, "name": "Acme Group", "kind": "parent", "acquired": False},
        "resource": {"id": n, "type": "aws.s3.bucket", "name": f"{name}-{n}", "native_id": f"arn:aws:s3:::{name}-{n}",
                     "region": "us-east-1"},
        "finding": {"id": n, "kind": "modified", "action": "opened", "status": "open"},
        "changes": [{"path": f"/field{i}", "op": "replace", "before": value, "after": value, "severity": severity}
                    for i in range(changes)],
        "more_changes": 0, "snapshot_id": 1, "at": NOW.isoformat(), "link": f"http://localhost:8000/findings/{n}/",
    }


def message(items, total=None, mode="immediate", kinds=None, severities=None, accounts=("acme-prod",)):
    return Message(key="42", mode=mode, channel="ops", created_at=NOW, items=items,
                   total=len(items) if total is None else total,
                   kinds=kinds or {"drift_new": len(items)}, severities=severities or {}, accounts=list(accounts))


def test_headlines():
    assert headline(message([payload()] * 3, severities={"critical": 1, "high": 2})) == \
        "3 drift findings in acme-prod (1 critical, 2 high)"
    assert headline(message([payload()], kinds={"drift_resolved": 1})) == "1 resolved finding in acme-prod"
    assert headline(message([], mode="hourly", kinds={"drift_new": 2, "collection_failing": 1},
                            severities={"medium": 2}, accounts=("a", "b"))) == \
        "Hourly digest: 2 drift findings, collection failing in 2 accounts"


def control(n=0, kind="control_failing", severity="high", action="opened"):
    item = payload(n, severity=severity, kind=kind)
    item["finding"] = {"id": n, "kind": "control", "action": action, "status": "open", "control": "cis_aws-3.0.0-2.1.4",
                       "title": "CIS Amazon Web Services Foundations Benchmark 3.0.0 2.1.4: Block public access"}
    return item


def test_headlines_with_controls():
    assert headline(message([], kinds={"drift_new": 1, "control_failing": 2},
                            severities={"critical": 1, "high": 1, "low": 1})) == \
        "1 drift finding, 2 failing controls in acme-prod (1 critical, 1 high)"
    assert headline(message([], kinds={"control_failing": 1}, severities={"medium": 1})) == \
        "1 failing control in acme-prod"
    assert headline(message([], kinds={"control_resolved": 1})) == "1 control no longer failing in acme-prod"
    # What needs attention first, the good news after.
    assert headline(message([], mode="daily", kinds={"drift_resolved": 1, "control_resolved": 2, "drift_new": 1,
                                                     "control_failing": 3, "resource_new_acquired": 1},
                            severities={"high": 4}, accounts=("a", "b"))) == \
        ("Daily digest: 1 drift finding, 3 failing controls, 1 new resource, 1 resolved finding, "
         "2 controls no longer failing in 2 accounts (4 high)")


def test_a_control_item_names_its_control():
    title = "CIS Amazon Web Services Foundations Benchmark 3.0.0 2.1.4: Block public access"
    assert item_title(control()) == f"Control failing: aws.s3.bucket bucket-0 — {title}"
    assert item_title(control(action="changed")) == f"Control still failing: aws.s3.bucket bucket-0 — {title}"
    assert item_title(control(kind="control_resolved")) == \
        f"Control no longer failing: aws.s3.bucket bucket-0 — {title}"
    assert item_title(payload()) == "New drift: aws.s3.bucket bucket-0"
    changed = payload()
    changed["finding"]["action"] = "changed"
    assert item_title(changed) == "Drift changed: aws.s3.bucket bucket-0"


def test_good_news_has_no_severity():
    items = [payload(0, severity="critical", kind="drift_resolved"), control(1, kind="control_resolved"),
             control(2, severity="medium")]
    kinds, severities, accounts = summarize(items)
    assert kinds == {"drift_resolved": 1, "control_resolved": 1, "control_failing": 1}
    assert severities == {"medium": 1} and accounts == ["acme-prod"]


def test_slack_stays_within_50_blocks_and_3000_characters_and_counts_the_rest():
    many = [payload(n, changes=40, value="v" * 280) for n in range(120)]
    body = slack_payload(message(many))
    assert len(body["blocks"]) <= MAX_BLOCKS
    assert all(len(b["text"]["text"]) <= MAX_TEXT for b in body["blocks"] if "text" in b and "text" in b["text"])
    assert body["blocks"][-1]["text"]["text"].startswith("…and 73 more items")
    first = body["blocks"][2]["text"]["text"]
    assert first.endswith(" more") and "…and" in first  # its 40 long changes did not fit: counted
    assert len(orjson.dumps(body)) < 200_000


def test_slack_escapes_its_control_characters():
    body = slack_payload(message([payload(name="<!channel> & <script>")]))
    text = body["blocks"][2]["text"]["text"]
    assert "<!channel>" not in text and "&lt;!channel&gt; &amp; &lt;script&gt;" in text


def test_values_are_shown_as_short_json():
    assert show_value(False) == "false" and show_value("false") == '"false"' and show_value(None) == "(none)"
    assert len(show_value("x" * 5000)) == 300 and show_value("x" * 5000).endswith("…")


def test_the_webhook_body_caps_items_and_says_so():
    body = orjson.loads(webhook_body(message([payload(n) for n in range(600)])))
    assert len(body["items"]) == 500 and body["truncated"] is True and body["total"] == 600


def test_errors_name_the_host_and_never_the_secret_url():
    url = f"http://127.0.0.1:{free_port()}/services/T0/B0/s3cretT0ken?sig=abc123secret"
    with pytest.raises(SendError) as err:
        post_json(url, b"{}", {}, {"url": url})
    assert str(err.value).endswith(": Connection refused") and "s3cretT0ken" not in str(err.value)
    try:
        requests.post(url, timeout=2)
    except requests.ConnectionError as exc:
        assert "s3cretT0ken" in str(exc)  # requests' own message would leak it
        assert root_reason(exc) == "Connection refused"
    assert scrub(f"failed: {url}", {"url": url}) == "failed: [redacted]"
    assert scrub("GET /services/T0/B0/s3cretT0ken?sig=abc123secret -> 404", {"url": url}) == \
        "GET [redacted]?[redacted] -> 404"
