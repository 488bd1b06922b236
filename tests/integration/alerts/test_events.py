"""The events besides drift: collection failing (once per failing streak) and new resources in
an acquired organization (not on its first poll)."""

import pytest

from cspm.accounts.models import CloudAccount, Organization
from cspm.alerts.deliver import deliver_due
from cspm.alerts.models import NotificationItem
from tests.integration.alerts.conftest import add_email
from tests.integration.helpers import BUCKET_ARN, EKS_ARN, bucket_config, cli, eks_config, onboard, poll
from tests.support.estate import Throttled

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(tmp_path, smtp):
    add_email(tmp_path, smtp)
    cli("alert_rule", "add", "--channel", "sec-email")
    return smtp


def items(kind: str) -> list[NotificationItem]:
    return list(NotificationItem.objects.filter(kind=kind).order_by("id"))


def test_collection_failing_is_alerted_once_per_failing_streak(estate, inbox):
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config())
    onboard()
    poll()
    estate.fail("aws.test_s3", Throttled("Rate exceeded for ListBuckets"))
    assert poll()["status"] == "partial"
    [item] = items("collection_failing")
    assert item.severity == "high"
    assert item.payload["collectors"] == [{"key": "aws.test_s3", "error_kind": "throttled",
                                           "error": "Rate exceeded for ListBuckets"}]
    deliver_due()
    [mail] = inbox.messages
    assert mail["Subject"] == "[CSPM] collection failing in prod-aws (1 high)"
    assert "aws.test_s3: throttled: Rate exceeded for ListBuckets" in mail.get_body(("plain",)).get_content()

    # Still failing (even another collector too): the same streak, no new alert.
    estate.fail("aws.test_eks", Throttled("Rate exceeded for ListClusters"))
    assert poll()["status"] == "failed"
    estate.heal()
    assert poll()["status"] == "ok"
    assert len(items("collection_failing")) == 1
    # A new streak is news again.
    estate.fail("aws.test_s3", Throttled("Rate exceeded again"))
    poll()
    assert len(items("collection_failing")) == 2
    deliver_due()
    assert len(inbox.messages) == 2


def test_a_first_poll_that_fails_is_alerted(estate, inbox):
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config())
    onboard()
    estate.fail("aws.test_s3", Throttled("Rate exceeded"))
    poll()
    assert [i.payload["account"]["name"] for i in items("collection_failing")] == ["prod-aws"]


def test_new_resources_in_an_acquired_organization_are_news_but_not_on_its_first_poll(estate, inbox):
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config())
    onboard("prod-aws", "111111111111")
    cli("onboard", "--no-test", "--provider", "aws", "--account-id", "222222222222", "--name", "globex-aws",
        "--org", "Globex", "--acquired")
    poll("prod-aws")
    poll("globex-aws")  # onboarding: everything is new, nothing is news
    assert items("resource_new_acquired") == []

    estate.put("aws.s3.bucket", "arn:aws:s3:::globex-exports", bucket_config(block=False), region="us-west-2")
    poll("prod-aws")  # the parent company's own account: no such alert
    poll("globex-aws")
    [item] = items("resource_new_acquired")
    globex = CloudAccount.objects.get(name="globex-aws")
    assert item.severity == "medium"  # no baseline yet: no finding, the default severity
    assert item.payload["account"]["name"] == "globex-aws" and item.payload["organization"]["name"] == "Globex"
    assert item.payload["resource"]["native_id"] == "arn:aws:s3:::globex-exports"
    assert item.payload["link"] == f"http://localhost:8000/accounts/{globex.pk}/"
    poll("globex-aws")
    assert len(items("resource_new_acquired")) == 1

    deliver_due()
    [mail] = inbox.messages
    assert mail["Subject"] == "[CSPM] 1 new resource in globex-aws"
    text = mail.get_body(("plain",)).get_content()
    assert "[MEDIUM] New resource in an acquired organization: aws.s3.bucket arn:aws:s3:::globex-exports" in text
    assert "organization Globex (acquisition)" in text


def test_a_new_resource_under_an_acquisition_at_any_depth_takes_its_findings_severity(estate, inbox):
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config())
    cli("onboard", "--no-test", "--provider", "aws", "--account-id", "222222222222", "--name", "globex-aws",
        "--org", "Globex", "--acquired")
    # A subsidiary of the acquisition, itself recorded as a plain company.
    labs = Organization.objects.create(name="Globex Labs", slug="globex-labs",
                                       parent=Organization.objects.get(name="Globex"))
    CloudAccount.objects.filter(name="globex-aws").update(organization=labs)
    poll("globex-aws")
    cli("baseline", "approve", "globex-aws")
    estate.put("aws.s3.bucket", "arn:aws:s3:::labs-public", bucket_config(block=False))
    poll("globex-aws")
    [drift] = items("drift_new")
    [new] = items("resource_new_acquired")
    assert new.severity == drift.severity == "critical"
    assert new.payload["link"] == drift.payload["link"] and "/findings/" in new.payload["link"]
    assert new.payload["organization"] == {"id": labs.pk, "name": "Globex Labs", "kind": "parent", "acquired": True}


def test_hostile_resource_names_are_escaped_in_html_and_slack(estate, inbox, tmp_path, http):
    from tests.integration.alerts.conftest import add_slack

    add_slack(tmp_path, http)
    cli("alert_rule", "add", "--channel", "sec-slack")
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    onboard()
    poll()
    cli("baseline", "approve", "prod-aws")
    hostile = "<script>alert('x')</script>"
    estate.put("aws.s3.bucket", "arn:aws:s3:::<img src=x onerror=alert(1)>", bucket_config(), name=hostile)
    poll()
    deliver_due()
    [mail] = inbox.messages
    html = mail.get_body(("html",)).get_content()
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert hostile in mail.get_body(("plain",)).get_content()  # plain text shows it as it is
    import orjson

    [request] = http.paths("/services/")
    text = orjson.loads(request.body)["blocks"][2]["text"]["text"]
    assert "<script>" not in text and "&lt;script&gt;" in text
