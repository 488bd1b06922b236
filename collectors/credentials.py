"""Parsing and validation of the credentials documents users upload for a cloud account, and the
non-secret summary that may be shown afterwards. Plain Python (no Django).

A CredentialsError message names the field that is missing or invalid and what was expected; it
never contains a value from the document, so it is safe to print, log and show in a browser.

Accepted documents (JSON objects of strings), by provider, and the "kind" added to the result:
- aws:   {"access_key_id", "secret_access_key", "session_token"?}              -> "aws_keys"
         {"role_arn", "external_id"?, "session_name"?}                          -> "aws_role"
- gcp:   a service-account key file as Google issues it (extra fields kept)    -> "gcp_service_account"
         {"type": "access_token", "token"}                                     -> "access_token"
- azure: {"tenant_id", "client_id", "client_secret"}                           -> "azure_service_principal"
         {"type": "access_token", "token"}                                     -> "access_token"
A document that already carries the "kind" its content implies is accepted too, so a parsed
result parses again to itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from collectors.base import PROVIDERS
from collectors.errors import CredentialsError, ValidationError
from collectors.identifiers import GUID_RE, NIL_GUID, quote_input, validate_endpoint, validate_native_id

MAX_DOCUMENT_BYTES = 64 * 1024

AWS_KEY_FIELDS = ("access_key_id", "secret_access_key", "session_token")
AWS_ROLE_FIELDS = ("role_arn", "external_id", "session_name")
AZURE_SP_FIELDS = ("tenant_id", "client_id", "client_secret")
GCP_SA_REQUIRED = ("project_id", "private_key_id", "private_key", "client_email", "client_id", "token_uri")
TOKEN_FIELDS = ("type", "token")
# Other credential types Google issues, named in the error so the user knows what they uploaded.
GCP_OTHER_TYPES = (
    "authorized_user",
    "external_account",
    "impersonated_service_account",
    "gdch_service_account",
)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")  # C0, DEL, C1 and lone surrogates
_CONTROL_IN_PEM = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")  # newlines allowed
_SHOWABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")

_AWS_ACCESS_KEY_ID = re.compile(r"(?:AKIA|ASIA|AIDA)[A-Z0-9]{16}")
_AWS_SECRET = re.compile(r"[A-Za-z0-9/+=]{40}")
_AWS_SESSION_TOKEN = re.compile(r"[A-Za-z0-9/+=]{16,}")
_IAM_NAME = r"[A-Za-z0-9+=,.@_-]"
_AWS_ROLE_ARN = re.compile(
    rf"arn:aws(?:-cn|-us-gov)?:iam::[0-9]{{12}}:role/(?:{_IAM_NAME}+/)*{_IAM_NAME}{{1,64}}"
)
_AWS_EXTERNAL_ID = re.compile(r"[A-Za-z0-9_+=,.@:/-]{2,1224}")
_AWS_SESSION_NAME = re.compile(r"[A-Za-z0-9_+=,.@-]{2,64}")
_PEM_PRIVATE_KEY = re.compile(
    r"-----BEGIN PRIVATE KEY-----\r?\n(?:[A-Za-z0-9+/=]+\r?\n)+-----END PRIVATE KEY-----(?:\r?\n)?"
)
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
_EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
_NUMERIC_ID = re.compile(r"[0-9]{1,32}")
_BEARER_TOKEN = re.compile(r"[A-Za-z0-9._~+/-]+=*")  # RFC 6750 b64token
_PRINTABLE_SECRET = re.compile(r"[\x21-\x7e]{1,1024}")
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

_JSON_TYPE_NAMES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


def parse_credentials(provider: str, raw: bytes | str) -> dict[str, str]:
    """Parse and validate a credentials JSON document for `provider`; returns a plain dict of its
    (normalized) string fields with "kind" added. Raises CredentialsError."""
    if provider not in PROVIDERS:
        shown = quote_input(provider) if isinstance(provider, str) else type(provider).__name__
        raise CredentialsError(f"unknown provider {shown} (expected aws, gcp or azure)")
    doc = _load(raw)
    claimed_kind = doc.pop("kind", None)
    creds = {"aws": _parse_aws, "gcp": _parse_gcp, "azure": _parse_azure}[provider](doc)
    if claimed_kind is not None and claimed_kind != creds["kind"]:
        raise CredentialsError(
            f"field 'kind' does not match the document (it holds {creds['kind']} credentials)"
        )
    return creds


def describe_credentials(creds: Mapping[str, Any]) -> dict[str, Any]:
    """A summary of parsed credentials that is safe to show: their kind and non-secret identifiers.
    Never a secret key, token, private key or external id."""
    if not isinstance(creds, Mapping):
        raise CredentialsError(f"credentials must be a mapping, not {type(creds).__name__}")
    kind = creds.get("kind")

    def text(name: str) -> str:
        value = creds.get(name)
        return value if isinstance(value, str) else ""

    if kind == "aws_keys":
        return {
            "kind": kind,
            "access_key_id": _mask(text("access_key_id")),
            "has_session_token": bool(creds.get("session_token")),
        }
    if kind == "aws_role":
        summary = {
            "kind": kind,
            "role_arn": text("role_arn"),
            "has_external_id": bool(creds.get("external_id")),
        }
        if text("session_name"):
            summary["session_name"] = text("session_name")
        return summary
    if kind == "gcp_service_account":
        return {"kind": kind, "project_id": text("project_id"), "client_email": text("client_email")}
    if kind == "azure_service_principal":
        return {"kind": kind, "tenant_id": text("tenant_id"), "client_id": text("client_id")}
    if kind == "access_token":
        return {"kind": kind}
    raise CredentialsError("credentials have no known 'kind': parse them with parse_credentials first")


def _mask(access_key_id: str) -> str:
    """AKIAIOSFODNN7EXAMPLE -> AKIA…MPLE: the type prefix and the last four, as AWS's console shows."""
    if len(access_key_id) < 12:
        return "…"
    return f"{access_key_id[:4]}…{access_key_id[-4:]}"


