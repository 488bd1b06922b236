"""Where to go after signing in: only a `next` on this very site (no open redirect)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return ""


def after_sign_in(request) -> str:
    return safe_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL)


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url
