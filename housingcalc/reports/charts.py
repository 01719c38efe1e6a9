"""Charts for reports, as inline SVG strings written directly from the chart data.

No plotting library: a report has a few line and bar charts, and drawing them with matplotlib
cost more than half a second of every ``housingcalc run`` (its import alone ~0.4 s). The SVG
written here is plain and small:

- deterministic (the same data gives the same bytes) and self-contained (no scripts, no
  external references); the only element id is ``chart-<key>``, unique per page;
- text kept as text (selectable, translatable, searchable), in the page's sans-serif font;
- scales to its container (``width="100%"`` with a ``viewBox``) and carries a ``<title>`` and
  ``role="img"`` with an ``aria-label`` for screen readers;
- y ticks at round steps (1, 2, 2.5, 5 × 10ⁿ), formatted with the report's locale through a
  :class:`~housingcalc.reports.render.Formatter`; x ticks of a line chart at 1 January of a year;
- Okabe–Ito colours, safe for colour-blind readers, and dashed lines for the alternatives so
  that a grey-scale print still tells them apart.

Labels are given by the caller (already translated); nothing here holds report text.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from housingcalc.reports.render import Formatter

__all__ = ["BarChart", "LineChart", "Series", "bar_chart", "line_chart", "nice_ticks"]

#: Okabe–Ito colours (safe for colour-blind readers), in the order series are drawn.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000")
GRID = "#d9d9d9"
AXIS = "#888888"
TEXT = "#222222"
MUTED = "#555555"

# geometry in SVG user units (the chart scales to its container; 720 × 300 keeps the 12:5
# proportion the reports had)
WIDTH = 720.0
HEIGHT = 300.0
_LEFT = 74.0
_RIGHT = 22.0
_TOP = 40.0
_BOTTOM = 30.0
_LEGEND = 24.0
_FONT = 12.0
_TITLE_FONT = 14.5
#: average glyph width of a sans-serif font, as a share of its size (for laying out text)
_GLYPH = 0.56


@dataclass(frozen=True)
class Series:
    """One line: a label and its y values (one per x), in the unit of the chart's y label."""

    label: str
    values: Any  # a sequence or numpy array of floats
    dashed: bool = False
    color: str | None = None


@dataclass(frozen=True)
class LineChart:
    """A line chart over dates (months)."""

    key: str  # unique per page: the element id
    title: str
    x: Sequence[dt.date]
    series: Sequence[Series]
    y_label: str = ""
    marker_x: dt.date | None = None
    marker_label: str = ""
    zero_line: bool = False


@dataclass(frozen=True)
class BarChart:
    """Vertical bars, optionally with a horizontal reference line (e.g. what can be afforded)."""

    key: str
    title: str
    labels: Sequence[str]
    values: Sequence[float]
    y_label: str = ""
    reference: float | None = None
    reference_label: str = ""
    highlight: Sequence[bool] | None = None  # True = drawn in the warning colour


