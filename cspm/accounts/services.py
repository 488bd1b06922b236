"""Writes for organizations and cloud accounts: onboarding, credential storage, key rotation."""

from __future__ import annotations

import datetime as dt
import re

from cryptography import x509
from django.db import transaction
from django.utils.text import slugify

from collectors.credentials import describe_credentials, parse_credentials
from collectors.errors import CollectorError, CredentialsError, ValidationError
from collectors.identifiers import validate_endpoint, validate_native_id, validate_regions
from collectors.registry import registry
from cspm.accounts.context import account_context, collect_context
from cspm.accounts.crypto import encrypt_credentials, rotate_token
from cspm.accounts.models import CloudAccount, Organization
from cspm.audit.log import record
from cspm.core.durations import parse_interval
from cspm.core.errors import DomainError

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_label(value: str, what: str, max_length: int = 200) -> str:
    """A human label (account or organization name): trimmed, no control characters."""
    value = (value or "").strip()
    if not value:
        raise DomainError(f"{what} must not be empty")
    if len(value) > max_length:
        raise DomainError(f"{what} is longer than {max_length} characters")
    if _CONTROL.search(value):
        raise DomainError(f"{what} contains control characters")
    return value


def organization_ensure(
    *, name: str, acquired: bool = False, parent_name: str | None = None, acquired_on: dt.date | None = None
) -> Organization:
    """Find an organization by name or slug, or create it (as an acquisition when asked)."""
    name = clean_label(name, "organization name")
    org = (
        Organization.objects.filter(name__iexact=name).first()
        or Organization.objects.filter(slug=slugify(name)).first()
    )
    if org:
        if acquired and org.kind != Organization.Kind.ACQUISITION:
            raise DomainError(f"organization {org.name!r} exists and is not an acquisition")
        return org
    slug = slugify(name)[:100] or "org"
    if Organization.objects.filter(slug=slug).exists():
        raise DomainError(f"organization slug {slug!r} is taken by another organization")
    if not acquired:
        org = Organization.objects.create(name=name, slug=slug, kind=Organization.Kind.PARENT)
    else:
        org = Organization.objects.create(
            name=name,
            slug=slug,
            kind=Organization.Kind.ACQUISITION,
            parent=_acquisition_parent(parent_name),
            acquired_on=acquired_on or dt.date.today(),
            integration_stage=Organization.Stage.DUE_DILIGENCE,
        )
    record("organization.create", target=org, organization_id=org.pk,
           detail={"kind": org.kind, "parent": org.parent.name if org.parent else None})
    return org


def _acquisition_parent(parent_name: str | None) -> Organization | None:
    if parent_name:
        parent = Organization.objects.filter(name__iexact=parent_name.strip()).first()
        if parent is None:
            raise DomainError(f"parent organization {parent_name[:60]!r} does not exist")
        return parent
    # The usual group has one parent company: attach the acquisition to it.
    parents = list(Organization.objects.filter(kind=Organization.Kind.PARENT)[:2])
    return parents[0] if len(parents) == 1 else None


def validate_ca_bundle(pem: bytes) -> str:
    try:
        certs = x509.load_pem_x509_certificates(pem)
    except ValueError:
        raise DomainError("CA bundle is not a PEM file of X.509 certificates") from None
    if not certs:
        raise DomainError("CA bundle holds no certificate")
    return pem.decode("ascii")


