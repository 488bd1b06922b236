"""The events besides drift: collection failing (once per failing streak), new resources in an
acquired organization (not on its first poll), and compliance controls that start failing or stop
(not on the account's first poll either: what onboarding finds is the starting point)."""

import pytest

from cspm.accounts.models import CloudAccount, Organization
from cspm.alerts.deliver import deliver_due
from cspm.alerts.models import NotificationItem
from cspm.drift.models import DriftFinding
from tests.integration.alerts.conftest import DRIFT_ONLY, add_email, add_slack
from tests.integration.helpers import BUCKET_ARN, EKS_ARN, bucket_config, cli, eks_config, onboard, poll
from tests.support.estate import Throttled

pytestmark = pytest.mark.django_db


def listen(tmp_path, smtp, *rule_args: str):
    add_email(tmp_path, smtp)
    cli("alert_rule", "add", "--channel", "sec-email", *rule_args)
    return smtp


@pytest.fixture
def inbox(tmp_path, smtp):
    return listen(tmp_path, smtp)


def items(kind: str, channel: str = "sec-email") -> list[NotificationItem]:
    return list(NotificationItem.objects.filter(kind=kind, channel__name=channel).order_by("id"))


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


def test_new_resources_in_an_acquired_organization_are_news_but_not_on_its_first_poll(estate, tmp_path, smtp):
    # This event only: the new bucket also fails CIS controls, in both accounts (one estate).
    inbox = listen(tmp_path, smtp, "--event", "resource_new_acquired")
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


# Compliance controls. Without an approved baseline there is no drift: the changes below are news
# only by the controls they make fail or pass.
EKS_541, EKS_542 = "cis_eks-1.8.0-5.4.1", "cis_eks-1.8.0-5.4.2"
TITLE_541 = "CIS Amazon EKS Benchmark 1.8.0 5.4.1: Restrict Access to the Control Plane Endpoint"
TITLE_542 = ("CIS Amazon EKS Benchmark 1.8.0 5.4.2: Ensure clusters are created with Private Endpoint Enabled "
             "and Public Access Disabled")
PUBLIC_TO_THE_WORLD = {"public": True, "cidrs": ("0.0.0.0/0",)}  # fails 5.4.1 and 5.4.2
PUBLIC_TO_THE_VPN = {"public": True}  # publicAccessCidrs 10.0.0.0/8: fails 5.4.2 only


@pytest.fixture
def watched(estate, inbox):
    """prod-aws onboarded with a private cluster (it fails CIS EKS 2.1.1 and 5.3.1 from the start:
    not news); sec-email hears about everything."""
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    onboard()
    poll()
    assert items("control_failing") == []
    return estate


def controls(kind: str, channel: str = "sec-email") -> list[str]:
    return [i.payload["finding"]["control"] for i in items(kind, channel)]


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def test_a_change_that_makes_a_control_fail_sends_one_item_naming_the_control(watched, inbox, tmp_path, http):
    import orjson

    add_slack(tmp_path, http)
    cli("alert_rule", "add", "--channel", "sec-slack")
    watched.put("aws.eks.cluster", EKS_ARN, eks_config(**PUBLIC_TO_THE_VPN))
    poll()
    finding = DriftFinding.objects.get(control_id=EKS_542)
    link = f"http://localhost:8000/findings/{finding.pk}/"
    [item] = NotificationItem.objects.filter(channel__name="sec-email")
    assert (item.kind, item.severity) == ("control_failing", "high")
    assert item.payload["finding"] == {"id": finding.pk, "kind": "control", "action": "opened", "status": "open",
                                       "control": EKS_542, "title": TITLE_542}
    assert item.payload["resource"]["native_id"] == EKS_ARN and item.payload["link"] == link

    deliver_due()
    [mail] = inbox.messages
    assert mail["Subject"] == "[CSPM] 1 failing control in prod-aws (1 high)"
    text = text_of(mail)
    for expected in (f"[HIGH] Control failing: aws.eks.cluster prod-eks — {TITLE_542}",
                     "account prod-aws (aws 123456789012, prod), organization Acme Group",
                     "/resourcesVpcConfig/endpointPublicAccess", "public endpoint access is enabled", link):
        assert expected in text, expected
    [request] = http.paths("/services/")
    slack = orjson.loads(request.body)
    assert slack["blocks"][0]["text"]["text"] == "1 failing control in prod-aws (1 high)"
    [section] = [b for b in slack["blocks"] if b["type"] == "section"]
    assert section["text"]["text"].startswith(f"*HIGH* · Control failing: aws.eks.cluster prod-eks — {TITLE_542}")
    assert section["accessory"]["url"] == link


