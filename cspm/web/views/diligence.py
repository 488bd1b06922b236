"""An organization's due-diligence report (/orgs/<id>/due-diligence/): in the app, or downloaded
as the standalone HTML file or JSON (?format=html|json) that `manage.py due_diligence` writes."""

import orjson
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.text import slugify

from cspm.compliance.diligence import due_diligence
from cspm.web.scope import organization_for


@login_required
def due_diligence_page(request, org_id: int):
    org = organization_for(request.user, org_id, "view")
    fmt = request.GET.get("format")
    if fmt not in (None, "html", "json"):
        return HttpResponseBadRequest("format: html or json")
    report = due_diligence(org.name)
    if fmt is None:
        return render(request, "web/due_diligence.html", {"org": org, "report": report})
    if fmt == "json":
        response = HttpResponse(orjson.dumps(report, option=orjson.OPT_INDENT_2), content_type="application/json")
    else:
        response = HttpResponse(render_to_string("compliance/due_diligence.html", {"report": report}),
                                content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="due-diligence-{slugify(org.slug) or org.pk}.{fmt}"'
    return response
