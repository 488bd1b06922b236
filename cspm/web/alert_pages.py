"""What the alerts pages show and do, as plain functions over the user: the channels they may
manage (an organization's channel: its admins, and admins above it; a global channel:
superusers only), their rules and the delivery history of those channels.

Out of reach is 404 (a guessed id learns nothing), in reach with too weak a role is 403."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from cspm.accounts import access
from cspm.accounts.models import Organization
from cspm.alerts.channels import channel_as_dict
from cspm.alerts.models import Channel, Notification, Rule
from cspm.core.errors import DomainError

DELIVERY_COLUMNS = ["id", "channel", "kind", "rule", "mode", "status", "items", "attempts", "last_error",
                    "due_at", "next_attempt_at", "sent_at", "created_at"]


def _reach(user, action: str) -> Q:
    """The channels the user may `action`: those of organizations within reach, and global ones
    for superusers."""
    scope = Q(organization_id__in=access.organizations_for(user, action))
    return scope | Q(organization__isnull=True) if user.is_superuser else scope


def channels_managed(user) -> QuerySet[Channel]:
    rules = Rule.objects.prefetch_related("organizations", "accounts").order_by("id")
    return (Channel.objects.filter(_reach(user, "manage")).select_related("organization")
            .prefetch_related(Prefetch("rules", queryset=rules)).order_by("name"))


def channel_for(user, channel_id: int, action: str = "manage") -> Channel:
    """The channel if the user reaches it (else 404) and may do `action` on it (else 403)."""
    channel = Channel.objects.select_related("organization").filter(pk=channel_id).first()
    if channel is None:
        raise Http404("no such channel")
    if user.is_superuser:
        return channel
    if channel.organization_id is None or not access.can(user, "view", channel.organization_id):
        raise Http404("no such channel")  # a global channel is the operators' (superusers')
    if not access.can(user, action, channel.organization_id):
        raise PermissionDenied(f"your role does not allow {action} here")
    return channel


def rule_for(user, rule_id: int) -> Rule:
    rule = Rule.objects.select_related("channel").filter(pk=rule_id).first()
    if rule is None:
        raise Http404("no such rule")
    channel_for(user, rule.channel_id)
    return rule


def organizations_managed(user) -> list[tuple[int, str]]:
    """(id, name) of the organizations the user may manage: where a channel may be scoped and
    what a rule may name."""
    return list(Organization.objects.filter(pk__in=access.organizations_for(user, "manage"))
                .order_by("name").values_list("id", "name"))


def rule_organizations(user, channel: Channel) -> list[tuple[int, str]]:
    """What a rule of the channel may name: organizations the user manages, and for an
    organization's channel only that organization and those under it (it hears of no other)."""
    managed = organizations_managed(user)
    if channel.organization_id is None:
        return managed
    tree: dict[int | None, list[int]] = {}
    for pk, parent in Organization.objects.values_list("id", "parent_id"):
        tree.setdefault(parent, []).append(pk)
    below, stack = set(), [channel.organization_id]
    while stack:
        pk = stack.pop()
        below.add(pk)
        stack += tree.get(pk, [])
    return [(pk, name) for pk, name in managed if pk in below]


def organization_names(user, ids: list[int]) -> list[str]:
    """The names of organizations for a service, refusing one outside the user's reach."""
    allowed = set(access.organizations_for(user, "manage"))
    if not set(ids) <= allowed:
        raise DomainError("an organization outside your reach")
    return list(Organization.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True))


def channel_rows(channels) -> list[dict[str, Any]]:
    """A channel as shown: what channel_as_dict allows (never a secret), its rules, the model."""
    rows = []
    for channel in channels:
        data = channel_as_dict(channel)
        smtp = data.get("smtp") or {}
        data["smtp_text"] = smtp if isinstance(smtp, str) else " ".join(
            f"{k}={v}" for k, v in smtp.items() if v not in ("", None))
        rows.append({"channel": channel, "data": data, "rules": list(channel.rules.all())})
    return rows


def channel_rules(channel: Channel) -> list[Rule]:
    return list(Rule.objects.filter(channel=channel).prefetch_related("organizations", "accounts").order_by("id"))








def deliveries(user, *, status: str = "", channel_id: int | None = None) -> QuerySet[Notification]:
    """The notifications of the channels the user may manage, newest first."""
    qs = (Notification.objects.filter(channel__in=Channel.objects.filter(_reach(user, "manage")))
          .select_related("channel").annotate(item_count=Count("items")).order_by("-id"))
    if status:
        qs = qs.filter(status=status)
    if channel_id:
        qs = qs.filter(channel_id=channel_id)
    return qs
