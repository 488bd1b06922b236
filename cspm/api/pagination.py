"""Pages of API lists, cut in the database. Big, growing lists (resources, versions, findings,
results, snapshots, audit) page by cursor on the id: no COUNT, and stable while polls add rows.
Small lists (organizations, accounts, tokens, approvals) page by number. A bad page, size or
cursor is a 400 that says so."""

from __future__ import annotations

import re

from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination

from cspm.api.filters import bad

MAX_PAGE_SIZE = 500


def _page_size(request, name: str, default: int) -> int:
    raw = request.query_params.get(name, "")
    if raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise bad(name, f"expected a positive integer (at most {MAX_PAGE_SIZE}), not {raw[:30]!r}")
    return min(int(raw), MAX_PAGE_SIZE)


class IdCursorPagination(CursorPagination):
    """Newest first by default; a view may allow `ordering=id` (oldest first) via `orderings`."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = "-id"
    ORDERINGS = ("-id", "id")

    def get_page_size(self, request):
        return _page_size(request, self.page_size_query_param, self.page_size)

    def get_ordering(self, request, queryset, view):
        if not getattr(view, "cursor_ordering", False):
            return (self.ordering,)
        raw = request.query_params.get("ordering", "") or self.ordering
        if raw not in self.ORDERINGS:
            raise bad("ordering", f"unknown ordering {raw[:20]!r} (expected {' or '.join(self.ORDERINGS)})")
        return (raw,)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise bad(self.cursor_query_param, "invalid cursor: use the next or previous link as given") from None
        # The position is compared with the id: anything but an integer would fail in the database.
        if cursor is not None and cursor.position is not None and not re.fullmatch(r"-?\d{1,19}", cursor.position):
            raise bad(self.cursor_query_param, "invalid cursor: use the next or previous link as given")
        return cursor

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        if getattr(view, "cursor_ordering", False):
            params.append({"name": "ordering", "required": False, "in": "query",
                           "description": "-id: newest first; id: oldest first",
                           "schema": {"type": "string", "enum": list(self.ORDERINGS), "default": self.ordering}})
        return params


class SmallPagePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        return _page_size(request, self.page_size_query_param, self.page_size)

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:
            raise bad(self.page_query_param, str(exc.detail)) from None