def test_a_failing_control_is_sent_once_however_many_polls_see_it(watched, inbox):
    watched.put("aws.eks.cluster", EKS_ARN, eks_config(**PUBLIC_TO_THE_VPN))
    poll()
    poll()
    watched.put("aws.eks.cluster", EKS_ARN, eks_config(version="1.30", **PUBLIC_TO_THE_VPN))
    poll()  # the cluster changed, that failure did not
    assert controls("control_failing") == [EKS_542]

    # Another control of the cluster starts failing: only that one is news.
    watched.put("aws.eks.cluster", EKS_ARN, eks_config(version="1.30", **PUBLIC_TO_THE_WORLD))
    poll()
    poll()
    assert controls("control_failing") == [EKS_542, EKS_541]

    # The failure itself moves (open to another world-wide range): news once more, as still failing.
    watched.put("aws.eks.cluster", EKS_ARN, eks_config(version="1.30", public=True, cidrs=("10.0.0.0/8", "::/0")))
    poll()
    poll()
    assert controls("control_failing") == [EKS_542, EKS_541, EKS_541]
    assert [i.payload["finding"]["action"] for i in items("control_failing")] == ["opened", "opened", "changed"]
    assert DriftFinding.objects.filter(control_id=EKS_541).count() == 1  # the same finding throughout

    deliver_due()
    assert [m["Subject"] for m in inbox.messages] == ["[CSPM] 1 failing control in prod-aws (1 high)",
                                                      "[CSPM] 1 failing control in prod-aws (1 critical)",
                                                      "[CSPM] 1 failing control in prod-aws (1 critical)"]
    text = text_of(inbox.messages[2])
    assert f"[CRITICAL] Control still failing: aws.eks.cluster prod-eks — {TITLE_541}" in text
    assert "public endpoint open to ::/0" in text


def test_fixing_a_failing_control_sends_control_resolved_once(watched, inbox):
    watched.put("aws.eks.cluster", EKS_ARN, eks_config(**PUBLIC_TO_THE_WORLD))
    poll()
    watched.put("aws.eks.cluster", EKS_ARN, eks_config())
    poll()
    poll()
    resolved = items("control_resolved")
    assert sorted((i.payload["finding"]["control"], i.severity) for i in resolved) == [(EKS_541, "critical"),
                                                                                     (EKS_542, "high")]
    assert {i.payload["finding"]["status"] for i in resolved} == {"resolved"}
    assert len(items("control_failing")) == 2  # from the first change; nothing new since

    deliver_due()
    failing, fixed = inbox.messages
    assert failing["Subject"] == "[CSPM] 2 failing controls in prod-aws (1 critical, 1 high)"
    # (Its severities: see test_a_message_counts_the_severities_of_what_needs_attention_only.)
    assert fixed["Subject"].startswith("[CSPM] 2 controls no longer failing in prod-aws")
    text = text_of(fixed)
    assert f"[CRITICAL] Control no longer failing: aws.eks.cluster prod-eks — {TITLE_541}" in text
    assert f"[HIGH] Control no longer failing: aws.eks.cluster prod-eks — {TITLE_542}" in text

    # Failing again later is news again (a new finding).
    watched.put("aws.eks.cluster", EKS_ARN, eks_config(**PUBLIC_TO_THE_VPN))
    poll()
    assert controls("control_failing") == [EKS_541, EKS_542, EKS_542]


