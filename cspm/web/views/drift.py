"""Drift and control findings (/findings/): the filterable list with CSV or JSON export and bulk
triage, and one finding's page (what changed, the baseline against the current configuration,
why it matters and how to fix it, its history, and its triage for analysts)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from cspm.accounts import access
from cspm.core.errors import DomainError
from cspm.drift.findings import finding_accept, finding_acknowledge, finding_suppress
from cspm.drift.selectors import finding_as_dict, finding_texts
from cspm.inventory.selectors import version_configs
from cspm.web.configdiff import side_by_side
from cspm.web.drift_pages import (
    COLUMNS,
    MAX_BULK,
    PAGE,
    TRIAGE_ACTIONS,
    FindingFilterForm,
    TriageForm,
    control_title,
    finding_for,
    findings_filtered,
    findings_to_triage,
    resource_url,
    safe_back,
    shown_value,
    what_changed,
)
from cspm.web.exporting import export_links, export_response

DONE = {"acknowledge": "Acknowledged", "suppress": "Suppressed", "accept": "Accepted"}


@login_required
@require_GET
def findings(request):
    form = FindingFilterForm(request.user, request.GET)
    if not form.is_valid():
        return render(request, "web/drift/findings.html", {"form": form, "rows": []}, status=400)
    qs = findings_filtered(request.user, form.cleaned_data)
    fmt = request.GET.get("format")
    if fmt:
        return _export(qs, fmt)
    before = form.cleaned_data["before"]
    if before:
        qs = qs.filter(pk__lt=before)
    page = list(qs[:PAGE + 1])
    shown, more = page[:PAGE], len(page) > PAGE
    triage_orgs = set(access.organizations_for(request.user, "triage"))
    query = form.query()
    return render(request, "web/drift/findings.html", {
        "form": form,
        "rows": [{"f": f, "changed": what_changed(f), "triage": f.account.organization_id in triage_orgs}
                 for f in shown],
        "can_triage": bool(triage_orgs),
        "older": urlencode({**query, "before": shown[-1].pk}) if more else "",
        "newest": urlencode(query) if before else None,
        "exports": export_links(query),
        "back": request.get_full_path(),
        "actions": TRIAGE_ACTIONS,
        "triage_form": TriageForm(),
    })


def _export(qs, fmt: str):
    rows = (finding_as_dict(f) for f in qs.iterator(chunk_size=2000))
    return export_response(fmt, rows, COLUMNS, "findings")


def _apply(request, form: TriageForm, finding_id: int) -> None:
    actor, reason = request.user.get_username(), form.cleaned_data["reason"].strip()
    action = form.cleaned_data["action"]
    if action == "acknowledge":
        finding_acknowledge(finding_id=finding_id, actor=actor, reason=reason)
    elif action == "suppress":
        finding_suppress(finding_id=finding_id, actor=actor, reason=reason, until=form.until_at())
    else:
        finding_accept(finding_id=finding_id, actor=actor, reason=reason, user=request.user)


@login_required
@require_POST
def findings_bulk(request):
    back = safe_back(request, request.POST.get("next"))
    try:
        ids = sorted({int(v) for v in request.POST.getlist("finding")})
    except ValueError:
        return HttpResponseBadRequest("finding: ids")
    if len(ids) > MAX_BULK:
        return HttpResponseBadRequest(f"at most {MAX_BULK} findings at once")
    if not ids:
        messages.error(request, "Select at least one finding.")
        return redirect(back)
    selected = findings_to_triage(request.user, ids)  # 404 or 403 for all, before anything changes
    form = TriageForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors_text())
        return redirect(back)
    done, failed = [], []
    for f in selected:
        try:
            _apply(request, form, f.pk)
        except DomainError as exc:
            failed.append(f"#{f.pk}: {exc}")
        else:
            done.append(f"#{f.pk}")
    if done:
        messages.success(request, f"{DONE[form.cleaned_data['action']]} {len(done)} finding"
                                  f"{'s' if len(done) != 1 else ''}: {', '.join(done)}.")
    for text in failed:
        messages.error(request, f"Not changed {text}")
    return redirect(back)


@login_required
@require_GET
def finding(request, finding_id: int):
    f = finding_for(request.user, finding_id)
    version_ids = [v for v in (f.baseline_version_id, f.current_version_id) if v]
    configs = version_configs(version_ids) if version_ids else {}
    diff = None
    if version_ids:
        diff = side_by_side(configs.get(f.baseline_version_id), configs.get(f.current_version_id))
    can_triage = access.can(request.user, "triage", f.account.organization_id)
    return render(request, "web/drift/finding.html", {
        "f": f,
        "title": control_title(f.control_id) if f.control_id else "",
        "changes": [{"path": c.get("path", ""), "op": c.get("op", ""), "before": shown_value(c.get("before")),
                     "after": shown_value(c.get("after"))} for c in f.changes if isinstance(c, dict)],
        "texts": finding_texts(f),
        "events": list(f.events.all()),
        "diff": diff,
        "left_title": f"Baseline (version {f.baseline_version_id})" if f.baseline_version_id else "No baseline",
        "right_title": f"Current (version {f.current_version_id})" if f.current_version_id else "No current version",
        "resource_url": resource_url(f.resource_id),
        "can_triage": can_triage and f.status in f.LIVE_STATUSES,
        "triage_form": TriageForm(),
        "tomorrow": (timezone.now() + dt.timedelta(days=1)).date(),
    })


def _triage_one(request, finding_id: int, action: str):
    f = finding_for(request.user, finding_id, "triage")
    form = TriageForm({**request.POST.dict(), "action": action})
    if not form.is_valid():
        messages.error(request, form.errors_text())
    else:
        try:
            _apply(request, form, f.pk)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{DONE[action]} finding #{f.pk}.")
    return redirect(reverse("web:finding", kwargs={"finding_id": f.pk}))


@login_required
@require_POST
def finding_acknowledge_view(request, finding_id: int):
    return _triage_one(request, finding_id, "acknowledge")


@login_required
@require_POST
def finding_suppress_view(request, finding_id: int):
    return _triage_one(request, finding_id, "suppress")


@login_required
@require_POST
def finding_accept_view(request, finding_id: int):
    return _triage_one(request, finding_id, "accept")
