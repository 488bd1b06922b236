"""What every API view shares: the audit actor set once DRF knows who calls, the one permission
layer (accounts.access) for reads and writes, and the error answers the schema documents."""

from __future__ import annotations

from contextlib import ExitStack

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.viewsets import GenericViewSet

from cspm.accounts import access
from cspm.api.filters import apply as apply_filters
from cspm.audit.context import Actor, acting_as
from cspm.core.requests import client_ip


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid input: {\"detail\": ...} or "
                                                          "{\"<field>\": [\"<what is wrong>\"]}"),
    401: OpenApiResponse(ErrorSerializer, description="No credentials, or an invalid, expired or revoked token"),
    403: OpenApiResponse(ErrorSerializer, description="Your role in the object's organization does not allow this"),
    404: OpenApiResponse(ErrorSerializer, description="No such object within your organizations"),
}


def responses(ok: dict, *codes: int) -> dict:
    """The success answers, with the error answers an operation can give (401 for every one)."""
    return {**ok, **{code: ERRORS[code] for code in sorted({401, *codes})}}


def require(user, action: str, organization_id: int) -> None:
    """A write on an object the user can see: 403 when the role there falls short."""
    if not access.can(user, action, organization_id):
        raise PermissionDenied(f"your role in this organization does not allow '{action}'")


class AuditedMixin:
    """Services record the current actor: for an API call, the authenticated user, source "api"
    and the client's address. Set after authentication (in initial) and reset when the request
    ends, whatever happens in between."""

    def dispatch(self, request, *args, **kwargs):
        with ExitStack() as self._acting:
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authenticates, checks permissions
        user = request.user
        self._acting.enter_context(acting_as(Actor(user.get_username(), "api", user.pk, client_ip(request))))


class ScopedViewSet(AuditedMixin, GenericViewSet):
    """A viewset whose objects are what the caller may view: `queryset` narrowed by accounts.access
    on `organization_field`, so an object of another organization is a 404."""

    organization_field = "account__organization_id"
    query_filters: tuple = ()  # the list's query parameters (cspm.api.filters.Param), applied in the database

    def filter_queryset(self, queryset):
        return apply_filters(self.request, queryset, self.query_filters) if self.action == "list" else queryset

    def base_queryset(self):
        return self.queryset.all()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return self.queryset.none()
        return access.scoped(self.request.user, self.base_queryset(), self.organization_field)
