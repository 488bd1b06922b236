"""The due-diligence report in the app, and its HTML and JSON downloads, for viewers of the org."""

import re

import orjson
import pytest
from django.urls import reverse

from tests.web.conftest import member

pytestmark = pytest.mark.django_db


def page(org, fmt=None) -> str:
    return reverse("web:due_diligence", args=[org.pk]) + (f"?format={fmt}" if fmt else "")


def test_a_viewer_sees_the_report_in_the_app_layout(client, group):
    client.force_login(member("vic", Acme="viewer"))
    response = client.get(page(group["Globex"]))
    assert response.status_code == 200
    assert "Due diligence: Globex" in response.text and "globex-prod" in response.text
    assert "acme-prod" not in response.text  # the parent's accounts are not the acquisition's
    assert '<nav aria-label="Main">' in response.text and response.text.count("<html") == 1
    assert "<style" not in response.text
    # Codes of the JSON shown as words: the stage, the cloud, the time.
    assert "stage onboarding." in response.text and "<td>AWS</td>" in response.text
    assert re.search(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d UTC\.", response.text)


def test_downloads_as_standalone_html_and_json(client, group):
    client.force_login(member("vic", Globex="viewer"))
    html = client.get(page(group["Globex"], "html"))
    assert html["Content-Disposition"] == 'attachment; filename="due-diligence-globex.html"'
    assert html.text.startswith("<!doctype html>") and "<style>" in html.text and "globex-prod" in html.text
    data = client.get(page(group["Globex"], "json"))
    assert data["Content-Disposition"] == 'attachment; filename="due-diligence-globex.json"'
    report = orjson.loads(data.content)
    assert report["organization"]["name"] == "Globex" and report["coverage"]["accounts"] == 1
    assert client.get(page(group["Globex"], "pdf")).status_code == 400


def test_out_of_reach_is_not_found(client, group):
    client.force_login(member("gina", Globex="viewer"))
    assert client.get(page(group["Acme"])).status_code == 404
    assert client.get(page(group["Acme"], "json")).status_code == 404
    assert client.get(page(group["Hooli"], "html")).status_code == 404
