"""Routes of the resources pages (included into the web namespace by cspm/web/urls.py)."""

from django.urls import path

from cspm.web.views import resources

urlpatterns: list = [
    path("resources/<int:resource_id>/", resources.resource_detail, name="resource"),
]
