"""What every web request passes through: security headers, session limits, the second-factor
gate and the audit actor."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django_otp import user_has_device

from cspm.accounts import twofactor
from cspm.audit.context import Actor, acting_as
from cspm.core.requests import client_ip

SIGNED_IN_AT = "cspm_signed_in_at"

# Everything the app serves comes from itself: no inline script, no CDN, no framing.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            # Pages of a signed-in user hold the estate's weaknesses: never cache them.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class SessionLimitsMiddleware:
    """Idle expiry is the session cookie's age, renewed on each request; this adds the absolute
    limit: CSPM_SESSION_MAX_SECONDS after sign-in the session ends whatever the activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(SIGNED_IN_AT, now)
            if now - started > settings.CSPM_SESSION_MAX_SECONDS:
                logout(request)
                if not request.path.startswith("/api/"):
                    query = urlencode({"next": request.get_full_path(), "expired": 1})
                    return redirect(f"{reverse(settings.LOGIN_URL)}?{query}")
        return self.get_response(request)


class SecondFactorMiddleware:
    """A signed-in user who must use TOTP reaches nothing but the second-factor pages (and
    sign-out) until the code is verified. The API's session authentication makes the same check."""

    OPEN = ("web:verify", "web:twofactor_setup", "web:logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.user.is_authenticated and not request.path.startswith(("/api/", "/static/", "/healthz"))
                and not twofactor.satisfied(request.user)):
            try:
                view_name = resolve(request.path_info).view_name
            except Resolver404:
                view_name = None
            if view_name not in self.OPEN:
                has_device = user_has_device(request.user, confirmed=True)
                return redirect(reverse("web:verify" if has_device else "web:twofactor_setup"))
        return self.get_response(request)


class ActorMiddleware:
    """Whoever a web request is, services record it in the audit trail (with the address)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            actor = Actor(user.get_username(), "web", user.pk, client_ip(request))
        else:
            actor = Actor("anonymous", "web", None, client_ip(request))
        with acting_as(actor):
            return self.get_response(request)
