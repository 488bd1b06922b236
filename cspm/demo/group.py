"""The demo's simulated group, on the product's side: its organizations and cloud accounts, the
demo admin, the alert channels that deliver to the local receivers, and the steps of a demo
start (poll, approve, drift). Every step is safe to run again: a second start finds what the
first made, points it at the new simulators and resets the admin's password."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count

from collectors.credentials import describe_credentials, parse_credentials
from collectors.errors import CredentialsError, ValidationError
from collectors.identifiers import validate_endpoint
from cspm.accounts.crypto import encrypt_credentials
from cspm.accounts.members import member_add
from cspm.accounts.models import CloudAccount, Membership, Organization
from cspm.accounts.services import account_onboard, organization_ensure, validate_ca_bundle
from cspm.alerts.channels import channel_add, channel_secrets
from cspm.alerts.models import Channel, Rule
from cspm.alerts.rules import rule_add
from cspm.audit.log import record
from cspm.core.durations import parse_interval
from cspm.core.errors import DomainError
from cspm.demo.clouds import DemoAccount, Ports, SimulatedClouds
from cspm.drift.baselines import baseline_approve_snapshot
from cspm.drift.models import DriftFinding
from cspm.inventory.poll import poll_account

PARENT = "Acme Group"
ACQUISITION = "Globex"
ACME_TENANT = str(uuid.uuid5(uuid.NAMESPACE_URL, "cspm-demo|acme-tenant"))
GLOBEX_TENANT = str(uuid.uuid5(uuid.NAMESPACE_URL, "cspm-demo|globex-tenant"))
ACCOUNTS = [
    DemoAccount("acme-aws-prod", "aws", "123456789012", PARENT),
    DemoAccount("acme-gcp-prod", "gcp", "acme-prod-314159", PARENT),
    DemoAccount("acme-azure-prod", "azure", str(uuid.uuid5(uuid.NAMESPACE_URL, "cspm-demo|acme-sub")), PARENT,
                tenant=ACME_TENANT),
    DemoAccount("globex-aws-prod", "aws", "210987654321", ACQUISITION, acquired=True),
    DemoAccount("globex-gcp-prod", "gcp", "globex-main-271828", ACQUISITION, acquired=True),
    DemoAccount("globex-azure-prod", "azure", str(uuid.uuid5(uuid.NAMESPACE_URL, "cspm-demo|globex-sub")),
                ACQUISITION, acquired=True, tenant=GLOBEX_TENANT),
]
AWS_REGIONS = ["us-east-1"]
# The drift injector's plan, in order: the first three (one per cloud) at start, then one every
# --drift-every seconds, round and round; a kind whose targets are used up is skipped.
DRIFT_PLAN = [
    ("acme-aws-prod", "aws.eks_endpoint_public"),
    ("globex-gcp-prod", "gcp.bucket_all_users"),
    ("acme-azure-prod", "azure.owner_assignment_user"),
    ("globex-azure-prod", "azure.aks_local_accounts"),
    ("globex-aws-prod", "aws.s3_bucket_public"),
    ("acme-gcp-prod", "gcp.cluster_public"),
    ("acme-aws-prod", "aws.iam_user_admin"),
    ("globex-gcp-prod", "gcp.project_owner_user"),
    ("acme-azure-prod", "azure.blob_public"),
    ("globex-aws-prod", "aws.eks_endpoint_public"),
    ("acme-gcp-prod", "gcp.sa_key_created"),
    ("globex-azure-prod", "azure.storage_firewall_open"),
    ("acme-azure-prod", "azure.aks_authorized_ips_emptied"),
    ("globex-gcp-prod", "gcp.legacy_abac"),
    ("globex-aws-prod", "aws.iam_user_admin"),
    ("acme-gcp-prod", "gcp.bucket_versioning_off"),
    ("globex-azure-prod", "azure.storage_tls10"),
    ("acme-aws-prod", "aws.s3_bucket_public"),
]
FIRST_ROUND = 3
EMAIL_CHANNEL = "demo-inbox"
SLACK_CHANNEL = "demo-slack"
ACTOR = "demo"


# -- the admin ------------------------------------------------------------------------------------

@transaction.atomic
def demo_admin_ensure(*, username: str = "demo") -> tuple[object, str, bool]:
    """The demo's admin (an admin of the parent company, so of the whole group, and a superuser
    so every page is open), with a new random password each time: (user, password, created)."""
    User = get_user_model()
    password = secrets.token_urlsafe(15)
    parent = organization_ensure(name=PARENT)
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        membership, _ = member_add(organization=parent, username=username, role=Membership.Role.ADMIN,
                                   email=f"{username}@acme.example", password=password)
        user = membership.user
    else:
        user.set_password(password)
        user.is_active = True
        if not Membership.objects.filter(user=user, organization=parent).exists():
            Membership.objects.create(user=user, organization=parent, role=Membership.Role.ADMIN)
    user.is_superuser = user.is_staff = True
    user.save()
    record("demo.admin", target=user, organization_id=parent.pk, detail={"created": created})
    return user, password, created


# -- the accounts ---------------------------------------------------------------------------------

@transaction.atomic
def demo_accounts_ensure(clouds: SimulatedClouds, *, poll_interval: int = 30) -> list[CloudAccount]:
    """Onboard the group's accounts (organizations made as needed: the acquisition in due
    diligence under the parent), or point existing ones at this start's simulators: endpoint,
    CA bundle (a new CA each start) and credentials."""
    organization_ensure(name=PARENT)
    organization_ensure(name=ACQUISITION, acquired=True, parent_name=PARENT)
    accounts = []
    for spec in ACCOUNTS:
        creds = json.dumps(clouds.credentials[spec.name]).encode()
        ca = clouds.azure_ca if spec.provider == "azure" else None
        existing = CloudAccount.objects.filter(provider=spec.provider, native_id=spec.native_id).first()
        if existing is None:
            accounts.append(account_onboard(
                provider=spec.provider, native_id=spec.native_id, name=spec.name, organization=spec.organization,
                acquired=spec.acquired, parent=PARENT if spec.acquired else None, environment=spec.environment,
                credentials=creds, endpoint=clouds.endpoint(spec.provider), ca_bundle=ca,
                regions=AWS_REGIONS if spec.provider == "aws" else None, poll_interval=f"{poll_interval}s"))
        else:
            accounts.append(account_repoint(account_id=existing.pk, endpoint=clouds.endpoint(spec.provider),
                                            ca_bundle=ca, credentials=creds, poll_interval=poll_interval))
    return accounts


@transaction.atomic
def account_repoint(*, account_id: int, endpoint: str, ca_bundle: bytes | None, credentials: bytes,
                    poll_interval: int) -> CloudAccount:
    """Point a demo account at this start's simulator (validated like onboarding input)."""
    account = CloudAccount.objects.select_for_update().get(pk=account_id)
    try:
        account.endpoint_url = validate_endpoint(endpoint)
        parsed = parse_credentials(account.provider, credentials)
    except (ValidationError, CredentialsError) as exc:
        raise DomainError(str(exc)) from None
    account.ca_bundle = validate_ca_bundle(ca_bundle) if ca_bundle else ""
    account.credentials_encrypted = encrypt_credentials(parsed)
    account.credentials_summary = describe_credentials(parsed)
    account.poll_interval_seconds = parse_interval(f"{poll_interval}s")
    account.enabled = True
    account.poll_claimed_until = None  # a claim left by a demo that was stopped mid-poll
    account.save()
    record("demo.account_repoint", target=account, organization_id=account.organization_id,
           detail={"endpoint": account.endpoint_url})
    return account


