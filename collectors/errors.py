"""Typed collector errors: the poll records their kind, and retry policy depends on it."""


class CollectorError(Exception):
    """Base of every error a collector may raise on purpose."""

    kind = "error"
    retryable = False


class AuthError(CollectorError):
    """The credential was refused or lacks a permission: retrying will not help."""

    kind = "auth"


class ThrottledError(CollectorError):
    """The cloud API rate-limited us after the SDK's own retries."""

    kind = "throttled"
    retryable = True


class TransientError(CollectorError):
    """Network error, timeout or 5xx: worth retrying later."""

    kind = "transient"
    retryable = True


class NotFoundError(CollectorError):
    """The account, project or subscription itself does not exist (or is not visible)."""

    kind = "not_found"


class InvalidRecordError(CollectorError):
    """A collector produced a record that cannot be stored (bad type key, non-JSON config...)."""

    kind = "invalid_record"


class CredentialsError(ValueError):
    """A credentials document is malformed for its provider. Never carries the secret itself."""


class ValidationError(ValueError):
    """An identifier or option given by a user is invalid."""
