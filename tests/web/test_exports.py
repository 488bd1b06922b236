"""Every list page offers its rows as CSV and JSON, scoped like the page (nothing of another
organization), with a clear 400 for an unknown format."""

from __future__ import annotations

import csv
import io

import orjson
import pytest
from django.test import Client
from django.urls import reverse

from tests.security.world import MARKERS, World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(estate) -> World:
    return build_world(estate)


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
