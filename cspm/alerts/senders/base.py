"""What every sender shares: one error type whose message is one line and never a secret,
and a JSON POST with a timeout."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from django.conf import settings

MAX_ERROR = 300


class SendError(Exception):
    """A delivery failed; the message is safe to store and show (no secret in it)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def secret_fragments(secrets: dict) -> list[str]:
    """Every string a secret could appear as in an error: the values, and a URL's path and query."""
    found = []
    for value in secrets.values():
        if isinstance(value, str) and value:
            found.append(value)
            if "://" in value:
                parts = urlsplit(value)
                found += [p for p in (parts.path, parts.query) if len(p) > 1]
    return sorted(found, key=len, reverse=True)


def scrub(text: str, secrets: dict) -> str:
    text = " ".join(str(text).split())
    for fragment in secret_fragments(secrets):
        text = text.replace(fragment, "[redacted]")
    return text[:MAX_ERROR]


def root_reason(exc: BaseException) -> str:
    """The operating system's words for a network failure ("Connection refused"), found under the
    layers of wrapping (requests, urllib3, smtplib) whose own messages quote the URL."""
    seen, current = set(), exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror:
            return current.strerror
        nested = getattr(current, "reason", None)
        if not isinstance(nested, BaseException):
            nested = next((a for a in current.args if isinstance(a, BaseException)), None)
        current = nested or current.__cause__ or current.__context__
    return type(exc).__name__


def display_host(url: str) -> str:
    """The part of a URL that may be shown: its host and port (never its path)."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)


def post_json(url: str, body: bytes, headers: dict[str, str], secrets: dict) -> requests.Response:
    timeout = settings.CSPM_ALERT_TIMEOUT
    host = display_host(url)
    try:
        response = requests.post(url, data=body, timeout=timeout, allow_redirects=False, headers={
            "Content-Type": "application/json", "User-Agent": "cspm-alerts/1", **headers})
    except requests.Timeout:
        raise SendError(f"no answer from {host} within {timeout:g} s") from None
    except requests.RequestException as exc:
        raise SendError(scrub(f"cannot reach {host}: {root_reason(exc)}", secrets)) from None
    if not 200 <= response.status_code < 300:
        retry_after = response.headers.get("Retry-After", "")
        raise SendError(scrub(f"{host} answered HTTP {response.status_code}: {response.text[:100]}", secrets),
                        retry_after=float(retry_after) if retry_after.isdigit() else None)
    return response
