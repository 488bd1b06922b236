"""The resource page (/resources/<id>/): what the resource is, its configuration now, its whole
version history (pages by id, newest first) and a side-by-side diff of any two of its versions."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from cspm.inventory.models import ResourceVersion
from cspm.web import inventory_pages as pages
from cspm.web.configdiff import side_by_side
from cspm.web.exporting import export_links, export_response

PAGE = 50
CHOICES = 100  # versions offered by the diff form (plus whichever are chosen)
TIMELINE_COLUMNS = ["resource", "type", "version", "snapshot", "event", "observed_at", "hash", "config"]


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number > 0 else None


def _label(v) -> str:
    return f"#{v.pk} {v.event} {v.observed_at:%Y-%m-%d %H:%M}"


@require_GET
@login_required
def resource_detail(request, resource_id: int):
    resource = pages.resource_for(request.user, resource_id)
    if "format" in request.GET:
        return export_response(request.GET["format"], _timeline(resource), TIMELINE_COLUMNS,
                               f"resource-{resource.pk}-versions")
    before = _int(request.GET.get("before"))
    versions, more = pages.version_page(resource, before, PAGE)

    chosen = (_int(request.GET.get("from")), _int(request.GET.get("to")))
    errors = []
    if any(chosen):
        found = pages.versions_of(resource, [i for i in chosen if i])
        for vid in chosen:
            if vid and vid not in found:
                errors.append(f"Version {vid} is not a version of this resource.")
        left_id, right_id = (vid if vid in found else None for vid in chosen)
        if right_id is None and left_id is None:
            left_id, right_id = pages.default_pair(resource)
    else:
        left_id, right_id = pages.default_pair(resource)

    shown_id = resource.current_version_id
    if resource.removed_at is not None:
        shown_id = pages.last_known_version_id(resource)
    configs = pages.configs([left_id, right_id, shown_id])
    both = pages.versions_of(resource, [i for i in (left_id, right_id) if i])
    current = configs.get(shown_id) if shown_id else None

    query = {k: v for k, v in (("from", chosen[0]), ("to", chosen[1])) if v}
    context = {
        "resource": resource,
        "account": resource.account,
        "tags": sorted((resource.tags or {}).items()),
        "current_json": None if current is None else json.dumps(current, indent=2, sort_keys=True,
                                                                  ensure_ascii=False, default=str),
        "versions": versions,
        "older": urlencode({**query, "before": versions[-1].pk}) if more else "",
        "newest": urlencode(query) if before else None,
        "choices": pages.version_choices(resource, CHOICES, (left_id, right_id)),
        "left_id": left_id, "right_id": right_id,
        "rows": side_by_side(configs.get(left_id) if left_id else None, configs.get(right_id) if right_id else None),
        "left_title": _label(both[left_id]) if left_id in both else "(nothing before)",
        "right_title": _label(both[right_id]) if right_id in both else "(nothing)",
        "diff_errors": errors,
        "findings": pages.open_findings(resource),
        "exports": export_links(),
    }
    return render(request, "web/inventory/resource.html", context, status=400 if errors else 200)


def _timeline(resource):
    """Every version, newest first, with its configuration (an AWS Config-like history export)."""
    versions = ResourceVersion.objects.filter(resource=resource).order_by("-id")
    for v in versions.iterator(chunk_size=200):
        yield {"resource": resource.native_id, "type": resource.type, "version": v.pk, "snapshot": v.snapshot_id,
               "event": v.event, "observed_at": v.observed_at.isoformat(), "hash": v.hash, "config": v.config}
