"""moto's server on 127.0.0.1 for the AWS collector tests: one per test session, reset per test.
The collectors reach it through the account's endpoint override, over real HTTP."""

from __future__ import annotations

import logging
import os
import urllib.request

import boto3
import pytest
from botocore.config import Config

ACCESS = {"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
ACCOUNT = "123456789012"  # moto's default account


class MotoAws:
    """Test-side boto3 access to the fake: the tests mutate the 'cloud' through the real SDK."""

    def __init__(self, url: str) -> None:
        self.url = url

    def reset(self) -> None:
        urllib.request.urlopen(urllib.request.Request(f"{self.url}/moto-api/reset", method="POST"), timeout=30)

    def client(self, service: str, region: str = "us-east-1", **credentials: str):
        return boto3.client(
            service, region_name=region, endpoint_url=self.url,
            aws_access_key_id=credentials.get("access_key_id", ACCESS["access_key_id"]),
            aws_secret_access_key=credentials.get("secret_access_key", ACCESS["secret_access_key"]),
            aws_session_token=credentials.get("session_token"),
            config=Config(retries={"total_max_attempts": 1}, s3={"addressing_style": "path"}),
        )


@pytest.fixture(scope="session")
def moto_server():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # AWS managed policies (AdministratorAccess...) exist only with this set; a reset costs ~1 s.
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def moto(moto_server) -> MotoAws:
    fake = MotoAws(moto_server)
    fake.reset()
    return fake
