"""The alert commands: channel, alert_rule, notifications. Bad input is one line, exit code 2,
and nothing written."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cspm.alerts.models import Channel, Notification, Rule
from tests.integration.alerts.conftest import SIGNING_SECRET, SLACK_PATH, add_email, add_slack, add_webhook, write
from tests.integration.helpers import EKS_ARN, cli, eks_config, onboard, poll

pytestmark = pytest.mark.django_db


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as err:
        call_command(*args, stdout=StringIO())
    assert err.value.returncode == 2
    return str(err.value)


def test_channels_are_added_listed_tested_and_removed(tmp_path, smtp, http):
    mail = add_email(tmp_path, smtp)
    assert mail["recipients"] == ["secops@acme.example", "oncall@acme.example"]
    assert mail["smtp"] == {"from": "cspm@acme.example", "host": "127.0.0.1", "port": smtp.port, "username": "",
                            "security": "none", "password": "none"}
    add_slack(tmp_path, http)
    assert [c["name"] for c in cli("channel", "list")] == ["sec-email", "sec-slack"]
    out = StringIO()
    call_command("channel", "list", stdout=out)
    assert f"sec-slack: slack → 127.0.0.1:{http.port}" in out.getvalue()

    assert cli("channel", "test", "sec-email") == {"channel": "sec-email", "kind": "email", "sent": True}
    [mail_sent] = smtp.messages
    assert mail_sent["Subject"] == "[CSPM] Test message from channel sec-email"
    assert cli("channel", "test", "sec-slack")["sent"] is True
    [request] = http.paths("/services/")
    assert request.headers["Idempotency-Key"].startswith("test-")

    cli("alert_rule", "add", "--channel", "sec-slack")
    removed = cli("channel", "remove", "sec-slack")
    assert removed["name"] == "sec-slack"
    assert not Channel.objects.filter(name="sec-slack").exists() and not Rule.objects.exists()


def test_a_failing_test_message_is_exit_code_1_with_the_reason(tmp_path, smtp):
    add_email(tmp_path, smtp)
    smtp.stop()
    with pytest.raises(CommandError) as err:
        call_command("channel", "test", "sec-email", stdout=StringIO())
    assert err.value.returncode == 1
    assert str(err.value) == (f"test message through 'sec-email' failed: SMTP 127.0.0.1:{smtp.port}: "
                              "Connection refused")


def test_bad_channels_are_refused_and_nothing_is_written(tmp_path, http):
    url = write(tmp_path, "url", http.url(SLACK_PATH))
    short = write(tmp_path, "short", "too-short")
    secret = write(tmp_path, "secret", SIGNING_SECRET)
    assert "invalid choice: 'sms'" in refused("channel", "add", "sms", "x")
    assert "needs its URL" in refused("channel", "add", "slack", "x")
    assert "needs --recipients" in refused("channel", "add", "email", "x")
    assert "'not-an-address' is not an email address" in refused("channel", "add", "email", "x", "--recipients",
                                                                  "a@b.example,not-an-address")
    assert "must be an http(s) URL" in refused("channel", "add", "slack", "x", "--url-file",
                                               write(tmp_path, "ftp", "ftp://files.example/hook"))
    assert "signing secret of at least 16" in refused("channel", "add", "webhook", "x", "--url-file", url,
                                                      "--secret-file", short)
    assert "takes a URL, not recipients" in refused("channel", "add", "slack", "x", "--url-file", url,
                                                    "--recipients", "a@b.example")
    assert "SMTP options need --smtp-host" in refused("channel", "add", "email", "x", "--recipients", "a@b.example",
                                                      "--smtp-port", "25")
    assert "no organization named 'Nowhere'" in refused("channel", "add", "slack", "x", "--url-file", url,
                                                        "--org", "Nowhere")
    assert "stdin holds one secret" in refused("channel", "add", "webhook", "x", "--url-stdin", "--secret-stdin")
    assert not Channel.objects.exists()
    add_webhook(tmp_path, http, "x")
    assert "already exists" in refused("channel", "add", "webhook", "x", "--url-file", url, "--secret-file", secret)
    assert "no channel named 'nope'" in refused("channel", "remove", "nope")
    assert Channel.objects.count() == 1


def test_rules_are_added_listed_and_removed(tmp_path, http, estate):
    onboard()
    add_slack(tmp_path, http)
    rule = cli("alert_rule", "add", "--channel", "sec-slack", "--min-severity", "high", "--org", "Acme Group",
               "--account", "prod-aws", "--provider", "aws,gcp", "--event", "drift_new", "--event", "drift_resolved",
               "--mode", "hourly")
    assert {k: v for k, v in rule.items() if k not in ("id", "created_at")} == {
        "channel": "sec-slack", "min_severity": "high", "organizations": ["Acme Group"], "accounts": ["prod-aws"],
        "providers": ["aws", "gcp"], "event_kinds": ["drift_new", "drift_resolved"], "mode": "hourly",
        "enabled": True}
    assert [r["id"] for r in cli("alert_rule", "list", "--channel", "sec-slack")] == [rule["id"]]
    out = StringIO()
    call_command("alert_rule", "list", stdout=out)
    assert out.getvalue().startswith(f"#{rule['id']} → sec-slack: hourly, severity >= high; organizations Acme Group")
    assert cli("alert_rule", "remove", str(rule["id"]))["id"] == rule["id"]
    assert cli("alert_rule", "list") == []


def test_bad_rules_are_refused(tmp_path, http):
    add_slack(tmp_path, http)
    assert "invalid choice: 'severe'" in refused("alert_rule", "add", "--channel", "sec-slack", "--min-severity",
                                                 "severe")
    assert "unknown provider 'oracle'" in refused("alert_rule", "add", "--channel", "sec-slack", "--provider", "oracle")
    assert "unknown event kind 'drift'" in refused("alert_rule", "add", "--channel", "sec-slack", "--event", "drift")
    assert "no channel named 'nope'" in refused("alert_rule", "add", "--channel", "nope")
    assert "no organization named 'Nowhere'" in refused("alert_rule", "add", "--channel", "sec-slack", "--org",
                                                        "Nowhere")
    assert "no alert rule 999" in refused("alert_rule", "remove", "999")
    assert not Rule.objects.exists()


def test_notifications_lists_the_outbox_and_delivers_on_demand(tmp_path, http, estate):
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    onboard()
    poll()
    cli("baseline", "approve", "prod-aws")
    add_slack(tmp_path, http)
    cli("alert_rule", "add", "--channel", "sec-slack")
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(public=True))
    poll()
    [pending] = cli("notifications", "--status", "pending")
    # Two items: the drift and the control it makes fail (CIS EKS 5.4.2: the endpoint is public).
    assert pending["channel"] == "sec-slack" and pending["items"] == 2 and pending["attempts"] == 0
    assert cli("notifications", "--status", "sent") == []
    done = cli("notifications", "--deliver")
    assert done["delivered"] == {"sent": 1, "retrying": 0, "dead": 0}
    assert [n["status"] for n in done["notifications"]] == ["sent"]
    assert len(http.paths("/services/")) == 1
    assert Notification.objects.get().sent_at is not None
    assert "unknown" not in refused("notifications", "--status", "lost")  # argparse names the choices
