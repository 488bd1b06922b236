"""The audit log for admins (/audit/): filters, pages by id (newest first, "older" continues
below the last id shown: no OFFSET over a long trail), and CSV or JSON export of every match."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.http import urlencode

from cspm.accounts.models import Organization
from cspm.audit.selectors import COLUMNS, event_as_dict, events_visible_to
from cspm.core.errors import DomainError
from cspm.web.exporting import export_links, export_response
from cspm.web.forms import AuditFilterForm
from cspm.web.scope import manages_anything

PAGE = 50


@login_required
def audit_log(request):
    if not manages_anything(request.user):
        raise PermissionDenied("the audit log is for admins")
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "web/audit.html", {"form": form, "events": []}, status=400)
    filters = {k: form.cleaned_data[k] or None for k in ("action", "actor", "since")}
    try:
        qs = events_visible_to(request.user, **filters)
    except DomainError as exc:
        form.add_error("since", str(exc))
        return render(request, "web/audit.html", {"form": form, "events": []}, status=400)
    fmt = request.GET.get("format")
    if fmt:
        return _export(qs, fmt)
    if form.cleaned_data["before"]:
        qs = qs.filter(pk__lt=form.cleaned_data["before"])
    page = list(qs[:PAGE + 1])
    events, more = page[:PAGE], len(page) > PAGE
    names = dict(Organization.objects.filter(pk__in={e.organization_id for e in events}).values_list("id", "name"))
    query = {k: v for k, v in filters.items() if v}
    return render(request, "web/audit.html", {
        "form": form, "events": [{"e": e, "organization": names.get(e.organization_id)} for e in events],
        "older": urlencode({**query, "before": events[-1].pk}) if more else "",
        "newest": urlencode(query) if form.cleaned_data["before"] else None,
        "exports": export_links(query),
    })


def _export(qs, fmt: str):
    rows = (event_as_dict(e) for e in qs.iterator(chunk_size=2000))
    return export_response(fmt, rows, COLUMNS, "audit")
