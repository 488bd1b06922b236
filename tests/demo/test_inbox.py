"""/demo/inbox/: routed only in demo mode, for signed-in users who see the whole group, and every
caught message shown escaped under the app's strict CSP."""

import pytest
from django.contrib.auth import get_user_model

from cspm.accounts.models import Membership, Organization
from cspm.demo.models import DemoMessage
from cspm.demo.receivers import message_record_email, message_record_slack

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def demo_urls(settings):
    settings.ROOT_URLCONF = "tests.demo.urls"


@pytest.fixture
def group():
    parent = Organization.objects.create(name="Acme Group", slug="acme-group")
    acquired = Organization.objects.create(name="Globex", slug="globex", kind="acquisition", parent=parent,
                                           acquired_on="2026-01-01", integration_stage="due_diligence")
    return parent, acquired


def user_in(org, role="viewer", name="alice"):
    user = get_user_model().objects.create_user(name, password="a-long-enough-password-1")
    Membership.objects.create(user=user, organization=org, role=role)
    return user


def test_not_routed_outside_demo_mode(client, group):
    client.force_login(user_in(group[0]))
    assert client.get("/demo/inbox/").status_code == 404


def test_anonymous_is_sent_to_sign_in(client, demo_urls):
    response = client.get("/demo/inbox/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_member_of_only_the_acquisition_is_refused(client, demo_urls, group):
    client.force_login(user_in(group[1], role="admin", name="globex-admin"))
    assert client.get("/demo/inbox/").status_code == 403


def test_hostile_messages_are_shown_escaped(client, demo_urls, group):
    raw = (f"From: cspm@acme.example\r\nTo: secops@acme.example\r\nSubject: {HOSTILE}\r\n"
           f"Content-Type: text/plain; charset=utf-8\r\n\r\nbody {HOSTILE}\r\n").encode()
    message_record_email(raw, sender="cspm@acme.example", recipients=["secops@acme.example"])
    message_record_slack({"text": HOSTILE, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": HOSTILE}},
                                                      {"type": "header", "text": "not a dict"}, "junk"]},
                         path="/services/T0/B0/x")
    assert DemoMessage.objects.count() == 2
    client.force_login(user_in(group[0]))
    response = client.get("/demo/inbox/")
    assert response.status_code == 200
    page = response.content.decode()
    assert HOSTILE not in page and "<script>alert" not in page and "<img src=x" not in page
    assert page.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") >= 4  # both subjects and bodies
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script" not in page and " style=" not in page and "<style" not in page
    assert response["Cache-Control"] == "no-store"
    slack_only = client.get("/demo/inbox/?kind=slack").content.decode()
    assert "Slack · received" in slack_only and "Email · received" not in slack_only


@pytest.mark.django_db(transaction=True)  # the receiver writes from its own thread and connection
def test_receivers_reject_what_is_not_a_slack_message():
    import urllib.error
    import urllib.request

    from cspm.demo.receivers import SlackReceiver

    receiver = SlackReceiver().start()
    try:
        url = f"http://127.0.0.1:{receiver.port}/services/x"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(urllib.request.Request(url, data=b"[1, 2]", method="POST"), timeout=5)
        assert refused.value.code == 400
        ok = urllib.request.urlopen(urllib.request.Request(url, data=b'{"text": "hi"}', method="POST"), timeout=5)
        assert ok.read() == b"ok"
    finally:
        receiver.stop()
    assert DemoMessage.objects.get().subject == "hi"


def test_demo_mode_tells_how_to_sign_in_and_links_the_inbox(client, demo_urls, group, settings):
    settings.CSPM_DEMO = True
    assert "password\n    <code>make demo</code> printed" in client.get("/login/").text
    client.force_login(user_in(group[0], role="admin", name="demo"))
    assert 'href="/demo/inbox/">Demo inbox</a>' in client.get("/").text
    settings.CSPM_DEMO = False
    client.logout()
    assert "make demo" not in client.get("/login/").text
