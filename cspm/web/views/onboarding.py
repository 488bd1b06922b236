"""The onboarding wizard, for admins ("manage" on the target organization):
1. /accounts/onboard/: the cloud, organization, environment and name;
2. and 3. /orgs/<id>/onboard/?cloud=aws|gcp|azure: exactly what to grant in that cloud, then the
   credentials, "Test connection" (nothing saved) and "Save" (tested, then onboarded);
and discovery (/accounts/<id>/discover/): the accounts an onboarded source account can see,
bulk-onboarded into an organization. Logic lives in cspm/web/onboarding.py and the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cspm.accounts.discovery import bulk_onboard, discover_accounts
from cspm.accounts.services import account_onboard, onboarding_connection_test
from cspm.core.errors import DomainError
from cspm.web import inventory_pages as pages
from cspm.web import onboarding as wizard
from cspm.web.scope import organization_for


@require_GET
@login_required
def onboard_start(request):
    organizations = wizard.managed_organizations(request.user)
    if not organizations:
        raise PermissionDenied("onboarding needs the admin role in an organization")
    form = wizard.StartForm(request.GET or None, organizations=organizations,
                            initial={"organization": organizations[0].pk})
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        query = urlencode({"cloud": data["cloud"], "name": data["name"], "environment": data["environment"]})
        return redirect(f"{reverse('web:onboard_account', args=[data['organization']])}?{query}")
    return render(request, "web/onboarding/start.html", {"form": form, "clouds": wizard.CLOUDS},
                  status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
@login_required
def onboard_account(request, org_id: int):
    org = organization_for(request.user, org_id, "manage")
    cloud = request.GET.get("cloud") or request.POST.get("cloud") or ""
    if cloud not in wizard.FORMS:
        return render(request, "web/onboarding/choose.html", {"org": org, "clouds": wizard.CLOUDS},
                      status=400 if request.method == "POST" else 200)
    external_id = wizard.external_id_for(request.session, org.pk)
    form_class = wizard.FORMS[cloud]
    if request.method == "GET":
        initial = {k: request.GET[k][:200] for k in ("name", "environment") if request.GET.get(k)}
        return _account_page(request, org, cloud, form_class(initial=initial), external_id)
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return _account_page(request, org, cloud, form, external_id, status=400)
    data = form.cleaned_data
    try:
        if request.POST.get("action") == "test":
            result = onboarding_connection_test(**form.service_input(external_id))
            return _account_page(request, org, cloud, form, external_id, tested=wizard.reached(result),
                                 tested_none=result is None)
        account = account_onboard(**form.service_input(external_id), name=data["name"], organization=org.name,
                                  environment=data["environment"], poll_interval=data["poll_interval"],
                                  test_connection=True)
    except DomainError as exc:
        form.add_error(None, str(exc))
        return _account_page(request, org, cloud, form, external_id, status=400)
    if cloud == "aws" and data["mode"] == "role":
        wizard.external_id_used(request.session, org.pk)
    messages.success(request, f"Onboarded {account.name}: the connection works. Poll it now to take its first "
                              "snapshot, or wait for the schedule.")
    return redirect("web:account", account.pk)


def _account_page(request, org, cloud, form, external_id, status=200, **extra):
    native_id = form["native_id"].value() if form.is_bound else ""
    role_name = (form["role_name"].value() if cloud == "aws" and form.is_bound else "") or wizard.ROLE_NAME
    return render(request, "web/onboarding/account.html", {
        "org": org, "cloud": cloud, "cloud_label": wizard.CLOUDS[cloud], "form": form,
        "guide": wizard.instructions(cloud, external_id=external_id, native_id=native_id or "", role_name=role_name),
        "fields": _field_groups(form), **extra,
    }, status=status)


def _field_groups(form) -> dict:
    account = ("name", "environment", "native_id")
    advanced = ("regions", "poll_interval", "endpoint", "ca_bundle")
    return {"account": [form[f] for f in account], "advanced": [form[f] for f in advanced],
            "credentials": [form[f.name] for f in form if f.name not in account + advanced]}


@require_GET
@login_required
def account_discover(request, account_id: int):
    account = pages.account_for(request.user, account_id, "manage")
    return render(request, "web/onboarding/discover.html", {"account": account, "source": wizard.SOURCE})


@require_POST
@login_required
def account_discover_run(request, account_id: int):
    """Ask the cloud (a POST: it makes API calls) and show what it sees, with the bulk form."""
    account = pages.account_for(request.user, account_id, "manage")
    try:
        members = discover_accounts(account)
    except DomainError as exc:
        return _discover_page(request, account, error=str(exc))
    form = wizard.BulkForm(provider=account.provider, members=members,
                           organizations=wizard.managed_organizations(request.user),
                           initial={"organization": account.organization_id, "environment": account.environment})
    return _discover_page(request, account, members=members, form=form)


@require_POST
@login_required
def account_discover_onboard(request, account_id: int):
    """Onboard the selected (or all) discovered accounts. Discovery runs again: only what the
    cloud shows is onboarded, never an id the browser made up."""
    account = pages.account_for(request.user, account_id, "manage")
    organizations = wizard.managed_organizations(request.user)
    try:
        members = discover_accounts(account)
    except DomainError as exc:
        return _discover_page(request, account, error=str(exc))
    form = wizard.BulkForm(request.POST, provider=account.provider, members=members, organizations=organizations)
    if not form.is_valid():
        return _discover_page(request, account, members=members, form=form, status=400)
    data = form.cleaned_data
    target = organization_for(request.user, data["organization"], "manage")
    picked = wizard.chosen(members, data)
    try:
        result = bulk_onboard(source=account, members=picked, role_name=data.get("role_name") or "",
                              external_id=data.get("external_id") or None, organization=target.name,
                              acquired=False, environment=data["environment"], test_connection=True)
    except DomainError as exc:
        form.add_error(None, str(exc))
        return _discover_page(request, account, members=members, form=form, status=400)
    return render(request, "web/onboarding/bulk_result.html", {"account": account, "target": target,
                                                               "result": result})


def _discover_page(request, account, *, members=None, form=None, error="", status=200):
    return render(request, "web/onboarding/discover.html", {
        "account": account, "source": wizard.SOURCE, "ran": True, "error": error,
        "members": wizard.member_rows(members or []), "form": form}, status=status)
