"""/compliance/: frameworks x clouds for the user's accounts, drilled down to a benchmark's
controls and a control's failing resources (paged by id in the database; CSV/JSON export).
Benchmark and control ids in the URL must name the catalog's: anything else is 404."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render

from cspm.compliance.controls import BENCHMARKS, CONTROLS, load
from cspm.compliance.models import ControlResult
from cspm.compliance.selectors import catalog, result_as_dict
from cspm.web import dashboard
from cspm.web.exporting import export_links, export_response

PAGE = 50
EXPORT_COLUMNS = ["organization", "account", "provider", "control", "title", "benchmark", "severity", "status",
                  "resource_type", "resource_id", "resource_name", "region", "detail", "path", "evaluated_at"]


def _benchmark(key: str):
    load()
    bench = BENCHMARKS.get(key)
    if bench is None:
        raise Http404("no such benchmark")
    return bench


def _control(bench, control_id: str):
    control = CONTROLS.get(control_id)
    if control is None or control.benchmark.key != bench.key:
        raise Http404("no such control")
    return control


MATRIX_COLUMNS = ["benchmark", "title", "version", "provider", "applies", "passed", "failed", "score"]
BENCHMARK_COLUMNS = ["control", "title", "severity", "passed", "failed"]


@login_required
def matrix(request):
    rows = dashboard.framework_matrix(dashboard.visible_accounts(request.user))
    if "format" in request.GET:
        cells = ({"benchmark": r["key"], "title": r["title"], "version": r["version"], **c}
                 for r in rows for c in r["cells"])
        return export_response(request.GET["format"], cells, MATRIX_COLUMNS, "compliance-matrix")
    return render(request, "web/compliance/matrix.html", {"rows": rows, "providers": dashboard.PROVIDERS,
                                                          "exports": export_links()})


@login_required
def benchmark_page(request, benchmark: str):
    bench = _benchmark(benchmark)
    accounts = dashboard.visible_accounts(request.user)
    counts: dict[str, dict[str, int]] = {}
    results = ControlResult.objects.filter(account__in=accounts, benchmark=f"{bench.key}-{bench.version}")
    for control_id, status, n in (results.values_list("control_id", "status").annotate(n=Count("id")).order_by()):
        counts.setdefault(control_id, {})[status] = n
    controls = [{"control": c, "passed": counts.get(c.id, {}).get("pass", 0),
                 "failed": counts.get(c.id, {}).get("fail", 0)} for c in catalog(bench.key)]
    if "format" in request.GET:
        rows = ({"control": c["control"].id, "title": c["control"].title, "severity": c["control"].severity,
                 "passed": c["passed"], "failed": c["failed"]} for c in controls)
        return export_response(request.GET["format"], rows, BENCHMARK_COLUMNS, f"controls-{bench.key}")
    return render(request, "web/compliance/benchmark.html", {"bench": bench, "controls": controls,
                                                             "exports": export_links()})


@login_required
def control_page(request, benchmark: str, control_id: str):
    bench = _benchmark(benchmark)
    control = _control(bench, control_id)
    failing = (ControlResult.objects.filter(account__in=dashboard.visible_accounts(request.user),
                                            control_id=control.id, status="fail")
               .select_related("account", "account__organization", "resource"))
    if "format" in request.GET:
        rows = (result_as_dict(r) for r in failing.order_by("id").iterator(chunk_size=500))
        return export_response(request.GET["format"], rows, EXPORT_COLUMNS, f"failing-{control.id}")
    try:
        after = int(request.GET.get("after", 0))
    except ValueError:
        return HttpResponseBadRequest("after: an id")
    page = list(failing.filter(id__gt=after).order_by("id")[:PAGE + 1])
    more = len(page) > PAGE
    page = page[:PAGE]
    return render(request, "web/compliance/control.html", {
        "bench": bench, "control": control, "results": page, "after": after,
        "next_after": page[-1].pk if more else None, "exports": export_links()})