# --- the document ---------------------------------------------------------------------------


def _load(raw: bytes | str) -> dict[str, str]:
    """Bytes or text -> a JSON object whose values are all strings free of control characters."""
    if isinstance(raw, str):
        if len(raw) > MAX_DOCUMENT_BYTES:
            raise CredentialsError("credentials document is larger than 64 KiB")
        try:
            data = raw.encode("utf-8")
        except UnicodeEncodeError:
            raise CredentialsError("credentials document is not valid Unicode text") from None
    elif isinstance(raw, bytes | bytearray | memoryview):
        data = bytes(raw)
    else:
        raise CredentialsError(f"credentials document must be bytes or text, not {type(raw).__name__}")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise CredentialsError("credentials document is larger than 64 KiB")
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark from a Windows editor is harmless
    except UnicodeDecodeError:
        raise CredentialsError("credentials document is not valid UTF-8 text") from None
    try:
        doc = json.loads(text, object_pairs_hook=_object_without_duplicates, parse_constant=_no_constant)
    except CredentialsError:
        raise
    except json.JSONDecodeError as exc:
        # The position only: the decoder's own message may quote the document.
        raise CredentialsError(
            f"credentials document is not valid JSON (line {exc.lineno}, column {exc.colno})"
        ) from None
    except (ValueError, RecursionError):  # e.g. a number of more than 4300 digits, deep nesting
        raise CredentialsError("credentials document is not valid JSON") from None
    if not isinstance(doc, dict):
        kind = _JSON_TYPE_NAMES.get(type(doc), "not an object")
        raise CredentialsError(f"credentials document must be a JSON object, not {kind}")
    for name, value in doc.items():
        if not name or _CONTROL.search(name):
            raise CredentialsError("credentials document has a field with an empty or unprintable name")
        if not isinstance(value, str):
            kind = _JSON_TYPE_NAMES.get(type(value), "not a string")
            raise CredentialsError(f"field {_field(name)} must be a string, not {kind}")
        control = _CONTROL_IN_PEM if name == "private_key" else _CONTROL
        if control.search(value):
            raise CredentialsError(f"field {_field(name)} contains control or invalid characters")
    return doc


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for name, value in pairs:
        if name in obj:
            raise CredentialsError(f"field {_field(name)} appears twice in the credentials document")
        obj[name] = value
    return obj


