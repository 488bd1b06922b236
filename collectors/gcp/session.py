"""One GCP session per poll: credentials (service-account key or access token), the endpoint override
for every Google API (GKE, Resource Manager, IAM, Cloud Storage), the CA bundle, short explicit
retries and timeouts, clients on the REST transport, and the translation of Google errors into the
collectors' typed errors.

The Google SDKs are imported here only, inside functions: loading the GCP specs must not load them.
google-cloud-iam's admin client (service accounts) speaks gRPC only, so IAM v1 is called as REST
through google-auth's AuthorizedSession, the same HTTP stack the REST transports use.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from collectors.base import CollectContext
from collectors.errors import AuthError, CollectorError, NotFoundError, ThrottledError, TransientError

SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
IAM_ENDPOINT = "https://iam.googleapis.com"
RETRY_INITIAL, RETRY_MAXIMUM = 0.5, 8.0


def translate(exc: BaseException, what: str) -> CollectorError:
    """A google-api-core / google-auth / requests error as a typed collector error, one line."""
    import requests
    from google.api_core import exceptions as gx
    from google.auth import exceptions as ax

    if isinstance(exc, CollectorError):
        return exc
    if isinstance(exc, gx.RetryError) and exc.cause is not None:
        return translate(exc.cause, what)
    message = " ".join(str(getattr(exc, "message", None) or exc).split())[:300]
    if isinstance(exc, ax.RefreshError | ax.DefaultCredentialsError | gx.Unauthenticated | gx.PermissionDenied
                  | gx.Unauthorized | gx.Forbidden):
        return AuthError(f"{what}: {message}")
    if isinstance(exc, gx.TooManyRequests | gx.ResourceExhausted):
        return ThrottledError(f"{what}: {message}")
    if isinstance(exc, gx.NotFound):
        return NotFoundError(f"{what}: {message}")
    if isinstance(exc, gx.ServerError | gx.DeadlineExceeded | gx.RetryError | ax.TransportError
                  | requests.ConnectionError | requests.Timeout | TimeoutError | ConnectionError):
        return TransientError(f"{what}: {message}")
    return CollectorError(f"{what}: {type(exc).__name__}: {message}")


def _throttled_or_unavailable(exc: BaseException) -> bool:
    from google.api_core import exceptions as gx

    return isinstance(exc, gx.TooManyRequests | gx.ResourceExhausted | gx.ServiceUnavailable | gx.BadGateway
                      | gx.GatewayTimeout)


RETRY_AFTER_CAP = 30.0


def honour_retry_after(exc: BaseException) -> None:
    """Before the next attempt, wait what a 429/503 asked for in Retry-After (seconds, capped):
    google-api-core's backoff alone would knock again too early."""
    headers = getattr(getattr(exc, "response", None), "headers", None) or {}
    try:
        delay = float(headers.get("Retry-After", ""))
    except (TypeError, ValueError):
        return  # absent, or an HTTP date: the backoff applies
    time.sleep(max(0.0, min(delay, RETRY_AFTER_CAP)))


