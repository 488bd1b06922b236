"""The inventory pages: a resource (its configuration, its version timeline, a diff of any two
versions, its open findings), the accounts list (scoped, counted in one query, filtered,
exported) and one account (settings without credentials, snapshots, poll runs, poll now)."""

import csv
import datetime as dt
import io
import json

import orjson
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cspm.accounts.models import CloudAccount, Organization
from cspm.audit.models import AuditEvent
from cspm.drift.models import DriftFinding
from cspm.inventory.models import PollRun, Resource, ResourceVersion, Snapshot
from cspm.web.views import resources as resource_views
from tests.integration.helpers import EKS_ARN

pytestmark = pytest.mark.django_db
HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"




def eks(org: str) -> Resource:
    return Resource.objects.get(account__organization__name=org, native_id=EKS_ARN)


# --- the resource page --------------------------------------------------------------------------

def test_the_resource_page_shows_the_configuration_the_timeline_and_the_latest_change(world):
    resource = eks("Acme")
    first, second = ResourceVersion.objects.filter(resource=resource).order_by("id")[:2]
    response = world.client("acme-viewer").get(reverse("web:resource", args=[resource.pk]))
    assert response.status_code == 200
    text = response.text
    assert resource.type in text and EKS_ARN in text and "acme-prod" in text and "Acme" in text
    assert '<pre class="config"' in text and "&quot;version&quot;: &quot;1.30&quot;" in text
    for v in (first, second):
        assert f"#{v.pk}" in text
    assert f"#{second.snapshot_id}" in text
    # The default diff: the previous version against the current one, side by side.
    diff = response.context["rows"]
    changed = [r for r in diff if r.tag == "replace"]
    assert any('"1.29"' in r.left and '"1.30"' in r.right for r in changed)
    assert response.context["left_id"] == first.pk and response.context["right_id"] == second.pk
    assert 'class="config-diff"' in text


def test_any_two_versions_can_be_compared_and_another_resources_version_is_refused(world):
    resource = eks("Acme")
    first, second = ResourceVersion.objects.filter(resource=resource).order_by("id")[:2]
    client = world.client("acme-viewer")
    url = reverse("web:resource", args=[resource.pk])
    response = client.get(url, {"from": second.pk, "to": first.pk})
    assert response.status_code == 200
    assert any('"1.30"' in r.left and '"1.29"' in r.right for r in response.context["rows"])
    same = client.get(url, {"from": first.pk, "to": first.pk})
    assert all(r.tag in ("equal", "skip") for r in same.context["rows"])
    foreign = ResourceVersion.objects.filter(resource=eks("Hooli")).latest("id")
    refused = client.get(url, {"from": foreign.pk, "to": second.pk})
    assert refused.status_code == 400
    assert "is not a version of this resource" in refused.text
    assert "hooli" not in json.dumps([r.left + r.right for r in refused.context["rows"]]).lower()
    assert client.get(url, {"from": "x", "to": ""}).status_code == 200  # junk: the default pair


def test_the_timeline_pages_by_id(world, monkeypatch):
    monkeypatch.setattr(resource_views, "PAGE", 1)
    resource = eks("Acme")
    first, second = ResourceVersion.objects.filter(resource=resource).order_by("id")[:2]
    client = world.client("acme-viewer")
    page1 = client.get(reverse("web:resource", args=[resource.pk]))
    assert [v.pk for v in page1.context["versions"]] == [second.pk]
    assert page1.context["older"] == f"before={second.pk}"
    page2 = client.get(reverse("web:resource", args=[resource.pk]), {"before": second.pk})
    assert [v.pk for v in page2.context["versions"]] == [first.pk] and not page2.context["older"]


def test_the_resource_page_lists_its_open_findings(world):
    resource = eks("Acme")
    open_ids = set(DriftFinding.objects.filter(resource=resource, status="open").values_list("id", flat=True))
    assert open_ids
    response = world.client("acme-viewer").get(reverse("web:resource", args=[resource.pk]))
    assert {row["f"].pk for row in response.context["findings"]} == open_ids
    for pk in open_ids:
        assert f"#{pk}" in response.text


def test_another_organizations_resource_is_not_found(world):
    acme, globex = eks("Acme"), eks("Globex")
    assert world.client("hooli-admin").get(reverse("web:resource", args=[acme.pk])).status_code == 404
    assert world.client("globex-admin").get(reverse("web:resource", args=[acme.pk])).status_code == 404
    assert world.client("globex-admin").get(reverse("web:resource", args=[globex.pk])).status_code == 200
    # The parent's people see the acquisition's resources.
    assert world.client("acme-viewer").get(reverse("web:resource", args=[globex.pk])).status_code == 200
    assert world.client("acme-viewer").get(reverse("web:resource", args=[10 ** 9])).status_code == 404


