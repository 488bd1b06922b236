"""The drift pages: the findings list (scoped, filtered, paged by id, exported), bulk triage, one
finding's page (changes, baseline against current, rationale and remediation, triage forms),
escaping and query counts. Real findings, made by polls of the test estate."""

import csv
import datetime as dt
import io

import orjson
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cspm.audit.models import AuditEvent
from cspm.drift.models import DriftFinding
from cspm.web.drift_pages import COLUMNS, PAGE, resource_url
from tests.security.world import MARKERS, World

pytestmark = pytest.mark.django_db

LIST = "/findings/"




def ids_of(response) -> list[int]:
    return [row["f"].pk for row in response.context["rows"]]


def more_findings(world: World, org: str, n: int, severity: str = "low") -> list[DriftFinding]:
    """n extra open control findings on the organization's resource (one per made-up control)."""
    base = DriftFinding.objects.get(pk=world.id(org, "finding"))
    now = timezone.now()
    return DriftFinding.objects.bulk_create([DriftFinding(
        account=base.account, resource=base.resource, kind="control", control_id=f"test-control-{org}-{i}",
        severity=severity, fingerprint=f"fp{i}", opened_at=now, updated_at=now) for i in range(n)])


def until() -> str:
    return (timezone.now() + dt.timedelta(days=10)).date().isoformat()


# The list ----------------------------------------------------------------------------------------

def test_the_list_shows_the_users_findings_and_not_another_organizations(world):
    response = world.client("acme-viewer").get(LIST)
    assert response.status_code == 200
    text = response.content.decode()
    assert MARKERS["Acme"][0] in text and MARKERS["Globex"][0] in text  # Globex is under Acme
    assert all(m not in text for m in MARKERS["Hooli"])
    shown = DriftFinding.objects.filter(pk__in=ids_of(response))
    assert shown.exists() and set(shown.values_list("account__organization__name", flat=True)) == {"Acme", "Globex"}

    hooli = world.client("hooli-admin").get(LIST)
    assert set(DriftFinding.objects.filter(pk__in=ids_of(hooli)).values_list("account__name", flat=True)) == {
        "hooli-prod"}
    assert all(m not in hooli.content.decode() for org in ("Acme", "Globex") for m in MARKERS[org])


def test_filters(world):
    client = world.client("acme-viewer")
    drift = DriftFinding.objects.filter(pk__in=ids_of(client.get(LIST, {"source": "drift"})))
    assert drift.exists() and not drift.exclude(control_id="").exists()
    control = DriftFinding.objects.filter(pk__in=ids_of(client.get(LIST, {"source": "control"})))
    assert control.exists() and not control.filter(control_id="").exists()
    assert set(ids_of(client.get(LIST))) == set(drift.values_list("id", flat=True)) | set(
        control.values_list("id", flat=True))

    globex = DriftFinding.objects.filter(pk__in=ids_of(client.get(LIST, {"organization": world.id("Globex",
                                                                                                    "organization")})))
    assert set(globex.values_list("account__name", flat=True)) == {"globex-prod"}
    acme_and_below = client.get(LIST, {"organization": world.id("Acme", "organization")})
    assert len(ids_of(acme_and_below)) == len(ids_of(client.get(LIST)))
    account = client.get(LIST, {"account": world.id("Acme", "account")})
    assert set(DriftFinding.objects.filter(pk__in=ids_of(account)).values_list("account__name", flat=True)) == {
        "acme-prod"}

    assert ids_of(client.get(LIST, {"cloud": "gcp"})) == []
    assert ids_of(client.get(LIST, {"cloud": "aws"}))
    assert ids_of(client.get(LIST, {"resource_type": "aws.s3.bucket"})) == []
    assert ids_of(client.get(LIST, {"resource_type": "aws.eks.cluster"}))
    tomorrow = (timezone.now() + dt.timedelta(days=1)).date().isoformat()
    assert ids_of(client.get(LIST, {"since": tomorrow})) == []
    assert ids_of(client.get(LIST, {"since": "2020-01-01"}))

    severity = DriftFinding.objects.get(pk=world.id("Acme", "finding")).severity
    by_severity = DriftFinding.objects.filter(pk__in=ids_of(client.get(LIST, {"severity": severity})))
    assert by_severity.exists() and set(by_severity.values_list("severity", flat=True)) == {severity}

    DriftFinding.objects.filter(pk=world.id("Acme", "finding")).update(status="resolved")
    assert world.id("Acme", "finding") not in ids_of(client.get(LIST))  # default: open
    assert world.id("Acme", "finding") in ids_of(client.get(LIST, {"status": "all"}))
    assert ids_of(client.get(LIST, {"status": "resolved"})) == [world.id("Acme", "finding")]

    # Another group's account is not a choice; nor is an unknown status.
    assert client.get(LIST, {"account": world.id("Hooli", "account")}).status_code == 400
    assert client.get(LIST, {"organization": world.id("Hooli", "organization")}).status_code == 400
    assert client.get(LIST, {"status": "bogus"}).status_code == 400


