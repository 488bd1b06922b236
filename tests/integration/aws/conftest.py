import json

import pytest

from tests.integration.helpers import cli
from tests.support.aws import ACCESS, ACCOUNT


@pytest.fixture
def aws_account(moto, tmp_path, db):
    """An AWS account onboarded through the CLI, pointed at moto's server, polling us-east-1 and
    eu-west-1. Returns its name."""
    creds = tmp_path / "aws.json"
    creds.write_text(json.dumps(ACCESS))
    cli("onboard", "--provider", "aws", "--account-id", ACCOUNT, "--name", "moto-aws", "--org", "Acme Group",
        "--credentials", str(creds), "--endpoint", moto.url, "--regions", "us-east-1,eu-west-1")
    return "moto-aws"
