"""The app's URLs with the demo routed, as CSPM_DEMO=1 makes them (cspm.urls reads it at import)."""

from django.urls import include, path

from cspm.urls import urlpatterns as app_urlpatterns

urlpatterns = [path("demo/", include("cspm.demo.urls")), *app_urlpatterns]
