"""Delivery on a real Celery worker with the machine's Redis as broker: the poll commits, its
on-commit hook queues cspm.alerts.deliver_due, and a separate worker process sends the email and
the Slack message."""

import time

import pytest

from cspm.alerts.models import Notification
from tests.integration.helpers import EKS_ARN, cli, eks_config, onboard, poll
from tests.support.workers import Workers, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
BROKER = "redis://127.0.0.1:6379/14"  # this module's own: other modules use others


@pytest.fixture
def worker(tmp_path):
    pool = Workers(BROKER, tmp_path)
    yield pool.start("alerts", queues="celery")
    pool.close()


def test_a_worker_delivers_what_a_poll_committed_once(estate, channels, smtp, http, worker):
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    onboard()
    poll()
    cli("baseline", "approve", "prod-aws")
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(public=True, cidrs=("0.0.0.0/0",)))
    poll()
    sent = wait_for(lambda: Notification.objects.filter(status="sent").count() == 3)
    assert sent, worker.log.read_text()[-3000:]
    assert len(smtp.messages) == 1 and len(http.paths("/services/")) == 1 and len(http.paths("/hooks/")) == 1
    # One message carries all the poll saw: the drift and the two CIS EKS controls it makes fail
    # (5.4.1, critical: open to 0.0.0.0/0; 5.4.2, high: public endpoint).
    assert smtp.messages[0]["Subject"] == "[CSPM] 1 drift finding, 2 failing controls in prod-aws (2 critical, 1 high)"
    poll()  # the same drift again: nothing queued, nothing sent
    time.sleep(1)
    assert len(smtp.messages) == 1 and len(http.paths("/services/")) == 1
