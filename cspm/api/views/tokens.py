"""Your own API tokens: list and revoke them; create one from a signed-in browser session (a
token cannot mint another: a leaked one must not be able to outlive its revocation)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from cspm.accounts.models import ApiToken
from cspm.accounts.tokens import token_create, token_revoke, tokens_of
from cspm.api.authentication import VerifiedSessionAuthentication
from cspm.api.base import AuditedMixin, responses
from cspm.api.pagination import SmallPagePagination
from cspm.api.serializers.tokens import TokenCreatedSerializer, TokenCreateSerializer, TokenSerializer


@extend_schema_view(
    list=extend_schema(summary="Your API tokens", responses=responses({200: TokenSerializer(many=True)}, 400)),
    create=extend_schema(summary="Create a token (signed-in session only); the token is shown once",
                         request=TokenCreateSerializer, responses=responses({201: TokenCreatedSerializer}, 400, 403)),
    destroy=extend_schema(summary="Revoke one of your tokens",
                          responses=responses({204: OpenApiResponse(description="Revoked")}, 404)),
)
@extend_schema(tags=["tokens"])
class TokenViewSet(mixins.ListModelMixin, AuditedMixin, GenericViewSet):
    """Your personal API tokens."""

    queryset = ApiToken.objects.all()
    serializer_class = TokenSerializer
    pagination_class = SmallPagePagination

    def get_queryset(self):
        # Personal, not organizational: the caller's own tokens only.
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        return tokens_of(self.request.user).order_by("-id")

    def create(self, request):
        if not isinstance(request.successful_authenticator, VerifiedSessionAuthentication):
            raise PermissionDenied("tokens are created from a signed-in session, not with another token")
        serializer = TokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, raw = token_create(user=request.user, **serializer.validated_data)
        token.token = raw
        return Response(TokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        token = self.get_object()  # 404 unless it is the caller's own
        token_revoke(user=request.user, token_id=token.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
