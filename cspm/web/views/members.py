"""Members of an organization (/orgs/<id>/members/), for its admins: list, add or create, change
role, remove, reset a member's second factor, require 2FA of the organization."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspm.accounts import members
from cspm.accounts.models import Membership
from cspm.core.errors import DomainError
from cspm.web.exporting import export_links, export_response
from cspm.web.forms import MemberAddForm, RoleForm
from cspm.web.scope import organization_for

# An access review's columns: who has which role, since when, with or without a second factor.
COLUMNS = ["organization", "username", "email", "role", "second_factor", "member_since", "last_login", "active"]


def _with_second_factor(org) -> list[dict]:
    rows = list(members.members_of(org))
    enrolled = set(TOTPDevice.objects.filter(user__in=[m.user_id for m in rows], confirmed=True)
                   .values_list("user_id", flat=True))
    return [{"m": m, "second_factor": m.user_id in enrolled} for m in rows]


def _page(request, org, add_form=None, status=200):
    return render(request, "web/members.html", {
        "org": org, "members": _with_second_factor(org),
        "inherited": members.inherited_admins(org), "required_above": members.required_above(org),
        "roles": Membership.Role.choices, "add_form": add_form or MemberAddForm(),
        "exports": export_links(),
    }, status=status)


@login_required
def member_list(request, org_id: int):
    org = organization_for(request.user, org_id, "manage")
    if "format" in request.GET:
        return export_response(request.GET["format"], _member_rows(org), COLUMNS, f"members-{org.slug}")
    return _page(request, org)


def _member_rows(org):
    for row in _with_second_factor(org):
        m = row["m"]
        yield {"organization": org.name, "username": m.user.get_username(), "email": m.user.email, "role": m.role,
               "second_factor": row["second_factor"], "member_since": m.created_at.isoformat(),
               "last_login": m.user.last_login.isoformat() if m.user.last_login else "", "active": m.user.is_active}


@login_required
@require_POST
def member_add(request, org_id: int):
    org = organization_for(request.user, org_id, "manage")
    form = MemberAddForm(request.POST)
    if not form.is_valid():
        return _page(request, org, form, status=400)
    try:
        membership, created = members.member_add(organization=org, by=request.user, **form.cleaned_data)
    except DomainError as exc:
        form.add_error(None, str(exc))
        return _page(request, org, form, status=400)
    messages.success(request, f"{'Created' if created else 'Added'} {membership.user.get_username()} "
                              f"as {membership.role}.")
    return redirect("web:members", org_id=org.pk)


def _membership(request, org_id: int, membership_id: int, action: str):
    org = organization_for(request.user, org_id, action)
    return org, get_object_or_404(Membership.objects.select_related("user"), pk=membership_id, organization=org)


def _done(request, org, work, text: str):
    """Run a service; its refusal becomes a message on the members page."""
    try:
        work()
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, text)
    return redirect("web:members", org_id=org.pk)


@login_required
@require_POST
def member_role(request, org_id: int, membership_id: int):
    org, membership = _membership(request, org_id, membership_id, "manage")
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role.")
        return redirect("web:members", org_id=org.pk)
    role = form.cleaned_data["role"]
    return _done(request, org, lambda: members.member_role_change(organization=org, user=membership.user, role=role),
                 f"{membership.user.get_username()} is now {role}.")


@login_required
@require_POST
def member_remove(request, org_id: int, membership_id: int):
    org, membership = _membership(request, org_id, membership_id, "manage")
    return _done(request, org, lambda: members.member_remove(organization=org, user=membership.user),
                 f"Removed {membership.user.get_username()} from {org.name}.")


@login_required
@require_POST
def member_reset_2fa(request, org_id: int, membership_id: int):
    org, membership = _membership(request, org_id, membership_id, "manage")
    return _done(request, org, lambda: members.twofactor_reset(user=membership.user, by=request.user),
                 f"Reset the second factor of {membership.user.get_username()}: they enrol again at their next "
                 "sign-in.")


@login_required
@require_POST
def require_2fa(request, org_id: int):
    org = organization_for(request.user, org_id, "manage")
    required = request.POST.get("require_2fa") == "on"
    return _done(request, org, lambda: members.organization_require_2fa(organization=org, required=required),
                 f"Two-factor sign-in is {'now required' if required else 'no longer required'} in {org.name}.")