def test_the_controls_an_account_fails_when_onboarded_are_not_news(estate, inbox):
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(**PUBLIC_TO_THE_WORLD))
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config(block=False))
    onboard()
    poll()
    failing = DriftFinding.objects.filter(kind=DriftFinding.Kind.CONTROL, status=DriftFinding.Status.OPEN)
    assert sorted(failing.values_list("control_id", flat=True)) == [
        "cis_aws-3.0.0-2.1.1", "cis_aws-3.0.0-2.1.2", "cis_aws-3.0.0-2.1.4",
        "cis_eks-1.8.0-2.1.1", "cis_eks-1.8.0-5.3.1", EKS_541, EKS_542]
    poll()  # nothing changed: nothing to say either
    assert NotificationItem.objects.count() == 0
    assert deliver_due()["sent"] == 0 and inbox.messages == []

    # Later, a new bucket fails two controls (no policy, no MFA Delete) and the old one is fixed.
    estate.put("aws.s3.bucket", "arn:aws:s3:::shadow", bucket_config())
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config())
    poll()
    assert sorted(controls("control_failing")) == ["cis_aws-3.0.0-2.1.1", "cis_aws-3.0.0-2.1.2"]
    assert {i.payload["resource"]["native_id"] for i in items("control_failing")} == {"arn:aws:s3:::shadow"}
    assert controls("control_resolved") == ["cis_aws-3.0.0-2.1.4"]
    deliver_due()
    [mail] = inbox.messages
    assert mail["Subject"].startswith("[CSPM] 2 failing controls, 1 control no longer failing in prod-aws")


def test_a_message_counts_the_severities_of_what_needs_attention_only(estate, inbox):
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config(block=False))  # fails 2.1.4 (critical)
    onboard()
    poll()
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config())  # 2.1.4 passes: good news
    estate.put("aws.s3.bucket", "arn:aws:s3:::shadow", bucket_config())  # fails 2.1.1 (medium), 2.1.2 (low)
    poll()
    deliver_due()
    [mail] = inbox.messages
    # No "(1 critical)": the critical control no longer fails, nothing high or critical needs attention.
    assert mail["Subject"] == "[CSPM] 2 failing controls, 1 control no longer failing in prod-aws"


def test_rules_tell_drift_from_controls_and_one_message_carries_both(estate, inbox, tmp_path, http):
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    onboard()
    poll()
    cli("baseline", "approve", "prod-aws")
    add_slack(tmp_path, http, "drift")
    cli("alert_rule", "add", "--channel", "drift", *DRIFT_ONLY)
    add_slack(tmp_path, http, "compliance")
    cli("alert_rule", "add", "--channel", "compliance", "--event", "control_failing", "--event", "control_resolved",
        "--min-severity", "critical")
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(**PUBLIC_TO_THE_WORLD))
    poll()

    def heard(channel: str) -> list[tuple[str, str]]:
        return sorted((i.kind, i.severity) for i in NotificationItem.objects.filter(channel__name=channel))

    assert heard("sec-email") == [("control_failing", "critical"), ("control_failing", "high"),
                                  ("drift_new", "critical")]
    assert heard("drift") == [("drift_new", "critical")]
    assert heard("compliance") == [("control_failing", "critical")]  # 5.4.2 is only high
    assert controls("control_failing", "compliance") == [EKS_541]

    deliver_due()
    [mail] = inbox.messages
    assert mail["Subject"] == "[CSPM] 1 drift finding, 2 failing controls in prod-aws (2 critical, 1 high)"
    text = text_of(mail)
    for expected in ("[CRITICAL] New drift: aws.eks.cluster prod-eks",
                     f"[CRITICAL] Control failing: aws.eks.cluster prod-eks — {TITLE_541}",
                     f"[HIGH] Control failing: aws.eks.cluster prod-eks — {TITLE_542}"):
        assert expected in text, expected