def _no_constant(name: str) -> Any:
    raise CredentialsError("credentials document is not valid JSON (NaN and Infinity are not JSON)")


def _field(name: str) -> str:
    """A field name for an error message: shown only when it looks like a field name, as a
    document could carry anything, a secret even, in a name."""
    return repr(name) if _SHOWABLE_NAME.fullmatch(name) else "(name not shown)"


def _only(doc: Mapping[str, str], allowed: tuple[str, ...], what: str) -> None:
    for name in doc:
        if name not in allowed:
            raise CredentialsError(
                f"unknown field {_field(name)} in {what} credentials (expected {', '.join(allowed)})"
            )


def _require(doc: Mapping[str, str], required: tuple[str, ...], what: str) -> None:
    missing = [name for name in required if name not in doc]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise CredentialsError(f"{what} credentials are missing field{plural} {', '.join(missing)}")


def _check(doc: Mapping[str, str], name: str, pattern: re.Pattern[str], expected: str) -> str:
    value = doc[name]
    if not value:
        raise CredentialsError(f"field {name!r} is empty")
    if not pattern.fullmatch(value):
        raise CredentialsError(f"field {name!r} is invalid: expected {expected}")
    return value


def _check_guid(doc: Mapping[str, str], name: str) -> str:
    value = _check(doc, name, GUID_RE, "a GUID like '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'").lower()
    if value == NIL_GUID:
        raise CredentialsError(f"field {name!r} is invalid: the nil GUID identifies nothing")
    return value


def _access_token(doc: dict[str, str], what: str) -> dict[str, str]:
    _only(doc, TOKEN_FIELDS, f"{what} access-token")
    _require(doc, TOKEN_FIELDS, f"{what} access-token")
    token = _check(doc, "token", _BEARER_TOKEN, "an OAuth bearer token (letters, digits and -._~+/=)")
    return {"type": "access_token", "token": token, "kind": "access_token"}


# --- per provider ---------------------------------------------------------------------------


def _parse_aws(doc: dict[str, str]) -> dict[str, str]:
    key_fields = [name for name in AWS_KEY_FIELDS if name in doc]
    role_fields = [name for name in AWS_ROLE_FIELDS if name in doc]
    if key_fields and role_fields:
        raise CredentialsError(
            f"AWS credentials mix access keys ({', '.join(key_fields)}) and a role "
            f"({', '.join(role_fields)}): give one form only"
        )
    if role_fields:
        _only(doc, AWS_ROLE_FIELDS, "AWS role")
        _require(doc, ("role_arn",), "AWS role")
        creds = {
            "role_arn": _check(
                doc,
                "role_arn",
                _AWS_ROLE_ARN,
                "arn:aws:iam::<12-digit account>:role/<path/name> (or the aws-cn / aws-us-gov partitions)",
            )
        }
        if "external_id" in doc:
            creds["external_id"] = _check(
                doc, "external_id", _AWS_EXTERNAL_ID, "2 to 1224 letters, digits or _+=,.@:/-"
            )
        if "session_name" in doc:
            creds["session_name"] = _check(
                doc, "session_name", _AWS_SESSION_NAME, "2 to 64 letters, digits or _+=,.@-"
            )
        return {**creds, "kind": "aws_role"}
    if not key_fields:
        unknown = f" (unknown field {_field(next(iter(doc)))})" if doc else ""
        raise CredentialsError(
            f"AWS credentials need access_key_id and secret_access_key, or role_arn{unknown}"
        )
    _only(doc, AWS_KEY_FIELDS, "AWS access-key")
    _require(doc, ("access_key_id", "secret_access_key"), "AWS access-key")
    creds = {
        "access_key_id": _check(
            doc, "access_key_id", _AWS_ACCESS_KEY_ID, "AKIA, ASIA or AIDA and 16 capital letters or digits"
        ),
        "secret_access_key": _check(
            doc, "secret_access_key", _AWS_SECRET, "40 characters of letters, digits, '/', '+' or '='"
        ),
    }
    if "session_token" in doc:
        creds["session_token"] = _check(
            doc, "session_token", _AWS_SESSION_TOKEN, "letters, digits, '/', '+' or '=' (16 or more)"
        )
    elif creds["access_key_id"].startswith("ASIA"):
        raise CredentialsError("AWS access keys starting with ASIA are temporary: session_token is missing")
    return {**creds, "kind": "aws_keys"}


