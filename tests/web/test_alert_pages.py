"""The alert settings pages: channels and rules scoped to the organizations an admin manages
(global channels: superusers only), secrets typed once and never shown again, a test send
against real local receivers, the delivery history (filters, pages, export), escaping, 404 for
another organization's objects and 403 for a weaker role."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cspm.alerts.channels import channel_add, channel_secrets
from cspm.alerts.models import Channel, Notification, Rule
from cspm.alerts.rules import rule_add
from cspm.audit.models import AuditEvent
from tests.support.receivers import HttpReceiver
from tests.web.conftest import member

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("web:alerts")
ADD = reverse("web:alert_channel_add")
DELIVERIES = reverse("web:alert_deliveries")
SLACK_URL = "https://hooks.slack.example/services/T0ACME/B0CSPM/sl4ckS3cretT0ken"
WEBHOOK_URL = "https://siem.acme.example/hooks/cspm?token=w3bh00kS3cretQuery"
SIGNING_SECRET = "s1gning-secret-0123456789abcdef"
SMTP_PASSWORD = "smtp-Pa55word-secret"
SECRETS = ("sl4ckS3cretT0ken", "w3bh00kS3cretQuery", SIGNING_SECRET, SMTP_PASSWORD)


def url(name: str, *args) -> str:
    return reverse(f"web:{name}", args=args)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def email_channel(name: str, org=None) -> Channel:
    return channel_add(kind="email", name=name, organization=org.name if org else None,
                       recipients=f"{''.join(c for c in name if c.isalnum() or c == '-')}@example.com")


def notification(channel: Channel, status: str = "sent", error: str = "") -> Notification:
    now = timezone.now()
    return Notification.objects.create(channel=channel, mode="immediate", status=status, due_at=now,
                                       next_attempt_at=now, attempts=1, last_error=error,
                                       sent_at=now if status == "sent" else None)


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


@pytest.fixture
def channels(group):
    return {"Acme": email_channel("acme-team", group["Acme"]), "Globex": email_channel("globex-team", group["Globex"]),
            "Hooli": email_channel("hooli-team", group["Hooli"]), "global": email_channel("operators")}


def test_each_admin_sees_the_channels_of_the_organizations_they_manage(group, channels):
    acme = signed_in(member("ciso", Acme="admin")).get(OVERVIEW)
    assert acme.status_code == 200
    assert "acme-team" in acme.text and "globex-team" in acme.text  # Globex is Acme's acquisition
    assert "hooli-team" not in acme.text and "operators" not in acme.text  # global: superusers only
    globex = signed_in(member("gadmin", Globex="admin")).get(OVERVIEW).text
    assert "globex-team" in globex and "acme-team" not in globex
    root = signed_in(User.objects.create_superuser("root", "root@example.com", "x" * 20)).get(OVERVIEW).text
    assert all(c.name in root for c in channels.values())
    # An admin's channel form offers only their organizations, and no global channel.
    assert "Every organization" not in acme.text and "Every organization" in root
    assert f'value="{group["Hooli"].pk}"' not in acme.text


def test_the_alerts_pages_are_for_admins(group, channels):
    for role in ("viewer", "analyst"):
        client = signed_in(member(f"a-{role}", Acme=role))
        assert client.get(OVERVIEW).status_code == 403
        assert client.get(DELIVERIES).status_code == 403
        assert client.get(url("alert_channel", channels["Acme"].pk)).status_code == 403
        assert client.post(url("alert_channel_test", channels["Acme"].pk)).status_code == 403
        assert client.post(url("alert_channel_remove", channels["Acme"].pk)).status_code == 403
        assert client.post(ADD, {"kind": "email", "name": "x", "organization": group["Acme"].pk,
                                 "recipients": "a@example.com"}).status_code == 403
    assert Channel.objects.count() == 4


def test_another_organizations_channels_and_rules_are_not_found(group, channels):
    rule = rule_add(channel="acme-team")
    client = signed_in(member("hadmin", Hooli="admin"))
    for target in (channels["Acme"], channels["Globex"], channels["global"]):
        assert client.get(url("alert_channel", target.pk)).status_code == 404
        for name in ("alert_channel_test", "alert_channel_remove", "alert_rule_add"):
            assert client.post(url(name, target.pk)).status_code == 404
        assert client.post(url("alert_channel_enabled", target.pk), {"enabled": "off"}).status_code == 404
    for name in ("alert_rule_remove", "alert_rule_enabled"):
        assert client.post(url(name, rule.pk), {"enabled": "off"}).status_code == 404
    # An acquisition's admin does not reach the parent's channel; nobody but a superuser a global one.
    gadmin = signed_in(member("gadmin", Globex="admin"))
    assert gadmin.get(url("alert_channel", channels["Acme"].pk)).status_code == 404
    assert signed_in(member("ciso", Acme="admin")).get(url("alert_channel", channels["global"].pk)).status_code == 404
    assert Channel.objects.count() == 4 and Rule.objects.filter(pk=rule.pk, enabled=True).exists()


def test_add_an_email_channel_with_its_own_smtp_server(group):
    client = signed_in(member("ciso", Acme="admin"))
    response = client.post(ADD, {
        "kind": "email", "name": "secops", "organization": group["Globex"].pk,
        "recipients": "secops@acme.example, oncall@acme.example", "smtp_host": "smtp.acme.example",
        "smtp_port": "587", "smtp_security": "starttls", "smtp_username": "cspm", "smtp_password": SMTP_PASSWORD,
        "sender": "cspm@acme.example"})
    channel = Channel.objects.get(name="secops")
    assert response.status_code == 302 and response["Location"] == url("alert_channel", channel.pk)
    assert channel.organization == group["Globex"] and channel.kind == "email"
    assert channel.config["recipients"] == ["secops@acme.example", "oncall@acme.example"]
    assert channel.config["smtp"]["host"] == "smtp.acme.example" and channel.config["smtp"]["port"] == 587
    assert SMTP_PASSWORD not in channel.secrets_encrypted and SMTP_PASSWORD not in json.dumps(channel.config)
    assert channel_secrets(channel) == {"smtp_password": SMTP_PASSWORD}
    for page in (client.get(response["Location"]), client.get(OVERVIEW)):
        assert "smtp.acme.example" in page.text and "oncall@acme.example" in page.text
        assert_no_secret(page.text)
    event = AuditEvent.objects.get(action="channel.add")
    assert event.organization_id == group["Globex"].pk and SMTP_PASSWORD not in json.dumps(event.detail)


@pytest.mark.parametrize(("kind", "extra", "host"), [
    ("slack", {"url": SLACK_URL}, "hooks.slack.example"),
    ("webhook", {"url": WEBHOOK_URL, "signing_secret": SIGNING_SECRET}, "siem.acme.example"),
])
def test_add_slack_and_webhook_channels_keeps_their_secrets_encrypted(group, kind, extra, host):
    client = signed_in(member("ciso", Acme="admin"))
    response = client.post(ADD, {"kind": kind, "name": f"sec-{kind}", "organization": group["Acme"].pk, **extra},
                           follow=True)
    assert response.status_code == 200
    channel = Channel.objects.get(name=f"sec-{kind}")
    assert channel.config == {"host": host}
    assert channel_secrets(channel)["url"] == extra["url"]
    assert_no_secret(channel.secrets_encrypted)
    assert host in response.text
    assert_no_secret(response.text)
    assert_no_secret(client.get(OVERVIEW).text)


@pytest.mark.parametrize(("body", "error"), [
    ({"kind": "webhook", "name": "hook", "url": WEBHOOK_URL, "signing_secret": "short"}, "at least 16"),
    ({"kind": "slack", "name": "slack", "url": "ftp://files.example/" + SECRETS[0]}, "http(s) URL"),
    ({"kind": "slack", "name": "slack", "url": ""}, "This field is required"),
    ({"kind": "email", "name": "mail", "recipients": "not an address", "smtp_password": SMTP_PASSWORD},
     "is not an email address"),
    ({"kind": "email", "name": "mail", "recipients": "a@example.com", "smtp_password": SMTP_PASSWORD},
     "needs --smtp-host"),
    ({"kind": "email", "name": "acme-team", "recipients": "a@example.com"}, "already exists"),
])
def test_bad_input_is_refused_with_a_clear_error_and_nothing_written(group, channels, body, error):
    client = signed_in(member("ciso", Acme="admin"))
    events = AuditEvent.objects.count()
    response = client.post(ADD, {"organization": group["Acme"].pk, **body})
    assert response.status_code == 400
    assert error in response.text.replace("&#x27;", "'")
    assert_no_secret(response.text)  # a secret typed in is not sent back, even on an error
    assert Channel.objects.count() == len(channels) and AuditEvent.objects.count() == events


def test_a_channel_belongs_to_one_of_the_admins_organizations(group):
    client = signed_in(member("ciso", Acme="admin"))
    body = {"kind": "email", "name": "mail", "recipients": "a@example.com"}
    assert client.post(ADD, body).status_code == 400  # no organization: global, which only superusers may make
    assert client.post(ADD, {**body, "organization": group["Hooli"].pk}).status_code == 400
    assert client.post(ADD, {**body, "kind": "sms"}).status_code == 400
    assert not Channel.objects.exists()
    root = signed_in(User.objects.create_superuser("root", "root@example.com", "x" * 20))
    assert root.post(ADD, body).status_code == 302
    assert Channel.objects.get(name="mail").organization is None


def test_add_disable_and_remove_a_rule(group, channels):
    client = signed_in(member("ciso", Acme="admin"))
    acme = channels["Acme"]
    page = client.get(url("alert_channel", acme.pk))
    assert page.status_code == 200 and "No rules" in page.text
    # The channel of Acme hears about Acme and Globex: those are the choices; Hooli is not one.
    assert f'value="{group["Globex"].pk}"' in page.text and f'value="{group["Hooli"].pk}"' not in page.text
    response = client.post(url("alert_rule_add", acme.pk), {
        "min_severity": "high", "organizations": [group["Globex"].pk], "providers": ["aws", "gcp"],
        "event_kinds": ["drift_new", "collection_failing"], "mode": "hourly"})
    assert response.status_code == 302
    rule = Rule.objects.get(channel=acme)
    assert (rule.min_severity, rule.mode, rule.providers) == ("high", "hourly", ["aws", "gcp"])
    assert rule.event_kinds == ["collection_failing", "drift_new"]
    assert list(rule.organizations.values_list("name", flat=True)) == ["Globex"]
    page = client.get(url("alert_channel", acme.pk)).text
    assert "Hourly digest, severity high or above; organizations Globex" in page
    assert "Hourly digest" in client.get(OVERVIEW).text
    assert client.post(url("alert_rule_enabled", rule.pk), {"enabled": "off"}).status_code == 302
    rule.refresh_from_db()
    assert not rule.enabled
    assert client.post(url("alert_rule_remove", rule.pk)).status_code == 302
    assert not Rule.objects.exists()
    assert {"alert_rule.add", "alert_rule.disable", "alert_rule.remove"} <= set(
        AuditEvent.objects.values_list("action", flat=True))


def test_a_rule_names_only_organizations_within_reach_and_the_channels_scope(group, channels):
    client = signed_in(member("ciso", Acme="admin"))
    for channel, org in ((channels["Acme"], "Hooli"), (channels["Globex"], "Acme")):
        response = client.post(url("alert_rule_add", channel.pk), {
            "min_severity": "low", "organizations": [group[org].pk], "mode": "immediate"})
        assert response.status_code == 400 and "Select a valid choice" in response.text
    response = client.post(url("alert_rule_add", channels["Acme"].pk), {"min_severity": "severe", "mode": "now"})
    assert response.status_code == 400
    assert not Rule.objects.exists()


def test_enable_and_disable_a_channel(group, channels):
    client = signed_in(member("ciso", Acme="admin"))
    acme = channels["Acme"]
    response = client.post(url("alert_channel_enabled", acme.pk), {"enabled": "off", "back": "overview"})
    assert response["Location"] == OVERVIEW
    acme.refresh_from_db()
    assert not acme.enabled and "disabled" in client.get(OVERVIEW).text
    assert client.post(url("alert_channel_enabled", acme.pk), {"enabled": "maybe"}).status_code == 400
    client.post(url("alert_channel_enabled", acme.pk), {"enabled": "on"})
    acme.refresh_from_db()
    assert acme.enabled
    assert AuditEvent.objects.filter(action__in=["channel.disable", "channel.enable"]).count() == 2


def test_remove_a_channel_with_its_rules(group, channels):
    client = signed_in(member("ciso", Acme="admin"))
    rule_add(channel="globex-team")
    notification(channels["Globex"])
    response = client.post(url("alert_channel_remove", channels["Globex"].pk), follow=True)
    assert response.status_code == 200 and "Removed the channel globex-team" in response.text
    assert not Channel.objects.filter(name="globex-team").exists() and not Rule.objects.exists()
    assert AuditEvent.objects.filter(action="channel.remove", organization_id=group["Globex"].pk).exists()


@pytest.fixture
def http():
    receiver = HttpReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


def test_send_a_test_through_slack_and_see_a_failure_clearly(group, http):
    secret_path = "/services/T0ACME/B0CSPM/sl4ckS3cretT0ken"
    channel = channel_add(kind="slack", name="sec-slack", organization="Acme", url=http.url(secret_path))
    client = signed_in(member("ciso", Acme="admin"))
    response = client.post(url("alert_channel_test", channel.pk), follow=True)
    assert "Sent a test message through sec-slack" in response.text
    assert len(http.paths("/services/")) == 1
    http.status = 500  # the receiver echoes the path (the secret) in its error body
    response = client.post(url("alert_channel_test", channel.pk), {"back": "overview"}, follow=True)
    assert response.redirect_chain[-1][0] == OVERVIEW
    assert "The test message through sec-slack failed" in response.text and "HTTP 500" in response.text
    assert_no_secret(response.text)
    http.stop()
    response = client.post(url("alert_channel_test", channel.pk), follow=True)
    assert "failed: cannot reach 127.0.0.1" in response.text
    tests = list(AuditEvent.objects.filter(action="channel.test").order_by("id").values_list("detail", flat=True))
    assert [t["sent"] for t in tests] == [True, False, False] and "HTTP 500" in tests[1]["error"]
    assert_no_secret(json.dumps(tests))


def test_send_a_test_email_through_the_default_mail_server(group, channels, mailoutbox):
    client = signed_in(member("ciso", Acme="admin"))
    response = client.post(url("alert_channel_test", channels["Acme"].pk), follow=True)
    assert "Sent a test message through acme-team" in response.text
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["acme-team@example.com"]
    assert AuditEvent.objects.filter(action="channel.test", organization_id=group["Acme"].pk).exists()


def test_delivery_history_lists_filters_and_exports_only_managed_channels(group, channels):
    sent = notification(channels["Acme"])
    dead = notification(channels["Globex"], "dead", "smtp.globex.example refused: 550 no such user")
    notification(channels["Hooli"], "dead", "hooli-only-error")
    notification(channels["global"], "pending", "operators-only-error")
    client = signed_in(member("ciso", Acme="admin"))
    page = client.get(DELIVERIES)
    assert page.status_code == 200
    assert "acme-team" in page.text and "550 no such user" in page.text
    assert "hooli-only-error" not in page.text and "operators-only-error" not in page.text
    only_dead = client.get(DELIVERIES, {"status": "dead"}).text
    assert "550 no such user" in only_dead and f'<th scope="row">{sent.pk}</th>' not in only_dead
    by_channel = client.get(DELIVERIES, {"channel": channels["Acme"].pk}).text
    assert f'<th scope="row">{sent.pk}</th>' in by_channel and "550 no such user" not in by_channel
    # Another organization's channel is no choice; a bad status neither.
    assert client.get(DELIVERIES, {"channel": channels["Hooli"].pk}).status_code == 400
    assert client.get(DELIVERIES, {"status": "lost"}).status_code == 400
    exported = b"".join(client.get(DELIVERIES, {"format": "json"})).decode()
    assert [n["id"] for n in json.loads(exported)] == [dead.pk, sent.pk]
    assert json.loads(exported)[0]["last_error"] == "smtp.globex.example refused: 550 no such user"
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get(DELIVERIES, {"format": "csv", "status": "dead"}))
                                           .decode())))
    assert [(r["id"], r["channel"], r["status"]) for r in rows] == [(str(dead.pk), "globex-team", "dead")]
    assert client.get(DELIVERIES, {"format": "xml"}).status_code == 400


def test_delivery_history_pages_and_query_count(group, channels):
    client = signed_in(member("ciso", Acme="admin"))
    for _ in range(3):
        notification(channels["Acme"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(DELIVERIES).status_code == 200
    for _ in range(57):
        notification(channels["Globex"], "dead", "refused")
    with CaptureQueriesContext(connection) as many:
        first = client.get(DELIVERIES)
    assert len(many) == len(few)
    assert "Page 1 of 2" in first.text and 'href="?page=2"' in first.text
    second = client.get(DELIVERIES, {"page": 2}).text
    assert second.count('<th scope="row">') == 10


def test_overview_query_count_does_not_grow_with_channels(group):
    client = signed_in(member("ciso", Acme="admin"))
    for n in range(2):
        email_channel(f"first-{n}", group["Acme"])
        rule_add(channel=f"first-{n}", organizations=["Globex"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(OVERVIEW).status_code == 200
    for n in range(6):
        email_channel(f"more-{n}", group["Globex"])
        rule_add(channel=f"more-{n}", organizations=["Globex"], providers=["aws"])
    with CaptureQueriesContext(connection) as many:
        assert client.get(OVERVIEW).text.count("Globex") > 6
    assert len(many) == len(few)


def test_hostile_names_and_errors_are_escaped(group):
    hostile = "<script>alert(1)</script>"
    channel = email_channel(hostile, group["Acme"])
    rule_add(channel=hostile)
    notification(channel, "dead", '<img src=x onerror="alert(2)">')
    client = signed_in(member("ciso", Acme="admin"))
    for page in (client.get(OVERVIEW), client.get(url("alert_channel", channel.pk)), client.get(DELIVERIES)):
        assert page.status_code == 200
        assert hostile not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    deliveries = client.get(DELIVERIES).text
    assert "<img src=x" not in deliveries and "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in deliveries
    response = client.post(url("alert_channel_test", channel.pk), follow=True)
    assert hostile not in response.text


def test_every_form_carries_csrf_and_a_post_without_it_is_refused(group, channels):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member("ciso", Acme="admin"))
    overview = client.get(OVERVIEW).text
    # sign-out, three add-channel forms, and test/enable/remove for each of the two channels
    assert overview.count("csrfmiddlewaretoken") == 1 + 3 + 3 * 2
    assert client.post(url("alert_channel_remove", channels["Acme"].pk)).status_code == 403
    assert client.post(ADD, {"kind": "email", "name": "x", "organization": group["Acme"].pk,
                             "recipients": "a@example.com"}).status_code == 403
    assert Channel.objects.filter(name="acme-team").exists() and not Channel.objects.filter(name="x").exists()
    # Every field of the add forms has its label.
    for field in ("email-name", "email-recipients", "email-smtp_password", "slack-url", "webhook-signing_secret"):
        assert f'<label for="id_{field}"' in overview or f'for="{field}"' in overview
