"""The audit trail, for the admins of the organizations it concerns (superusers: all of it)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.exceptions import PermissionDenied

from cspm.accounts import access
from cspm.api import filters
from cspm.api.base import ScopedViewSet, responses
from cspm.api.filters import Param, value_of
from cspm.api.pagination import IdCursorPagination
from cspm.api.serializers.audit import AuditEventSerializer
from cspm.audit.models import AuditEvent
from cspm.audit.selectors import events_visible_to

ACTION = Param("action", "Action, or its beginning: account, finding.suppress...")
FILTERS = (
    Param("since", "At or after this date or date-time (ISO 8601; UTC unless it says otherwise)", "when",
          lookup="at__gte"),
    Param("source", "Where the change came from", "choice", lookup="source", choices=("api", "web", "cli", "system")),
)


@extend_schema_view(
    list=extend_schema(summary="Audit events, newest first (admins)", parameters=filters.parameters((ACTION, *FILTERS)),
                       responses=responses({200: AuditEventSerializer(many=True)}, 400, 403)),
)
@extend_schema(tags=["audit"])
class AuditEventViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Who changed what, when and from where (admins of the organizations concerned)."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    query_filters = FILTERS
    pagination_class = IdCursorPagination
    organization_field = "organization_id"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        user = self.request.user
        if not user.is_superuser and not access.organizations_for(user, "manage"):
            raise PermissionDenied("the audit trail is for the admins of an organization")
        # The same rule as the audit page: their organizations' events, and their members' sign-ins.
        return events_visible_to(user, action=value_of(self.request, ACTION))

