"""Writes and reads of alert channels. Secrets are validated, then encrypted with the same
Fernet keys as cloud credentials (cspm.accounts.crypto); only a summary is ever shown."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from cspm.accounts.crypto import decrypt_credentials, encrypt_credentials, rotate_token
from cspm.accounts.models import Organization
from cspm.accounts.services import clean_label
from cspm.alerts.message import Message
from cspm.alerts.models import Channel
from cspm.alerts.senders import SENDERS, SendError
from cspm.alerts.senders.base import display_host
from cspm.audit.log import record
from cspm.core.errors import DomainError, NotFound

MAX_RECIPIENTS = 50
MIN_SIGNING_SECRET = 16
SECURITY = ("none", "starttls", "ssl")


def clean_url(raw: str | bytes, what: str) -> str:
    url = (raw.decode(errors="replace") if isinstance(raw, bytes) else raw or "").strip()
    if not url:
        raise DomainError(f"{what} is empty")
    if any(ch.isspace() for ch in url) or len(url) > 2000:
        raise DomainError(f"{what} is not one URL (whitespace inside, or longer than 2000 characters)")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DomainError(f"{what} must be an http(s) URL with a host")
    if parts.username or parts.password:
        raise DomainError(f"{what} must not carry a user name or password")
    try:
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        raise DomainError(f"{what} has an invalid port") from None
    return url


def clean_recipients(raw: str) -> list[str]:
    recipients = [r.strip() for r in (raw or "").split(",") if r.strip()]
    if not recipients:
        raise DomainError("an email channel needs --recipients (comma-separated addresses)")
    if len(recipients) > MAX_RECIPIENTS:
        raise DomainError(f"at most {MAX_RECIPIENTS} recipients per channel")
    for address in recipients:
        try:
            validate_email(address)
        except ValidationError:
            raise DomainError(f"{address[:80]!r} is not an email address") from None
    return recipients


def clean_smtp(host: str | None, port: int | None, username: str | None, security: str | None,
               sender: str | None) -> dict[str, Any]:
    smtp: dict[str, Any] = {}
    if sender:
        try:
            validate_email(sender)
        except ValidationError:
            raise DomainError(f"--from {sender[:80]!r} is not an email address") from None
        smtp["from"] = sender
    if not host:
        if port or username or security:
            raise DomainError("SMTP options need --smtp-host")
        return smtp
    host = host.strip()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not all(part and len(part) < 64 and part.replace("-", "").isalnum() for part in host.split(".")):
            raise DomainError(f"--smtp-host {host[:80]!r} is not a host name or address") from None
    if port is not None and not 1 <= port <= 65535:
        raise DomainError("--smtp-port must be between 1 and 65535")
    security = security or "none"
    if security not in SECURITY:
        raise DomainError(f"--smtp-security must be one of {', '.join(SECURITY)}")
    default_port = {"none": 25, "starttls": 587, "ssl": 465}[security]
    return {**smtp, "host": host, "port": port or default_port, "username": (username or "").strip(),
            "security": security}


def _organization(name: str | None) -> Organization | None:
    if not name:
        return None
    org = Organization.objects.filter(name__iexact=name.strip()).first()
    if org is None:
        raise NotFound(f"no organization named {name[:60]!r}")
    return org


@transaction.atomic
def channel_add(*, kind: str, name: str, organization: str | None = None, recipients: str | None = None,
                url: bytes | str | None = None, signing_secret: bytes | str | None = None,
                smtp_host: str | None = None, smtp_port: int | None = None, smtp_username: str | None = None,
                smtp_password: bytes | str | None = None, smtp_security: str | None = None,
                sender: str | None = None) -> Channel:
    """Validate everything, then write: bad input leaves nothing behind."""
    name = clean_label(name, "channel name", 100)
    if kind not in Channel.Kind.values:
        raise DomainError(f"unknown channel kind {kind[:20]!r} (expected email, slack or webhook)")
    config: dict[str, Any] = {}
    secrets: dict[str, str] = {}
    if kind == Channel.Kind.EMAIL:
        if url or signing_secret:
            raise DomainError("an email channel takes no URL or signing secret")
        config["recipients"] = clean_recipients(recipients or "")
        smtp = clean_smtp(smtp_host, smtp_port, smtp_username, smtp_security, sender)
        if smtp:
            config["smtp"] = smtp
        password = _text(smtp_password)
        if password:
            if not smtp.get("host"):
                raise DomainError("an SMTP password needs --smtp-host")
            secrets["smtp_password"] = password
    else:
        if recipients or smtp_host or smtp_password or sender:
            raise DomainError(f"a {kind} channel takes a URL, not recipients or SMTP options")
        if url is None:
            raise DomainError(f"a {kind} channel needs its URL: --url-file FILE or --url-stdin")
        secrets["url"] = clean_url(url, f"the {kind} URL")
        config["host"] = display_host(secrets["url"])
        if kind == Channel.Kind.WEBHOOK:
            secret = _text(signing_secret)
            if len(secret) < MIN_SIGNING_SECRET:
                raise DomainError(f"a webhook channel needs a signing secret of at least {MIN_SIGNING_SECRET} "
                                  "characters: --secret-file FILE or --secret-stdin")
            secrets["signing_secret"] = secret
        elif signing_secret:
            raise DomainError("a slack channel takes no signing secret")
    org = _organization(organization)
    if Channel.objects.filter(name=name).exists():
        raise DomainError(f"a channel named {name!r} already exists")
    channel = Channel.objects.create(name=name, kind=kind, organization=org, config=config,
                                     secrets_encrypted=encrypt_credentials(secrets) if secrets else "")
    # config holds only what may be shown (recipients, SMTP host, the host of a URL): never a secret.
    record("channel.add", target=channel, organization_id=org.pk if org else None,
           detail={"kind": kind, "config": config, "secret_fields": sorted(secrets)})
    return channel


def _text(value: bytes | str | None) -> str:
    if isinstance(value, bytes):
        value = value.decode(errors="replace")
    return (value or "").strip()


def channel_resolve(name: str) -> Channel:
    channel = Channel.objects.select_related("organization").filter(name=(name or "").strip()).first()
    if channel is None:
        raise NotFound(f"no channel named {(name or '')[:60]!r}")
    return channel


def channel_remove(*, name: str) -> dict[str, Any]:
    with transaction.atomic():
        channel = channel_resolve(name)
        data = channel_as_dict(channel)
        record("channel.remove", target=channel, organization_id=channel.organization_id, detail={"kind": channel.kind})
        channel.delete()  # its rules and its outbox go with it
    return data


def channel_secrets(channel: Channel) -> dict[str, str]:
    return decrypt_credentials(channel.secrets_encrypted) if channel.secrets_encrypted else {}


def channel_secrets_rotate_key() -> int:
    """Re-encrypt every channel's secrets under the newest key (in the caller's transaction)."""
    count = 0
    for channel in Channel.objects.select_for_update().exclude(secrets_encrypted=""):
        channel.secrets_encrypted = rotate_token(channel.secrets_encrypted)
        channel.save(update_fields=["secrets_encrypted"])
        count += 1
    record("channel.rotate_key", target_type="alerts.channel", label=f"{count} channels", detail={"channels": count})
    return count


def channel_test(*, name: str) -> dict[str, Any]:
    """Send a test message through the channel now; raises SendError with the reason."""
    channel = channel_resolve(name)
    now = timezone.now()
    message = Message(key=f"test-{channel.pk}-{int(now.timestamp())}", mode="immediate", channel=channel.name,
                      created_at=now, test=True)
    SENDERS[channel.kind](channel.config, channel_secrets(channel), message)
    return {"channel": channel.name, "kind": channel.kind, "sent": True}


def channel_as_dict(channel: Channel) -> dict[str, Any]:
    """What may be shown of a channel: never a secret, only which secrets it holds."""
    config = channel.config
    data: dict[str, Any] = {
        "id": channel.pk,
        "name": channel.name,
        "kind": channel.kind,
        "organization": channel.organization.name if channel.organization_id else None,
        "enabled": channel.enabled,
        "created_at": channel.created_at.isoformat(),
    }
    if channel.kind == Channel.Kind.EMAIL:
        data["recipients"] = config.get("recipients", [])
        smtp = dict(config.get("smtp") or {})
        if smtp.get("host"):
            smtp["password"] = "set" if channel.secrets_encrypted else "none"
        data["smtp"] = smtp or "default (EMAIL_* settings)"
    else:
        data["host"] = config.get("host")
        data["url"] = "set (encrypted)"
        if channel.kind == Channel.Kind.WEBHOOK:
            data["signing_secret"] = "set (encrypted)"  # noqa: S105  (a label, not the secret)
    return data


def channel_summary(data: dict[str, Any]) -> str:
    target = ", ".join(data["recipients"]) if data["kind"] == "email" else data["host"]
    scope = f" (organization {data['organization']})" if data["organization"] else ""
    state = "" if data["enabled"] else " [disabled]"
    return f"{data['name']}: {data['kind']} → {target}{scope}{state}"


def channel_set_enabled(channel: Channel, enabled: bool) -> bool:
    """Enable or disable a channel (a disabled channel gets no new alerts); True if it changed."""
    with transaction.atomic():
        changed = Channel.objects.filter(pk=channel.pk).exclude(enabled=enabled).update(enabled=enabled)
        if changed:
            record("channel.enable" if enabled else "channel.disable", target=channel,
                   organization_id=channel.organization_id)
    return bool(changed)


def channel_test_send(channel: Channel) -> str | None:
    """Send a test message now; None if it went, else the reason (safe to show: never a secret).
    Either way the attempt is in the audit trail."""
    try:
        channel_test(name=channel.name)
    except SendError as exc:
        error = str(exc)
    else:
        error = None
    with transaction.atomic():
        record("channel.test", target=channel, organization_id=channel.organization_id,
               detail={"sent": error is None, "error": error})
    return error