# -- the alert channels -----------------------------------------------------------------------------

def demo_channels_ensure(ports: Ports, *, host: str = "127.0.0.1") -> list[Channel]:
    """An email channel to the local SMTP inbox (every severity) and a Slack channel to the local
    receiver (high and critical), each with its rule; pointed at this start's ports."""
    slack_url = f"http://{host}:{ports.slack}/services/T0DEMO/B0DEMO/demo"
    with transaction.atomic():
        email = Channel.objects.filter(name=EMAIL_CHANNEL).first()
        if email is None:
            email = channel_add(kind="email", name=EMAIL_CHANNEL, recipients="secops@acme.example",
                                smtp_host=host, smtp_port=ports.smtp, smtp_security="none",
                                sender="cspm-demo@acme.example")
        elif (email.config.get("smtp") or {}).get("port") != ports.smtp or email.config["smtp"].get("host") != host:
            email.config["smtp"].update({"host": host, "port": ports.smtp})
            email.save(update_fields=["config"])
            record("demo.channel_repoint", target=email, detail={"smtp": email.config["smtp"]})
        slack = Channel.objects.filter(name=SLACK_CHANNEL).first()
        if slack is None:
            slack = channel_add(kind="slack", name=SLACK_CHANNEL, url=slack_url)
        elif channel_secrets(slack).get("url") != slack_url:
            slack.secrets_encrypted = encrypt_credentials({"url": slack_url})
            slack.config["host"] = f"{host}:{ports.slack}"
            slack.save(update_fields=["secrets_encrypted", "config"])
            record("demo.channel_repoint", target=slack, detail={"host": slack.config["host"]})
        if not Rule.objects.filter(channel=email).exists():
            rule_add(channel=EMAIL_CHANNEL, min_severity="low")
        if not Rule.objects.filter(channel=slack).exists():
            rule_add(channel=SLACK_CHANNEL, min_severity="high")
    return [email, slack]


