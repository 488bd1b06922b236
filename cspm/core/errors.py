"""Errors the services raise for bad input or a forbidden state change. The CLI turns them into a
one-line message and exit code 2; the web and API layers into 400/409 answers."""


class DomainError(Exception):
    """A request the domain refuses: invalid input, unknown object, forbidden transition."""


class NotFound(DomainError):
    pass
