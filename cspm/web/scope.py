"""Pages reach organizations through the permission layer: out of reach is 404 (a guessed id
learns nothing), in reach with too weak a role for the action is 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from cspm.accounts import access
from cspm.accounts.models import Organization


def organization_for(user, organization_id: int, action: str) -> Organization:
    if not access.can(user, "view", organization_id):
        raise Http404("no such organization")
    if not access.can(user, action, organization_id):
        raise PermissionDenied(f"your role does not allow {action} here")
    return get_object_or_404(Organization.objects.select_related("parent"), pk=organization_id)


def manages_anything(user) -> bool:
    return bool(user.is_superuser or access.organizations_for(user, "manage"))
