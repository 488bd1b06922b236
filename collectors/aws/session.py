"""One AWS session per poll: credentials (static keys, or STS assume-role with external id from
the product's own base credentials), retries and timeouts, the endpoint override, clients per
(service, region), enabled regions, and the translation of botocore errors into typed ones.

boto3 is imported here only, on first use: loading the AWS specs must not load the SDK.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

from collectors.base import CollectContext
from collectors.errors import AuthError, CollectorError, NotFoundError, ThrottledError, TransientError

AUTH_CODES = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess",
    "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException", "SignatureDoesNotMatch",
    "AuthFailure", "UnrecognizedClientException", "InvalidAccessKeyId", "AllAccessDisabled",
})
THROTTLE_CODES = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded",
    "TooManyRequestsException", "SlowDown", "RequestThrottled", "RequestThrottledException",
    "PriorRequestNotComplete", "BandwidthLimitExceeded",
})
NOT_FOUND_CODES = frozenset({"NoSuchEntity", "ResourceNotFoundException", "NoSuchBucket", "NotFoundException"})
# Partition of a role ARN → region for the account's global APIs (IAM, STS, S3 control).
HOME_REGIONS = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}
_ACCOUNT_HOST = re.compile(r"^(https?://)\d{12}\.")


def error_code(exc: BaseException) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def http_status(exc: BaseException) -> int:
    response = getattr(exc, "response", None) or {}
    return int(response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)


def translate(exc: BaseException, what: str) -> CollectorError:
    """A botocore error as a typed collector error with a one-line message (no secrets in it:
    botocore messages name actions and ARNs, never keys)."""
    from botocore import exceptions as bx

    if isinstance(exc, CollectorError):
        return exc
    code, status = error_code(exc), http_status(exc)
    message = " ".join(str(exc).split())[:300]
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError) or code in AUTH_CODES:
        return AuthError(f"{what}: {message}")
    if code in THROTTLE_CODES or status == 429:
        return ThrottledError(f"{what}: {message}")
    if code in NOT_FOUND_CODES:
        return NotFoundError(f"{what}: {message}")
    if status >= 500 or isinstance(exc, bx.EndpointConnectionError | bx.ConnectionError | bx.ReadTimeoutError
                                   | bx.ConnectTimeoutError):
        return TransientError(f"{what}: {message}")
    return CollectorError(f"{what}: {message}")


class AwsSession:
    """Credentials, configuration and clients for one account during one poll. Thread-safe:
    clients are created under a lock (boto3 sessions are not thread-safe; clients are)."""

    def __init__(self, context: CollectContext, *, max_attempts: int = 8, retry_mode: str = "adaptive",
                 stats: dict[str, int] | None = None) -> None:
        import boto3
        from botocore.config import Config

        self.context = context
        self.stats = stats if stats is not None else {}
        self.stats.setdefault("api_calls", 0)
        creds = dict(context.credentials or {})
        self.partition = _partition(creds.get("role_arn", ""))
        self.home_region = HOME_REGIONS[self.partition]
        self.config = Config(
            retries={"mode": retry_mode, "max_attempts": max_attempts},
            connect_timeout=min(10.0, context.timeout),
            read_timeout=context.timeout,
            max_pool_connections=16,
            user_agent_extra="cspm-drift-monitor",
            s3={"addressing_style": "path"} if context.endpoint else {},
        )
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}
        base = boto3.session.Session(
            aws_access_key_id=creds.get("access_key_id"),
            aws_secret_access_key=creds.get("secret_access_key"),
            aws_session_token=creds.get("session_token"),
            region_name=self.home_region,
        )
        self._count(base)
        self.session = base
        if creds.get("role_arn"):
            self.session = self._assume_role(base, creds)
            self._count(self.session)

    def _count(self, session) -> None:
        """Count API calls (each attempt's request) for the poll's figures."""
        pace = self.context.pace

        def counted(**_: Any) -> None:
            with self._lock:
                self.stats["api_calls"] += 1
            if pace is not None:
                pace(1)

        session.events.register("before-send", counted)

    def _assume_role(self, base, creds: dict) -> Any:
        import boto3

        sts = base.client("sts", **self._client_kwargs(self.home_region))
        params = {"RoleArn": creds["role_arn"], "RoleSessionName": creds.get("session_name") or "cspm-drift-monitor",
                  "DurationSeconds": 3600}
        if creds.get("external_id"):
            params["ExternalId"] = creds["external_id"]
        try:
            issued = sts.assume_role(**params)["Credentials"]
        except Exception as exc:
            raise translate(exc, f"sts:AssumeRole {creds['role_arn']}") from None
        return boto3.session.Session(
            aws_access_key_id=issued["AccessKeyId"], aws_secret_access_key=issued["SecretAccessKey"],
            aws_session_token=issued["SessionToken"], region_name=self.home_region)

    def _client_kwargs(self, region: str) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"region_name": region, "config": self.config}
        if self.context.endpoint:
            kwargs["endpoint_url"] = self.context.endpoint
        if self.context.ca_bundle:
            kwargs["verify"] = self.context.ca_bundle
        return kwargs

    def client(self, service: str, region: str | None = None) -> Any:
        region = region or self.home_region
        key = (service, region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self.session.client(service, **self._client_kwargs(region))
                if service == "s3control" and self.context.endpoint:
                    # botocore puts the account id in front of the host; one endpoint has no such host.
                    # Before signing, so the signature covers the URL actually sent.
                    client.meta.events.register_first("before-sign.s3-control.*", _strip_account_host)
                self._clients[key] = client
        return client

    def call(self, client: Any, operation: str, **params: Any) -> dict:
        """One API call whose failure fails the caller, as a typed error."""
        try:
            return getattr(client, operation)(**params)
        except Exception as exc:
            raise translate(exc, f"{client.meta.service_model.service_name}:{operation}") from None

    def pages(self, client: Any, operation: str, key: str, **params: Any) -> Iterator[Any]:
        """Every item of a paginated listing; a failure on any page fails the listing."""
        try:
            for page in client.get_paginator(operation).paginate(**params):
                yield from page.get(key, [])
        except Exception as exc:
            raise translate(exc, f"{client.meta.service_model.service_name}:{operation}") from None

    def account_id(self) -> str:
        return self.call(self.client("sts"), "get_caller_identity")["Account"]

    def regions(self) -> list[str]:
        """The account's configured regions, or every region it has enabled."""
        if self.context.regions:
            return list(self.context.regions)
        reply = self.call(self.client("ec2"), "describe_regions",
                          Filters=[{"Name": "opt-in-status", "Values": ["opt-in-not-required", "opted-in"]}])
        return sorted(r["RegionName"] for r in reply["Regions"])


def optional(session: AwsSession, client: Any, operation: str, *, absent: tuple[str, ...] = (),
             gaps: dict[str, str], field: str, **params: Any) -> dict | None:
    """A detail call whose failure must not fail the collector.

    Returns the reply; None when the detail does not exist (an error code in `absent`, such as
    NoSuchBucketPolicy) or could not be read. An unreadable detail (access denied, not implemented
    by this endpoint) is recorded in `gaps` under the config field it would have filled, so the
    field keeps its last known value instead of looking removed."""
    try:
        return getattr(client, operation)(**params)
    except Exception as exc:
        code = error_code(exc)
        if code in absent:
            return None
        error = translate(exc, f"{client.meta.service_model.service_name}:{operation}")
        if isinstance(error, ThrottledError | TransientError):
            raise error from None  # retries are spent: the collector's listing is incomplete
        gaps[field] = f"{code or type(exc).__name__}: {operation}"
        return None


def _strip_account_host(request, **_: Any) -> None:
    request.url = _ACCOUNT_HOST.sub(r"\1", request.url)


def _partition(role_arn: str) -> str:
    match = re.match(r"arn:(aws|aws-cn|aws-us-gov):", role_arn or "")
    return match.group(1) if match else "aws"
