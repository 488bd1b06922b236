"""Facts about an HTTP request that the audit trail and the sign-in limits need."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind a trusted proxy (CSPM_BEHIND_PROXY) the last
    hop of X-Forwarded-For, the one the proxy itself added (earlier hops are the client's word)."""
    raw = request.META.get("REMOTE_ADDR", "")
    if settings.CSPM_BEHIND_PROXY:
        forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if forwarded:
            raw = forwarded[-1]
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None