@transaction.atomic
def account_onboard(
    *,
    provider: str,
    native_id: str,
    name: str,
    organization: str,
    acquired: bool = False,
    parent: str | None = None,
    environment: str = CloudAccount.Environment.PROD,
    credentials: bytes | None = None,
    endpoint: str | None = None,
    ca_bundle: bytes | None = None,
    regions: list[str] | None = None,
    poll_interval: str | int = "15m",
    test_connection: bool = False,
) -> CloudAccount:
    """Validate everything first (with test_connection: that the credentials reach the account),
    then write: bad input leaves nothing behind."""
    native_id, regions, endpoint, parsed, pem = _connection_input(
        provider=provider, native_id=native_id, credentials=credentials, endpoint=endpoint, ca_bundle=ca_bundle,
        regions=regions)
    name = clean_label(name, "account name")
    if environment not in CloudAccount.Environment.values:
        raise DomainError(f"unknown environment {environment[:20]!r} (expected prod, staging or dev)")
    interval = parse_interval(poll_interval)
    if test_connection:
        connection_test(provider=provider, native_id=native_id, credentials=parsed or {}, regions=regions,
                        endpoint=endpoint, ca_bundle=pem)
    existing = CloudAccount.objects.filter(provider=provider, native_id=native_id).first()
    if existing:
        raise DomainError(f"{provider} account {native_id} is already onboarded as {existing.name!r}")
    if CloudAccount.objects.filter(name=name).exists():
        raise DomainError(f"an account named {name!r} already exists")
    org = organization_ensure(name=organization, acquired=acquired, parent_name=parent)
    account = CloudAccount.objects.create(
        organization=org,
        provider=provider,
        native_id=native_id,
        name=name,
        environment=environment,
        regions=regions,
        poll_interval_seconds=interval,
        credentials_encrypted=encrypt_credentials(parsed) if parsed else "",
        credentials_summary=describe_credentials(parsed) if parsed else {},
        endpoint_url=endpoint,
        ca_bundle=pem,
    )
    record("account.onboard", target=account, organization_id=org.pk,
           detail={"provider": provider, "native_id": native_id, "environment": environment, "regions": regions,
                   "credentials_kind": (account.credentials_summary or {}).get("kind")})
    return account


def _connection_input(*, provider: str, native_id: str, credentials: bytes | None, endpoint: str | None,
                      ca_bundle: bytes | None, regions: list[str] | None):
    """The validated (native id, regions, endpoint, parsed credentials, CA bundle PEM)."""
    try:
        native_id = validate_native_id(provider, native_id)
        regions = validate_regions(provider, regions or [])
        endpoint = validate_endpoint(endpoint) if endpoint else ""
        parsed = parse_credentials(provider, credentials) if credentials is not None else None
    except (ValidationError, CredentialsError) as exc:
        raise DomainError(str(exc)) from None
    pem = validate_ca_bundle(ca_bundle) if ca_bundle else ""
    return native_id, regions, endpoint, parsed, pem


def onboarding_connection_test(*, provider: str, native_id: str, credentials: bytes | None = None,
                               endpoint: str | None = None, ca_bundle: bytes | None = None,
                               regions: list[str] | None = None) -> dict | None:
    """The connection test of account_onboard on input that is not saved (nothing is written):
    what the credentials reach, or a clear DomainError."""
    native_id, regions, endpoint, parsed, pem = _connection_input(
        provider=provider, native_id=native_id, credentials=credentials, endpoint=endpoint, ca_bundle=ca_bundle,
        regions=regions)
    return connection_test(provider=provider, native_id=native_id, credentials=parsed or {}, regions=regions,
                           endpoint=endpoint, ca_bundle=pem)


def connection_test(**context_fields) -> dict | None:
    """Reach the cloud with these credentials; a failure is a clear one-line DomainError."""
    with collect_context(**context_fields) as context:
        return _reach(context)


def _reach(context) -> dict | None:
    try:
        return registry.test_connection(context)
    except CollectorError as exc:
        raise DomainError(f"connection test failed ({exc.kind}): {' '.join(str(exc).split())[:300]}") from None


def credentials_rotate_key() -> int:
    """Re-encrypt every stored credential under the newest key; returns how many were rewritten.
    One transaction: either all move to the new key or none do."""
    count = 0
    with transaction.atomic():
        for account in CloudAccount.objects.select_for_update().exclude(credentials_encrypted=""):
            account.credentials_encrypted = rotate_token(account.credentials_encrypted)
            account.save(update_fields=["credentials_encrypted", "updated_at"])
            count += 1
        record("credentials.rotate_key", target_type="accounts.cloudaccount", label=f"{count} accounts",
               detail={"accounts": count})
    return count