def test_pages_by_id_keep_the_filters(world):
    more_findings(world, "Acme", PAGE + 10)
    more_findings(world, "Hooli", 5)
    client = world.client("acme-viewer")
    expected = list(DriftFinding.objects.filter(account__organization__name__in=("Acme", "Globex"),
                                                status__in=("open", "acknowledged"), control_id__startswith="test-")
                    .order_by("-id").values_list("id", flat=True))
    first = client.get(LIST, {"source": "control", "severity": "low", "resource_type": "aws.eks.cluster"})
    assert ids_of(first) == expected[:PAGE]
    older = first.context["older"]
    assert "source=control" in older and "severity=low" in older and f"before={expected[PAGE - 1]}" in older
    assert f'href="?{older.replace("&", "&amp;")}"' in first.content.decode()
    second = client.get(LIST + "?" + older)
    assert ids_of(second) == expected[PAGE:]
    assert second.context["older"] == "" and "source=control" in second.context["newest"]


def test_query_count_does_not_grow_with_the_rows(world):
    client = world.client("acme-analyst")
    more_findings(world, "Acme", 3)
    query = {"status": "all", "source": "control", "severity": "low", "resource_type": "aws.eks.cluster"}
    with CaptureQueriesContext(connection) as few:
        shown = len(ids_of(client.get(LIST, query)))
    assert 3 <= shown < 10
    more_findings(world, "Globex", 27)
    with CaptureQueriesContext(connection) as many:
        assert len(ids_of(client.get(LIST, query))) == shown + 27
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) <= 25  # session, user, second factor, reach, navigation: no row adds one


def test_exports_stream_every_match_with_the_filters(world):
    more_findings(world, "Acme", PAGE + 5)
    client = world.client("acme-viewer")
    response = client.get(LIST, {"format": "json", "organization": world.id("Acme", "organization")})
    assert response.streaming and response["Content-Type"] == "application/json"
    rows = orjson.loads(b"".join(response))
    assert len(rows) > PAGE  # every match, not a page
    assert {r["organization"] for r in rows} == {"Acme", "Globex"}  # and the organizations under it
    rows = orjson.loads(b"".join(client.get(LIST, {"format": "json", "account": world.id("Acme", "account"),
                                                   "source": "control"})))
    assert len(rows) > PAGE and {r["account"] for r in rows} == {"acme-prod"}
    assert all(r["control"] and r["remediation"] is not None for r in rows)

    response = client.get(LIST, {"format": "csv", "source": "drift"})
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(b"".join(response).decode())))
    assert table[0] == COLUMNS
    assert {r[COLUMNS.index("control")] for r in table[1:]} == {""}
    assert {r[COLUMNS.index("account")] for r in table[1:]} == {"acme-prod", "globex-prod"}
    assert client.get(LIST, {"format": "xml"}).status_code == 400

    page = client.get(LIST, {"source": "drift"}).content.decode()
    assert "?source=drift&amp;format=csv" in page and "?source=drift&amp;format=json" in page


# Bulk triage ------------------------------------------------------------------------------------

def live_ids(world, org: str) -> list[int]:
    return list(DriftFinding.objects.filter(account__organization__name=org, status="open").values_list("id",
                                                                                                        flat=True))


