"""Every list page offers its rows as CSV and JSON, scoped like the page (nothing of another
organization), with a clear 400 for an unknown format."""

from __future__ import annotations

import csv
import io

import orjson
import pytest
from django.test import Client
from django.urls import reverse

from tests.security.world import MARKERS, World

pytestmark = pytest.mark.django_db



def exports(world: World) -> dict[str, str]:
    return {
        "organizations": reverse("web:organizations"),
        "matrix": reverse("web:compliance"),
        "benchmark": reverse("web:compliance_benchmark", args=["cis_eks"]),
        "control": reverse("web:compliance_control", args=["cis_eks", "cis_eks-1.8.0-5.4.1"]),
    }


@pytest.mark.parametrize("name", ["organizations", "matrix", "benchmark", "control"])
def test_the_page_links_its_downloads_and_they_hold_the_users_rows_only(world, name):
    client = Client()
    client.force_login(world.users["acme-admin"])
    path = exports(world)[name]
    page = client.get(path)
    assert page.status_code == 200
    assert 'href="?format=csv"' in page.text and 'href="?format=json"' in page.text
    as_csv = b"".join(client.get(path, {"format": "csv"}).streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    as_json = orjson.loads(b"".join(client.get(path, {"format": "json"}).streaming_content))
    assert rows and len(rows) == len(as_json)
    assert set(rows[0]) == set(as_json[0])
    for marker in MARKERS["Hooli"]:
        assert marker not in as_csv
    if name == "organizations":
        assert {r["organization"] for r in rows} == {"Acme", "Globex"}
        acme = next(r for r in as_json if r["organization"] == "Acme")
        assert acme["accounts_aws"] == 1 and acme["kind"] == "parent"
    if name == "control":
        assert {r["account"] for r in rows} == {"acme-prod", "globex-prod"}
    if name == "matrix":
        eks = next(r for r in as_json if r["benchmark"] == "cis_eks" and r["provider"] == "aws")
        assert eks["failed"] >= 2 and eks["applies"] is True


@pytest.mark.parametrize("name", ["organizations", "matrix", "benchmark", "control"])
def test_an_unknown_format_is_a_clear_400(world, name):
    client = Client()
    client.force_login(world.users["acme-viewer"])
    response = client.get(exports(world)[name], {"format": "xlsx"})
    assert response.status_code == 400 and b"csv or json" in response.content


def test_the_members_download_is_an_access_review_for_admins_only(world):
    path = reverse("web:members", args=[world.id("Acme", "organization")])
    client = Client()
    client.force_login(world.users["acme-admin"])
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get(path, {"format": "csv"}).streaming_content).decode())))
    by_name = {r["username"]: r for r in rows}
    assert {"acme-viewer", "acme-analyst", "acme-admin", "member-of-acme"} <= set(by_name)
    assert "globex-admin" not in by_name and "hooli-admin" not in by_name
    assert by_name["acme-analyst"]["role"] == "analyst" and by_name["acme-analyst"]["second_factor"] == "false"
    viewer = Client()
    viewer.force_login(world.users["acme-viewer"])
    assert viewer.get(path, {"format": "csv"}).status_code == 403


def test_a_resource_timeline_downloads_every_version_with_its_configuration(world):
    from cspm.inventory.models import Resource, ResourceVersion

    resource = Resource.objects.get(pk=world.id("Acme", "resource"))
    path = reverse("web:resource", args=[resource.pk])
    client = Client()
    client.force_login(world.users["acme-viewer"])
    rows = orjson.loads(b"".join(client.get(path, {"format": "json"}).streaming_content))
    versions = list(ResourceVersion.objects.filter(resource=resource).order_by("-id"))
    assert len(versions) >= 2 and [r["version"] for r in rows] == [v.pk for v in versions]
    assert rows[0]["config"] == versions[0].config and rows[0]["event"] == versions[0].event
    as_csv = b"".join(client.get(path, {"format": "csv"}).streaming_content).decode()
    assert len(list(csv.DictReader(io.StringIO(as_csv)))) == len(versions)
    outsider = Client()
    outsider.force_login(world.users["hooli-admin"])
    assert outsider.get(path, {"format": "json"}).status_code == 404
