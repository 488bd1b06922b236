"""The GCP simulator (collectors.simulator.gcp) for the GCP collector tests: one server per test
session, reset per test, and a real service-account key (RSA, made with cryptography) whose
token_uri points at the simulator, so google-auth's JWT exchange runs over real HTTP too."""

from __future__ import annotations

import json

import pytest

from collectors.simulator.gcp import GcpSimulator

PROJECT = "acme-prod-123"
OTHER_PROJECT = "acme-data-456"
SA_EMAIL = f"cspm-reader@{PROJECT}.iam.gserviceaccount.com"
KEY_ID = "0123456789abcdef0123456789abcdef01234567"


def make_key() -> tuple[str, str]:
    """A fresh RSA key pair: (private key PEM in PKCS#8, public key PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def key_file(url: str, private_key: str, *, email: str = SA_EMAIL, project: str = PROJECT) -> dict:
    """A service-account key file as Google issues it, except for its token_uri."""
    return {
        "type": "service_account",
        "project_id": project,
        "private_key_id": KEY_ID,
        "private_key": private_key,
        "client_email": email,
        "client_id": "104567890123456789012",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": f"{url}/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{email}",
        "universe_domain": "googleapis.com",
    }


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
