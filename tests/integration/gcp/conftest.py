import json

import pytest

from tests.integration.helpers import cli
from tests.support.gcp import PROJECT, gcp, gcp_key, gcp_keyfile, gcp_keypair, gcp_server  # noqa: F401


@pytest.fixture
def gcp_project(gcp, gcp_keyfile, db):  # noqa: F811
    """The project onboarded through the CLI (connection test included), pointed at the simulator."""
    cli("onboard", "--provider", "gcp", "--account-id", PROJECT, "--name", "acme-gcp", "--org", "Acme Group",
        "--credentials", gcp_keyfile, "--endpoint", gcp.url)
    return "acme-gcp"


def dump(value) -> str:
    return json.dumps(value, indent=1, sort_keys=True)
