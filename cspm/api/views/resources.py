"""Resources of the accounts you can see, with their current configuration and its history."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from cspm.api import filters
from cspm.api.base import ScopedViewSet, responses
from cspm.api.filters import Param
from cspm.api.pagination import IdCursorPagination
from cspm.api.serializers.inventory import ResourceDetailSerializer, ResourceSerializer, VersionSerializer
from cspm.inventory.models import Resource, ResourceVersion
from cspm.inventory.selectors import version_configs

FILTERS = (
    filters.account(),
    Param("type", "Resource type, e.g. aws.s3.bucket", lookup="type"),
    Param("region", "Region", lookup="region"),
    Param("removed", "Removed from the cloud (yes) or still there (no)", "bool",
          apply=lambda qs, removed: qs.filter(removed_at__isnull=not removed)),
    filters.search("native_id", "name", description="Part of the resource's native id or name"),
)


@extend_schema_view(
    list=extend_schema(summary="Resources, newest first", parameters=filters.parameters(FILTERS),
                       responses=responses({200: ResourceSerializer(many=True)}, 400)),
    retrieve=extend_schema(summary="One resource, with its current configuration",
                           responses=responses({200: ResourceDetailSerializer}, 404)),
    versions=extend_schema(summary="Configuration history of a resource, newest first",
                           responses=responses({200: VersionSerializer(many=True)}, 400, 404)),
)
@extend_schema(tags=["resources"])
class ResourceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Cloud resources, their current configuration and its history."""

    queryset = Resource.objects.all()
    serializer_class = ResourceSerializer
    query_filters = FILTERS
    pagination_class = IdCursorPagination

    def retrieve(self, request, pk=None):
        resource = self.get_object()
        configs = version_configs([resource.current_version_id]) if resource.current_version_id else {}
        return Response(ResourceDetailSerializer(resource, context={"configs": configs}).data)

    @action(detail=True, methods=["get"], serializer_class=VersionSerializer)
    def versions(self, request, pk=None):
        resource = self.get_object()
        page = self.paginate_queryset(ResourceVersion.objects.filter(resource=resource))
        configs = version_configs(v.pk for v in page)
        return self.get_paginated_response(VersionSerializer(page, many=True, context={"configs": configs}).data)
