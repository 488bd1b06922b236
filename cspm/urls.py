from django.http import HttpResponse
from django.urls import include, path

from cspm.demo.conf import demo_enabled


def healthz(request):
    """Liveness for the container healthcheck and load balancers: no session, no database."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", include("cspm.api.urls")),
    # The demo's inbox (make demo; CSPM_DEMO=1): not routed at all otherwise.
    *([path("demo/", include("cspm.demo.urls"))] if demo_enabled() else []),
    path("", include("cspm.web.urls")),
]
