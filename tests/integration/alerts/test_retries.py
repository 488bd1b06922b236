"""The outbox holds a notification while its receiver is down, retries with backoff, delivers it
exactly once when the receiver is back, and gives up after the last attempt."""

import datetime as dt
import threading

import orjson
import pytest
from django.db import connection
from django.utils import timezone

from cspm.alerts.deliver import deliver_due
from cspm.alerts.models import Notification
from tests.integration.alerts.conftest import DRIFT_ONLY, SECRETS, add_email, add_slack
from tests.integration.helpers import EKS_ARN, cli, eks_config, onboard, poll

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def drifting(estate):
    """Returns a function that makes one new drift (a new bucket) and polls."""
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    onboard()
    poll()
    cli("baseline", "approve", "prod-aws")
    made = []

    def drift():
        made.append(f"arn:aws:s3:::shadow-{len(made)}")
        estate.put("aws.s3.bucket", made[-1], {"Name": made[-1]})
        poll()

    return drift


@pytest.fixture
def slack(tmp_path, http):
    channel = add_slack(tmp_path, http)
    # Drift only: a new bucket without a policy fails CIS controls too, items of their own kind.
    cli("alert_rule", "add", "--channel", channel["name"], *DRIFT_ONLY)
    return channel


def slack_count(http) -> int:
    return len(http.paths("/services/"))


def later(**delta) -> dt.datetime:
    return timezone.now() + dt.timedelta(**delta)


def test_a_receiver_answering_500_gets_the_message_once_it_is_back(drifting, slack, http):
    http.status = 500
    before = timezone.now()
    drifting()
    n = Notification.objects.get()
    assert (n.status, n.attempts, slack_count(http)) == ("pending", 1, 0)
    # First retry one minute later; the error names the host, never the secret URL path.
    assert dt.timedelta(seconds=59) <= n.next_attempt_at - before <= dt.timedelta(seconds=65)
    assert n.last_error.startswith(f"127.0.0.1:{http.port} answered HTTP 500: error handling [redacted]")
    assert not any(secret in n.last_error for secret in SECRETS)

    assert deliver_due() == {"sent": 0, "retrying": 0, "dead": 0}  # not due yet
    assert deliver_due(now=later(seconds=70)) == {"sent": 0, "retrying": 1, "dead": 0}  # still down
    n.refresh_from_db()
    assert n.attempts == 2 and n.next_attempt_at - later(seconds=70) > dt.timedelta(seconds=110)  # 2 minutes

    http.status = 200
    assert deliver_due(now=later(minutes=4)) == {"sent": 1, "retrying": 0, "dead": 0}
    assert deliver_due(now=later(hours=3)) == {"sent": 0, "retrying": 0, "dead": 0}
    assert slack_count(http) == 1
    n.refresh_from_db()
    assert n.status == "sent" and n.attempts == 3 and n.sent_at is not None


def test_a_receiver_refusing_connections_gets_the_message_once_it_is_back(drifting, slack, http):
    http.stop()
    drifting()
    n = Notification.objects.get()
    assert n.status == "pending" and n.last_error == f"cannot reach 127.0.0.1:{http.port}: Connection refused"
    http.start()
    assert deliver_due(now=later(minutes=2))["sent"] == 1
    deliver_due(now=later(hours=2))
    assert slack_count(http) == 1
    [request] = http.paths("/services/")
    assert orjson.loads(request.body)["blocks"][0]["text"]["text"] == "1 drift finding in prod-aws (1 high)"


def test_an_smtp_server_that_is_down_or_refuses_gets_the_mail_once_it_is_back(drifting, tmp_path, smtp):
    channel = add_email(tmp_path, smtp)
    cli("alert_rule", "add", "--channel", channel["name"], *DRIFT_ONLY)
    smtp.stop()
    drifting()
    n = Notification.objects.get()
    assert n.status == "pending" and n.last_error == f"SMTP 127.0.0.1:{smtp.port}: Connection refused"
    smtp.start()
    smtp.refuse = True
    deliver_due(now=later(minutes=2))
    n.refresh_from_db()
    assert n.status == "pending" and n.attempts == 2
    assert n.last_error == f"SMTP 127.0.0.1:{smtp.port} refused: 451 4.3.0 mailbox temporarily unavailable"
    smtp.refuse = False
    assert deliver_due(now=later(minutes=10))["sent"] == 1
    deliver_due(now=later(hours=2))
    assert len(smtp.messages) == 1


def test_after_the_last_attempt_a_notification_is_dead_and_never_sent(drifting, slack, http, settings):
    settings.CSPM_ALERT_MAX_ATTEMPTS = 3
    http.status = 500
    drifting()
    assert deliver_due(now=later(minutes=2)) == {"sent": 0, "retrying": 1, "dead": 0}
    assert deliver_due(now=later(minutes=10)) == {"sent": 0, "retrying": 0, "dead": 1}
    n = Notification.objects.get()
    assert n.status == "dead" and n.attempts == 3
    http.status = 200
    assert deliver_due(now=later(days=2)) == {"sent": 0, "retrying": 0, "dead": 0}
    assert slack_count(http) == 0
    assert cli("notifications", "--status", "dead")[0]["id"] == n.pk


def test_concurrent_deliveries_send_each_notification_once(drifting, slack, http):
    http.status = 500
    for _ in range(8):
        drifting()
    assert Notification.objects.filter(status="pending").count() == 8
    http.status = 200
    reports = []

    def worker():
        try:
            reports.append(deliver_due(now=later(minutes=5)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(r["sent"] for r in reports) == 8
    keys = [r.headers["Idempotency-Key"] for r in http.paths("/services/")]
    assert len(keys) == 8 and len(set(keys)) == 8
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
