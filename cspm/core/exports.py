"""Exports as CSV or JSON, streamed row by row (an export of a large organization never sits
whole in memory)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from cspm.core.errors import DomainError

FORMATS = ("csv", "json")
# Spreadsheets run cells that start with these as formulas: a cloud resource name must not.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else value if isinstance(value, str) else orjson.dumps(value).decode()
    return "'" + text if text.startswith(FORMULA_START) else text


class _Line:
    def write(self, text: str) -> str:
        return text


def rows_as(fmt: str, rows: Iterable[dict[str, Any]], columns: list[str]) -> Iterator[str]:
    """The rows as chunks of CSV (a header, then a line a row) or of a JSON array."""
    if fmt not in FORMATS:
        raise DomainError(f"unknown export format {fmt[:10]!r} (expected csv or json)")
    if fmt == "json":
        yield "["
        for n, row in enumerate(rows):
            yield ("\n" if n == 0 else ",\n") + orjson.dumps(row).decode()
        yield "\n]\n"
        return
    writer = csv.writer(_Line())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([_cell(row.get(k)) for k in columns])
