"""How the API knows who calls: a personal token (Authorization: Bearer cspm_...), or the
browser's signed-in session once its second factor is satisfied."""

from __future__ import annotations

from rest_framework import authentication, exceptions

from cspm.accounts import twofactor
from cspm.accounts.tokens import token_user


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Authorization header: expected 'Bearer <token>'")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("invalid token") from None
        user = token_user(raw)
        if user is None:
            raise exceptions.AuthenticationFailed("invalid, expired or revoked token")
        return user, None

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None or not twofactor.satisfied(result[0]):
            return None
        return result
