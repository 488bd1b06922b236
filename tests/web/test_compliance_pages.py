"""The compliance pages: frameworks x clouds for the user's accounts, a benchmark's controls, a
control's failing resources (own organization only; exports too), the catalog guarding the URL."""

import json

import pytest
from django.urls import reverse

from cspm.compliance.models import AccountScore, ControlResult
from cspm.compliance.scores import weighted

pytestmark = pytest.mark.django_db
CONTROL = "cis_eks-1.8.0-5.4.1"



def signed_in(client, world, username):
    client.force_login(world.users[username])
    return client


def test_the_matrix_sums_the_users_scores_per_framework_and_cloud(client, world):
    response = signed_in(client, world, "hooli-admin").get(reverse("web:compliance"))
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["key"] == "cis_eks")
    aws = next(c for c in row["cells"] if c["provider"] == "aws")
    scores = AccountScore.objects.filter(account__name="hooli-prod", benchmark__startswith="cis_eks-")
    assert aws["passed"] == sum(s.passed for s in scores) and aws["failed"] == sum(s.failed for s in scores)
    assert aws["failed"] > 0
    assert aws["score"] == weighted([(s.severity, s.passed, s.failed) for s in scores])
    assert {r["key"] for r in response.context["rows"]} >= {"cis_aws", "cis_gcp", "cis_azure", "cis_eks"}
    assert reverse("web:compliance_benchmark", args=["cis_eks"]) in response.text
    assert "<caption>" in response.text and 'scope="col"' in response.text


def test_the_benchmark_page_counts_results_of_own_accounts(client, world):
    response = signed_in(client, world, "globex-admin").get(reverse("web:compliance_benchmark", args=["cis_eks"]))
    assert response.status_code == 200
    row = next(r for r in response.context["controls"] if r["control"].id == CONTROL)
    expected = ControlResult.objects.filter(account__name="globex-prod", control_id=CONTROL, status="fail").count()
    assert row["failed"] == expected == 1
    assert reverse("web:compliance_control", args=["cis_eks", CONTROL]) in response.text


def test_a_control_lists_own_failing_resources_only(client, world):
    response = signed_in(client, world, "hooli-admin").get(reverse("web:compliance_control",
                                                                    args=["cis_eks", CONTROL]))
    assert response.status_code == 200
    results = response.context["results"]
    assert [r.account.name for r in results] == ["hooli-prod"]
    assert "hooli-prod" in response.text and "acme-prod" not in response.text and "globex-prod" not in response.text
    # The parent sees its acquisition's too, never Hooli's.
    response = signed_in(client, world, "acme-viewer").get(reverse("web:compliance_control",
                                                                    args=["cis_eks", CONTROL]))
    assert sorted(r.account.name for r in response.context["results"]) == ["acme-prod", "globex-prod"]


def test_failing_resources_page_by_id(client, world, monkeypatch):
    from cspm.web.views import compliance
    monkeypatch.setattr(compliance, "PAGE", 1)
    client = signed_in(client, world, "acme-viewer")
    url = reverse("web:compliance_control", args=["cis_eks", CONTROL])
    first = client.get(url)
    assert len(first.context["results"]) == 1 and first.context["next_after"]
    second = client.get(url, {"after": first.context["next_after"]})
    assert len(second.context["results"]) == 1 and second.context["next_after"] is None
    assert first.context["results"][0].pk < second.context["results"][0].pk
    assert client.get(url, {"after": "x"}).status_code == 400


def test_exports_hold_own_failing_resources(client, world):
    client = signed_in(client, world, "hooli-admin")
    url = reverse("web:compliance_control", args=["cis_eks", CONTROL])
    rows = json.loads(b"".join(client.get(url, {"format": "json"}).streaming_content))
    assert [r["account"] for r in rows] == ["hooli-prod"] and rows[0]["status"] == "fail"
    text = b"".join(client.get(url, {"format": "csv"}).streaming_content).decode()
    assert text.startswith("organization,account,") and "hooli-prod" in text and "acme-prod" not in text
    assert client.get(url, {"format": "xml"}).status_code == 400


@pytest.mark.parametrize("args", [["nope"], ["<script>"], ["nope", CONTROL], ["cis_aws", CONTROL],
                                  ["cis_eks", "cis_eks-1.8.0-99.99"]])
def test_unknown_benchmarks_and_controls_are_not_found(client, world, args):
    name = "web:compliance_benchmark" if len(args) == 1 else "web:compliance_control"
    response = signed_in(client, world, "acme-admin").get(reverse(name, args=args))
    assert response.status_code == 404


def test_anonymous_callers_sign_in_first(client, world):
    for url in (reverse("web:compliance"), reverse("web:compliance_benchmark", args=["cis_eks"]),
                reverse("web:compliance_control", args=["cis_eks", CONTROL])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
