"""The due-diligence report of an acquisition: coverage (what could be polled), scores against
the parent's golden rules, worst findings; as JSON and as a standalone HTML file in which every
cloud-supplied string is escaped."""

import io

import orjson
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.integration.helpers import BUCKET_ARN, bucket_config, cli, eks_config, onboard, poll
from tests.support.estate import Throttled

pytestmark = pytest.mark.django_db
HOSTILE = "arn:aws:eks:us-east-1:210987654321:cluster/<script>alert(1)</script>"
OPEN = {"resourcesVpcConfig": {"subnetIds": ["subnet-a"], "endpointPublicAccess": True,
                               "endpointPrivateAccess": False, "publicAccessCidrs": ["0.0.0.0/0"]}}


def report(*args) -> str:
    out = io.StringIO()
    call_command("due_diligence", "Globex", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def globex(estate):
    """Acme (parent, requiring EKS 5.4.1) acquired Globex: one account polled with a hostile
    cluster name and a failing S3 collector, one account never polled."""
    onboard("acme-prod", "111111111111")
    for name, account_id in (("globex-prod", "210987654321"), ("globex-dev", "210987654322")):
        cli("onboard", "--no-test", "--provider", "aws", "--account-id", account_id, "--name", name,
            "--org", "Globex", "--acquired", "--parent", "Acme Group")
    cli("compliance", "golden", "add", "--org", "Acme Group", "--control", "cis_eks-1.8.0-5.4.1")
    estate.put("aws.eks.cluster", HOSTILE, eks_config() | OPEN | {"name": "<script>alert(1)</script>", "arn": HOSTILE},
               name="<script>alert(1)</script>")
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config())
    estate.fail("aws.test_s3", Throttled("Rate exceeded for ListBuckets"))
    poll("globex-prod")
    return estate


def test_the_report_shows_coverage_golden_rules_and_worst_findings(globex):
    data = orjson.loads(report("--format", "json"))
    assert data["organization"] | {"acquired_on": None} == {
        "name": "Globex", "kind": "acquisition", "parent": "Acme Group", "acquired_on": None,
        "integration_stage": "due_diligence"}
    accounts = {a["name"]: a for a in data["accounts"]}
    assert set(accounts) == {"globex-prod", "globex-dev"}  # the parent's own account is not Globex's
    assert accounts["globex-dev"]["status"] == "never polled"
    assert accounts["globex-prod"]["status"] == "partial"
    assert "Rate exceeded" in accounts["globex-prod"]["collectors_failed"]["aws.test_s3"]
    assert data["coverage"] == {"accounts": 2, "fully_polled": 0, "partly_polled": 1, "failed": 0,
                                "never_polled": 1}
    golden = data["golden_rules"]
    assert golden["set_by"] == ["Acme Group"]
    assert golden["controls"] == [{"control": "cis_eks-1.8.0-5.4.1", "title": golden["controls"][0]["title"],
                                   "severity": "critical", "passed": 0, "failed": 1}]
    assert golden["score"] == 0.0
    # Only the parent's golden rule opens findings in the acquisition: one, the worst.
    [worst] = data["worst_findings"]
    assert worst["control"] == "cis_eks-1.8.0-5.4.1" and worst["severity"] == "critical"
    assert any(s["benchmark"] == "cis_eks-1.8.0" for s in data["scores"])


def test_the_html_file_escapes_what_the_cloud_returned(globex, tmp_path):
    target = tmp_path / "globex.html"
    report("--output", str(target))
    html = target.read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Due diligence: Globex" in html and "Acquisition of Acme Group" in html
    assert "never polled" in html and "Rate exceeded for ListBuckets" in html


def test_an_unknown_organization_is_refused(db):
    with pytest.raises(CommandError) as err:
        report()
    assert err.value.returncode == 2 and "no organization named 'Globex'" in str(err.value)
