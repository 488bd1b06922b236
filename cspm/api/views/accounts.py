"""Cloud accounts: anyone in the organization reads them; its admins onboard, edit, remove them
and replace or test their credentials (which go in and never come out)."""

from django.db import transaction
from django.views.decorators.debug import sensitive_variables
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cspm.accounts import access
from cspm.accounts.models import CloudAccount, Organization
from cspm.accounts.services import (
    account_connection_test,
    account_credentials_replace,
    account_onboard,
    account_remove,
    account_update,
)
from cspm.api import filters
from cspm.api.base import ScopedViewSet, require, responses
from cspm.api.filters import Param, bad
from cspm.api.pagination import SmallPagePagination
from cspm.api.serializers.accounts import (
    AccountCreateSerializer,
    AccountSerializer,
    AccountUpdateSerializer,
    ConnectionTestSerializer,
    CredentialsReplaceSerializer,
)
from cspm.core.errors import DomainError

FILTERS = (
    filters.organization("organization_id"),
    Param("provider", "Cloud", "choice", lookup="provider", choices=tuple(CloudAccount.Provider.values)),
    Param("environment", "Environment", "choice", lookup="environment",
          choices=tuple(CloudAccount.Environment.values)),
    Param("enabled", "Polled (yes) or paused (no)", "bool", lookup="enabled"),
    filters.search("name", description="Part of the account's name"),
)


@extend_schema_view(
    list=extend_schema(summary="Cloud accounts you can see", parameters=filters.parameters(FILTERS),
                       responses=responses({200: AccountSerializer(many=True)}, 400)),
    retrieve=extend_schema(summary="One cloud account", responses=responses({200: AccountSerializer}, 404)),
    create=extend_schema(summary="Onboard a cloud account (admin of the organization)",
                         request=AccountCreateSerializer,
                         responses=responses({201: AccountSerializer}, 400, 403)),
    partial_update=extend_schema(summary="Edit an account (admin)", request=AccountUpdateSerializer,
                                 responses=responses({200: AccountSerializer}, 400, 403, 404)),
    destroy=extend_schema(summary="Remove an account with its history (admin)",
                          responses=responses({204: OpenApiResponse(description="Removed")}, 403, 404)),
)
@extend_schema(tags=["accounts"])
class AccountViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Cloud accounts (AWS accounts, GCP projects, Azure subscriptions). Credentials are write-only."""

    queryset = CloudAccount.objects.select_related("organization").order_by("organization__name", "name", "id")
    serializer_class = AccountSerializer
    query_filters = FILTERS
    pagination_class = SmallPagePagination
    organization_field = "organization_id"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def _managed(self) -> CloudAccount:
        account = self.get_object()
        require(self.request.user, "manage", account.organization_id)
        return account

    def _show(self, account_id: int, code=status.HTTP_200_OK) -> Response:
        account = CloudAccount.objects.select_related("organization").get(pk=account_id)
        return Response(AccountSerializer(account).data, status=code)

    @sensitive_variables("data")  # error reports never show the credentials
    def create(self, request):
        data = self._valid(AccountCreateSerializer)
        # The target organization must exist within reach (the API never creates one) and be yours to manage.
        org = access.scoped(request.user, Organization.objects.filter(pk=data["organization"]), "id").first()
        if org is None:
            raise bad("organization", f"no organization {data['organization']}")
        require(request.user, "manage", org.pk)
        with transaction.atomic():
            account = account_onboard(
                provider=data["provider"], native_id=data["native_id"], name=data["name"], organization=org.name,
                environment=data["environment"], credentials=data.get("credentials"), endpoint=data.get("endpoint"),
                regions=data["regions"], poll_interval=data["poll_interval"], test_connection=data["test_connection"])
            if account.organization_id != org.pk:  # the service finds organizations by name: never another one
                raise DomainError(f"organization {org.name!r} is ambiguous by name; rename one first")
        return self._show(account.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        account = self._managed()
        changes = self._valid(AccountUpdateSerializer)
        account_update(account_id=account.pk, **changes)
        return self._show(account.pk)

    def destroy(self, request, pk=None):
        account_remove(account_id=self._managed().pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Replace an account's credentials (admin)", request=CredentialsReplaceSerializer,
                   responses=responses({200: AccountSerializer}, 400, 403, 404))
    @action(detail=True, methods=["post"])
    @sensitive_variables("data")
    def credentials(self, request, pk=None):
        account = self._managed()
        data = self._valid(CredentialsReplaceSerializer)
        account_credentials_replace(account_id=account.pk, credentials=data["credentials"],
                                    test_connection=data["test_connection"])
        return self._show(account.pk)

    @extend_schema(summary="Test that the stored credentials reach the account (admin)", request=None,
                   responses=responses({200: ConnectionTestSerializer}, 403, 404))
    @action(detail=True, methods=["post"], url_path="test-connection")
    def test_connection(self, request, pk=None):
        account = self._managed()
        try:
            result = account_connection_test(account_id=account.pk)
        except DomainError as exc:  # unreachable is an answer to the question, not a bad request
            return Response({"ok": False, "result": None, "error": str(exc)})
        return Response({"ok": True, "result": result, "error": None})

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