def test_an_analyst_acknowledges_in_bulk_and_returns_to_the_filtered_list(world):
    ids = live_ids(world, "Acme") + live_ids(world, "Globex")
    client = world.client("acme-analyst")
    back = "/findings/?source=drift&severity=high"
    response = client.post(reverse("web:findings_bulk"), {"finding": ids, "action": "acknowledge",
                                                          "reason": "looking", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert set(DriftFinding.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"acknowledged"}
    assert set(DriftFinding.objects.filter(pk__in=ids).values_list("status_changed_by", flat=True)) == {
        "acme-analyst"}
    assert AuditEvent.objects.filter(action="finding.acknowledged").count() == len(ids)
    texts = [str(m) for m in client.get(back).context["messages"]]
    assert any(f"Acknowledged {len(ids)} findings" in t for t in texts)


def test_bulk_suppress_needs_reason_and_date(world):
    ids = live_ids(world, "Acme")
    client = world.client("acme-analyst")
    url = reverse("web:findings_bulk")
    response = client.post(url, {"finding": ids, "action": "suppress", "reason": ""})
    assert response.status_code == 302
    assert set(DriftFinding.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"open"}
    messages = [str(m) for m in client.get(LIST).context["messages"]]
    assert any("needs a reason" in t for t in messages)

    client.post(url, {"finding": ids, "action": "suppress", "reason": "change window", "until": until()})
    suppressed = DriftFinding.objects.filter(pk__in=ids)
    assert set(suppressed.values_list("status", flat=True)) == {"suppressed"}
    assert all(f.suppressed_until.date().isoformat() == until() for f in suppressed)


def test_bulk_accept_takes_the_drift_into_the_baseline(world):
    drift = world.id("Acme", "finding")
    client = world.client("acme-analyst")
    response = client.post(reverse("web:findings_bulk"), {"finding": [drift], "action": "accept", "reason": "ok"})
    assert response.status_code == 302
    assert DriftFinding.objects.get(pk=drift).status == "accepted"
    assert AuditEvent.objects.filter(action__startswith="baseline.").exists()


def test_bulk_refusals_change_nothing(world):
    acme = live_ids(world, "Acme")
    url = reverse("web:findings_bulk")
    events = AuditEvent.objects.count()
    body = {"finding": acme, "action": "acknowledge", "reason": "x"}
    assert world.client("acme-viewer").post(url, body).status_code == 403
    # One finding out of reach: the whole request is not found.
    mixed = {**body, "finding": [*acme, world.id("Hooli", "finding")]}
    assert world.client("acme-analyst").post(url, mixed).status_code == 404
    assert world.client("acme-analyst").post(url, {**body, "finding": [10 ** 9]}).status_code == 404
    assert world.client("hooli-admin").post(url, body).status_code == 404
    assert world.client("acme-analyst").post(url, {**body, "finding": ["x"]}).status_code == 400
    assert AuditEvent.objects.count() == events
    assert set(DriftFinding.objects.filter(pk__in=acme).values_list("status", flat=True)) == {"open"}
    assert Client().post(url, body).status_code == 302  # to sign in
    assert world.client("acme-analyst").get(url).status_code == 405


def test_bulk_returns_only_to_a_local_url(world):
    client = world.client("acme-analyst")
    for unsafe in ("https://evil.example/findings/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        response = client.post(reverse("web:findings_bulk"), {"finding": [], "action": "acknowledge",
                                                              "next": unsafe})
        assert response["Location"] == LIST, unsafe


def test_forms_carry_csrf_and_posts_without_it_are_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["acme-analyst"])
    page = client.get(LIST).content.decode()
    assert page.count("csrfmiddlewaretoken") >= 2  # sign-out and bulk
    detail = client.get(reverse("web:finding", kwargs={"finding_id": world.id("Acme", "finding")})).content.decode()
    assert detail.count("csrfmiddlewaretoken") >= 4  # sign-out and the three triage forms
    response = client.post(reverse("web:findings_bulk"), {"finding": live_ids(world, "Acme"),
                                                          "action": "acknowledge"})
    assert response.status_code == 403
    assert set(DriftFinding.objects.filter(pk__in=live_ids(world, "Acme")).values_list("status", flat=True)) == {
        "open"}


def test_the_list_shows_checkboxes_and_actions_to_analysts_only(world):
    viewer = world.client("acme-viewer").get(LIST).content.decode()
    assert 'name="finding"' not in viewer and "findings_bulk" not in viewer and 'name="action"' not in viewer
    analyst = world.client("acme-analyst").get(LIST).content.decode()
    assert f'name="finding" value="{world.id("Acme", "finding")}"' in analyst
    assert '<label for="bulk-reason">' in analyst and 'scope="col"' in analyst
    assert "drift.js" in analyst and "drift.css" in analyst
    assert "<script>" not in analyst and "style=" not in analyst  # CSP: no inline script or style


# One finding ------------------------------------------------------------------------------------

