"""The OpenAPI schema: served, and clean under drf-spectacular's own validation."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_the_schema_is_served_as_json_to_signed_in_callers(viewer):
    assert APIClient().get("/api/schema/", {"format": "json"}).status_code == 401
    response = viewer.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.") and "/api/v1/findings/{id}/suppress/" in schema["paths"]
    assert "bearerAuth" in schema["components"]["securitySchemes"]
    create = schema["components"]["schemas"]["AccountCreateRequest"]["properties"]
    assert create["credentials"]["writeOnly"] is True
    assert all("credentials" not in name.lower() or "Request" in name for name in schema["components"]["schemas"])


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
