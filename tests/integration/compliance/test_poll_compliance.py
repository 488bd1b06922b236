"""Compliance through a poll: every resource judged by its type's controls (no baseline needed),
results replaced per change only, failing controls as findings with the triage lifecycle, scores
moved by deltas, golden rules scoping findings, exports."""

import csv
import datetime as dt
import io

import orjson
import pytest
from django.core.management import call_command
from django.utils import timezone

from cspm.compliance.models import AccountScore, ConfigVerdicts, ControlResult, DailyScore
from cspm.drift.models import DriftFinding
from tests.integration.helpers import EKS_ARN, cli, eks_config, onboard, poll

pytestmark = pytest.mark.django_db
SECRETS_CMK = "cis_eks-1.8.0-5.3.1"
ENDPOINT_RESTRICTED, PRIVATE_ENDPOINT = "cis_eks-1.8.0-5.4.1", "cis_eks-1.8.0-5.4.2"
OPEN = {"resourcesVpcConfig": {"subnetIds": ["subnet-a"], "endpointPublicAccess": True,
                               "endpointPrivateAccess": False, "publicAccessCidrs": ["0.0.0.0/0"]}}


def results(status=None) -> dict[str, str]:
    qs = ControlResult.objects.filter(resource__native_id=EKS_ARN)
    return {r.control_id: r.status for r in (qs.filter(status=status) if status else qs)}


def control_findings(**filters) -> dict[str, DriftFinding]:
    return {f.control_id: f for f in DriftFinding.objects.exclude(control_id="").filter(**filters)}


@pytest.fixture
def cluster(estate):
    """A private EKS cluster with audit logs on and no secrets encryption, polled once, with
    no baseline approved."""
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    onboard()
    poll()
    return estate


def test_an_account_without_a_baseline_is_judged_on_its_first_poll(cluster):
    seen = results()
    assert seen[ENDPOINT_RESTRICTED] == "pass" and seen[PRIVATE_ENDPOINT] == "pass"
    assert seen[SECRETS_CMK] == "fail"
    assert set(control_findings(status="open")) == set(results("fail"))
    assert not DriftFinding.objects.filter(control_id="").exists()  # no baseline: no drift, still judged
    finding = control_findings()[SECRETS_CMK]
    assert finding.kind == "control" and finding.severity == "high"
    [shown] = [f for f in cli("compliance", "findings", "--account", "prod-aws") if f["control"] == SECRETS_CMK]
    assert "KMS" in shown["remediation"] and shown["rationale"]


def test_a_change_opens_findings_and_moves_scores_by_the_difference(cluster):
    before = {(s.benchmark, s.severity): (s.passed, s.failed) for s in AccountScore.objects.all()}
    cluster.put("aws.eks.cluster", EKS_ARN, eks_config() | OPEN)
    snapshot = poll()
    assert snapshot["compliance"]["resources"] == 1
    assert results()[ENDPOINT_RESTRICTED] == "fail" and results()[PRIVATE_ENDPOINT] == "fail"
    opened = control_findings(status="open")
    assert opened[ENDPOINT_RESTRICTED].severity == "critical"
    assert "0.0.0.0/0" in opened[ENDPOINT_RESTRICTED].changes[0]["after"]
    after = {(s.benchmark, s.severity): (s.passed, s.failed) for s in AccountScore.objects.all()}
    # 5.4.1 (critical) and 5.4.2 (high) went from pass to fail; nothing else moved.
    assert after[("cis_eks-1.8.0", "critical")] == (before[("cis_eks-1.8.0", "critical")][0] - 1,
                                                     before[("cis_eks-1.8.0", "critical")][1] + 1)
    assert after[("cis_eks-1.8.0", "high")][1] == before[("cis_eks-1.8.0", "high")][1] + 1
    # An idle poll judges nothing and changes nothing.
    assert poll()["compliance"] == {"resources": 0, "reused": 0, "results": 0, "opened": 0, "resolved": 0}
    assert control_findings(status="open").keys() == opened.keys()


def test_a_fixed_control_resolves_its_finding_and_a_flap_back_reuses_the_cached_verdicts(cluster):
    cluster.put("aws.eks.cluster", EKS_ARN, eks_config() | OPEN)
    poll()
    cluster.put("aws.eks.cluster", EKS_ARN, eks_config())
    snapshot = poll()
    assert snapshot["compliance"]["reused"] == 1  # this content was judged on the first poll
    assert ConfigVerdicts.objects.count() == 2
    resolved = control_findings(status="resolved")
    assert {ENDPOINT_RESTRICTED, PRIVATE_ENDPOINT} <= set(resolved)
    assert resolved[ENDPOINT_RESTRICTED].events.last().action == "resolved"


