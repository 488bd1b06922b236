"""Approving an account's latest snapshot as its baseline from the account page (analysts): the
drift it had settles, the act is audited, and a snapshot the user did not see is not approved."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cspm.accounts.models import CloudAccount
from cspm.audit.models import AuditEvent
from cspm.drift.models import BaselineApproval, DriftFinding
from tests.integration.helpers import cli
from tests.security.world import ACCOUNTS

pytestmark = pytest.mark.django_db




def approve(client: Client, account: CloudAccount, **data):
    return client.post(reverse("web:account_baseline_approve", args=[account.pk]),
                       {"snapshot": account.last_snapshot_id, "reason": "reviewed with the platform team", **data},
                       follow=True)


def test_the_account_page_shows_the_baseline_and_offers_approval_to_analysts(world):
    account = CloudAccount.objects.get(name=ACCOUNTS["Acme"][0])
    page = world.client("acme-analyst").get(reverse("web:account", args=[account.pk])).text
    assert "approved by <strong>cli:" in page  # the world approved it with the command
    assert f'name="snapshot" value="{account.last_snapshot_id}"' in page
    viewer = world.client("acme-viewer").get(reverse("web:account", args=[account.pk])).text
    assert "Approve as baseline" not in viewer


def test_an_analyst_approves_the_latest_snapshot_and_its_drift_settles(world):
    account = CloudAccount.objects.get(name=ACCOUNTS["Acme"][0])
    drift = DriftFinding.objects.filter(account=account, control_id="", status="open")
    assert drift.exists()
    response = approve(world.client("acme-analyst"), account)
    assert response.status_code == 200
    assert f"Snapshot #{account.last_snapshot_id} is now the baseline" in response.text
    approval = BaselineApproval.objects.filter(account=account).latest("id")
    assert (approval.snapshot_id, approval.actor, approval.reason) == (
        account.last_snapshot_id, "acme-analyst", "reviewed with the platform team")
    assert not drift.exists()
    event = AuditEvent.objects.filter(action="baseline.approve").latest("id")
    assert event.actor == "acme-analyst" and event.detail["snapshot"] == account.last_snapshot_id


def test_a_snapshot_newer_than_the_page_is_not_approved_unseen(world):
    account = CloudAccount.objects.get(name=ACCOUNTS["Acme"][0])
    before = BaselineApproval.objects.count()
    response = approve(world.client("acme-analyst"), account, snapshot=account.last_snapshot_id - 1)
    assert "A newer snapshot arrived" in response.text
    assert BaselineApproval.objects.count() == before


def test_a_reason_is_required_and_viewers_are_refused(world):
    account = CloudAccount.objects.get(name=ACCOUNTS["Acme"][0])
    before = BaselineApproval.objects.count()
    assert "Give a reason" in approve(world.client("acme-analyst"), account, reason="").text
    assert approve(world.client("acme-viewer"), account).status_code == 403
    assert approve(world.client("hooli-admin"), account).status_code == 404
    assert BaselineApproval.objects.count() == before


def test_an_account_never_polled_has_no_baseline_and_nothing_to_approve(world):
    cli("onboard", "--no-test", "--provider", "aws", "--account-id", "555555555555", "--name", "acme-new",
        "--org", "Acme")
    account = CloudAccount.objects.get(name="acme-new")
    client = world.client("acme-analyst")
    page = client.get(reverse("web:account", args=[account.pk])).text
    assert "No baseline yet" in page and "Approve as baseline" not in page
    response = client.post(reverse("web:account_baseline_approve", args=[account.pk]), {"reason": "x"}, follow=True)
    assert "has never been polled" in response.text
    assert not BaselineApproval.objects.filter(account=account).exists()