EDITABLE = ("name", "environment", "regions", "poll_interval", "enabled")


@transaction.atomic
def account_update(*, account_id: int, **changes) -> CloudAccount:
    """Edit what a user may change of an account (not its cloud or native id): name,
    environment, regions, poll interval, enabled. Recorded with the fields' old and new values."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise DomainError(f"cannot change {', '.join(sorted(unknown))} of an account")
    account = CloudAccount.objects.select_for_update().get(pk=account_id)
    before = {"name": account.name, "environment": account.environment, "regions": account.regions,
              "poll_interval": account.poll_interval_seconds, "enabled": account.enabled}
    if "name" in changes:
        name = clean_label(changes["name"], "account name")
        if CloudAccount.objects.filter(name=name).exclude(pk=account.pk).exists():
            raise DomainError(f"an account named {name!r} already exists")
        account.name = name
    if "environment" in changes:
        if changes["environment"] not in CloudAccount.Environment.values:
            raise DomainError(f"unknown environment {str(changes['environment'])[:20]!r} "
                              "(expected prod, staging or dev)")
        account.environment = changes["environment"]
    if "regions" in changes:
        try:
            account.regions = validate_regions(account.provider, changes["regions"] or [])
        except ValidationError as exc:
            raise DomainError(str(exc)) from None
    if "poll_interval" in changes:
        account.poll_interval_seconds = parse_interval(changes["poll_interval"])
    if "enabled" in changes:
        account.enabled = bool(changes["enabled"])
    after = {"name": account.name, "environment": account.environment, "regions": account.regions,
             "poll_interval": account.poll_interval_seconds, "enabled": account.enabled}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changed:
        account.save()
        record("account.edit", target=account, organization_id=account.organization_id, detail={"changed": changed})
    return account


@transaction.atomic
def account_credentials_replace(*, account_id: int, credentials: bytes | str,
                                test_connection: bool = False) -> CloudAccount:
    """Replace an account's credentials (validated, optionally tested, then encrypted)."""
    account = CloudAccount.objects.select_for_update().get(pk=account_id)
    raw = credentials.encode() if isinstance(credentials, str) else credentials
    try:
        parsed = parse_credentials(account.provider, raw)
    except CredentialsError as exc:
        raise DomainError(str(exc)) from None
    if test_connection:
        connection_test(provider=account.provider, native_id=account.native_id, credentials=parsed,
                        regions=account.regions, endpoint=account.endpoint_url, ca_bundle=account.ca_bundle)
    account.credentials_encrypted = encrypt_credentials(parsed)
    account.credentials_summary = describe_credentials(parsed)
    account.save(update_fields=["credentials_encrypted", "credentials_summary", "updated_at"])
    record("account.credentials_replace", target=account, organization_id=account.organization_id,
           detail={"credentials_kind": account.credentials_summary.get("kind")})
    return account


def account_connection_test(*, account_id: int) -> dict | None:
    """Test the stored credentials of an account against its cloud."""
    account = CloudAccount.objects.get(pk=account_id)
    with account_context(account) as context:
        return _reach(context)


@transaction.atomic
def account_remove(*, account_id: int) -> dict:
    """Remove an account with its history (snapshots, versions, findings, results). The audit
    trail keeps the record that it existed and who removed it."""
    account = CloudAccount.objects.select_for_update().get(pk=account_id)
    summary = {"provider": account.provider, "native_id": account.native_id, "name": account.name}
    record("account.remove", target=account, organization_id=account.organization_id, detail=summary)
    from cspm.drift.models import BaselineApproval, BaselineEntry

    # The baseline protects the versions it approved: it goes first, then the rest cascades.
    CloudAccount.objects.filter(pk=account.pk).update(last_snapshot=None)
    BaselineEntry.objects.filter(account=account).delete()
    BaselineApproval.objects.filter(account=account).delete()
    account.delete()
    return summary
