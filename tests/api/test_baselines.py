"""Baselines over the API: history for anyone who sees the account, approval for analysts."""

import pytest

from cspm.audit.models import AuditEvent
from cspm.drift.models import BaselineApproval, DriftFinding
from cspm.inventory.models import Snapshot
from tests.api.conftest import drift_finding, results

pytestmark = pytest.mark.django_db


def url(account) -> str:
    return f"/api/v1/accounts/{account.pk}/baseline/"


def test_the_history_of_approvals(viewer, world):
    [approval] = results(viewer.get(url(world["accounts"]["acme-aws"])))
    assert approval["scope"] == "snapshot" and approval["actor"].startswith("cli:")
    assert results(viewer.get(url(world["accounts"]["globex-aws"]))) == []


def test_an_analyst_approves_the_latest_ok_snapshot(analyst, world):
    account = world["accounts"]["acme-aws"]
    finding = drift_finding()
    response = analyst.post(url(account), {"reason": "change window"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["snapshot"] == Snapshot.objects.filter(account=account).latest("id").pk
    assert body["actor"] == "ana" and body["findings"]["resolved"] == 1
    assert DriftFinding.objects.get(pk=finding.pk).status == "accepted"
    assert AuditEvent.objects.get(action="baseline.approve", source="api").detail["reason"] == "change window"


def test_an_older_snapshot_of_the_account_may_be_named(analyst, world):
    account = world["accounts"]["acme-aws"]
    first = Snapshot.objects.filter(account=account).earliest("id")
    response = analyst.post(url(account), {"snapshot": first.pk}, format="json")
    assert response.status_code == 201 and response.json()["snapshot"] == first.pk


def test_a_snapshot_of_another_account_is_refused(analyst, world):
    other = Snapshot.objects.filter(account=world["accounts"]["globex-aws"]).first()
    response = analyst.post(url(world["accounts"]["acme-aws"]), {"snapshot": other.pk}, format="json")
    assert response.status_code == 400 and "snapshot" in response.json()


def test_viewers_cannot_approve_and_other_groups_are_not_found(viewer, hooli, world):
    account = world["accounts"]["acme-aws"]
    before = BaselineApproval.objects.count()
    assert viewer.post(url(account), {}, format="json").status_code == 403
    assert hooli.post(url(account), {}, format="json").status_code == 404
    assert hooli.get(url(account)).status_code == 404
    assert BaselineApproval.objects.count() == before
