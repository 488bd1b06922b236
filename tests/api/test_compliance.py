"""Compliance results, scores and trend, for the accounts the caller can see."""

import pytest

from cspm.compliance.models import ControlResult
from tests.api.conftest import results

pytestmark = pytest.mark.django_db
URL = "/api/v1/compliance/results/"


def test_results_of_reachable_accounts_with_filters(admin, world):
    acme, globex = world["accounts"]["acme-aws"], world["accounts"]["globex-aws"]
    rows = results(admin.get(URL, {"page_size": 500}))
    assert {r["account"] for r in rows} == {acme.pk, globex.pk}
    assert len(rows) == ControlResult.objects.filter(account__in=[acme, globex]).count()
    failing = results(admin.get(URL, {"account": acme.pk, "status": "fail", "page_size": 500}))
    assert failing and {r["status"] for r in failing} == {"fail"} and all(r["title"] for r in failing)
    control = failing[0]["control_id"]
    assert {r["control_id"] for r in results(admin.get(URL, {"control": control}))} == {control}
    eks = results(admin.get(URL, {"benchmark": "cis_eks", "organization": world["orgs"]["Globex"].pk}))
    assert eks and {r["account"] for r in eks} == {globex.pk}
    assert all(r["benchmark"].startswith("cis_eks-") for r in eks)


@pytest.mark.parametrize("query", [{"benchmark": "cis_nope"}, {"status": "meh"}, {"account": "x"}])
def test_bad_result_filters_are_400(admin, query):
    assert admin.get(URL, query).status_code == 400


def test_scores_grouped_as_asked(admin, hooli, world):
    by_account = admin.get("/api/v1/compliance/scores/", {"group_by": "account"}).json()
    assert {r["account"] for r in by_account} == {"acme-aws", "globex-aws"}
    assert all(0 <= r["score"] <= 100 and r["passed"] + r["failed"] > 0 for r in by_account)
    both = admin.get("/api/v1/compliance/scores/?group_by=organization&group_by=severity").json()
    assert {r["organization"] for r in both} == {"Acme", "Globex"} and all("severity" in r for r in both)
    assert admin.get("/api/v1/compliance/scores/", {"group_by": "organization,benchmark"}).status_code == 200
    [overall] = admin.get("/api/v1/compliance/scores/").json()
    assert set(overall) == {"passed", "failed", "score"}
    assert {r["account"] for r in hooli.get("/api/v1/compliance/scores/", {"group_by": "account"}).json()} == {
        "hooli-aws"}
    globex = admin.get("/api/v1/compliance/scores/", {"group_by": "account",
                                                      "organization": world["orgs"]["Globex"].pk}).json()
    assert [r["account"] for r in globex] == ["globex-aws"]
    assert admin.get("/api/v1/compliance/scores/", {"group_by": "color"}).status_code == 400
    assert admin.get("/api/v1/compliance/scores/", {"benchmark": "nope"}).status_code == 400


def test_the_daily_trend(admin):
    [today] = admin.get("/api/v1/compliance/trend/", {"days": 7}).json()
    assert today["passed"] + today["failed"] > 0
    assert admin.get("/api/v1/compliance/trend/", {"days": 0}).status_code == 400
    assert admin.get("/api/v1/compliance/trend/", {"days": "week"}).status_code == 400
