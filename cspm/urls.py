from django.http import HttpResponse
from django.urls import include, path


def healthz(request):
    """Liveness for the container healthcheck and load balancers: no session, no database."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", include("cspm.api.urls")),
    path("", include("cspm.web.urls")),
]
