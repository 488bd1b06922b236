"""Digests: items collect in one pending notification until its hour or day boundary, then go
out once, as one message."""

import datetime as dt

import orjson
import pytest

from cspm.alerts.deliver import deliver_due
from cspm.alerts.models import Notification
from cspm.alerts.outbox import digest_due_at
from tests.integration.alerts.conftest import add_slack
from tests.integration.helpers import EKS_ARN, bucket_config, cli, eks_config, onboard, poll

pytestmark = pytest.mark.django_db
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def daily(estate, tmp_path, http):
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    onboard()
    poll()
    cli("baseline", "approve", "prod-aws")
    add_slack(tmp_path, http, "digest")
    # Daily: a test run never straddles its boundary (midnight), as it might an hour's.
    cli("alert_rule", "add", "--channel", "digest", "--mode", "daily")
    return estate


def test_a_digest_collects_items_and_is_sent_once_when_due(daily, http):
    daily.put("aws.eks.cluster", EKS_ARN, eks_config(public=True, cidrs=("0.0.0.0/0",)))
    poll()
    daily.put("aws.s3.bucket", "arn:aws:s3:::shadow", bucket_config())
    poll()
    poll()  # nothing new
    [digest] = Notification.objects.all()
    # Each drift comes with the controls it makes fail: CIS EKS 5.4.1 and 5.4.2 for the public
    # cluster, CIS AWS 2.1.1 and 2.1.2 for the new bucket (no policy, no MFA Delete).
    assert sorted(digest.items.values_list("kind", flat=True)) == ["control_failing"] * 4 + ["drift_new"] * 2
    assert digest.mode == "daily" and digest.status == "pending" and digest.items.count() == 6
    assert digest.due_at == digest_due_at("daily", digest.created_at)
    assert digest.due_at.hour == 0 and digest.due_at > digest.created_at

    assert deliver_due(now=digest.due_at - SECOND)["sent"] == 0
    assert http.paths("/services/") == []
    assert deliver_due(now=digest.due_at + SECOND)["sent"] == 1
    assert deliver_due(now=digest.due_at + dt.timedelta(days=3))["sent"] == 0
    [request] = http.paths("/services/")
    message = orjson.loads(request.body)
    assert message["blocks"][0]["text"]["text"] == \
        "Daily digest: 2 drift findings, 4 failing controls in prod-aws (2 critical, 2 high)"
    assert len([b for b in message["blocks"] if b["type"] == "section"]) == 6

    # After it went out, new items start the next digest; the sent one is never reused.
    daily.put("aws.s3.bucket", "arn:aws:s3:::shadow-2", bucket_config())
    poll()
    assert Notification.objects.filter(status="pending").count() == 1
    assert Notification.objects.get(status="sent").items.count() == 6


def test_a_digest_and_an_immediate_rule_on_other_channels_each_get_the_change(daily, tmp_path, http):
    add_slack(tmp_path, http, "now")
    cli("alert_rule", "add", "--channel", "now")
    daily.put("aws.eks.cluster", EKS_ARN, eks_config(public=True, cidrs=("0.0.0.0/0",)))
    poll()
    assert dict(Notification.objects.values_list("channel__name", "mode")) == {"digest": "daily", "now": "immediate"}
    assert deliver_due()["sent"] == 1  # only the immediate one is due
