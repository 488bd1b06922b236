"""A group with everything a user can reach, in three organizations: Acme (a parent), Globex
(acquired by Acme) and Hooli (a separate group). Each has an account that was polled, baselined,
drifted and failed controls, so every kind of object exists on both sides of every boundary."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from cspm.accounts.models import ApiToken, CloudAccount, Membership, Organization
from cspm.accounts.tokens import token_create
from cspm.alerts.channels import channel_add
from cspm.alerts.models import Notification
from cspm.alerts.rules import rule_add
from cspm.audit.models import AuditEvent
from cspm.compliance.models import ControlResult
from cspm.drift.models import BaselineApproval, DriftFinding
from cspm.inventory.models import Resource, ResourceVersion, Snapshot
from tests.integration.helpers import EKS_ARN, cli, eks_config, poll

PASSWORD = "correct horse battery staple"
ACCOUNTS = {"Acme": ("acme-prod", "111111111111"), "Globex": ("globex-prod", "222222222222"),
            "Hooli": ("hooli-prod", "444444444444")}
# Each organization's own alert channel (an email list, sent through Django's test mail outbox).
CHANNELS = {org: f"{org.lower()}-alert-channel" for org in ACCOUNTS}
# Strings that only an object of that organization carries: a response that shows one of them to
# a user outside the organization is a cross-organization read.
MARKERS = {org: (name, native, CHANNELS[org]) for org, (name, native) in ACCOUNTS.items()}


@dataclass
class World:
    orgs: dict[str, Organization]
    users: dict[str, User]
    tokens: dict[str, str]  # username -> raw API token
    objects: dict[str, dict[str, int]] = field(default_factory=dict)  # org -> kind -> an id of that org

    def id(self, org: str, kind: str) -> int:
        return self.objects[org][kind]

    def client(self, username: str) -> Client:
        """A test client signed in as one of the world's users."""
        client = Client()
        client.force_login(self.users[username])
        return client


def _alerts_of(org: Organization) -> dict[str, int]:
    """The organization's own channel with a rule, and a delivery that gave up (its last error)."""
    channel = channel_add(kind="email", name=CHANNELS[org.name], organization=org.name,
                          recipients=f"secops@{org.slug}.example")
    rule = rule_add(channel=channel.name, min_severity="medium", organizations=[org.name])
    now = timezone.now()
    notification = Notification.objects.create(channel=channel, rule=rule, mode="immediate", status="dead",
                                               due_at=now, next_attempt_at=now, attempts=5,
                                               last_error=f"{CHANNELS[org.name]}: connection refused")
    return {"channel": channel.pk, "rule": rule.pk, "notification": notification.pk}


def _objects_of(org: Organization, owner: User) -> dict[str, int]:
    account = CloudAccount.objects.get(organization=org)
    alerts = _alerts_of(org)
    findings = DriftFinding.objects.filter(account=account)
    return {
        "organization": org.pk,
        "account": account.pk,
        "snapshot": Snapshot.objects.filter(account=account).latest("id").pk,
        "resource": Resource.objects.filter(account=account).latest("id").pk,
        "version": ResourceVersion.objects.filter(resource__account=account).latest("id").pk,
        "finding": findings.filter(control_id="").latest("id").pk,
        "control_finding": findings.exclude(control_id="").latest("id").pk,
        "approval": BaselineApproval.objects.filter(account=account).latest("id").pk,
        "result": ControlResult.objects.filter(account=account).latest("id").pk,
        "audit_event": AuditEvent.objects.filter(organization_id=org.pk).latest("id").pk,
        "token": ApiToken.objects.filter(user=owner).latest("id").pk,
        "user": owner.pk,
        # Another member's (changing one's own role or removing oneself is a different rule).
        "membership": Membership.objects.get(user__username=f"member-of-{org.slug}", organization=org).pk,
        **alerts,
    }


def build_world(estate) -> World:
    for org, (name, native) in ACCOUNTS.items():
        extra = ("--acquired", "--parent", "Acme") if org == "Globex" else ()
        cli("onboard", "--no-test", "--provider", "aws", "--account-id", native, "--name", name, "--org", org, *extra)
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(public=True, cidrs=("0.0.0.0/0",)))
    for name, _ in ACCOUNTS.values():
        poll(name)
        cli("baseline", "approve", name, "--reason", "reviewed")
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(public=True, cidrs=("0.0.0.0/0",), version="1.30"))
    for name, _ in ACCOUNTS.values():
        poll(name)  # drift: the version moved away from the baseline
    orgs = {o.name: o for o in Organization.objects.all()}
    users, tokens = {}, {}
    for username, org, role in (("acme-viewer", "Acme", "viewer"), ("acme-analyst", "Acme", "analyst"),
                                ("acme-admin", "Acme", "admin"), ("globex-admin", "Globex", "admin"),
                                ("hooli-admin", "Hooli", "admin"), ("member-of-acme", "Acme", "viewer"),
                                ("member-of-globex", "Globex", "viewer"), ("member-of-hooli", "Hooli", "viewer")):
        user = User.objects.create_user(username, email=f"{username}@example.com", password=PASSWORD)
        Membership.objects.create(user=user, organization=orgs[org], role=role)
        users[username] = user
        tokens[username] = token_create(user=user, name="tests", days=1)[1]
    world = World(orgs=orgs, users=users, tokens=tokens)
    for org, owner in (("Acme", "acme-admin"), ("Globex", "globex-admin"), ("Hooli", "hooli-admin")):
        world.objects[org] = _objects_of(orgs[org], users[owner])
    return world
