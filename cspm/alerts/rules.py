"""Writes and reads of routing rules."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cspm.accounts.models import CloudAccount, Organization
from cspm.alerts.channels import channel_resolve
from cspm.alerts.models import EventKind, Mode, Rule
from cspm.audit.log import record
from cspm.core.errors import DomainError, NotFound
from cspm.drift.severity import SEVERITIES


def _names(raw: list[str] | None) -> list[str]:
    return sorted({n.strip() for n in raw or [] if n.strip()})


def _choose(values: list[str], allowed, what: str) -> list[str]:
    for value in values:
        if value not in allowed:
            raise DomainError(f"unknown {what} {value[:30]!r} (expected {', '.join(allowed)})")
    return values


@transaction.atomic
def rule_add(*, channel: str, min_severity: str = "low", organizations: list[str] | None = None,
             accounts: list[str] | None = None, providers: list[str] | None = None,
             event_kinds: list[str] | None = None, mode: str = Mode.IMMEDIATE) -> Rule:
    target = channel_resolve(channel)
    _choose([min_severity], SEVERITIES, "severity")
    _choose([mode], Mode.values, "mode")
    provider_list = _choose(_names(providers), CloudAccount.Provider.values, "provider")
    kinds = _choose(_names(event_kinds), EventKind.values, "event kind")
    orgs = []
    for name in _names(organizations):
        org = Organization.objects.filter(name__iexact=name).first()
        if org is None:
            raise NotFound(f"no organization named {name[:60]!r}")
        orgs.append(org)
    accts = []
    for ref in _names(accounts):
        account = CloudAccount.objects.filter(name=ref).first() or CloudAccount.objects.filter(native_id=ref).first()
        if account is None:
            raise NotFound(f"no account named or with id {ref[:60]!r}")
        accts.append(account)
    rule = Rule.objects.create(channel=target, min_severity=min_severity, providers=provider_list,
                               event_kinds=kinds, mode=mode)
    rule.organizations.set(orgs)
    rule.accounts.set(accts)
    record("alert_rule.add", target=rule, organization_id=target.organization_id, detail=rule_as_dict(rule))
    return rule


def rule_remove(*, rule_id: int) -> dict[str, Any]:
    with transaction.atomic():
        rule = rules_list().filter(pk=rule_id).first()
        if rule is None:
            raise NotFound(f"no alert rule {rule_id}")
        data = rule_as_dict(rule)
        record("alert_rule.remove", target=rule, organization_id=rule.channel.organization_id, detail=data)
        rule.delete()  # its pending notifications stay in the outbox and are still sent
    return data


def rules_list(channel: str | None = None):
    qs = Rule.objects.select_related("channel").prefetch_related("organizations", "accounts")
    if channel:
        qs = qs.filter(channel=channel_resolve(channel))
    return qs.order_by("channel__name", "id")


def rule_as_dict(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "channel": rule.channel.name,
        "min_severity": rule.min_severity,
        "organizations": sorted(o.name for o in rule.organizations.all()),
        "accounts": sorted(a.name for a in rule.accounts.all()),
        "providers": rule.providers,
        "event_kinds": rule.event_kinds,
        "mode": rule.mode,
        "enabled": rule.enabled,
        "created_at": rule.created_at.isoformat(),
    }


def rule_summary(data: dict[str, Any]) -> str:
    scope = [f"{what} {', '.join(data[what])}" for what in ("organizations", "accounts", "providers", "event_kinds")
             if data[what]]
    return (f"#{data['id']} → {data['channel']}: {data['mode']}, severity >= {data['min_severity']}"
            + (f"; {'; '.join(scope)}" if scope else "; everything"))


def rule_set_enabled(rule: Rule, enabled: bool) -> bool:
    with transaction.atomic():
        changed = Rule.objects.filter(pk=rule.pk).exclude(enabled=enabled).update(enabled=enabled)
        if changed:
            record("alert_rule.enable" if enabled else "alert_rule.disable", target=rule,
                   organization_id=rule.channel.organization_id)
    return bool(changed)
