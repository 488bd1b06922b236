"""Every URL the app serves, found by walking the URL configuration (not a hand-kept list), with
the methods it answers and the kind of object each of its parameters names. A new page or
endpoint is in the permission tests the moment it is routed; one whose parameter the tables
below cannot name fails them until it is added."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

WRITE_METHODS = ("post", "put", "patch", "delete")

# The kind of object a path parameter names: by parameter, or for a router's `pk` by the route
# name's basename (api:<basename>-<action>).
PARAM_KINDS = {"org_id": "organization", "account_id": "account", "membership_id": "membership",
               "token_id": "token", "finding_id": "finding", "resource_id": "resource",
               "snapshot_id": "snapshot", "version_id": "version", "event_id": "audit_event",
               "channel_id": "channel", "rule_id": "rule", "notification_id": "notification"}
# Path parameters that name no object but a catalog entry (the same for every organization): the
# value the URLs are built with. Routes whose parameters are all of these have no object to guess.
STRING_PARAMS = {"benchmark": "cis_eks", "control_id": "cis_eks-1.8.0-5.4.1"}
BASENAME_KINDS = {"organization": "organization", "account": "account", "snapshot": "snapshot",
                  "resource": "resource", "finding": "finding", "result": "result",
                  "audit-event": "audit_event", "token": "token"}


@dataclass(frozen=True)
class Endpoint:
    name: str  # namespaced: web:members, api:finding-acknowledge
    route: str
    params: tuple[str, ...]
    methods: tuple[str, ...]  # lower-case; pages: what a browser may send (get, post)

    @property
    def api(self) -> bool:
        return self.name.startswith("api:")

    @property
    def object_params(self) -> tuple[str, ...]:
        return tuple(p for p in self.params if p not in STRING_PARAMS)

    def kind(self, param: str) -> str:
        if param in PARAM_KINDS:
            return PARAM_KINDS[param]
        route = self.name.split(":", 1)[1]
        basenames = [b for b in BASENAME_KINDS if route.startswith(b + "-")]
        if param == "pk" and basenames:
            return BASENAME_KINDS[max(basenames, key=len)]
        raise LookupError(f"{self.name}: what does its parameter {param!r} name? add it to tests/security/endpoints.py")

    def __str__(self) -> str:
        return self.name


def _methods(callback) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)  # a DRF viewset route
    if actions:
        return tuple(sorted(actions))
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is not None:
        return tuple(sorted(m for m in cls.http_method_names if m not in ("options", "head") and hasattr(cls, m)))
    return ("get", "post")  # a function view: try what a browser can send


def endpoints() -> list[Endpoint]:
    found: list[Endpoint] = []

    def walk(patterns, prefix: str, namespaces: list[str]) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), namespaces + ([p.namespace] if p.namespace else []))
            elif isinstance(p, URLPattern) and p.name:
                params = tuple(p.pattern.regex.groupindex)
                found.append(Endpoint(":".join([*namespaces, p.name]), re.sub(r"\^|\$", "", prefix + str(p.pattern)),
                                      params, _methods(p.callback)))

    walk(get_resolver().url_patterns, "/", [])
    return found
