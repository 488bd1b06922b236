"""Tiny server-rendered charts: inline SVG built with format_html (every label escaped), drawn with
presentation attributes and CSS classes only (the CSP allows no style attributes and no inline
script). Each chart is an image with a text equivalent: role="img", an aria-label and a <title>;
the pages also give the numbers as a table."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(rows: Sequence[tuple[str, float]], *, label: str, width: int = 320, bar_height: int = 18,
              gap: int = 6, label_width: int = 80, css: Sequence[str] | None = None) -> SafeString:
    """Horizontal bars, one per (label, value); `css` gives each bar an extra class."""
    top = max((v for _, v in rows), default=0) or 1
    span = width - label_width - 40
    height = max(len(rows), 1) * (bar_height + gap)
    bars = []
    for i, (name, value) in enumerate(rows):
        y = i * (bar_height + gap)
        length = 0 if not value else max(1, round(span * value / top))
        cls = f"chart-bar {css[i]}" if css else "chart-bar"
        bars.append((y + bar_height - 5, name, label_width, y, length, bar_height, cls, name, _fmt(value),
                     label_width + length + 4, y + bar_height - 5, _fmt(value)))
    body = format_html_join(
        "", '<text class="chart-label" x="0" y="{}">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" class="{}"><title>{}: {}</title></rect>'
            '<text class="chart-value" x="{}" y="{}">{}</text>', bars)
    summary = ", ".join(f"{name}: {_fmt(value)}" for name, value in rows)
    return format_html('<svg class="chart" role="img" aria-label="{}" width="{}" height="{}" viewBox="0 0 {} {}">'
                       '<title>{}</title>{}</svg>', f"{label}. {summary}", width, height, width, height, label, body)


def line_chart(points: Sequence[tuple[str, float | None]], *, label: str, width: int = 600, height: int = 160,
               low: float = 0.0, high: float = 100.0, unit: str = "%") -> SafeString:
    """A line over (x label, value) points in order; None leaves a gap. Values between low and high."""
    pad = 28
    n = len(points)
    step = (width - 2 * pad) / max(n - 1, 1)
    scale = (height - 2 * pad) / ((high - low) or 1)

    def xy(i: int, v: float) -> tuple[str, str]:
        return _fmt(pad + i * step), _fmt(height - pad - (min(max(v, low), high) - low) * scale)

    segments: list[list[str]] = [[]]
    dots = []
    for i, (name, value) in enumerate(points):
        if value is None:
            segments.append([])
            continue
        x, y = xy(i, value)
        segments[-1].append(f"{x},{y}")
        dots.append((x, y, name, _fmt(value), unit))
    lines = format_html_join("", '<polyline class="chart-line" fill="none" points="{}"></polyline>',
                             ((" ".join(s),) for s in segments if s))
    circles = format_html_join("", '<circle class="chart-dot" cx="{}" cy="{}" r="3"><title>{}: {}{}</title></circle>',
                               dots)
    axis = format_html(
        '<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>'
        '<text class="chart-label" x="0" y="{}">{}{}</text><text class="chart-label" x="0" y="{}">{}{}</text>',
        pad, height - pad, width - pad, height - pad, pad + 4, _fmt(high), unit, height - pad, _fmt(low), unit)
    ends = ""
    if points:
        ends = format_html('<text class="chart-label" x="{}" y="{}">{}</text>'
                           '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>',
                           pad, height - 8, points[0][0], width - pad, height - 8, points[-1][0])
    known = [(name, v) for name, v in points if v is not None]
    summary = (f"from {_fmt(known[0][1])}{unit} on {known[0][0]} to {_fmt(known[-1][1])}{unit} on {known[-1][0]}"
               if known else "no data")
    return format_html('<svg class="chart" role="img" aria-label="{}" width="{}" height="{}" viewBox="0 0 {} {}">'
                       '<title>{}</title>{}{}{}{}</svg>', f"{label}: {summary}", width, height, width, height,
                       label, axis, lines, circles, ends)


def sparkline(values: Sequence[float | None], *, label: str, width: int = 100, height: int = 24,
              low: float = 0.0, high: float = 100.0) -> SafeString:
    """A small line without axes, for a table cell."""
    n = len(values)
    step = (width - 4) / max(n - 1, 1)
    scale = (height - 4) / ((high - low) or 1)
    pts = " ".join(f"{_fmt(2 + i * step)},{_fmt(height - 2 - (min(max(v, low), high) - low) * scale)}"
                   for i, v in enumerate(values) if v is not None)
    return format_html('<svg class="sparkline" role="img" aria-label="{}" width="{}" height="{}" '
                       'viewBox="0 0 {} {}"><title>{}</title><polyline class="chart-line" fill="none" points="{}">'
                       '</polyline></svg>', label, width, height, width, height, label, pts)
