"""Findings: filtered and paged in the database; analysts triage them, viewers only read."""

import datetime as dt

import pytest
from django.utils import timezone

from cspm.audit.models import AuditEvent
from cspm.drift.models import DriftFinding
from tests.api.conftest import control_finding, drift_finding, results

pytestmark = pytest.mark.django_db
URL = "/api/v1/findings/"


def ids(response) -> set[int]:
    return {f["id"] for f in results(response)}


def test_findings_of_reachable_accounts_only(admin, hooli):
    mine = ids(admin.get(URL, {"status": "all"}))
    assert mine == set(DriftFinding.objects.filter(account__name__in=["acme-aws", "globex-aws"])
                       .values_list("id", flat=True))
    assert mine.isdisjoint(ids(hooli.get(URL, {"status": "all"})))


def test_filters(admin, world):
    drift = drift_finding()
    assert ids(admin.get(URL, {"source": "drift"})) == {drift.pk}
    control = ids(admin.get(URL, {"source": "control", "account": world["accounts"]["acme-aws"].pk}))
    assert control and drift.pk not in control
    assert ids(admin.get(URL, {"kind": "modified"})) == {drift.pk}
    globex = ids(admin.get(URL, {"organization": world["orgs"]["Globex"].pk}))
    assert globex and all(DriftFinding.objects.get(pk=i).account.name == "globex-aws" for i in globex)
    one = control_finding()
    by_control = results(admin.get(URL, {"control_id": one.control_id}))
    assert {f["control_id"] for f in by_control} == {one.control_id} and len(by_control) == 2  # acme and globex
    assert ids(admin.get(URL, {"resource_type": "aws.s3.bucket", "source": "drift"})) == {drift.pk}
    assert ids(admin.get(URL, {"provider": "gcp"})) == set()
    high = results(admin.get(URL, {"severity": "high"}))
    assert high and {f["severity"] for f in high} == {"high"}
    DriftFinding.objects.filter(pk=drift.pk).update(status="acknowledged")
    assert drift.pk in ids(admin.get(URL)) and drift.pk not in ids(admin.get(URL, {"status": "new"}))
    assert ids(admin.get(URL, {"status": "resolved"})) == set()


@pytest.mark.parametrize("query", [{"status": "bogus"}, {"source": "both"}, {"severity": "urgent"}, {"account": "1.5"},
                                   {"organization": "x"}, {"ordering": "severity"}, {"cursor": "garbage"},
                                   {"cursor": "cD1h"}, {"page_size": "many"}, {"account": "99999999999999999999"}])
def test_bad_values_are_400(admin, query):
    response = admin.get(URL, query)
    assert response.status_code == 400, response.content
    assert set(response.json()) == set(query)


def test_cursor_pages_walk_every_finding_once_in_either_order(admin):
    every = ids(admin.get(URL, {"status": "all", "page_size": 500}))
    for ordering in ("-id", "id"):
        seen, page = [], admin.get(URL, {"status": "all", "page_size": 3, "ordering": ordering}).json()
        while True:
            seen += [f["id"] for f in page["results"]]
            if not page["next"]:
                break
            page = admin.get(page["next"]).json()
        assert set(seen) == every and len(seen) == len(every)
        assert seen == sorted(seen, reverse=ordering == "-id")


def test_a_finding_says_why_it_matters_and_how_to_fix_it(viewer):
    control = control_finding()
    body = viewer.get(f"{URL}{control.pk}/").json()
    assert body["source"] == "control" and body["rationale"] and "CLI:" in body["remediation"]
    drift = viewer.get(f"{URL}{drift_finding().pk}/").json()
    assert drift["source"] == "drift" and drift["changes"] and drift["resource_type"] == "aws.s3.bucket"


def test_another_groups_finding_is_not_found(admin):
    theirs = control_finding("hooli-aws")
    assert admin.get(f"{URL}{theirs.pk}/").status_code == 404
    assert admin.post(f"{URL}{theirs.pk}/acknowledge/", {}, format="json").status_code == 404
    assert DriftFinding.objects.get(pk=theirs.pk).status == "open"


def test_an_analyst_acknowledges_and_the_trail_says_api_and_where_from(analyst):
    finding = drift_finding()
    response = analyst.post(f"{URL}{finding.pk}/acknowledge/", {"reason": "SEC-42"}, format="json",
                            REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "acknowledged" and response.json()["status_changed_by"] == "ana"
    event = AuditEvent.objects.get(action="finding.acknowledged")
    assert (event.source, event.actor, event.ip, event.detail["reason"]) == ("api", "ana", "198.51.100.4", "SEC-42")
    again = analyst.post(f"{URL}{finding.pk}/acknowledge/", {}, format="json")
    assert again.status_code == 400 and "not open" in again.json()["detail"]


def test_suppression_needs_a_reason_and_a_future_expiry(analyst):
    finding = control_finding()
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()
    future = (timezone.now() + dt.timedelta(days=30)).isoformat()
    for refused in ({"reason": "x", "until": past}, {"until": future}, {"reason": "x", "until": "soon"}):
        assert analyst.post(f"{URL}{finding.pk}/suppress/", refused, format="json").status_code == 400
    response = analyst.post(f"{URL}{finding.pk}/suppress/", {"reason": "vendor access", "until": future},
                            format="json")
    assert response.status_code == 200 and response.json()["status"] == "suppressed"
    assert response.json()["suppressed_until"]


def test_accepting_drift_moves_the_baseline(analyst):
    finding = drift_finding()
    response = analyst.post(f"{URL}{finding.pk}/accept/", {"reason": "intended"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert AuditEvent.objects.filter(action="baseline.accept_resource", source="api").exists()
    control = control_finding()
    assert analyst.post(f"{URL}{control.pk}/accept/", {}, format="json").status_code == 400  # a risk needs a reason


def test_viewers_cannot_triage(viewer):
    finding = drift_finding()
    for action, body in (("acknowledge", {}), ("accept", {"reason": "x"}),
                         ("suppress", {"reason": "x", "until": "2099-01-01T00:00:00Z"})):
        response = viewer.post(f"{URL}{finding.pk}/{action}/", body, format="json")
        assert response.status_code == 403, action
    assert DriftFinding.objects.get(pk=finding.pk).status == "open"
