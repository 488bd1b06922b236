"""Routes of the compliance pages (included into the web namespace by cspm/web/urls.py)."""

from django.urls import path

from cspm.web.views import compliance

urlpatterns: list = [
    path("compliance/", compliance.matrix, name="compliance"),
    path("compliance/<str:benchmark>/", compliance.benchmark_page, name="compliance_benchmark"),
    path("compliance/<str:benchmark>/<str:control_id>/", compliance.control_page, name="compliance_control"),
]