def nice_ticks(low: float, high: float, max_ticks: int = 7) -> list[float]:
    """Round tick values covering ``[low, high]``: steps of 1, 2, 2.5 or 5 × 10ⁿ, at most
    ``max_ticks`` of them, the first ≤ ``low`` and the last ≥ ``high``.

    >>> nice_ticks(0, 23_900)
    [0.0, 5000.0, 10000.0, 15000.0, 20000.0, 25000.0]
    >>> nice_ticks(-0.4, 1.3)
    [-0.5, 0.0, 0.5, 1.0, 1.5]
    >>> nice_ticks(5, 5)
    [4.0, 4.5, 5.0, 5.5, 6.0]
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(high) * 0.2 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(max_ticks - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    for mult in (1.0, 2.0, 2.5, 5.0, 10.0, 20.0):
        step = mult * power
        first = math.floor(low / step + 1e-9)
        last = math.ceil(high / step - 1e-9)
        if last - first + 1 <= max_ticks:
            break
    return [round(k * step, 12) + 0.0 for k in range(first, last + 1)]


def _f(v: float) -> str:
    """A coordinate with two decimals, no trailing zeros."""
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _text_width(text: str, size: float = _FONT) -> float:
    return len(text) * size * _GLYPH


class _Canvas:
    """Collects SVG elements for one chart and frames them."""

    def __init__(self, key: str, title: str, y_label: str, *, legend: bool) -> None:
        self.key = key
        self.title = title
        self.parts: list[str] = []
        self.left, self.right = _LEFT, WIDTH - _RIGHT
        self.top = _TOP
        self.bottom = HEIGHT - _BOTTOM - (_LEGEND if legend else 0.0)
        self.text(_LEFT - 60, 20, title, size=_TITLE_FONT, weight="bold")
        if y_label:
            cy = (self.top + self.bottom) / 2
            self.parts.append(
                f'<text x="14" y="{_f(cy)}" font-size="{_f(_FONT - 1)}" fill="{MUTED}" '
                f'text-anchor="middle" transform="rotate(-90 14 {_f(cy)})">{_esc(y_label)}</text>'
            )

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = _FONT,
        anchor: str = "start",
        fill: str = TEXT,
        weight: str | None = None,
    ) -> None:
        bold = f' font-weight="{weight}"' if weight else ""
        self.parts.append(
            f'<text x="{_f(x)}" y="{_f(y)}" font-size="{_f(size)}" fill="{fill}" '
            f'text-anchor="{anchor}"{bold}>{_esc(text)}</text>'
        )

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        *,
        stroke: str,
        width: float = 1.0,
        dash: str | None = None,
    ) -> None:
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(
            f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" stroke="{stroke}" '
            f'stroke-width="{_f(width)}"{dashed}/>'
        )

    def y_axis(self, ticks: list[float], fmt: Formatter) -> Any:
        lo, hi = ticks[0], ticks[-1]
        span = (hi - lo) or 1.0

        def y(v: float) -> float:
            return self.bottom - (v - lo) / span * (self.bottom - self.top)

        decimals = max((_decimals(t) for t in ticks), default=0)
        for t in ticks:
            ty = y(t)
            self.line(self.left, ty, self.right, ty, stroke=GRID, width=0.8)
            self.text(self.left - 6, ty + 4, fmt.number(t, decimals), anchor="end")
        self.line(self.left, self.top, self.left, self.bottom, stroke=AXIS)
        self.line(self.left, self.bottom, self.right, self.bottom, stroke=AXIS)
        return y

    def legend(self, items: Sequence[tuple[str, str, bool]]) -> None:
        """One row of (label, colour, dashed) items, centred under the plot."""
        sample, gap = 26.0, 18.0
        widths = [sample + 6 + _text_width(label, _FONT - 0.5) for label, _, _ in items]
        x = max((WIDTH - sum(widths) - gap * (len(items) - 1)) / 2, 4.0)
        ty = HEIGHT - 10
        for (label, color, dashed), w in zip(items, widths, strict=True):
            self.line(
                x,
                ty - 4,
                x + sample,
                ty - 4,
                stroke=color,
                width=2.2,
                dash="6 3" if dashed else None,
            )
            self.text(x + sample + 6, ty, label, size=_FONT - 0.5)
            x += w + gap

    def svg(self) -> str:
        label = _esc(self.title)
        body = "".join(self.parts)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" id="chart-{_esc(self.key)}" class="chart" '
            f'role="img" aria-label="{label}" width="100%" '
            f'viewBox="0 0 {_f(WIDTH)} {_f(HEIGHT)}" font-family="DejaVu Sans, Liberation Sans, '
            f'Arial, Helvetica, sans-serif"><title>{label}</title>'
            f'<rect width="{_f(WIDTH)}" height="{_f(HEIGHT)}" fill="#ffffff"/>{body}</svg>'
        )


def _decimals(v: float) -> int:
    for d in range(0, 7):
        if abs(v - round(v, d)) < 1e-9:
            return d
    return 6


def _finite(values: Any) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def _year_ticks(first: dt.date, last: dt.date) -> list[dt.date]:
    """1 January of years inside the range, every 1, 2, 5, 10 … years, at most 9."""
    years = list(range(first.year + (first > dt.date(first.year, 1, 1)), last.year + 1))
    for step in (1, 2, 5, 10, 20, 50, 100):
        picked = [y for y in years if y % step == 0]
        if len(picked) <= 9:
            return [dt.date(y, 1, 1) for y in picked]
    return []


def line_chart(chart: LineChart, fmt: Formatter) -> str:
    """Draw a :class:`LineChart` and return it as an SVG string."""
    legend = len(chart.series) > 1
    c = _Canvas(chart.key, chart.title, chart.y_label, legend=legend)
    xs = [d.toordinal() for d in chart.x]
    values = [v for s in chart.series for v in _finite(s.values)]
    low = min(values, default=0.0)
    high = max(values, default=1.0)
    if low >= 0:
        low = 0.0
    if chart.zero_line:
        low, high = min(low, 0.0), max(high, 0.0)
    y = c.y_axis(nice_ticks(low, high), fmt)
    first, last = float(min(xs, default=0)), float(max(xs, default=1))
    pad = (last - first) * 0.01
    x_lo, x_hi = first - pad, last + pad
    x_span = (x_hi - x_lo) or 1.0

    def x(ordinal: float) -> float:
        return c.left + (ordinal - x_lo) / x_span * (c.right - c.left)

    if xs:
        for tick in _year_ticks(chart.x[0], chart.x[-1]):
            tx = x(tick.toordinal())
            c.line(tx, c.bottom, tx, c.bottom + 4, stroke=AXIS)
            c.text(tx, c.bottom + 17, str(tick.year), anchor="middle")
    if chart.zero_line:
        c.line(c.left, y(0.0), c.right, y(0.0), stroke=AXIS, width=1.0)
    items = []
    for i, s in enumerate(chart.series):
        color = s.color or PALETTE[i % len(PALETTE)]
        items.append((s.label, color, s.dashed))
        path: list[str] = []
        move = True
        for xo, v in zip(xs, list(s.values), strict=False):
            fv = float(v) if v is not None else math.nan
            if not math.isfinite(fv):
                move = True
                continue
            path.append(f"{'M' if move else 'L'}{_f(x(xo))} {_f(y(fv))}")
            move = False
        dash = ' stroke-dasharray="8 4"' if s.dashed else ""
        c.parts.append(
            f'<path d="{"".join(path)}" fill="none" stroke="{color}" stroke-width="2.2" '
            f'stroke-linejoin="round"{dash}><title>{_esc(s.label)}</title></path>'
        )
    if chart.marker_x is not None:
        mx = x(chart.marker_x.toordinal())
        c.line(mx, c.top, mx, c.bottom, stroke=MUTED, width=1.2, dash="2 3")
        if chart.marker_label:
            c.text(mx + 4, c.top + 12, chart.marker_label, size=_FONT - 0.5, fill="#333333")
    if legend:
        c.legend(items)
    return c.svg()


def bar_chart(chart: BarChart, fmt: Formatter) -> str:
    """Draw a :class:`BarChart` and return it as an SVG string."""
    c = _Canvas(chart.key, chart.title, chart.y_label, legend=False)
    values = [float(v) for v in chart.values]
    top = max([*values, chart.reference or 0.0, 1.0]) * 1.12
    y = c.y_axis(nice_ticks(min(0.0, *values) if values else 0.0, top), fmt)
    n = max(len(values), 1)
    slot = (c.right - c.left) / n
    highlight = list(chart.highlight or [False] * len(values))
    for i, (label, value) in enumerate(zip(chart.labels, values, strict=True)):
        cx = c.left + slot * (i + 0.5)
        w = slot * 0.6
        y0, y1 = y(0.0), y(value)
        color = PALETTE[1] if highlight[i] else PALETTE[0]
        c.parts.append(
            f'<rect x="{_f(cx - w / 2)}" y="{_f(min(y0, y1))}" width="{_f(w)}" '
            f'height="{_f(abs(y0 - y1))}" fill="{color}"><title>{_esc(label)}: '
            f"{_esc(fmt.number(value, 0))}</title></rect>"
        )
        c.text(cx, min(y0, y1) - 4, fmt.number(value, 0), anchor="middle", size=_FONT - 0.5)
        c.text(cx, c.bottom + 17, str(label), anchor="middle")
    if chart.reference is not None:
        ry = y(chart.reference)
        c.line(c.left, ry, c.right, ry, stroke="#333333", width=1.4, dash="7 4")
        if chart.reference_label:
            c.text(c.left + 4, ry - 5, chart.reference_label, size=_FONT - 0.5, fill="#333333")
    return c.svg()
