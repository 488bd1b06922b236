"""Readable labels for values that reports carry as codes (they are also their JSON download):
"due_diligence" -> "due diligence", "gcp" -> "Google Cloud", an ISO timestamp -> "2026-11-24 03:52 UTC"."""

import datetime as dt

from django import template

register = template.Library()

CLOUDS = {"aws": "AWS", "gcp": "Google Cloud", "azure": "Azure"}


@register.filter
def code_label(value) -> str:
    return str(value or "").replace("_", " ")


@register.filter
def cloud_label(value) -> str:
    return CLOUDS.get(str(value), str(value))


@register.filter
def moment(value) -> str:
    try:
        at = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC)
    return at.strftime("%Y-%m-%d %H:%M UTC")
