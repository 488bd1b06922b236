"""The fake ARM endpoint (collectors.simulator.azure) for the Azure collector tests: one HTTPS
server per test session, reset per test. The collectors reach it through the account's endpoint
override and CA bundle, with the real azure-mgmt-* clients and azure-identity over real HTTPS."""

from __future__ import annotations

import pytest

from collectors.simulator.azure import FakeArm

SUBSCRIPTION = "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
OTHER_SUBSCRIPTION = "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"
TENANT = "0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0"
CLIENT = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5e"
SECRET = "Zx8Q~simulated.client-secret_0123456789"
SERVICE_PRINCIPAL = {"tenant_id": TENANT, "client_id": CLIENT, "client_secret": SECRET}


@pytest.fixture(scope="session")
def arm_server():
    fake = FakeArm(page_size=2).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def fake_ca_file(arm_server, tmp_path_factory):
    path = tmp_path_factory.mktemp("fake-arm") / "ca.pem"
    path.write_bytes(arm_server.ca_pem)
    return str(path)


@pytest.fixture
def fake_arm(arm_server, monkeypatch):
    """The fake, emptied, with the test subscription and its service principal; SDK retries off
    (a 500 is then one request, not seconds of backoff)."""
    from collectors.azure.session import AzureSession

    monkeypatch.setattr(AzureSession, "retry_total", 0)
    arm_server.reset()
    arm_server.put_subscription(SUBSCRIPTION, "acme-prod", tenant_id=TENANT)
    arm_server.add_service_principal(TENANT, CLIENT, SECRET)
    return arm_server
