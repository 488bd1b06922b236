"""The demo's simulated clouds, in this process: moto's server for AWS, the GCP simulator and the
fake ARM endpoint (HTTPS, with a CA made at each start) for Azure, on fixed ports so the demo's
accounts can be pointed at them again on every start. Seeded with the group's estate
(cspm.demo.group.ACCOUNTS), and edited by the drift injector. No Django here."""

from __future__ import annotations

import logging
import socket
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from collectors.simulator import aws as sim_aws
from collectors.simulator.estate import DRIFT_KINDS, seed_azure, seed_gcp


@dataclass(frozen=True)
class Ports:
    """Five ports from `base`: AWS, GCP, Azure, the SMTP inbox, the Slack-like receiver."""

    base: int = 8470

    @property
    def aws(self) -> int:
        return self.base

    @property
    def gcp(self) -> int:
        return self.base + 1

    @property
    def azure(self) -> int:
        return self.base + 2

    @property
    def smtp(self) -> int:
        return self.base + 3

    @property
    def slack(self) -> int:
        return self.base + 4

    def labelled(self) -> list[tuple[str, int]]:
        return [("AWS simulator", self.aws), ("GCP simulator", self.gcp), ("Azure simulator", self.azure),
                ("SMTP inbox", self.smtp), ("Slack receiver", self.slack)]


def ports_in_use(wanted: list[tuple[str, str, int]]) -> list[str]:
    """Those of (address, label, port) that another program holds: checked before anything starts
    (moto's server only logs a port in use, and the demo would then talk to whatever holds it)."""
    busy = []
    for address, label, port in wanted:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do: TIME_WAIT is no owner
            try:
                probe.bind((address, port))
            except OSError:
                busy.append(f"{port} ({label})")
    return busy


@dataclass(frozen=True)
class DemoAccount:
    name: str
    provider: str
    native_id: str
    organization: str
    acquired: bool = False
    environment: str = "prod"
    tenant: str = ""  # Azure: the company's own directory


def azure_principal(tenant: str) -> dict[str, str]:
    """The demo's service principal in a tenant (deterministic: the same on every start)."""
    return {"tenant_id": tenant, "client_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"cspm-demo-client|{tenant}")),
            "client_secret": "Demo~simulated.client-secret_0123456789"}


def gcp_reader(project: str) -> str:
    return f"cspm-reader@{project}.iam.gserviceaccount.com"


@dataclass
class SimulatedClouds:
    """Start, seed and drift the three simulated clouds. `bind` is the address the servers listen
    on; `advertise` the host name the product reaches them by (the same on one machine; a compose
    service name in the docker stack)."""

    ports: Ports = field(default_factory=Ports)
    bind: str = "127.0.0.1"
    advertise: str = "127.0.0.1"
    estates: dict[str, Any] = field(default_factory=dict)  # account name -> its estate
    credentials: dict[str, dict] = field(default_factory=dict)  # account name -> credentials for the product
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> SimulatedClouds:
        from moto.server import ThreadedMotoServer

        from collectors.simulator.azure import FakeArm
        from collectors.simulator.gcp import GcpSimulator, rsa_key_pair

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.moto = ThreadedMotoServer(ip_address=self.bind, port=self.ports.aws, verbose=False)
        self.moto.start()
        self.gcp = GcpSimulator(host=self.bind, port=self.ports.gcp).start()
        hostnames = () if self.advertise in ("127.0.0.1", "localhost") else (self.advertise,)
        self.arm = FakeArm(page_size=100, host=self.bind, port=self.ports.azure, hostnames=hostnames).start()
        self.gcp_private_key, self._gcp_public_key = rsa_key_pair()
        return self

    def stop(self) -> None:
        for server in (getattr(self, "arm", None), getattr(self, "gcp", None), getattr(self, "moto", None)):
            if server is not None:
                server.stop()

    @property
    def aws_url(self) -> str:
        return f"http://{self.advertise}:{self.ports.aws}"

    @property
    def gcp_url(self) -> str:
        return f"http://{self.advertise}:{self.ports.gcp}"

    @property
    def azure_url(self) -> str:
        return f"https://{self.advertise}:{self.ports.azure}"

    @property
    def azure_ca(self) -> bytes:
        return self.arm.ca_pem

    def endpoint(self, provider: str) -> str:
        return {"aws": self.aws_url, "gcp": self.gcp_url, "azure": self.azure_url}[provider]

    def seed(self, accounts: list[DemoAccount], size: dict[str, dict[str, int]] | None = None) -> None:
        """Seed each account's estate (small: a demo polls in seconds) and make its credentials."""
        from collectors.simulator.gcp import service_account_key_file

        size = size or {}
        local_aws = f"http://127.0.0.1:{self.ports.aws}"  # the seeding side talks to its own servers
        for account in accounts:
            if account.provider == "aws":
                prefix = account.name.split("-")[0]
                estate = sim_aws.seed_aws(local_aws, account.native_id, prefix, **size.get("aws", {}))
                sim_aws.make_steady(estate)  # the moto server runs in this process
                self.credentials[account.name] = estate.credentials
            elif account.provider == "gcp":
                self.gcp.trust_key(gcp_reader(account.native_id), self._gcp_public_key)
                self.gcp.add_project(account.native_id, display_name=account.name)
                estate = seed_gcp(self.gcp, account.native_id, **{
                    "clusters": 3, "buckets": 8, "bindings": 12, "service_accounts": 2, **size.get("gcp", {})})
                self.credentials[account.name] = service_account_key_file(
                    self.gcp_url, self.gcp_private_key, email=gcp_reader(account.native_id),
                    project=account.native_id)
            else:
                principal = azure_principal(account.tenant)
                self.arm.put_subscription(account.native_id, account.name, tenant_id=account.tenant)
                self.arm.add_service_principal(principal["tenant_id"], principal["client_id"],
                                               principal["client_secret"])
                estate = seed_azure(self.arm, account.native_id, **{
                    "clusters": 3, "storage_accounts": 6, "assignments": 12, "custom_roles": 1,
                    **size.get("azure", {})})
                self.credentials[account.name] = principal
            self.estates[account.name] = estate

    def inject(self, account: str, kind: str) -> dict:
        """Apply one drift kind to one account's estate; returns what the product must report."""
        estate = self.estates[account]
        with self._lock:
            if kind in sim_aws.AWS_DRIFT_KINDS:
                return {"drift": kind, **sim_aws.AWS_DRIFT_KINDS[kind](estate)}
            server = self.gcp if DRIFT_KINDS[kind][0] == "gcp" else self.arm
            return {"drift": kind, **DRIFT_KINDS[kind][1](server, estate)}
