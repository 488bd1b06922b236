"""Routes of the drift pages (included into the web namespace by cspm/web/urls.py)."""

from django.urls import path

from cspm.web.views import baselines, drift

urlpatterns: list = [
    path("findings/", drift.findings, name="findings"),
    path("findings/bulk/", drift.findings_bulk, name="findings_bulk"),
    path("findings/<int:finding_id>/", drift.finding, name="finding"),
    path("findings/<int:finding_id>/acknowledge/", drift.finding_acknowledge_view, name="finding_acknowledge"),
    path("findings/<int:finding_id>/suppress/", drift.finding_suppress_view, name="finding_suppress"),
    path("findings/<int:finding_id>/accept/", drift.finding_accept_view, name="finding_accept"),
    path("accounts/<int:account_id>/baseline/approve/", baselines.baseline_approve, name="account_baseline_approve"),
]
