"""Who is acting, for the audit trail: set once where a request or command enters (the CLI
here; the web and the API set theirs), read by every service that records a change, so services
need not pass it along."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    name: str
    source: str  # cli | web | api | system
    user_id: int | None = None
    ip: str | None = None


SYSTEM = Actor("system", "system")
_current: contextvars.ContextVar[Actor] = contextvars.ContextVar("cspm_actor", default=SYSTEM)


def current_actor() -> Actor:
    return _current.get()


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)
