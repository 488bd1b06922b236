"""Durations as people type them: 30s, 15m, 1h, 1d."""

from __future__ import annotations

import re

from cspm.core.errors import DomainError

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
SHAPE = re.compile(r"(\d{1,7})\s*([smhd]?)")


def parse_interval(value: str | int, *, low: int = 10, high: int = 7 * 86400, bare_unit: str = "m") -> int:
    """Seconds in `value`; a bare number counts in `bare_unit`. Outside [low, high] is an error."""
    match = SHAPE.fullmatch(str(value).strip().lower())
    if not match:
        raise DomainError(f"cannot read {str(value)[:20]!r} as a duration: use e.g. 30s, 15m, 1h or 1d")
    seconds = int(match[1]) * UNITS[match[2] or bare_unit]
    if not low <= seconds <= high:
        raise DomainError(f"poll interval must be between {low} seconds and {high // 86400} days")
    return seconds
