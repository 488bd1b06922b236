from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from cspm.api.views.accounts import AccountViewSet
from cspm.api.views.audit import AuditEventViewSet
from cspm.api.views.baselines import BaselineViewSet
from cspm.api.views.compliance import ResultViewSet, ScoresView, TrendView
from cspm.api.views.findings import FindingViewSet
from cspm.api.views.organizations import OrganizationViewSet
from cspm.api.views.resources import ResourceViewSet
from cspm.api.views.snapshots import SnapshotViewSet
from cspm.api.views.tokens import TokenViewSet

app_name = "api"


ID = r"-?[0-9]{1,20}"  # any integer reaches the view, which answers 404 in JSON when there is no such object


class Router(SimpleRouter):
    """Ids are integers: anything else in their place is not a route."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        return rf"(?P<{lookup_prefix}pk>{ID})"


router = Router()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("accounts", AccountViewSet, basename="account")
router.register("snapshots", SnapshotViewSet, basename="snapshot")
router.register("resources", ResourceViewSet, basename="resource")
router.register("findings", FindingViewSet, basename="finding")
router.register("compliance/results", ResultViewSet, basename="result")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("tokens", TokenViewSet, basename="token")

v1 = [
    *router.urls,
    re_path(rf"^accounts/(?P<account_id>{ID})/baseline/$",
            BaselineViewSet.as_view({"get": "list", "post": "create"}), name="account-baseline"),
    path("compliance/scores/", ScoresView.as_view(), name="scores"),
    path("compliance/trend/", TrendView.as_view(), name="trend"),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/", include(v1)),
]