class GcpSession:
    """Credentials and clients for one project during one poll. Clients are made once, under a lock."""

    def __init__(self, context: CollectContext, *, stats: dict[str, int] | None = None,
                 retry_deadline: float | None = None) -> None:
        from google.api_core import retry as retries

        self.context = context
        self.project = context.account_id
        self.stats = stats if stats is not None else {}
        self.stats.setdefault("api_calls", 0)
        self.timeout = float(context.timeout)
        # Throttling (429) and unavailability are retried with backoff, within a short deadline.
        self.retry = retries.Retry(predicate=_throttled_or_unavailable, initial=RETRY_INITIAL, maximum=RETRY_MAXIMUM,
                                   multiplier=2.0, timeout=retry_deadline or min(60.0, self.timeout * 2),
                                   on_error=honour_retry_after)
        self._lock = threading.Lock()
        self._clients: dict[str, Any] = {}
        self.credentials = self._credentials(dict(context.credentials or {}))
        self.identity = (context.credentials or {}).get("client_email") or "access token"

    # -- credentials ------------------------------------------------------------------------------

    def _credentials(self, creds: dict) -> Any:
        from google.auth.transport.requests import Request
        from google.oauth2 import credentials as user_credentials
        from google.oauth2 import service_account

        kind = creds.get("kind")
        if kind == "access_token":
            return user_credentials.Credentials(token=creds["token"])
        if kind != "gcp_service_account":
            raise AuthError("GCP needs credentials: a service-account key file or an access token")
        info = {k: v for k, v in creds.items() if k != "kind"}
        cls = _local_credentials_class() if self.context.endpoint else service_account.Credentials
        try:
            credentials = cls.from_service_account_info(info, scopes=SCOPES)
        except (ValueError, KeyError) as exc:
            raise AuthError(f"the service-account key cannot be used: {type(exc).__name__}") from None
        # Exchange the key for a token now, through the CA bundle: a bad key fails here, clearly,
        # and the clients below never need to refresh during a poll.
        try:
            credentials.refresh(Request(self._requests_session()))
        except Exception as exc:
            raise translate(exc, f"token exchange at {info.get('token_uri')}") from None
        return credentials

    def _requests_session(self) -> Any:
        import requests

        session = requests.Session()
        if self.context.ca_bundle:
            session.verify = self.context.ca_bundle
        return session

    # -- clients ----------------------------------------------------------------------------------

    def _client_options(self) -> dict[str, Any]:
        return {"api_endpoint": self.context.endpoint} if self.context.endpoint else {}

    def _cached(self, key: str, make: Callable[[], Any]) -> Any:
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._clients[key] = make()
        return client

    def _trust(self, client: Any) -> Any:
        """The CA bundle on a REST transport's own requests session."""
        if self.context.ca_bundle:
            session = getattr(client._transport, "_session", None)
            if session is not None:
                session.verify = self.context.ca_bundle
        return client

    def container(self) -> Any:
        def make() -> Any:
            from google.cloud import container_v1

            return self._trust(container_v1.ClusterManagerClient(
                credentials=self.credentials, transport="rest", client_options=self._client_options()))
        return self._cached("container", make)

    def projects(self) -> Any:
        def make() -> Any:
            from google.cloud import resourcemanager_v3

            return self._trust(resourcemanager_v3.ProjectsClient(
                credentials=self.credentials, transport="rest", client_options=self._client_options()))
        return self._cached("projects", make)

    def storage(self) -> Any:
        def make() -> Any:
            from google.auth.transport.requests import AuthorizedSession
            from google.cloud import storage

            http = AuthorizedSession(self.credentials)
            if self.context.ca_bundle:
                http.verify = self.context.ca_bundle
            return storage.Client(project=self.project, credentials=self.credentials, _http=http,
                                  client_options=self._client_options())
        return self._cached("storage", make)

    def http(self) -> Any:
        def make() -> Any:
            from google.auth.transport.requests import AuthorizedSession

            session = AuthorizedSession(self.credentials)
            if self.context.ca_bundle:
                session.verify = self.context.ca_bundle
            return session
        return self._cached("http", make)

    # -- calls ------------------------------------------------------------------------------------

    def count(self, n: int = 1) -> None:
        with self._lock:
            self.stats["api_calls"] += n
        if self.context.pace is not None:
            self.context.pace(n)

    def call(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """One SDK call with the session's retry and timeout; a failure is a typed error."""
        self.count()
        try:
            return fn(*args, retry=self.retry, timeout=self.timeout, **kwargs)
        except Exception as exc:
            raise translate(exc, what) from None

    def rest_get(self, what: str, path: str, params: dict | None = None, *, base: str = IAM_ENDPOINT) -> dict:
        """GET a Google REST API (for APIs whose SDK client has no REST transport), with the same
        retry, timeout and error translation as the SDK calls."""
        from google.api_core import exceptions as gx

        url = (self.context.endpoint or base).rstrip("/") + path

        def get() -> dict:
            self.count()
            response = self.http().get(url, params=params, timeout=self.timeout)
            if response.status_code >= 400:
                raise gx.from_http_response(response)
            return response.json()

        try:
            return self.retry(get)()
        except Exception as exc:
            raise translate(exc, what) from None

    def rest_pages(self, what: str, path: str, key: str, params: dict | None = None) -> Iterator[dict]:
        """Every item of a paged REST listing (pageToken / nextPageToken)."""
        params = dict(params or {})
        while True:
            reply = self.rest_get(what, path, params)
            yield from reply.get(key, [])
            token = reply.get("nextPageToken")
            if not token:
                return
            params["pageToken"] = token


_LOCAL_CREDENTIALS: list[type] = []


def _local_credentials_class() -> type:
    """Service-account credentials that never call Google's own IAM Credentials API for their
    Regional Access Boundary (a background lookup google-auth starts after a token refresh): with an
    endpoint override every request must go to that endpoint, and nothing to googleapis.com."""
    if not _LOCAL_CREDENTIALS:
        from google.oauth2 import service_account

        class LocalEndpointCredentials(service_account.Credentials):
            def _is_regional_access_boundary_lookup_required(self) -> bool:
                return False

        _LOCAL_CREDENTIALS.append(LocalEndpointCredentials)
    return _LOCAL_CREDENTIALS[0]


def message_dict(message: Any) -> dict:
    """A proto-plus message or raw protobuf as its REST JSON (camelCase, enum names, set fields)."""
    from google.protobuf.json_format import MessageToDict

    pb = type(message).pb(message) if hasattr(type(message), "pb") else message
    return MessageToDict(pb, preserving_proto_field_name=False, use_integers_for_enums=False)


def optional(session: GcpSession, what: str, fn: Callable[[], Any], *, gaps: dict[str, str], field: str) -> Any:
    """A detail whose failure must not fail the collector: None and a gap on its field when it is
    denied or otherwise unreadable; throttling and unavailability (retries spent) still fail, and
    NotFoundError (the resource itself is gone) is the caller's to handle."""
    try:
        return fn()
    except (ThrottledError, TransientError, NotFoundError):
        raise
    except CollectorError as exc:
        gaps[field] = f"{exc.kind}: {what}"
        return None
