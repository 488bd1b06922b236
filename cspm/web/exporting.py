"""A list page's CSV or JSON download: the same rows the page shows, streamed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils.http import urlencode

from cspm.core.exports import FORMATS, rows_as

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def export_response(fmt: str, rows: Iterable[dict[str, Any]], columns: list[str], filename: str) -> HttpResponse:
    """`rows` should be lazy (a generator over .iterator()): a big export never sits in memory."""
    if fmt not in FORMATS:
        return HttpResponseBadRequest("format: csv or json")
    response = StreamingHttpResponse(rows_as(fmt, rows, columns), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def export_links(query: dict[str, Any] | None = None) -> dict[str, str]:
    """The query strings of a page's download links, keeping its filters."""
    return {fmt: urlencode({**(query or {}), "format": fmt}) for fmt in FORMATS}
