"""Routes of the dashboard pages (included into the web namespace by cspm/web/urls.py).
The dashboard itself stays at "/" (web:home, routed by cspm/web/urls.py)."""

from django.urls import path

from cspm.web.views import organizations

urlpatterns: list = [
    path("organizations/", organizations.organization_list, name="organizations"),
]
