import pytest
from django.db import connection

from collectors.registry import registry
from tests.support.estate import ESTATE, TEST_COLLECTORS


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """Database tests run on the real PostgreSQL, as production does: never SQLite instead."""
    if "django_db" in request.keywords and connection.vendor != "postgresql":
        pytest.fail("database tests need PostgreSQL: run `make test` (it sets DATABASE_URL)")


@pytest.fixture
def estate():
    """A fresh in-memory estate served by test collectors registered for this test only."""
    ESTATE.records.clear()
    ESTATE.heal()
    ESTATE.calls.clear()
    with registry.isolated(*TEST_COLLECTORS):
        yield ESTATE


pytest_plugins = ["tests.support.aws", "tests.support.pacing"]
