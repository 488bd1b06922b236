"""Golden rules: controls an organization requires of every account it owns, acquisitions
included (an organization inherits its parents' rules)."""

from __future__ import annotations

from django.db import transaction

from cspm.accounts.models import CloudAccount, Organization
from cspm.audit.log import record
from cspm.compliance.controls import CONTROLS, load
from cspm.compliance.models import GoldenRule
from cspm.core.errors import DomainError, NotFound


def lineage(org: Organization) -> list[Organization]:
    """The organization and its parents, nearest first (cycles cannot be stored, but stop anyway)."""
    chain, seen = [], set()
    while org is not None and org.pk not in seen:
        chain.append(org)
        seen.add(org.pk)
        org = org.parent
    return chain


def required_controls(account: CloudAccount) -> set[str] | None:
    """The controls the account's organizations require; None when none sets golden rules
    (every control of the catalog then applies)."""
    ids = set(GoldenRule.objects.filter(organization__in=[o.pk for o in lineage(account.organization)])
              .values_list("control_id", flat=True))
    return ids or None


def golden_rule_add(*, organization: str, control_ids: list[str], actor: str) -> list[GoldenRule]:
    load()
    org = Organization.objects.filter(name=organization).first()
    if org is None:
        raise NotFound(f"no organization named {organization[:100]!r}")
    unknown = [c for c in control_ids if c not in CONTROLS]
    if unknown:
        raise DomainError(f"unknown control {unknown[0][:120]!r} (see `manage.py compliance controls`)")
    with transaction.atomic():
        rules = [GoldenRule.objects.get_or_create(organization=org, control_id=c, defaults={"added_by": actor})[0]
                 for c in control_ids]
        record("golden_rule.add", target=org, organization_id=org.pk, detail={"controls": sorted(control_ids)})
    return rules


@transaction.atomic
def golden_rule_remove(*, organization: str, control_ids: list[str]) -> int:
    deleted, _ = GoldenRule.objects.filter(organization__name=organization, control_id__in=control_ids).delete()
    if not deleted:
        raise NotFound(f"{organization[:100]!r} requires none of these controls")
    org = Organization.objects.get(name=organization)
    record("golden_rule.remove", target=org, organization_id=org.pk, detail={"controls": sorted(control_ids)})
    return deleted


def golden_rules_list(organization: str | None = None) -> list[dict]:
    qs = GoldenRule.objects.select_related("organization").order_by("organization__name", "control_id")
    if organization:
        qs = qs.filter(organization__name=organization)
    return [{"organization": g.organization.name, "control": g.control_id, "added_by": g.added_by,
             "added_at": g.added_at.isoformat()} for g in qs]
