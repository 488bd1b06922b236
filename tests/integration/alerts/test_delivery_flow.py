"""The user story of alerts: drift seen by a poll reaches email, Slack and a webhook once per
change, through real sockets, as soon as the poll commits (the delivery task runs on commit)."""

import orjson
import pytest

from cspm.alerts.models import Notification, NotificationItem
from cspm.alerts.signature import verify
from cspm.drift.models import DriftFinding
from tests.integration.alerts.conftest import SIGNING_SECRET
from tests.integration.helpers import BUCKET_ARN, EKS_ARN, bucket_config, cli, eks_config, onboard, poll

pytestmark = pytest.mark.django_db(transaction=True)
PUBLIC = {"public": True, "cidrs": ("0.0.0.0/0",)}


@pytest.fixture
def baselined(estate):
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config(), region="eu-west-1")
    onboard()
    poll()
    cli("baseline", "approve", "prod-aws")
    return estate


def slack_messages(http) -> list[dict]:
    return [orjson.loads(r.body) for r in http.paths("/services/")]


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def html_of(mail) -> str:
    return mail.get_body(("html",)).get_content()


def drift_findings():
    """The drift findings: the failing controls' findings share the table (kind "control")."""
    return DriftFinding.objects.exclude(kind=DriftFinding.Kind.CONTROL)


def test_a_drift_arrives_as_one_email_and_one_slack_message_once_per_change(baselined, drift_channels, smtp, http):
    baselined.put("aws.eks.cluster", EKS_ARN, eks_config(**PUBLIC))
    poll()
    finding = drift_findings().get()
    link = f"http://localhost:8000/findings/{finding.pk}/"

    [mail] = smtp.messages
    assert mail["Subject"] == "[CSPM] 1 drift finding in prod-aws (1 critical)"
    assert sorted(smtp.envelopes[0].rcpt_tos) == ["oncall@acme.example", "secops@acme.example"]
    assert mail["From"] == "cspm@acme.example"
    text = text_of(mail)
    for expected in ("[CRITICAL] New drift: aws.eks.cluster prod-eks", "account prod-aws (aws 123456789012, prod)",
                     "organization Acme Group", "/resourcesVpcConfig/endpointPublicAccess: false -> true (critical)",
                     '/resourcesVpcConfig/publicAccessCidrs: ["10.0.0.0/8"] -> ["0.0.0.0/0"]', EKS_ARN, link):
        assert expected in text, expected
    html = html_of(mail)
    assert "<code>/resourcesVpcConfig/endpointPublicAccess</code>" in html and f'href="{link}"' in html

    [slack] = slack_messages(http)
    assert slack["blocks"][0] == {"type": "header", "text": {"type": "plain_text",
                                                             "text": "1 drift finding in prod-aws (1 critical)"}}
    [section] = [b for b in slack["blocks"] if b["type"] == "section"]
    body = section["text"]["text"]
    assert body.startswith("*CRITICAL* · New drift: aws.eks.cluster prod-eks")
    assert "account prod-aws (aws 123456789012, prod), organization Acme Group" in body
    assert "• `/resourcesVpcConfig/endpointPublicAccess`: `false` → `true` (critical)" in body
    assert section["accessory"]["url"] == link

    # The receiver can tell a repeat: the notification id travels as the idempotency key.
    notification = Notification.objects.get(channel__name="sec-slack")
    assert http.paths("/services/")[0].headers["Idempotency-Key"] == str(notification.pk)
    emailed = Notification.objects.get(channel__name="sec-email")
    assert mail["Message-ID"].startswith(f"<cspm.notification.{emailed.pk}.")
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}

    # Later polls see the same drift: nothing more is sent.
    poll()
    poll()
    assert len(smtp.messages) == 1 and len(slack_messages(http)) == 1 and len(http.paths("/hooks/")) == 1

    # The drift moves (a second change of the same finding): a second message.
    baselined.put("aws.eks.cluster", EKS_ARN, eks_config(version="1.30", **PUBLIC))
    poll()
    assert len(smtp.messages) == 2 and len(slack_messages(http)) == 2
    assert "Drift changed: aws.eks.cluster prod-eks" in text_of(smtp.messages[1])
    assert '/version: "1.29" -> "1.30"' in text_of(smtp.messages[1])
    assert "`/version`: `\"1.29\"` → `\"1.30\"`" in slack_messages(http)[1]["blocks"][2]["text"]["text"]

    # Back to the baseline: the resolution is news too, once.
    baselined.put("aws.eks.cluster", EKS_ARN, eks_config())
    poll()
    poll()
    assert len(smtp.messages) == 3
    assert smtp.messages[2]["Subject"] == "[CSPM] 1 resolved finding in prod-aws"
    assert "[CRITICAL] Drift resolved: aws.eks.cluster prod-eks" in text_of(smtp.messages[2])


def test_many_findings_of_one_poll_make_one_message_per_channel(baselined, channels, smtp, http):
    baselined.put("aws.eks.cluster", EKS_ARN, eks_config(**PUBLIC))
    baselined.put("aws.s3.bucket", BUCKET_ARN, bucket_config(block=False), region="eu-west-1")
    for n in range(3):
        baselined.put("aws.s3.bucket", f"arn:aws:s3:::shadow-{n}", bucket_config(), region="us-east-1")
    poll()
    assert drift_findings().count() == 5
    # The same poll makes 9 controls fail on those resources: the cluster's CIS EKS 5.4.1 and 5.4.2,
    # the opened bucket's CIS AWS 2.1.4, and 2.1.1 and 2.1.2 on each new bucket. (The controls the
    # estate failed when onboarded were no news then, and are not now: unchanged.)
    assert sorted(NotificationItem.objects.filter(channel__name="sec-email").values_list("kind", flat=True)) == \
        ["control_failing"] * 9 + ["drift_new"] * 5
    [mail] = smtp.messages
    assert mail["Subject"].startswith("[CSPM] 5 drift findings, 9 failing controls in prod-aws (")
    assert text_of(mail).count("\n[") == 14  # one entry per item
    [slack] = slack_messages(http)
    assert len([b for b in slack["blocks"] if b["type"] == "section"]) == 14
    # Most severe first.
    assert slack["blocks"][2]["text"]["text"].startswith("*CRITICAL*")
    [hook] = http.paths("/hooks/")
    assert orjson.loads(hook.body)["total"] == 14


def test_the_webhook_is_signed_with_the_channel_secret(baselined, drift_channels, http):
    baselined.put("aws.eks.cluster", EKS_ARN, eks_config(**PUBLIC))
    poll()
    [request] = http.paths("/hooks/")
    timestamp, signature = request.headers["X-CSPM-Timestamp"], request.headers["X-CSPM-Signature"]
    assert signature.startswith("sha256=") and len(signature) == 7 + 64
    assert verify(SIGNING_SECRET, timestamp, signature, request.body)
    assert not verify("another-secret-of-enough-length", timestamp, signature, request.body)
    assert not verify(SIGNING_SECRET, timestamp, signature, request.body.replace(b"critical", b"low"))
    assert not verify(SIGNING_SECRET, str(int(timestamp) - 3600), signature, request.body)
    body = orjson.loads(request.body)
    assert body["notification_id"] == request.headers["Idempotency-Key"]
    [item] = body["items"]
    assert item["kind"] == "drift_new" and item["severity"] == "critical"
    assert item["resource"]["native_id"] == EKS_ARN and item["organization"]["name"] == "Acme Group"
    assert {"path": "/resourcesVpcConfig/endpointPublicAccess", "op": "replace", "before": "false", "after": "true",
            "severity": "critical"} in item["changes"]
