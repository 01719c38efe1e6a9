"""Charts for reports, as inline SVG strings (matplotlib, Agg/SVG backend, no pyplot state).

matplotlib is imported inside the functions, so importing this module is cheap. Each chart:

- is drawn on its own ``Figure`` (thread-safe, no global pyplot figure list);
- is written as SVG with text kept as text (``svg.fonttype = none``: small, selectable,
  translatable), no timestamp and a per-chart hash salt (the output is deterministic and two
  charts on one page never share element ids);
- scales to its container (``width="100%"``, the ``viewBox`` kept) and carries a ``<title>``
  and ``role="img"`` with an ``aria-label`` for screen readers;
- formats its axis labels with the report's locale through a
  :class:`~housingcalc.reports.render.Formatter`.

Labels are given by the caller (already translated); nothing here holds report text.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from housingcalc.reports.render import Formatter

__all__ = ["BarChart", "LineChart", "Series", "bar_chart", "line_chart"]

#: Okabe–Ito colours (safe for colour-blind readers), in the order series are drawn.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000")
GRID = "#d9d9d9"
TEXT = "#222222"

_WIDTH_IN = 7.2
_HEIGHT_IN = 3.0


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

    key: str  # unique per page: used as the hash salt and the element id
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


def _rc() -> Any:
    return {
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
        "font.size": 9.0,
        "axes.edgecolor": "#888888",
        "axes.labelcolor": TEXT,
        "xtick.color": TEXT,
        "ytick.color": TEXT,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _finish(fig: Any, key: str, title: str) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"housingcalc-{key}"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and DOCTYPE: the SVG is inlined
    svg = re.sub(r'\swidth="[^"]+"\s+height="[^"]+"', ' width="100%"', svg, count=1)
    label = html.escape(title, quote=True)
    svg = svg.replace(
        "<svg ",
        f'<svg id="chart-{key}" role="img" aria-label="{label}" class="chart" ',
        1,
    )
    svg = re.sub(r"(<svg[^>]*>)", rf"\1<title>{label}</title>", svg, count=1)
    # matplotlib's comments and RDF metadata carry nothing a reader needs
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.S)
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns:(?:dc|cc|rdf)="[^"]*"', "", svg)
    # element ids are unique per page: prefix matplotlib's ("figure_1", "axes_1" …) with the key
    # matplotlib's stylesheet would apply to the whole page once inlined: scope it to the chart
    svg = svg.replace('<style type="text/css">*{', f'<style type="text/css">#chart-{key} *{{')
    prefix = f"{key}-"
    svg = re.sub(r'\bid="(?!chart-)([^"]+)"', rf'id="{prefix}\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}\1"', svg)
    return svg


def _number_axis(ax: Any, fmt: Formatter) -> None:
    """Y ticks as plain numbers in the report's locale (the unit is in the axis label)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.number(v, None)))


def _axes(title: str, y_label: str, *, legend: bool) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    # fixed margins (much faster than a layout engine; the y ticks are short plain numbers)
    fig = Figure(figsize=(_WIDTH_IN, _HEIGHT_IN))
    fig.subplots_adjust(left=0.1, right=0.985, top=0.87, bottom=0.2 if legend else 0.11)
    ax = fig.add_subplot()
    ax.set_title(title, loc="left", fontsize=10.5, fontweight="bold", color=TEXT, pad=8)
    if y_label:
        ax.set_ylabel(y_label, fontsize=8.5, color="#555555")
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    return fig, ax


def _year(value: float, _pos: object) -> str:
    from matplotlib.dates import num2date

    return str(num2date(value).year)  # type: ignore[no-untyped-call]


def line_chart(chart: LineChart, fmt: Formatter) -> str:
    """Draw a :class:`LineChart` and return it as an SVG string."""
    import matplotlib
    from matplotlib.dates import AutoDateLocator, date2num
    from matplotlib.ticker import FuncFormatter

    with matplotlib.rc_context(_rc()):
        fig, ax = _axes(chart.title, chart.y_label, legend=len(chart.series) > 1)
        x = [date2num(d) for d in chart.x]  # type: ignore[no-untyped-call]
        for i, s in enumerate(chart.series):
            ax.plot(
                x,
                list(s.values),
                label=s.label,
                color=s.color or PALETTE[i % len(PALETTE)],
                linewidth=1.8,
                linestyle=(0, (4, 2)) if s.dashed else "-",
            )
        if chart.zero_line:
            ax.axhline(0, color="#888888", linewidth=0.8)
        if chart.marker_x is not None:
            mx = date2num(chart.marker_x)  # type: ignore[no-untyped-call]
            ax.axvline(mx, color="#555555", linewidth=0.9, linestyle=":")
            if chart.marker_label:
                ax.annotate(
                    chart.marker_label,
                    xy=(mx, 1.0),
                    xycoords=("data", "axes fraction"),
                    xytext=(3, -2),
                    textcoords="offset points",
                    va="top",
                    fontsize=8.5,
                    color="#333333",
                )
        _number_axis(ax, fmt)
        ax.xaxis.set_major_locator(AutoDateLocator(minticks=4, maxticks=9))  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_formatter(FuncFormatter(_year))
        ax.margins(x=0.01)
        low = min((min(s.values) for s in chart.series if len(s.values)), default=0.0)
        if low >= 0:
            ax.set_ylim(bottom=0)
        if len(chart.series) > 1:
            fig.legend(
                loc="lower center",
                bbox_to_anchor=(0.5, 0.0),
                ncol=len(chart.series),
                frameon=False,
                fontsize=8.5,
            )
        return _finish(fig, chart.key, chart.title)


def bar_chart(chart: BarChart, fmt: Formatter) -> str:
    """Draw a :class:`BarChart` and return it as an SVG string."""
    import matplotlib

    with matplotlib.rc_context(_rc()):
        fig, ax = _axes(chart.title, chart.y_label, legend=False)
        highlight = list(chart.highlight or [False] * len(chart.values))
        colors = [PALETTE[1] if h else PALETTE[0] for h in highlight]
        positions = list(range(len(chart.values)))
        bars = ax.bar(positions, list(chart.values), color=colors, width=0.6)
        ax.set_xticks(positions, list(chart.labels))
        for bar, value in zip(bars, chart.values, strict=True):
            ax.annotate(
                fmt.number(value, 0),
                xy=(bar.get_x() + bar.get_width() / 2, bar.get_height()),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8.5,
            )
        if chart.reference is not None:
            ax.axhline(chart.reference, color="#333333", linewidth=1.1, linestyle=(0, (5, 3)))
            if chart.reference_label:
                ax.annotate(
                    chart.reference_label,
                    xy=(0.0, chart.reference),
                    xycoords=("axes fraction", "data"),
                    xytext=(2, 3),
                    textcoords="offset points",
                    fontsize=8.5,
                    color="#333333",
                )
        top = max([*chart.values, chart.reference or 0.0, 1.0])
        ax.set_ylim(0, top * 1.15)
        _number_axis(ax, fmt)
        return _finish(fig, chart.key, chart.title)