def test_a_suppressed_control_finding_comes_back_when_its_suppression_expires(cluster):
    finding = control_findings()[SECRETS_CMK]
    cli("finding", "suppress", str(finding.pk), "--reason", "KMS rollout in Q3", "--days", "30")
    assert control_findings(status="suppressed").keys() == {SECRETS_CMK}
    DriftFinding.objects.filter(pk=finding.pk).update(suppressed_until=timezone.now() - dt.timedelta(minutes=1))
    poll()  # any poll of the account expires its suppressions
    finding.refresh_from_db()
    assert finding.status == "open" and finding.events.last().action == "suppression_expired"


def test_an_accepted_risk_stays_accepted_while_the_failure_is_the_same(cluster):
    finding = control_findings()[SECRETS_CMK]
    done = cli("finding", "accept", str(finding.pk), "--reason", "dev cluster, no secrets")
    assert done["status"] == "accepted"
    cluster.put("aws.eks.cluster", EKS_ARN, eks_config(version="1.30"))  # re-judged, same failure
    poll()
    assert not control_findings(status="open").get(SECRETS_CMK)


def test_golden_rules_scope_the_findings_of_every_account_below(cluster):
    cluster.put("aws.eks.cluster", EKS_ARN, eks_config() | OPEN)
    poll()
    cli("compliance", "golden", "add", "--org", "Acme Group", "--control", ENDPOINT_RESTRICTED)
    cli("compliance", "reevaluate", "prod-aws")
    assert set(control_findings(status="open")) == {ENDPOINT_RESTRICTED}
    # Results and scores still cover every control: golden rules decide what is a finding.
    assert results()[SECRETS_CMK] == "fail"
    with pytest.raises(Exception, match="unknown control"):
        cli("compliance", "golden", "add", "--org", "Acme Group", "--control", "cis_eks-9.9.9-0.0")


def test_scores_trend_and_exports(cluster):
    scores = cli("compliance", "scores", "--by", "provider,benchmark")
    eks = next(s for s in scores if s["benchmark"] == "cis_eks-1.8.0")
    counted = results()
    assert eks["passed"] == sum(v == "pass" for v in counted.values())
    assert eks["failed"] == sum(v == "fail" for v in counted.values())
    assert DailyScore.objects.filter(day=timezone.localdate()).exists()
    out = io.StringIO()
    call_command("compliance", "export", "results", "--account", "prod-aws", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["control"] for r in rows} == set(counted) and rows[0]["account"] == "prod-aws"
    out = io.StringIO()
    call_command("compliance", "export", "findings", "--org", "Acme Group", "--format", "json", stdout=out)
    assert sorted(f["control"] for f in orjson.loads(out.getvalue())) == sorted(results("fail"))


def test_scores_of_a_known_estate_equal_the_hand_computed_values(estate):
    # Cluster A: private, two log types, no secrets encryption. Cluster B: the same, opened to the world.
    #            2.1.1 (medium)  5.3.1 (high)  5.4.1 (critical)  5.4.2 (high)
    # A          fail            fail          pass              pass
    # B          fail            fail          fail              fail
    other = EKS_ARN.replace("prod-eks", "dev-eks")
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    estate.put("aws.eks.cluster", other, eks_config() | OPEN | {"name": "dev-eks", "arn": other})
    onboard()
    poll()
    by_severity = {r["severity"]: (r["passed"], r["failed"]) for r in cli(
        "compliance", "scores", "--by", "severity", "--benchmark", "cis_eks")}
    assert by_severity == {"medium": (0, 2), "high": (1, 3), "critical": (1, 1)}
    [eks] = cli("compliance", "scores", "--by", "benchmark", "--benchmark", "cis_eks")
    # Weighted: passes 6 (high) + 10 (critical) = 16 of 2x3 + 4x6 + 2x10 = 50 -> 32%.
    assert (eks["passed"], eks["failed"], eks["score"]) == (2, 6, 32.0)


def test_the_trend_keeps_one_row_a_day_and_follows_the_latest_poll(cluster):
    import datetime as dt

    from cspm.compliance.models import DailyScore

    # Yesterday's rows, as an earlier day's polls would have left them: everything passing.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    for row in DailyScore.objects.filter(day=timezone.localdate()):
        DailyScore.objects.create(day=yesterday, account=row.account, benchmark=row.benchmark, severity=row.severity,
                                  passed=row.passed + row.failed, failed=0)
    cluster.put("aws.eks.cluster", EKS_ARN, eks_config() | OPEN)
    poll()
    days = cli("compliance", "trend", "--days", "7", "--benchmark", "cis_eks")
    assert [d["day"] for d in days] == [yesterday.isoformat(), timezone.localdate().isoformat()]
    assert days[0]["score"] == 100.0 and days[0]["failed"] == 0
    today = {(s.severity): (s.passed, s.failed) for s in AccountScore.objects.filter(benchmark="cis_eks-1.8.0")}
    assert (days[1]["passed"], days[1]["failed"]) == (sum(p for p, _ in today.values()),
                                                      sum(f for _, f in today.values()))
