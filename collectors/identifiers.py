"""Validation of the identifiers a user types when onboarding an account: native account ids,
regions and endpoint URLs. Plain Python (no Django): the CLI, the web forms and the API share it.

Every function returns the normalized value or raises collectors.errors.ValidationError with a
one-line message. Inputs may be hostile (control characters, megabytes of text): a message shows
at most ~60 characters of the input, through repr(), so it never spans lines or hides characters.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from collectors.base import PROVIDERS
from collectors.errors import ValidationError

SHOW_LIMIT = 60
MAX_REGIONS = 200
MAX_ENDPOINT_LENGTH = 500  # CloudAccount.endpoint_url holds 500 characters

_AWS_ACCOUNT = re.compile(r"[0-9]{12}")
_GCP_PROJECT = re.compile(r"[a-z][a-z0-9-]{4,28}[a-z0-9]")
_GCP_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
GUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
NIL_GUID = "00000000-0000-0000-0000-000000000000"

# us-east-1, eu-central-1, us-gov-west-1, cn-northwest-1, us-isob-east-1, eusc-de-east-1
_AWS_REGION = re.compile(
    r"[a-z]{2,4}(?:-(?:gov|iso[a-z]?|[a-z]{2}))?"
    r"-(?:central|north|south|east|west|northeast|northwest|southeast|southwest)-[0-9]{1,2}"
)
_AWS_ZONE = re.compile(_AWS_REGION.pattern + r"[a-z]")
# us-central1, europe-west4, northamerica-northeast1
_GCP_REGION = re.compile(r"[a-z]{2,20}-[a-z]{2,20}[0-9]{1,2}")
_GCP_ZONE = re.compile(_GCP_REGION.pattern + r"-[a-z]")
# westeurope, eastus2, eastus2euap, usgovvirginia
_AZURE_REGION = re.compile(r"[a-z][a-z0-9]{2,39}")

_REGION_RULES = {
    "aws": (_AWS_REGION, _AWS_ZONE, "AWS", "'us-east-1' or 'us-gov-west-1'"),
    "gcp": (_GCP_REGION, _GCP_ZONE, "GCP", "'us-central1' or 'europe-west4'"),
    "azure": (_AZURE_REGION, None, "Azure", "'westeurope' or 'eastus2'"),
}

_HOST_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
# RFC 3986 characters; anything else (spaces, quotes, <>, backslash, non-ASCII) must be %-encoded.
_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def quote_input(value: str, limit: int = SHOW_LIMIT) -> str:
    """repr() of at most `limit` characters of a user input, for error messages: one line, with
    control and invisible characters escaped, and "…" where it was cut."""
    text = repr(value[:limit])
    if len(text) > limit + 2:  # escapes made it long: cut the repr itself
        return text[: limit + 1] + "…"
    return text + "…" if len(value) > limit else text


def _require_str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{what} must be a string, not {type(value).__name__}")
    value = value.strip()
    if not value:
        raise ValidationError(f"{what} is empty")
    return value


def _check_provider(provider: object) -> str:
    if provider not in PROVIDERS:
        shown = quote_input(provider) if isinstance(provider, str) else type(provider).__name__
        raise ValidationError(f"unknown provider {shown} (expected aws, gcp or azure)")
    return provider  # type: ignore[return-value]


def validate_native_id(provider: str, value: str) -> str:
    """The account's id in its cloud, normalized: an AWS account id (12 digits), a GCP project
    id (or a legacy domain-scoped `example.com:my-project`), or an Azure subscription GUID
    (returned in lowercase)."""
    provider = _check_provider(provider)
    if provider == "aws":
        value = _require_str(value, "AWS account id")
        if not _AWS_ACCOUNT.fullmatch(value):
            raise ValidationError(f"invalid AWS account id {quote_input(value)}: expected exactly 12 digits")
        return value
    if provider == "gcp":
        value = _require_str(value, "GCP project id")
        problem = _gcp_project_problem(value)
        if problem:
            raise ValidationError(f"invalid GCP project id {quote_input(value)}: {problem}")
        return value
    value = _require_str(value, "Azure subscription id")
    if not GUID_RE.fullmatch(value):
        raise ValidationError(
            f"invalid Azure subscription id {quote_input(value)}: expected a GUID like "
            "'0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0' (no braces)"
        )
    value = value.lower()
    if value == NIL_GUID:
        raise ValidationError("invalid Azure subscription id: the nil GUID is not a subscription")
    return value


def _gcp_project_problem(value: str) -> str | None:
    """Why `value` is not a GCP project id, or None when it is one."""
    if ":" in value:
        domain, _, project = value.rpartition(":")
        if not _GCP_DOMAIN.fullmatch(domain) or len(domain) > 253:
            return "the part before ':' must be a lowercase domain name (legacy form example.com:my-project)"
        value = project
    if _GCP_PROJECT.fullmatch(value):
        return None
    if not 6 <= len(value) <= 30:
        return f"must be 6 to 30 characters long (got {len(value)})"
    if not re.fullmatch(r"[a-z0-9-]+", value):
        return "only lowercase letters, digits and hyphens are allowed"
    if not ("a" <= value[0] <= "z"):
        return "must start with a lowercase letter"
    return "must not end with a hyphen"


def validate_regions(provider: str, regions: list[str]) -> list[str]:
    """Region names for the provider, stripped and de-duplicated in their given order. An empty
    list means "every region the account enables"."""
    provider = _check_provider(provider)
    if isinstance(regions, str) or not isinstance(regions, list | tuple):
        raise ValidationError(f"regions must be a list of names, not {type(regions).__name__}")
    if len(regions) > MAX_REGIONS:
        raise ValidationError(f"too many regions ({len(regions)}; at most {MAX_REGIONS})")
    pattern, zone, cloud, example = _REGION_RULES[provider]
    result: list[str] = []
    for region in regions:
        region = _require_str(region, f"{cloud} region")
        if not pattern.fullmatch(region):
            if zone is not None and zone.fullmatch(region):
                raise ValidationError(
                    f"{cloud} region {quote_input(region)} is a zone: give its region, like {example}"
                )
            raise ValidationError(
                f"invalid {cloud} region {quote_input(region)}: expected a lowercase name like {example}"
            )
        if region not in result:
            result.append(region)
    return result


def validate_endpoint(url: str) -> str:
    """An endpoint override (sovereign cloud, simulator): an http or https URL with a host, no
    user or password in it and no fragment. Returned with its scheme and host in lowercase."""
    url = _require_str(url, "endpoint URL")
    if len(url) > MAX_ENDPOINT_LENGTH:
        raise ValidationError(f"endpoint URL is longer than {MAX_ENDPOINT_LENGTH} characters")
    if not _URL_CHARS.fullmatch(url):
        raise ValidationError(
            f"endpoint URL {quote_input(url)} contains characters not allowed in a URL "
            "(spaces, control characters, quotes, <>, backslashes or non-ASCII must be %-encoded)"
        )
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError when not a number in 0..65535
    except ValueError:
        raise ValidationError(f"endpoint URL {quote_input(url)} is malformed (bad host or port)") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ValidationError(f"endpoint URL {quote_input(url)} must start with http:// or https://")
    if "@" in parts.netloc:
        raise ValidationError(
            "endpoint URL must not carry a user name or password: give credentials separately"
        )
    if "#" in url:
        raise ValidationError(f"endpoint URL {quote_input(url)} must not have a fragment ('#...')")
    host = parts.hostname or ""
    if not host:
        raise ValidationError(f"endpoint URL {quote_input(url)} has no host")
    if port == 0:
        raise ValidationError(f"endpoint URL {quote_input(url)} has port 0")
    shown_host = _check_host(host, url)
    netloc = shown_host if port is None else f"{shown_host}:{port}"
    query = f"?{parts.query}" if parts.query else ""
    return f"{scheme}://{netloc}{parts.path}{query}"


def _check_host(host: str, url: str) -> str:
    """The host as it goes back into the URL (IPv6 in brackets), or ValidationError."""
    if ":" in host:
        try:
            return f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            raise ValidationError(f"endpoint URL {quote_input(url)} has an invalid IPv6 address") from None
    if re.fullmatch(r"[0-9.]+", host):
        try:
            return str(ipaddress.IPv4Address(host))
        except ValueError:
            raise ValidationError(f"endpoint URL {quote_input(url)} has an invalid IPv4 address") from None
    name = host[:-1] if host.endswith(".") else host
    if len(name) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in name.split(".")):
        raise ValidationError(f"endpoint URL {quote_input(url)} has an invalid host name")
    return host
