"""Drift and control findings of the accounts you can see; analysts acknowledge, suppress or accept them."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from cspm.api import filters
from cspm.api.base import ScopedViewSet, require, responses
from cspm.api.filters import Param, value_of
from cspm.api.pagination import IdCursorPagination
from cspm.api.serializers.findings import (
    AcceptSerializer,
    FindingSerializer,
    ReasonSerializer,
    SuppressSerializer,
)
from cspm.drift.findings import finding_accept, finding_acknowledge, finding_suppress
from cspm.drift.models import SEVERITY_CHOICES, DriftFinding
from cspm.drift.selectors import STATUS_FILTERS, findings_list

STATUS = Param("status", "open: open or acknowledged; new: open only; live: open, acknowledged or suppressed; "
                         "all; or one status", "choice", choices=tuple(STATUS_FILTERS), default="open")
SOURCE = Param("source", "drift (differs from the baseline) or control (fails a control); absent: both", "choice",
               choices=("drift", "control"))
FILTERS = (
    Param("kind", "What kind of finding", "choice", lookup="kind", choices=tuple(DriftFinding.Kind.values)),
    Param("severity", "Severity", "choice", lookup="severity", choices=tuple(s for s, _ in SEVERITY_CHOICES)),
    Param("provider", "Cloud", "choice", lookup="account__provider", choices=("aws", "gcp", "azure")),
    filters.organization(),
    filters.account(),
    Param("control_id", "Control id, e.g. cis_aws-3.0.0:2.1.4", lookup="control_id"),
    Param("resource_type", "Resource type, e.g. aws.s3.bucket", lookup="resource__type"),
)
SELECTED = ("account", "account__organization", "resource")


@extend_schema_view(
    list=extend_schema(summary="Findings", parameters=filters.parameters((STATUS, SOURCE, *FILTERS)),
                       responses=responses({200: FindingSerializer(many=True)}, 400)),
    retrieve=extend_schema(summary="One finding, with why it matters and how to fix it",
                           responses=responses({200: FindingSerializer}, 404)),
    acknowledge=extend_schema(summary="Acknowledge: seen, being handled (analyst)", request=ReasonSerializer,
                              responses=responses({200: FindingSerializer}, 400, 403, 404)),
    suppress=extend_schema(summary="Suppress until a date, with a reason (analyst)", request=SuppressSerializer,
                           responses=responses({200: FindingSerializer}, 400, 403, 404)),
    accept=extend_schema(summary="Accept: drift into the baseline, or a failing control's risk (analyst)",
                         request=AcceptSerializer, responses=responses({200: FindingSerializer}, 400, 403, 404)),
)
@extend_schema(tags=["findings"])
class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Drift (a change from the baseline) and failing controls, with their triage."""

    queryset = DriftFinding.objects.select_related(*SELECTED)
    serializer_class = FindingSerializer
    query_filters = FILTERS
    pagination_class = IdCursorPagination
    cursor_ordering = True

    def base_queryset(self):
        if self.action == "list":
            return findings_list(status=value_of(self.request, STATUS), source=value_of(self.request, SOURCE))
        return super().base_queryset()

    def _triage(self, serializer_class, change) -> Response:
        finding = self.get_object()
        require(self.request.user, "triage", finding.account.organization_id)
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        change(finding.pk, self.request.user.get_username(), serializer.validated_data)
        return Response(FindingSerializer(self.queryset.get(pk=finding.pk)).data)

    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._triage(ReasonSerializer, lambda fid, actor, data: finding_acknowledge(
            finding_id=fid, actor=actor, reason=data["reason"]))

    @action(detail=True, methods=["post"])
    def suppress(self, request, pk=None):
        return self._triage(SuppressSerializer, lambda fid, actor, data: finding_suppress(
            finding_id=fid, actor=actor, reason=data["reason"], until=data["until"]))

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._triage(AcceptSerializer, lambda fid, actor, data: finding_accept(
            finding_id=fid, actor=actor, reason=data["reason"], user=request.user))
