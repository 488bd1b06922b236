"""Query-string filters for the API lists: each parameter parses its value (a bad one is a 400 that
names it, never a 500 from the database) and narrows the queryset; the same declaration documents
the parameter in the OpenAPI schema. Plain functions over querysets, so a web list can use them too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from cspm.accounts.models import Organization

MAX_ID = 2**63 - 1  # bigint: a larger id cannot exist
MAX_TEXT = 200


def bad(name: str, message: str) -> ValidationError:
    return ValidationError({name: [message]})


def parse_id(name: str, raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
        raise bad(name, f"expected a positive integer id, not {raw[:30]!r}")
    return int(raw)


def parse_text(name: str, raw: str) -> str:
    if len(raw) > MAX_TEXT:
        raise bad(name, f"longer than {MAX_TEXT} characters")
    if "\x00" in raw:
        raise bad(name, "contains a NUL character")
    return raw


def parse_bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("yes", "true", "1"):
        return True
    if value in ("no", "false", "0"):
        return False
    raise bad(name, f"expected yes or no, not {raw[:30]!r}")


def parse_when(name: str, raw: str) -> dt.datetime:
    """An ISO date (midnight UTC) or date-time (UTC unless it says otherwise)."""
    try:
        when = parse_datetime(raw)
        if when is None:
            day = parse_date(raw)
            when = dt.datetime.combine(day, dt.time()) if day else None
    except ValueError:  # well-formed but impossible, e.g. month 13
        when = None
    if when is None:
        raise bad(name, f"expected an ISO date or date-time (2026-11-01, 2026-11-01T08:00Z), not {raw[:30]!r}")
    if timezone.is_naive(when):
        return when.replace(tzinfo=dt.UTC)
    try:  # in UTC: PostgreSQL refuses offsets beyond 15:59, which Python accepts up to 23:59
        return when.astimezone(dt.UTC)
    except OverflowError:  # year 1 ahead of UTC, or 9999 behind it
        raise bad(name, f"{raw[:30]!r} is out of range") from None


def organization_and_below(organization_id: int) -> list[int]:
    """The organization and every one under it, at any depth (one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in Organization.objects.values_list("id", "parent_id"):
        children.setdefault(parent, []).append(pk)
    ids, stack = [], [organization_id]
    while stack:
        pk = stack.pop()
        ids.append(pk)
        stack += children.get(pk, [])
    return ids


@dataclass(frozen=True)
class Param:
    """One filter: `lookup` is a field lookup given the parsed value; `apply` a function for the rest."""

    name: str
    description: str
    kind: str = "text"  # id | text | bool | when | choice
    lookup: str | None = None
    apply: Callable[[QuerySet, object], QuerySet] | None = None
    choices: tuple[str, ...] = ()
    default: str | None = None
    parsers = {"id": parse_id, "text": parse_text, "bool": parse_bool, "when": parse_when}
    types = {"id": OpenApiTypes.INT64, "text": OpenApiTypes.STR, "bool": OpenApiTypes.STR,
             "when": OpenApiTypes.DATETIME, "choice": OpenApiTypes.STR}

    def parse(self, raw: str):
        if self.kind == "choice":
            if raw not in self.choices:
                raise bad(self.name, f"unknown value {raw[:30]!r} (expected {', '.join(self.choices)})")
            return raw
        return self.parsers[self.kind](self.name, raw)

    def narrow(self, qs: QuerySet, value) -> QuerySet:
        return qs.filter(**{self.lookup: value}) if self.lookup else self.apply(qs, value)

    def openapi(self) -> OpenApiParameter:
        enum = self.choices or (("yes", "no", "true", "false") if self.kind == "bool" else None)
        return OpenApiParameter(self.name, self.types[self.kind], OpenApiParameter.QUERY, description=self.description,
                                enum=enum, default=self.default)


def value_of(request, param: Param):
    """The parsed value of a parameter, its default, or None when absent (or empty)."""
    raw = request.query_params.get(param.name, "")
    if raw == "":
        return param.parse(param.default) if param.default is not None else None
    return param.parse(raw)


def apply(request, qs: QuerySet, params: Iterable[Param]) -> QuerySet:
    for param in params:
        value = value_of(request, param)
        if value is not None:
            qs = param.narrow(qs, value)
    return qs


def parameters(params: Iterable[Param]) -> list[OpenApiParameter]:
    return [p.openapi() for p in params]


# Filters several lists share.
def account(lookup: str = "account_id") -> Param:
    return Param("account", "Cloud account id.", "id", lookup=lookup)


def organization(field_name: str = "account__organization_id") -> Param:
    return Param("organization", "Organization id: that organization and every organization under it.", "id",
                 apply=lambda qs, pk: qs.filter(**{f"{field_name}__in": organization_and_below(pk)}))


def search(*fields: str, description: str) -> Param:
    def narrow(qs, text):
        query = Q()
        for name in fields:
            query |= Q(**{f"{name}__icontains": text})
        return qs.filter(query)

    return Param("search", description, apply=narrow)