def test_anonymous_visitors_sign_in_first(world):
    response = Client().get(reverse("web:resource", args=[eks("Acme").pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


# --- the accounts list --------------------------------------------------------------------------

def test_the_accounts_list_is_scoped_and_counted(world):
    response = world.client("acme-viewer").get(reverse("web:accounts"))
    assert response.status_code == 200
    rows = {a.name: a for a in response.context["accounts"]}
    assert set(rows) == {"acme-prod", "globex-prod"}
    assert "hooli-prod" not in response.text
    for a in rows.values():
        findings = DriftFinding.objects.filter(account_id=a.pk, status="open")
        assert a.open_drift == findings.filter(control_id="").count()
        assert a.open_control == findings.exclude(control_id="").count()
        assert a.resource_count == Resource.objects.filter(account_id=a.pk, removed_at__isnull=True).count()
        assert a.status in ("ok", "partial")
    assert rows["acme-prod"].open_drift >= 1 and rows["acme-prod"].open_control >= 1
    assert rows["acme-prod"].resource_count >= 1
    hooli = world.client("hooli-admin").get(reverse("web:accounts"))
    assert [a.name for a in hooli.context["accounts"]] == ["hooli-prod"]


def test_the_accounts_list_filters_by_cloud_organization_and_status(world):
    client = world.client("acme-viewer")
    globex = world.orgs["Globex"].pk
    names = lambda **q: [a.name for a in client.get(reverse("web:accounts"), q).context["accounts"]]  # noqa: E731
    assert names(organization=globex) == ["globex-prod"]
    assert names(cloud="aws") == ["acme-prod", "globex-prod"]
    assert names(cloud="gcp") == []
    CloudAccount.objects.filter(name="globex-prod").update(
        last_polled_at=timezone.now() - dt.timedelta(days=1), poll_interval_seconds=900)
    assert names(status="stale") == ["globex-prod"]
    CloudAccount.objects.filter(name="acme-prod").update(enabled=False)
    assert names(status="disabled") == ["acme-prod"]
    assert client.get(reverse("web:accounts"), {"organization": world.orgs["Hooli"].pk}).status_code == 400


def test_an_account_whose_last_snapshot_failed_is_failing(world):
    account = CloudAccount.objects.get(name="acme-prod")
    Snapshot.objects.filter(pk=account.last_snapshot_id).update(status="failed")
    response = world.client("acme-viewer").get(reverse("web:accounts"), {"status": "failing"})
    assert [a.name for a in response.context["accounts"]] == ["acme-prod"]
    assert "Failing" in response.text


def _add_accounts(org: Organization, n: int) -> None:
    for i in range(n):
        account = CloudAccount.objects.create(organization=org, provider="gcp", native_id=f"extra-{org.pk}-{i}",
                                              name=f"extra-{org.slug}-{i}")
        PollRun.objects.create(account=account, started_at=timezone.now(), state="done")


def test_the_accounts_list_runs_a_constant_number_of_queries(world):
    client = world.client("acme-viewer")
    _add_accounts(world.orgs["Acme"], 1)  # 3 accounts
    client.get(reverse("web:accounts"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(reverse("web:accounts")).context["accounts"]) == 3
    _add_accounts(world.orgs["Globex"], 17)  # 20 accounts
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(reverse("web:accounts")).context["accounts"]) == 20
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_accounts_list_exports_csv_and_json(world):
    client = world.client("acme-viewer")
    data = orjson.loads(b"".join(client.get(reverse("web:accounts"), {"format": "json"}).streaming_content))
    assert {r["name"] for r in data} == {"acme-prod", "globex-prod"}
    acme = next(r for r in data if r["name"] == "acme-prod")
    assert acme["open_drift"] >= 1 and acme["organization"] == "Acme" and "credentials" not in json.dumps(acme)
    response = client.get(reverse("web:accounts"), {"format": "csv", "organization": world.orgs["Globex"].pk})
    assert response["Content-Disposition"] == 'attachment; filename="accounts.csv"'
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["name"] for r in rows] == ["globex-prod"]
    assert client.get(reverse("web:accounts"), {"format": "xml"}).status_code == 400


# --- one account --------------------------------------------------------------------------------

def test_the_account_page_shows_settings_snapshots_and_runs_but_no_credentials(world):
    account = CloudAccount.objects.get(name="acme-prod")
    account.credentials_summary = {"kind": "access_key", "access_key_id": "AKIAEXAMPLEID"}
    account.credentials_encrypted = "gAAAA-not-a-real-token"
    account.save()
    PollRun.objects.create(account=account, started_at=timezone.now(), state="done", finished_at=timezone.now(),
                           error="")
    response = world.client("acme-viewer").get(reverse("web:account", args=[account.pk]))
    assert response.status_code == 200
    text = response.text
    assert "access_key" in text and "AKIAEXAMPLEID" not in text and "gAAAA" not in text
    snapshot_ids = list(Snapshot.objects.filter(account=account).values_list("id", flat=True))
    assert snapshot_ids and all(f"#{pk}" in text for pk in snapshot_ids)
    assert "Done" in text
    assert "Poll now" not in text  # a viewer has no button
    assert "Poll now" in world.client("acme-admin").get(reverse("web:account", args=[account.pk])).text
    hooli = world.client("hooli-admin")
    assert hooli.get(reverse("web:account", args=[account.pk])).status_code == 404
    assert hooli.get(reverse("web:account_poll_status", args=[account.pk])).status_code == 404


def test_poll_now_is_for_admins_and_polls(world, django_capture_on_commit_callbacks):
    account = CloudAccount.objects.get(name="acme-prod")
    url = reverse("web:account_poll", args=[account.pk])
    snapshots = Snapshot.objects.filter(account=account).count()
    for role in ("viewer", "analyst"):
        assert world.client(f"acme-{role}").post(url).status_code == 403
    assert world.client("hooli-admin").post(url).status_code == 404
    admin = world.client("acme-admin")
    assert admin.get(url).status_code == 405
    events = AuditEvent.objects.filter(action="account.poll").count()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("web:account", args=[account.pk])
    assert AuditEvent.objects.filter(action="account.poll").count() == events + 1
    run = PollRun.objects.filter(account=account).latest("id")
    assert run.state == "done"
    assert Snapshot.objects.filter(account=account).count() == snapshots + 1
    page = admin.get(response["Location"])
    assert "Poll started." in page.text
    status = admin.get(reverse("web:account_poll_status", args=[account.pk])).json()
    assert status["running"] is False and status["run"]["id"] == run.pk


def test_a_second_poll_now_while_one_is_claimed_is_not_started(world):
    account = CloudAccount.objects.get(name="acme-prod")
    CloudAccount.objects.filter(pk=account.pk).update(poll_claimed_until=timezone.now() + dt.timedelta(hours=1))
    admin = world.client("acme-admin")
    response = admin.post(reverse("web:account_poll", args=[account.pk]), follow=True)
    assert "already running" in response.text
    assert not AuditEvent.objects.filter(action="account.poll").exists()


def test_a_running_poll_shows_progress_that_refreshes(world):
    account = CloudAccount.objects.get(name="acme-prod")
    run = PollRun.objects.create(account=account, started_at=timezone.now(), state="collecting")
    client = world.client("acme-viewer")
    text = client.get(reverse("web:account", args=[account.pk])).text
    assert "Polling…" in text
    assert '<meta http-equiv="refresh" content="5">' in text and "cspm/poll.js" in text
    assert reverse("web:account_poll_status", args=[account.pk]) in text
    assert "<script>" not in text and "style=" not in text  # CSP: no inline script or style
    status = client.get(reverse("web:account_poll_status", args=[account.pk])).json()
    assert status == {"account": account.pk, "running": True, "last_polled_at": status["last_polled_at"],
                      "run": {"id": run.pk, "state": "collecting", "started_at": run.started_at.isoformat(),
                              "finished_at": None}}
    run.state = "done"
    run.save()
    assert "Polling…" not in client.get(reverse("web:account", args=[account.pk])).text


# --- escaping -----------------------------------------------------------------------------------

def test_hostile_cloud_strings_are_escaped(world):
    account = CloudAccount.objects.get(name="acme-prod")
    snapshot = Snapshot.objects.filter(account=account).latest("id")
    resource = Resource.objects.create(account=account, type="aws.s3.bucket", native_id=f"arn:{HOSTILE}",
                                       name=HOSTILE, region="us-east-1", tags={HOSTILE: HOSTILE},
                                       current_hash="x", first_seen=snapshot)
    version = ResourceVersion.objects.create(resource=resource, snapshot=snapshot, event="added",
                                             observed_at=timezone.now(), hash="x", config={"name": HOSTILE})
    Resource.objects.filter(pk=resource.pk).update(current_version=version)
    CloudAccount.objects.filter(pk=account.pk).update(name=f"acct {HOSTILE}")
    client = world.client("acme-admin")
    for url in (reverse("web:resource", args=[resource.pk]), reverse("web:accounts"),
                reverse("web:account", args=[account.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert HOSTILE not in response.text, url
        assert ESCAPED in response.text, url
    # Beyond the layout's sign-out form: the resource page has GET forms only; the account page
    # has the poll form and the baseline approval form, each with its token.
    assert client.get(reverse("web:resource", args=[resource.pk])).text.count("csrfmiddlewaretoken") == 1
    assert client.get(reverse("web:account", args=[account.pk])).text.count("csrfmiddlewaretoken") == 3