# -- the steps of a start -----------------------------------------------------------------------------

@dataclass
class PollLine:
    account: str
    status: str
    seconds: float


def poll_accounts(accounts: list[CloudAccount], *, say: Callable[[str], None] = lambda _: None) -> list[PollLine]:
    """Poll each account now, here (one after another: SQLite takes one writer at a time)."""
    lines = []
    for account in accounts:
        result = poll_account(account.pk)
        line = PollLine(account.name, result.snapshot.status, float((result.snapshot.timings or {}).get("total", 0)))
        say(f"  polled {line.account}: {line.status} ({line.seconds:.1f} s)")
        lines.append(line)
    return lines


def approve_baselines(accounts: list[CloudAccount]) -> None:
    """A demo start is a fresh day: the simulated clouds start from their known-good state, which
    becomes each account's baseline (drift left from an earlier start is settled)."""
    for account in accounts:
        baseline_approve_snapshot(account=account, actor=ACTOR,
                                  reason="demo start: the simulated clouds begin from their known-good state")


def inject_drift(clouds: SimulatedClouds, step: int) -> dict | None:
    """Apply the plan's entry `step` (modulo its length); None when its targets are used up."""
    account, kind = DRIFT_PLAN[step % len(DRIFT_PLAN)]
    try:
        return {"account": account, **clouds.inject(account, kind)}
    except LookupError:
        return None


def open_drift_by_provider() -> dict[str, int]:
    """Open (and acknowledged) drift findings per cloud: what the dashboard counts."""
    rows = (DriftFinding.objects.filter(control_id="", status__in=("open", "acknowledged"))
            .values("account__provider").annotate(n=Count("id")))
    return {row["account__provider"]: row["n"] for row in rows}


def demo_inventory() -> dict:
    """What the demo made, for its summary and its tests."""
    return {
        "organizations": list(Organization.objects.order_by("name").values("name", "kind", "integration_stage")),
        "accounts": list(CloudAccount.objects.order_by("name").values_list("name", flat=True)),
        "channels": list(Channel.objects.order_by("name").values_list("name", flat=True)),
        "rules": Rule.objects.count(),
    }
