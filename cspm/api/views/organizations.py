from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from cspm.accounts import access
from cspm.accounts.models import Organization
from cspm.api.base import ScopedViewSet, responses
from cspm.api.pagination import SmallPagePagination
from cspm.api.serializers.organizations import OrganizationSerializer


@extend_schema_view(
    list=extend_schema(summary="Organizations you belong to, and those under them",
                       responses=responses({200: OrganizationSerializer(many=True)}, 400)),
    retrieve=extend_schema(summary="One organization", responses=responses({200: OrganizationSerializer}, 404)),
)
@extend_schema(tags=["organizations"])
class OrganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Organizations you are a member of, and every organization under them."""

    queryset = Organization.objects.order_by("name", "id")
    serializer_class = OrganizationSerializer
    pagination_class = SmallPagePagination
    organization_field = "id"

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["roles"] = access.roles(self.request.user)
        return context
