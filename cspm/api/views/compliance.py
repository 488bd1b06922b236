"""Compliance of the accounts you can see: each control's current result per resource, scores
for any grouping, and the daily trend."""

import datetime as dt

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.response import Response
from rest_framework.views import APIView

from cspm.accounts import access
from cspm.api import filters
from cspm.api.base import AuditedMixin, ScopedViewSet, responses
from cspm.api.filters import Param, bad, value_of
from cspm.api.pagination import IdCursorPagination
from cspm.api.serializers.compliance import ResultSerializer, ScoreSerializer, TrendSerializer
from cspm.compliance import selectors
from cspm.compliance.models import AccountScore, ControlResult, DailyScore
from cspm.compliance.scores import GROUPS, scores, trend

STATUS = Param("status", "The control's verdict", "choice", choices=("pass", "fail", "n/a", "error"))
CONTROL = Param("control", "Control id, e.g. cis_eks-1.8.0-5.4.1")
BENCHMARK = Param("benchmark", "Benchmark key, e.g. cis_eks")
PROVIDER = Param("provider", "Cloud", "choice", choices=("aws", "gcp", "azure"))
SCOPE = (filters.account(), filters.organization())
DAYS = Param("days", "Days back from today, 1 to 3660 (default 30)")


@extend_schema_view(
    list=extend_schema(summary="Control results, newest first",
                       parameters=filters.parameters((*SCOPE, BENCHMARK, CONTROL, STATUS)),
                       responses=responses({200: ResultSerializer(many=True)}, 400)),
)
@extend_schema(tags=["compliance"])
class ResultViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Each control's current verdict on each live resource."""

    queryset = ControlResult.objects.select_related("account", "resource")
    serializer_class = ResultSerializer
    pagination_class = IdCursorPagination

    def base_queryset(self):
        qs = selectors.results_list(status=value_of(self.request, STATUS), control=value_of(self.request, CONTROL),
                                    benchmark=value_of(self.request, BENCHMARK))
        return filters.apply(self.request, qs, SCOPE)


def _rows(request, qs):
    """Score rows of the accounts the user can see, narrowed by the query's filters."""
    qs = access.scoped(request.user, qs)
    qs = selectors.scoped(qs, provider=value_of(request, PROVIDER), benchmark=value_of(request, BENCHMARK))
    return filters.apply(request, qs, SCOPE)


def _group_by(request) -> list[str]:
    keys = [k.strip() for raw in request.query_params.getlist("group_by") for k in raw.split(",") if k.strip()]
    unknown = [k for k in keys if k not in GROUPS]
    if unknown:
        raise bad("group_by", f"unknown grouping {unknown[0][:30]!r} (expected {', '.join(GROUPS)})")
    return list(dict.fromkeys(keys))


def _days(request) -> int:
    raw = value_of(request, DAYS) or "30"
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 3660:
        raise bad("days", "expected a number of days from 1 to 3660")
    return int(raw)


class ScoresView(AuditedMixin, APIView):
    """Pass and fail counts and the weighted score, per group."""

    @extend_schema(
        summary="Compliance scores, grouped as asked (no grouping: one overall row)", tags=["compliance"],
        parameters=[OpenApiParameter("group_by", {"type": "array", "items": {"type": "string", "enum": list(GROUPS)}},
                                     OpenApiParameter.QUERY, description="Group by these, in order (repeat, or "
                                     "comma-separated)"),
                    *filters.parameters((*SCOPE, PROVIDER, BENCHMARK))],
        responses=responses({200: ScoreSerializer(many=True)}, 400))
    def get(self, request):
        group_by = _group_by(request)
        return Response(scores(group_by, _rows(request, AccountScore.objects.all())))


class TrendView(AuditedMixin, APIView):
    """The score day by day."""

    @extend_schema(
        summary="Daily compliance score", tags=["compliance"],
        parameters=[*filters.parameters((*SCOPE, PROVIDER, BENCHMARK)),
                    OpenApiParameter("days", OpenApiTypes.INT, OpenApiParameter.QUERY, description=DAYS.description)],
        responses=responses({200: TrendSerializer(many=True)}, 400))
    def get(self, request):
        since = timezone.localdate() - dt.timedelta(days=_days(request) - 1)
        return Response(trend(_rows(request, DailyScore.objects.filter(day__gte=since))))
