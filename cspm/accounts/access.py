"""Who may see and do what: the one permission layer. Pages, the API and exports all ask here
(selectors that take the user) and never filter by hand.

A membership gives its role in an organization and in every organization under it. Where a
user has memberships on several levels of one branch, the strongest role applies. Superusers
see and do everything (the product's own operators)."""

from __future__ import annotations

from django.db.models import QuerySet

from cspm.accounts.models import CloudAccount, Membership, Organization

RANK = {Membership.Role.VIEWER: 1, Membership.Role.ANALYST: 2, Membership.Role.ADMIN: 3}
# What each action needs, at least.
NEEDS = {
    "view": Membership.Role.VIEWER,
    "triage": Membership.Role.ANALYST,  # acknowledge, suppress, accept, approve baselines
    "manage": Membership.Role.ADMIN,  # accounts, credentials, channels, rules, members, golden rules
}


def _children() -> dict[int | None, list[int]]:
    tree: dict[int | None, list[int]] = {}
    for pk, parent in Organization.objects.values_list("id", "parent_id"):
        tree.setdefault(parent, []).append(pk)
    return tree


def roles(user) -> dict[int, str]:
    """{organization id: the user's role there}, for every organization the user reaches."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    tree = _children()
    if user.is_superuser:
        return {pk: Membership.Role.ADMIN for pks in tree.values() for pk in pks}
    reach: dict[int, str] = {}
    for org_id, role in Membership.objects.filter(user=user).values_list("organization_id", "role"):
        stack = [org_id]
        while stack:
            pk = stack.pop()
            if RANK[role] > RANK.get(reach.get(pk), 0):
                reach[pk] = role
            stack += tree.get(pk, [])
    return reach


def organizations_for(user, action: str = "view") -> list[int]:
    need = RANK[NEEDS[action]]
    return [pk for pk, role in roles(user).items() if RANK[role] >= need]


def can(user, action: str, organization_id: int) -> bool:
    role = roles(user).get(organization_id)
    return role is not None and RANK[role] >= RANK[NEEDS[action]]


def accounts_for(user, action: str = "view") -> QuerySet[CloudAccount]:
    return CloudAccount.objects.filter(organization_id__in=organizations_for(user, action))


def scoped(user, queryset: QuerySet, organization_field: str = "account__organization_id",
           action: str = "view") -> QuerySet:
    """Any queryset, narrowed to what the user may see (or do `action` on): an object outside is
    simply absent, so a guessed id answers "not found", never "forbidden"."""
    return queryset.filter(**{f"{organization_field}__in": organizations_for(user, action)})
