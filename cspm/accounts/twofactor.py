"""When a user must prove a second factor (TOTP, django-otp) before seeing anything.

Required for a user who has a confirmed device (having one means using it), for every member of
an organization that requires it or of one under such an organization (a parent's policy covers
its acquisitions), and for everyone when CSPM_REQUIRE_2FA is set."""

from __future__ import annotations

from django.conf import settings
from django_otp import user_has_device

from cspm.accounts.models import Membership, Organization


def required_by_organization(user) -> bool:
    parents = dict(Organization.objects.values_list("id", "parent_id"))
    requiring = set(Organization.objects.filter(require_2fa=True).values_list("id", flat=True))
    if not requiring:
        return False
    for org_id in Membership.objects.filter(user=user).values_list("organization_id", flat=True):
        seen = set()
        while org_id is not None and org_id not in seen:
            if org_id in requiring:
                return True
            seen.add(org_id)
            org_id = parents.get(org_id)
    return False


def required_for(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(settings, "CSPM_REQUIRE_2FA", False) or user_has_device(user, confirmed=True):
        return True
    return required_by_organization(user)


def satisfied(user) -> bool:
    """True when the user may go on: no second factor needed, or one verified this session
    (OTPMiddleware gives request.user is_verified)."""
    if not getattr(user, "is_authenticated", False):
        return False
    verified = getattr(user, "is_verified", None)
    if verified is not None and verified():
        return True
    return not required_for(user)
