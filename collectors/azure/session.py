"""One Azure session per poll: the credential (a service principal through azure-identity, or a
bearer token), the ARM endpoint (public cloud, a sovereign cloud or the simulator), the CA bundle,
retries and timeouts, the management clients, and the translation of azure-core errors into typed
collector errors.

The Azure SDK is imported here only, inside functions: loading the Azure specs must not load it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from collectors.base import CollectContext
from collectors.errors import AuthError, CollectorError, NotFoundError, ThrottledError, TransientError

ARM = "https://management.azure.com"
# ARM host -> its Entra ID authority (sovereign clouds). Any other endpoint (the simulator) serves
# its own token endpoint, so the endpoint is the authority.
AUTHORITIES = {
    "management.azure.com": "https://login.microsoftonline.com",
    "management.chinacloudapi.cn": "https://login.chinacloudapi.cn",
    "management.usgovcloudapi.net": "https://login.microsoftonline.us",
}
SUBSCRIPTIONS_API = "2022-12-01"


def translate(exc: BaseException, what: str) -> CollectorError:
    """An azure-core / azure-identity error as a typed collector error with a one-line message."""
    from azure.core import exceptions as ax

    if isinstance(exc, CollectorError):
        return exc
    message = " ".join(str(exc).split())[:300]
    status = getattr(getattr(exc, "response", None), "status_code", None) or getattr(exc, "status_code", None) or 0
    network = (ax.ServiceRequestError, ax.ServiceResponseError)
    if isinstance(exc, ax.ClientAuthenticationError) and any(isinstance(e, network) for e in _causes(exc)):
        # azure-identity reports an unreachable token endpoint as an authentication failure.
        return TransientError(f"{what}: {message}")
    # azure-identity's errors (a refused secret, CredentialUnavailableError) are ClientAuthenticationErrors.
    if isinstance(exc, ax.ClientAuthenticationError) or status in (401, 403):
        return AuthError(f"{what}: {message}")
    if status == 429:
        return ThrottledError(f"{what}: {message}")
    if isinstance(exc, ax.ResourceNotFoundError) or status == 404:
        return NotFoundError(f"{what}: {message}")
    if status >= 500 or isinstance(exc, ax.ServiceRequestError | ax.ServiceResponseError):
        return TransientError(f"{what}: {message}")
    return CollectorError(f"{what}: {message}")


def _causes(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(found) < 10:
        found.append(current)
        inner = getattr(current, "inner_exception", None)
        current = inner if isinstance(inner, BaseException) and inner is not current else (
            current.__cause__ or current.__context__)
    return found


class StaticToken:
    """A credential holding one bearer token (the "access_token" credentials kind)."""

    def __init__(self, token: str, lifetime: int = 3600) -> None:
        self._token = token
        self._expires_on = int(time.time()) + lifetime

    def get_token(self, *scopes: str, **kwargs: Any):
        from azure.core.credentials import AccessToken

        return AccessToken(self._token, self._expires_on)


class AzureSession:
    """Credential, configuration and management clients for one subscription during one poll."""

    # azure-core's retry policy: 429 (with Retry-After), 408 and 5xx, with exponential backoff.
    retry_total = 3
    retry_backoff_factor = 0.5
    retry_backoff_max = 30

    def __init__(self, context: CollectContext, *, stats: dict[str, int] | None = None) -> None:
        self.context = context
        self.subscription_id = context.account_id
        self.stats = stats if stats is not None else {}
        self.stats.setdefault("api_calls", 0)
        self.base_url = (context.endpoint or ARM).rstrip("/")
        self._lock = threading.Lock()
        self._clients: dict[str, Any] = {}
        self.credential = self._credential(dict(context.credentials or {}))

    @property
    def authority(self) -> str:
        host = (urlsplit(self.base_url).hostname or "").lower()
        return AUTHORITIES.get(host, self.base_url)

    def _transport_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "connection_timeout": min(10.0, self.context.timeout),
            "read_timeout": self.context.timeout,
        }
        if self.context.ca_bundle:
            kwargs["connection_verify"] = self.context.ca_bundle
        return kwargs

    def _credential(self, creds: dict[str, Any]) -> Any:
        kind = creds.get("kind")
        if kind == "access_token":
            return StaticToken(creds["token"])
        if kind == "azure_service_principal":
            from azure.identity import ClientSecretCredential

            kwargs = self._transport_kwargs()
            if self.context.endpoint:
                kwargs["authority"] = self.authority
                # Instance discovery asks login.microsoftonline.com about the authority: not for
                # a sovereign cloud's or the simulator's own.
                kwargs["disable_instance_discovery"] = self.authority not in AUTHORITIES.values()
            return ClientSecretCredential(creds["tenant_id"], creds["client_id"], creds["client_secret"],
                                          retry_total=self.retry_total, **kwargs)
        raise AuthError("Azure credentials are missing: onboard the subscription with a service principal "
                        "(tenant_id, client_id, client_secret) or an access token")

    def _client_kwargs(self) -> dict[str, Any]:
        kwargs = self._transport_kwargs()
        kwargs.update(
            base_url=self.base_url,
            credential_scopes=[f"{self.base_url}/.default"],
            retry_total=self.retry_total,
            retry_backoff_factor=self.retry_backoff_factor,
            retry_backoff_max=self.retry_backoff_max,
            user_agent="cspm-drift-monitor",
            raw_request_hook=self._count,
        )
        return kwargs

    def _count(self, request: Any) -> None:
        with self._lock:
            self.stats["api_calls"] += 1
        if self.context.pace is not None:
            self.context.pace(1)

    def client(self, service: str) -> Any:
        """A management client: containerservice, storage, authorization or resource."""
        with self._lock:
            client = self._clients.get(service)
        if client is not None:
            return client
        if service == "containerservice":
            from azure.mgmt.containerservice import ContainerServiceClient as cls
        elif service == "storage":
            from azure.mgmt.storage import StorageManagementClient as cls
        elif service == "authorization":
            from azure.mgmt.authorization import AuthorizationManagementClient as cls
        elif service == "resource":
            from azure.mgmt.resource.resources import ResourceManagementClient as cls
        else:
            raise ValueError(f"unknown Azure service {service!r}")
        client = cls(self.credential, self.subscription_id, **self._client_kwargs())
        with self._lock:
            return self._clients.setdefault(service, client)

    def call(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """One SDK call whose failure fails the caller, as a typed error."""
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            raise translate(exc, what) from None

    def pages(self, what: str, listing: Callable[[], Iterable[Any]]) -> Iterator[Any]:
        """Every item of an SDK listing (ItemPaged follows nextLink); a failure on any page fails it."""
        try:
            yield from listing()
        except Exception as exc:
            raise translate(exc, what) from None

    def get_json(self, path: str, api_version: str = SUBSCRIPTIONS_API) -> dict:
        """GET an ARM path through the authenticated pipeline (calls no SDK package models)."""
        from azure.core.rest import HttpRequest

        def send(url: str) -> dict:
            response = self.client("resource").send_request(HttpRequest("GET", url))
            response.raise_for_status()
            return response.json()

        sep = "&" if "?" in path else "?"
        return self.call(f"GET {path}", send, f"{path}{sep}api-version={api_version}")

    def list_json(self, path: str, api_version: str = SUBSCRIPTIONS_API) -> list[dict]:
        """Every item of an ARM listing, following absolute nextLinks."""
        page = self.get_json(path, api_version)
        items = list(page.get("value") or [])
        while page.get("nextLink"):
            from azure.core.rest import HttpRequest

            link = page["nextLink"]

            def send(url: str) -> dict:
                response = self.client("resource").send_request(HttpRequest("GET", url))
                response.raise_for_status()
                return response.json()

            page = self.call(f"GET {path} (next page)", send, link)
            items += page.get("value") or []
        return items


def as_rest(model: Any) -> dict:
    """An SDK model as its REST JSON (camelCase, with the `properties` envelope), whichever model
    generation returned it: msrest models (authorization 4.x) serialize with keep_readonly, the new
    models (containerservice 41, storage 25) map themselves."""
    if hasattr(model, "serialize") and hasattr(model, "_attribute_map"):
        return model.serialize(keep_readonly=True)
    if hasattr(model, "as_dict"):
        return model.as_dict()
    return dict(model)


def resource_group(resource_id: str) -> str:
    parts = resource_id.split("/")
    for index, part in enumerate(parts[:-1]):
        if part.lower() == "resourcegroups":
            return parts[index + 1]
    return ""


def tags_of(config: dict) -> dict[str, str]:
    """ARM tags as strings (a tag value may be empty or, from some APIs, null)."""
    tags = config.get("tags") or {}
    return {str(k): "" if v is None else str(v) for k, v in tags.items()} if isinstance(tags, dict) else {}
