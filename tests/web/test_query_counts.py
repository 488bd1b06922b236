"""Every page costs the same number of queries however many rows it shows. Generated over the URL
configuration like the permission tests: each page a signed-in admin can open is measured on the
security tests' world, then again after every kind of row has grown several-fold (accounts,
resources and their versions, snapshots, findings, results, audit events, members, tokens,
alert channels and deliveries). A new list page is covered the moment it is routed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cspm.accounts.models import CloudAccount, Membership
from cspm.accounts.tokens import token_create
from cspm.compliance.models import AccountScore, DailyScore
from cspm.drift.models import DriftFinding
from cspm.inventory.models import PollRun, Resource
from tests.integration.helpers import EKS_ARN, cli, eks_config, poll
from tests.security.endpoints import endpoints
from tests.security.test_permissions import PUBLIC, url
from tests.security.world import ACCOUNTS, World

pytestmark = pytest.mark.django_db

# Pages that show no rows of data (forms and the sign-in steps).
NOT_LISTS = PUBLIC | {"web:logout", "web:verify", "web:twofactor_setup", "web:backup_codes"}
# The list pages the issue names: the test fails if any of them was not measured.
MUST_MEASURE = {"web:home", "web:accounts", "web:account", "web:organizations", "web:findings", "web:finding",
                "web:resource", "web:compliance", "web:compliance_benchmark", "web:compliance_control",
                "web:audit", "web:members", "web:tokens", "web:due_diligence", "web:alerts", "web:alert_channel",
                "web:alert_deliveries"}



def pages(world: World) -> dict[str, str]:
    return {ep.name: url(world, ep, "Acme") for ep in endpoints()
            if not ep.api and "get" in ep.methods and ep.name not in NOT_LISTS}


def measure(client: Client, urls: dict[str, str]) -> dict[str, int]:
    counts = {}
    for name, path in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code == 405:  # a write-only route
            continue
        assert response.status_code == 200, (name, path, response.status_code)
        counts[name] = len(queries)
    return counts


def grow(world: World, estate) -> None:
    """Several times more of every kind of row the pages list, in Acme and its acquisition."""
    for i in range(5):
        estate.put("aws.eks.cluster", f"{EKS_ARN}-{i}", eks_config(public=True, cidrs=("0.0.0.0/0",)))
    for version in ("1.31", "1.32"):  # the world's resource gets a longer timeline
        estate.put("aws.eks.cluster", EKS_ARN, eks_config(public=True, cidrs=("0.0.0.0/0",), version=version))
        for org in ("Acme", "Globex"):
            poll(ACCOUNTS[org][0])
    cli("baseline", "approve", ACCOUNTS["Globex"][0], "--reason", "reviewed again")
    acme = world.orgs["Acme"]
    today = timezone.localdate()
    for i in range(8):
        account = CloudAccount.objects.create(organization=acme, provider="gcp", native_id=f"extra-project-{i}",
                                              name=f"extra-{i}", environment="staging")
        PollRun.objects.create(account=account, started_at=timezone.now(), state="done")
        AccountScore.objects.create(account=account, benchmark="cis_gke-1.7.0", severity="high", passed=3, failed=1)
        DailyScore.objects.create(day=today - dt.timedelta(days=1), account=account, benchmark="cis_gke-1.7.0",
                                  severity="high", passed=3, failed=1)
    base = DriftFinding.objects.get(pk=world.id("Acme", "finding"))
    now = timezone.now()
    DriftFinding.objects.bulk_create([DriftFinding(
        account=base.account, resource=base.resource, kind="control", control_id=f"test-control-{i}",
        severity="medium", fingerprint=f"grow{i}", opened_at=now, updated_at=now) for i in range(12)])
    for i in range(6):
        user = User.objects.create_user(f"grown-{i}", email=f"grown-{i}@example.com")
        Membership.objects.create(user=user, organization=acme, role="viewer")
        token_create(user=world.users["acme-admin"], name=f"grown-{i}", days=1)
    _grow_alerts(acme)


def _grow_alerts(org) -> None:
    """Channels with a rule and deliveries each, for the alert pages to list."""
    from cspm.alerts.models import Channel, Notification, Rule

    for i in range(4):
        channel = Channel.objects.create(name=f"grown-channel-{i}", kind="email", organization=org,
                                         config={"recipients": [f"sec{i}@example.com"]})
        Rule.objects.create(channel=channel, min_severity="high")
        Notification.objects.bulk_create([Notification(channel=channel, mode="immediate", due_at=timezone.now(),
                                                       next_attempt_at=timezone.now()) for _ in range(3)])


def test_every_page_costs_the_same_queries_for_many_rows_as_for_few(world, estate):
    client = Client()
    client.force_login(world.users["acme-admin"])
    urls = pages(world)
    measure(client, urls)  # warm what is read once per session (content types, the session itself)
    few = measure(client, urls)
    assert MUST_MEASURE <= set(few), sorted(MUST_MEASURE - set(few))
    resources = Resource.objects.count()
    grow(world, estate)
    assert Resource.objects.count() >= resources + 10
    many = measure(client, urls)
    grew = {name: (few[name], many[name]) for name in few if many[name] != few[name]}
    assert not grew, grew
