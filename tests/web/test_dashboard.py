"""The dashboard and organizations pages: the user's own numbers (equal to counts made by hand
from the world), nothing of another organization, constant query counts, escaped names."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cspm.accounts.models import CloudAccount, Membership, Organization
from cspm.compliance.models import AccountScore, DailyScore
from cspm.compliance.scores import weighted
from cspm.drift.models import DriftFinding
from cspm.web import charts

pytestmark = pytest.mark.django_db
XSS = "<script>alert(1)</script>"



def page(client, world, username, name="web:home"):
    client.force_login(world.users[username])
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response


def test_the_dashboard_shows_own_numbers_only(client, world):
    response = page(client, world, "hooli-admin")
    text = response.text
    assert "hooli-prod" in text
    assert "acme-prod" not in text and "globex-prod" not in text and "111111111111" not in text
    hooli = CloudAccount.objects.get(name="hooli-prod")
    drift = DriftFinding.objects.filter(account=hooli, control_id="", status__in=("open", "acknowledged"))
    assert drift.exists()
    assert response.context["drift_total"] == drift.count()
    by_severity = {row["severity"]: row["count"] for row in response.context["drift"]}
    for severity in ("critical", "high", "medium", "low", "info"):
        assert by_severity[severity] == drift.filter(severity=severity).count()
        assert f'data-severity="{severity}">{by_severity[severity]}<' in text
    orgs = response.context["scores"]["organization"]
    assert [row["label"] for row in orgs] == ["Hooli"]
    rows = [(s.severity, s.passed, s.failed) for s in AccountScore.objects.filter(account=hooli)]
    assert orgs[0]["score"] == weighted(rows) and orgs[0]["failed"] == sum(f for _, _, f in rows)
    assert [c.resource.account.name for c in response.context["changes"]] == ["hooli-prod"] * len(
        response.context["changes"])
    assert response.context["changes"]


def test_a_parent_sees_its_acquisition_and_counts_add_up(client, world):
    response = page(client, world, "acme-viewer")
    text = response.text
    assert "acme-prod" in text and "globex-prod" in text and "hooli-prod" not in text
    mine = CloudAccount.objects.filter(organization__name__in=("Acme", "Globex"))
    expected = DriftFinding.objects.filter(account__in=mine, control_id="", status__in=("open", "acknowledged"))
    assert response.context["drift_total"] == expected.count() > 0
    riskiest = response.context["riskiest"]
    assert {a.name for a in riskiest} == {"acme-prod", "globex-prod"}
    for a in riskiest:
        assert a.open_findings == DriftFinding.objects.filter(account=a, status__in=("open", "acknowledged")).count()
    clouds = response.context["scores"]["provider"]
    assert [c["key"] for c in clouds] == ["aws"]
    assert clouds[0]["passed"] == sum(s.passed for s in AccountScore.objects.filter(account__in=mine))


def test_riskiest_puts_production_first_and_health_flags_stale_accounts(client, world):
    acme = world.orgs["Acme"]
    CloudAccount.objects.create(organization=acme, provider="gcp", native_id="dev-project", name="acme-dev",
                                environment="dev")
    response = page(client, world, "acme-admin")
    names = [a.name for a in response.context["riskiest"]]
    assert names[-1] == "acme-dev"
    health = response.context["health"]
    assert health["total"] == 3 and health["stale"] >= 1
    assert "acme-dev" in [a.name for a in health["accounts"]]


def _more_accounts(org, n):
    today = timezone.localdate()
    for i in range(n):
        account = CloudAccount.objects.create(organization=org, provider="azure", native_id=f"sub-{i}",
                                              name=f"extra-{i}", environment="staging")
        AccountScore.objects.create(account=account, benchmark="cis_azure-3.0.0", severity="high", passed=3, failed=1)
        DailyScore.objects.create(day=today - dt.timedelta(days=1), account=account, benchmark="cis_azure-3.0.0",
                                  severity="high", passed=3, failed=1)


@pytest.mark.parametrize("name", ["web:home", "web:organizations", "web:compliance"])
def test_query_count_does_not_grow_with_accounts(client, world, name):
    client.force_login(world.users["acme-admin"])
    url = reverse(name)
    client.get(url)  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    _more_accounts(world.orgs["Acme"], 8)
    assert CloudAccount.objects.filter(organization__name__in=("Acme", "Globex")).count() == 10
    with CaptureQueriesContext(connection) as ten:
        response = client.get(url)
    assert response.status_code == 200
    if name == "web:home":
        assert "extra-7" in response.text
    assert len(ten) == len(two), [q["sql"][:120] for q in ten.captured_queries]


def test_the_organizations_page_shows_parent_and_acquisition_side_by_side(client, world):
    response = page(client, world, "acme-admin", "web:organizations")
    text = response.text
    acme, globex = world.orgs["Acme"], world.orgs["Globex"]
    assert "Acme" in text and "Globex" in text and "Hooli" not in text
    assert reverse("web:due_diligence", args=[globex.pk]) in text
    assert reverse("web:members", args=[acme.pk]) in text and reverse("web:members", args=[globex.pk]) in text
    drift = DriftFinding.objects.filter(account__organization=globex, control_id="",
                                        status__in=("open", "acknowledged")).count()
    assert f'data-org-drift="{globex.pk}">{drift}<' in text
    rows = [(s.severity, s.passed, s.failed) for s in AccountScore.objects.filter(account__organization=globex)]
    assert f'data-org-score="{globex.pk}">{weighted(rows)}%<' in text
    globex.refresh_from_db()
    assert "Acquisition of Acme" in text and globex.get_integration_stage_display() in text


def test_a_viewer_gets_no_members_link(client, world):
    text = page(client, world, "acme-viewer", "web:organizations").text
    assert "/members/" not in text and reverse("web:due_diligence", args=[world.orgs["Acme"].pk]) in text


def test_names_are_escaped_everywhere(client, world):
    org = Organization.objects.create(name=XSS, slug="xss")
    CloudAccount.objects.create(organization=org, provider="aws", native_id="999999999999", name=XSS)
    Membership.objects.create(user=world.users["hooli-admin"], organization=org, role="admin")
    for name in ("web:home", "web:organizations", "web:compliance"):
        text = page(client, world, "hooli-admin", name).text
        assert XSS not in text, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text or name == "web:compliance", name


def test_charts_escape_labels_and_carry_a_text_equivalent():
    svg = charts.bar_chart([(XSS, 3), ("low", 0)], label="Drift <by> severity")
    assert XSS not in svg and "&lt;script&gt;" in svg and 'role="img"' in svg and "<title>Drift &lt;by&gt;" in svg
    line = charts.line_chart([("2026-01-01", 50.0), ("2026-01-02", None), ("2026-01-03", 75.5)], label="Score")
    assert line.count("<polyline") == 2 and "from 50% on 2026-01-01 to 75.5% on 2026-01-03" in line
    assert "style=" not in svg + line
