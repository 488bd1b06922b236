"""The accounts pages: the list of the accounts a user can see (/accounts/: status, counts,
filters, CSV or JSON export), one account (/accounts/<id>/: settings without credentials,
recent snapshots and poll runs), and "poll now" for admins with the poll's progress."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from cspm.accounts import access
from cspm.accounts.models import CloudAccount, Membership, Organization
from cspm.audit.log import record
from cspm.inventory.scheduling import claim
from cspm.inventory.tasks import poll_account_task
from cspm.web import inventory_pages as pages
from cspm.web.exporting import export_links, export_response

PAGE = 100


class AccountFilterForm(forms.Form):
    cloud = forms.ChoiceField(required=False, label="Cloud",
                              choices=[("", "Any cloud"), *CloudAccount.Provider.choices])
    organization = forms.TypedChoiceField(required=False, label="Organization", coerce=int, empty_value=None)
    status = forms.ChoiceField(required=False, label="Status", choices=[("", "Any status"), *pages.STATUSES])

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", "Any organization"), *organizations]


@require_GET
@login_required
def account_list(request):
    user = request.user
    roles = access.roles(user)  # once: the filter's organizations and whether to offer onboarding
    organizations = list(Organization.objects.filter(pk__in=list(roles)).order_by("name").values_list("id", "name"))
    form = AccountFilterForm(request.GET, organizations=organizations)
    if not form.is_valid():
        return render(request, "web/inventory/accounts.html", {"form": form, "accounts": []}, status=400)
    data = form.cleaned_data
    qs = pages.accounts_listed(user, provider=data["cloud"], organization=data["organization"], status=data["status"])
    fmt = request.GET.get("format")
    if fmt:
        return _export(qs, fmt)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for a in rows:
        a.status_label = pages.STATUS_LABELS.get(a.status, a.status)
    query = {k: v for k, v in (("cloud", data["cloud"]), ("organization", data["organization"]),
                               ("status", data["status"])) if v}
    return render(request, "web/inventory/accounts.html", {
        "form": form, "accounts": rows, "page": page,
        "previous": urlencode({**query, "page": page.previous_page_number()}) if page.has_previous() else "",
        "next": urlencode({**query, "page": page.next_page_number()}) if page.has_next() else "",
        "exports": export_links(query),
        "can_onboard": any(role == Membership.Role.ADMIN for role in roles.values()),
    })


def _export(qs, fmt: str):
    rows = (pages.account_as_dict(a) for a in qs.iterator(chunk_size=500))
    return export_response(fmt, rows, pages.ACCOUNT_COLUMNS, "accounts")


@require_GET
@login_required
def account_detail(request, account_id: int):
    account = pages.account_for(request.user, account_id)
    running = pages.running_run(account)
    return render(request, "web/inventory/account.html", {
        "account": account,
        "credentials_kind": (account.credentials_summary or {}).get("kind", ""),
        "snapshots": pages.recent_snapshots(account),
        "runs": pages.recent_runs(account),
        "running": running,
        "can_manage": access.can(request.user, "manage", account.organization_id),
        "can_triage": access.can(request.user, "triage", account.organization_id),
        "baseline": account.approvals.order_by("-id").first(),
    })


@require_POST
@login_required
def account_poll(request, account_id: int):
    """Start a poll now (admins): claim the account as the scheduler does and dispatch the poll
    once the claim is committed (in the embedded default the task runs in-process)."""
    account = pages.account_for(request.user, account_id, "manage")
    if not account.enabled:
        messages.error(request, "This account is disabled: enable it before polling.")
        return redirect("web:account", account.pk)
    ttl = dt.timedelta(seconds=settings.CSPM_POLL_CLAIM_SECONDS)
    with transaction.atomic():
        started = claim(account.pk, ttl)
        if started:
            record("account.poll", target=account, organization_id=account.organization_id,
                   detail={"trigger": "web"})
            transaction.on_commit(
                lambda a=account.pk, q=account.provider: poll_account_task.apply_async((a,), queue=q))
    if started:
        messages.success(request, "Poll started.")
    else:
        messages.warning(request, "A poll of this account is already running.")
    return redirect("web:account", account.pk)


@require_GET
@login_required
def account_poll_status(request, account_id: int):
    account = pages.account_for(request.user, account_id)
    return JsonResponse(pages.poll_status(account))
