"""Who belongs to an organization, with which role: adding (and creating) users, changing roles,
removing, resetting a member's second factor, and an organization's 2FA requirement. Each write
is one transaction with its audit row.

`by` is the signed-in admin acting on the web (None: an operator at the command line). An admin
acts only on people wholly inside what they manage: an acquisition's admin cannot pull in, or
reset the second factor of, someone who also belongs to the parent or to another company."""

from __future__ import annotations

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspm.accounts import access
from cspm.accounts.models import Membership, Organization
from cspm.audit.log import record
from cspm.core.errors import DomainError, NotFound

User = get_user_model()
ROLES = Membership.Role.values


def organization_resolve(ref: str) -> Organization:
    ref = (ref or "").strip()
    org = Organization.objects.filter(name=ref).first() or Organization.objects.filter(slug=ref.lower()).first()
    if org is None:
        raise NotFound(f"no organization named {ref[:100]!r}")
    return org


def user_resolve(username: str):
    user = User.objects.filter(username=(username or "").strip()).first()
    if user is None:
        raise NotFound(f"no user named {username[:150]!r}")
    return user


def ancestors(organization: Organization) -> list[Organization]:
    """The organizations above this one, nearest first."""
    found, seen, org = [], {organization.pk}, organization.parent
    while org is not None and org.pk not in seen:
        found.append(org)
        seen.add(org.pk)
        org = org.parent
    return found


def members_of(organization: Organization) -> QuerySet[Membership]:
    return (Membership.objects.filter(organization=organization).select_related("user")
            .order_by("user__username"))


def inherited_admins(organization: Organization) -> QuerySet[Membership]:
    """Admins of the organizations above: they manage this one too (shown, not edited, here)."""
    return (Membership.objects.filter(organization__in=ancestors(organization), role=Membership.Role.ADMIN)
            .select_related("user", "organization").order_by("organization__name", "user__username"))


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise DomainError(f"unknown role {str(role)[:20]!r} (expected {', '.join(ROLES)})")


def _within_reach(by, user) -> None:
    """`by` may act on `user` only if every organization `user` belongs to is one `by` manages."""
    if by is None or by.is_superuser:
        return
    managed = set(access.organizations_for(by, "manage"))
    theirs = set(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
    if user.is_superuser or not theirs <= managed:
        raise DomainError(f"{user.get_username()} also belongs to organizations you do not manage: "
                          "ask an admin of the parent company or an operator")


def _admin_would_remain(membership: Membership) -> None:
    """An organization is never left without an admin (its own or one above it)."""
    if membership.role != Membership.Role.ADMIN:
        return
    others = Membership.objects.filter(organization=membership.organization, role=Membership.Role.ADMIN).exclude(
        pk=membership.pk)
    if not others.exists() and not inherited_admins(membership.organization).exists():
        raise DomainError(f"{membership.user.get_username()} is the last admin of {membership.organization.name}: "
                          "make someone else admin first")


def _new_user(*, username: str, email: str, password: str | None):
    username = (username or "").strip()
    try:
        User.username_validator(username)
    except ValidationError:
        raise DomainError("a username has letters, digits and @ . + - _ only") from None
    if not 1 <= len(username) <= 150:
        raise DomainError("a username has 1 to 150 characters")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(f"{email[:100]!r} is not an email address") from None
    if not password:
        raise DomainError(f"no user named {username!r}: give an initial password to create one")
    user = User(username=username, email=email)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("password: " + " ".join(exc.messages)) from None
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def member_add(*, organization: Organization, username: str, role: str, email: str = "",
               password: str | None = None, by=None) -> tuple[Membership, bool]:
    """Give `username` a role in the organization, creating the user (with `email` and the
    initial `password`, checked by the password validators) when there is none.
    Returns the membership and whether the user was created."""
    _check_role(role)
    email = (email or "").strip()
    user = User.objects.filter(username=(username or "").strip()).first()
    created = user is None
    if created:
        user = _new_user(username=username, email=email, password=password)
    else:
        if password:
            raise DomainError(f"user {user.get_username()} exists: their password is theirs to change")
        _within_reach(by, user)
    if Membership.objects.filter(user=user, organization=organization).exists():
        raise DomainError(f"{user.get_username()} is already a member of {organization.name}")
    membership = Membership.objects.create(user=user, organization=organization, role=role)
    record("member.add", target=user, organization_id=organization.pk,
           detail={"organization": organization.name, "role": role, "user_created": created})
    return membership, created


def _membership(organization: Organization, user) -> Membership:
    membership = (Membership.objects.select_for_update().select_related("user", "organization")
                  .filter(organization=organization, user=user).first())
    if membership is None:
        raise NotFound(f"{user.get_username()} is not a member of {organization.name}")
    return membership


@transaction.atomic
def member_role_change(*, organization: Organization, user, role: str) -> Membership:
    _check_role(role)
    membership = _membership(organization, user)
    before = membership.role
    if before == role:
        return membership
    if role != Membership.Role.ADMIN:
        _admin_would_remain(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    record("member.role_change", target=user, organization_id=organization.pk,
           detail={"organization": organization.name, "from": before, "to": role})
    return membership


@transaction.atomic
def member_remove(*, organization: Organization, user) -> None:
    membership = _membership(organization, user)
    _admin_would_remain(membership)
    membership.delete()
    record("member.remove", target=user, organization_id=organization.pk,
           detail={"organization": organization.name, "role": membership.role})


@transaction.atomic
def twofactor_reset(*, user, by=None) -> int:
    """Delete the user's TOTP and backup-code devices (a lost phone); they enrol again at their
    next sign-in if 2FA is required of them. Returns how many devices were deleted."""
    _within_reach(by, user)
    deleted = 0
    for model in (TOTPDevice, StaticDevice):
        deleted += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    record("twofactor.reset", target=user, organization_id=None, detail={"devices": deleted})
    return deleted


@transaction.atomic
def organization_require_2fa(*, organization: Organization, required: bool) -> Organization:
    """Require TOTP of the organization's members and of every organization under it."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if org.require_2fa != required:
        org.require_2fa = required
        org.save(update_fields=["require_2fa"])
        record("organization.require_2fa", target=org, organization_id=org.pk, detail={"required": required})
    organization.require_2fa = required
    return org


def required_above(organization: Organization) -> Organization | None:
    """The nearest organization above that requires 2FA of this one's members too."""
    return next((org for org in ancestors(organization) if org.require_2fa), None)


def member_as_dict(membership: Membership) -> dict:
    return {"organization": membership.organization.name, "username": membership.user.get_username(),
            "email": membership.user.email, "role": membership.role,
            "second_factor": has_second_factor(membership.user)}
