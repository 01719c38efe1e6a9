"""Charts: inline SVG, deterministic, self-contained, locale-formatted."""

from __future__ import annotations

import datetime as dt

from housingcalc.reports.charts import BarChart, LineChart, Series, bar_chart, line_chart
from housingcalc.reports.render import Formatter

MONTHS = [dt.date(2025 + (8 + k) // 12, (8 + k) % 12 + 1, 1) for k in range(36)]


def _line(key: str = "a") -> LineChart:
    return LineChart(
        key=key,
        title="Monthly <cost> & more",
        x=MONTHS,
        series=[
            Series("one", [1000.0 + k for k in range(36)]),
            Series("two", [1500.0] * 36, dashed=True),
        ],
        y_label="NOK per month",
        marker_x=MONTHS[13],
        marker_label="Purchase",
    )


def test_line_chart_is_inline_svg_with_a_title() -> None:
    svg = line_chart(_line(), Formatter("en"))
    assert svg.startswith("<svg ")
    assert 'id="chart-a"' in svg and 'role="img"' in svg
    assert "<title>Monthly &lt;cost&gt; &amp; more</title>" in svg
    assert 'width="100%"' in svg and "viewBox" in svg
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', ""
    )
    assert "<!--" not in svg and "<?xml" not in svg


def test_charts_are_deterministic_and_ids_differ_per_chart() -> None:
    fmt = Formatter("en")
    assert line_chart(_line("a"), fmt) == line_chart(_line("a"), fmt)
    import re

    ids_a = set(re.findall(r'id="([^"]+)"', line_chart(_line("a"), fmt)))
    ids_b = set(re.findall(r'id="([^"]+)"', line_chart(_line("b"), fmt)))
    assert not ids_a & ids_b


def test_tick_labels_follow_the_locale() -> None:
    chart = BarChart(
        key="b", title="t", labels=["x", "y"], values=[17455.0, 20801.0], reference=23900.0
    )
    nb = bar_chart(chart, Formatter("nb"))
    en = bar_chart(chart, Formatter("en"))
    assert "17\u00a0455" in nb and "17,455" in en