def test_the_finding_page_shows_changes_diff_and_remediation(world):
    f = DriftFinding.objects.get(pk=world.id("Acme", "finding"))
    response = world.client("acme-viewer").get(reverse("web:finding", kwargs={"finding_id": f.pk}))
    assert response.status_code == 200
    text = response.content.decode()
    assert "acme-prod" in text and f.resource.native_id in text
    assert response.context["changes"] and any(c["path"] for c in response.context["changes"])
    assert 'class="config-diff"' in text
    diff_rows = response.context["diff"]
    assert any(r.tag in ("replace", "insert", "delete") and ("1.30" in r.right or "1.29" in r.left)
               for r in diff_rows)
    assert response.context["texts"]["remediation"] and "How to fix it" in text
    assert "History" in text and response.context["events"]
    link = resource_url(f.resource_id)  # the resource page, once it is routed
    assert (f'href="{link}"' in text) if link else response.context["resource_url"] is None
    # A viewer sees no triage form.
    assert "finding_acknowledge" not in text and reverse("web:finding_suppress", kwargs={"finding_id": f.pk}) \
        not in text

    analyst = world.client("acme-analyst").get(reverse("web:finding", kwargs={"finding_id": f.pk}))
    page = analyst.content.decode()
    for name in ("web:finding_acknowledge", "web:finding_suppress", "web:finding_accept"):
        assert reverse(name, kwargs={"finding_id": f.pk}) in page
    assert '<label for="sup-until">' in page


def test_a_control_finding_page_shows_the_control_and_its_remediation(world):
    f = DriftFinding.objects.get(pk=world.id("Acme", "control_finding"))
    response = world.client("acme-viewer").get(reverse("web:finding", kwargs={"finding_id": f.pk}))
    assert response.status_code == 200
    assert f.control_id in response.content.decode()
    assert response.context["title"]
    assert response.context["texts"]["remediation"]


def test_a_finding_out_of_reach_is_not_found(world):
    hooli = world.id("Hooli", "finding")
    client = world.client("acme-admin")
    assert client.get(reverse("web:finding", kwargs={"finding_id": hooli})).status_code == 404
    for name in ("web:finding_acknowledge", "web:finding_suppress", "web:finding_accept"):
        assert client.post(reverse(name, kwargs={"finding_id": hooli}), {"reason": "x", "until": until()}
                           ).status_code == 404
    assert DriftFinding.objects.get(pk=hooli).status == "open"
    assert client.get(reverse("web:finding", kwargs={"finding_id": 10 ** 9})).status_code == 404


def test_triage_on_the_finding_page(world):
    f = world.id("Acme", "finding")
    url = {n: reverse(f"web:finding_{n}", kwargs={"finding_id": f}) for n in ("acknowledge", "suppress", "accept")}
    viewer = world.client("acme-viewer")
    assert viewer.post(url["acknowledge"], {"reason": "x"}).status_code == 403
    analyst = world.client("acme-analyst")
    response = analyst.post(url["acknowledge"], {"reason": "looking"})
    assert response.status_code == 302 and response["Location"] == reverse("web:finding", kwargs={"finding_id": f})
    assert DriftFinding.objects.get(pk=f).status == "acknowledged"
    analyst.post(url["acknowledge"], {"reason": "again"})  # not open any more: refused by the service
    messages = [str(m) for m in analyst.get(response["Location"]).context["messages"]]
    assert any("not open" in t for t in messages)
    analyst.post(url["suppress"], {"reason": "window", "until": "2020-01-01"})
    assert DriftFinding.objects.get(pk=f).status == "acknowledged"
    analyst.post(url["suppress"], {"reason": "window", "until": until()})
    assert DriftFinding.objects.get(pk=f).status == "suppressed"
    control = world.id("Acme", "control_finding")
    analyst.post(reverse("web:finding_accept", kwargs={"finding_id": control}), {"reason": "accepted risk"})
    assert DriftFinding.objects.get(pk=control).status == "accepted"


# Escaping ---------------------------------------------------------------------------------------

def test_cloud_strings_show_as_text(world):
    evil = "<script>alert(1)</script>"
    f = DriftFinding.objects.get(pk=world.id("Acme", "finding"))
    f.resource.name = evil
    f.resource.save(update_fields=["name"])
    f.changes = [{"path": evil, "op": "replace", "before": evil, "after": {"k": evil}}]
    f.status_reason, f.status_changed_by = evil, evil
    f.save()
    client = world.client("acme-analyst")
    for response in (client.get(LIST), client.get(reverse("web:finding", kwargs={"finding_id": f.pk}))):
        text = response.content.decode()
        assert evil not in text and "<script>alert" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
