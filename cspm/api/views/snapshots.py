from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from cspm.api import filters
from cspm.api.base import ScopedViewSet, responses
from cspm.api.filters import Param
from cspm.api.pagination import IdCursorPagination
from cspm.api.serializers.inventory import SnapshotSerializer
from cspm.inventory.models import Snapshot

FILTERS = (
    filters.account(),
    Param("status", "How the poll went", "choice", lookup="status", choices=tuple(Snapshot.Status.values)),
)


@extend_schema_view(
    list=extend_schema(summary="Snapshots (polls), newest first", parameters=filters.parameters(FILTERS),
                       responses=responses({200: SnapshotSerializer(many=True)}, 400)),
    retrieve=extend_schema(summary="One snapshot", responses=responses({200: SnapshotSerializer}, 404)),
)
@extend_schema(tags=["snapshots"])
class SnapshotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Snapshots: one per poll of an account, with what each collector did."""

    queryset = Snapshot.objects.all()
    serializer_class = SnapshotSerializer
    query_filters = FILTERS
    pagination_class = IdCursorPagination

