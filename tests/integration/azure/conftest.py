import json

import pytest

from tests.integration.helpers import cli
from tests.support.azure import SERVICE_PRINCIPAL, SUBSCRIPTION, arm_server, fake_arm, fake_ca_file  # noqa: F401


@pytest.fixture
def azure_account(fake_arm, fake_ca_file, tmp_path, db):  # noqa: F811  (fixtures imported above)
    """The test subscription onboarded through the CLI (connection tested) with a service
    principal, pointed at the fake ARM endpoint. Returns its name."""
    creds = tmp_path / "azure.json"
    creds.write_text(json.dumps(SERVICE_PRINCIPAL))
    cli("onboard", "--provider", "azure", "--account-id", SUBSCRIPTION, "--name", "acme-azure", "--org", "Acme Group",
        "--credentials", str(creds), "--endpoint", fake_arm.url, "--ca-bundle", fake_ca_file)
    return "acme-azure"