def _parse_gcp(doc: dict[str, str]) -> dict[str, str]:
    if "type" not in doc:
        raise CredentialsError(
            "GCP credentials need a 'type' field: 'service_account' (a key file) or 'access_token'"
        )
    if doc["type"] == "access_token":
        return _access_token(doc, "GCP")
    if doc["type"] != "service_account":
        shown = f"of type {doc['type']!r}" if doc["type"] in GCP_OTHER_TYPES else "of this type"
        raise CredentialsError(
            f"GCP credentials {shown} are not supported (expected type 'service_account', a key file, "
            "or 'access_token')"
        )
    # A key file carries more fields than we use (auth_uri, universe_domain...): keep them.
    _require(doc, GCP_SA_REQUIRED, "GCP service-account")
    creds = dict(doc)
    try:
        creds["project_id"] = validate_native_id("gcp", doc["project_id"])
    except ValidationError:
        raise CredentialsError("field 'project_id' is invalid: expected a GCP project id") from None
    _check(doc, "private_key_id", _KEY_ID, "a key id of letters, digits, '_' or '-'")
    _check(
        doc,
        "private_key",
        _PEM_PRIVATE_KEY,
        "a PEM block from '-----BEGIN PRIVATE KEY-----' to '-----END PRIVATE KEY-----'",
    )
    _check(doc, "client_email", _EMAIL, "the service account's email address")
    _check(doc, "client_id", _NUMERIC_ID, "a numeric id")
    creds["token_uri"] = _token_uri(doc["token_uri"])
    creds["kind"] = "gcp_service_account"
    return creds


def _token_uri(value: str) -> str:
    expected = "field 'token_uri' is invalid: expected an https URL (plain http only to localhost, for tests)"
    if not value:
        raise CredentialsError("field 'token_uri' is empty")
    try:
        url = validate_endpoint(value)
    except ValidationError:
        raise CredentialsError(expected) from None
    parts = urlsplit(url)
    if parts.scheme != "https" and parts.hostname not in _LOCAL_HOSTS:
        raise CredentialsError(expected)
    return url


def _parse_azure(doc: dict[str, str]) -> dict[str, str]:
    if "type" in doc:
        if doc["type"] != "access_token":
            raise CredentialsError(
                "Azure credentials of this type are not supported "
                "(expected tenant_id, client_id and client_secret, or type 'access_token')"
            )
        return _access_token(doc, "Azure")
    _only(doc, AZURE_SP_FIELDS, "Azure service-principal")
    _require(doc, AZURE_SP_FIELDS, "Azure service-principal")
    return {
        "tenant_id": _check_guid(doc, "tenant_id"),
        "client_id": _check_guid(doc, "client_id"),
        "client_secret": _check(
            doc, "client_secret", _PRINTABLE_SECRET, "1 to 1024 printable ASCII characters without spaces"
        ),
        "kind": "azure_service_principal",
    }
