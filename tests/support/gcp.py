"""The GCP simulator (collectors.simulator.gcp) for the GCP collector tests: one server per test
session, reset per test, and a real service-account key (RSA, made with cryptography) whose
token_uri points at the simulator, so google-auth's JWT exchange runs over real HTTP too."""

from __future__ import annotations

import json

import pytest

from collectors.simulator.gcp import GcpSimulator, rsa_key_pair, service_account_key_file

PROJECT = "acme-prod-123"
OTHER_PROJECT = "acme-data-456"
SA_EMAIL = f"cspm-reader@{PROJECT}.iam.gserviceaccount.com"
KEY_ID = "0123456789abcdef0123456789abcdef01234567"


make_key = rsa_key_pair


def key_file(url: str, private_key: str, *, email: str = SA_EMAIL, project: str = PROJECT) -> dict:
    """A service-account key file as Google issues it, except for its token_uri."""
    return service_account_key_file(url, private_key, email=email, project=project, key_id=KEY_ID)


@pytest.fixture(scope="session")
def gcp_keypair() -> tuple[str, str]:
    return make_key()  # ~50 ms: once per session


@pytest.fixture(scope="session")
def gcp_server():
    server = GcpSimulator().start()
    yield server
    server.stop()


@pytest.fixture
def gcp(gcp_server, gcp_keypair) -> GcpSimulator:
    """The simulator, emptied, trusting the test key; the project PROJECT exists (empty)."""
    gcp_server.reset()
    gcp_server.trust_key(SA_EMAIL, gcp_keypair[1])
    gcp_server.add_project(PROJECT, number="123456789012", display_name="Acme prod")
    return gcp_server


@pytest.fixture
def gcp_key(gcp, gcp_keypair) -> dict:
    return key_file(gcp.url, gcp_keypair[0])


@pytest.fixture
def gcp_keyfile(gcp_key, tmp_path) -> str:
    path = tmp_path / "gcp-key.json"
    path.write_text(json.dumps(gcp_key))
    return str(path)
