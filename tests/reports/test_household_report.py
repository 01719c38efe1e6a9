"""The household report: context model, HTML (self-contained, printable), Markdown and JSON."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache

import pytest

from housingcalc.parameters import load_parameters
from housingcalc.reports.household import HouseholdReport, build_context, produce_report
from housingcalc.scenarios import load_example

DAY = dt.date(2026, 1, 15)
NBSP = "\u00a0"


@lru_cache(maxsize=1)
def files() -> dict[str, str]:
    return produce_report(
        load_example(),
        load_parameters(),
        langs=("nb", "en"),
        stem="r",
        source="example.yaml",
        generated_on=DAY,
    )


def _text(html: str) -> str:
    """Visible text, roughly: tags dropped, entities of interest decoded, spaces joined."""
    body = re.sub(r"<(style|svg)\b.*?</\1>", " ", html, flags=re.S)
    body = re.sub(r"</?(strong|span|a)\b[^>]*>", "", body)  # inline tags: no space
    body = re.sub(r"<[^>]+>", " ", body).replace("&#39;", "'").replace("&amp;", "&")
    return re.sub(r"\s+", " ", body.replace(NBSP, " "))


def test_files_produced() -> None:
    assert sorted(files()) == ["r.en.html", "r.en.md", "r.json", "r.nb.html", "r.nb.md"]


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_html_is_self_contained(lang: str) -> None:
    html = files()[f"r.{lang}.html"]
    assert html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in html
    # nothing is loaded from elsewhere: no scripts, stylesheets, images, fonts or frames
    for pattern in (
        r"<script",
        r"<link\b",
        r"<img\b",
        r"<iframe",
        r"@import",
        r"url\((?!#)",
        r"\bsrc=",
    ):
        assert not re.search(pattern, html), pattern
    assert html.count("<svg ") == 3  # the three charts, inline
    assert "@media print" in html


def test_html_plain_language_first_then_charts_tables_sources() -> None:
    html = files()["r.en.html"]
    order = [
        html.index(s)
        for s in ('id="verdict"', 'id="charts"', 'id="tables"', 'id="assumptions"', 'id="sources"')
    ]
    assert order == sorted(order)


def test_key_figures_in_both_languages() -> None:
    nb = _text(files()["r.nb.html"])
    en = _text(files()["r.en.html"])
    assert (
        "Kjøpet består stresstesten for startlån fra oktober 2026, 13 måneder etter innflytting."
        in nb
    )
    assert (
        "The purchase passes the start-loan stress test from October 2026, "
        "13 months after moving in." in en
    )
    assert "Boutgiftene er 12 312 kr i måneden nå." in nb
    assert "Housing costs NOK 12,312 a month now." in en
    assert "Etter kjøpet blir de 17 712 kr i måneden" in nb
    assert "After the purchase they are NOK 17,712 a month" in en
    assert "Hva kan gå galt" in nb and "What could go wrong" in en
    assert (
        "6 408 kr" in nb and "NOK 6,408" in en
    )  # left each month in the first year (golden margin_after)


def test_sources_list_every_parameter_used_and_flag_unconfirmed() -> None:
    html = files()["r.en.html"]
    data = json.loads(files()["r.json"])
    used = {p["name"] for p in data["parameters_used"]}
    assert {"nav.grunnbelop", "husbanken.startlan.stress_rate", "tax.document_duty_rate"} <= used
    for name in used:
        assert f'<span class="name">{name}</span>' in html
    unconfirmed = [p for p in data["parameters_used"] if p["confidence"] == "unconfirmed"]
    assert unconfirmed and html.count('class="flag unconfirmed"') == len(unconfirmed)
    for p in data["parameters_used"]:
        for ref in p["references"]:
            assert ref["href"].replace("&", "&amp;") in html


def test_markdown_report() -> None:
    md = files()["r.nb.md"]
    assert md.startswith("# Rapport om leie til eie: ")
    assert "**Kjøpet består stresstesten for startlån fra oktober 2026" in md
    assert "## Kilder for regelverdiene som er brukt" in md
    assert "<svg" not in md
    # every table row has the same number of cells as its header
    for block in re.findall(r"((?:^\|.*\|\n)+)", md, flags=re.M):
        rows = block.strip().splitlines()
        widths = {r.count("|") for r in rows}
        assert len(widths) == 1, rows[:3]


def test_json_holds_the_full_numbers() -> None:
    data = json.loads(files()["r.json"])
    assert data["housingcalc"]["report"] == "household"
    assert data["status"] == "buy_later"
    tl = data["timeline"]
    n = len(tl["month"])
    assert n == 5 * 12 + 1 + 20 * 12
    assert all(len(v) == n for v in tl.values())
    assert data["purchase"]["month"] == "2026-10-01"
    assert [row["rise"] for row in data["sensitivity"]["rate_ladder"]] == [0.0, 0.01, 0.02, 0.03]
    assert {row["case"] for row in data["sensitivity"]["price_growth"]} == {"low", "base", "high"}
    assert data["municipality"]["net_cash"] == pytest.approx(813_839.97, abs=0.01)
    assert data["scenario"]["assumptions"]["rate_path"][0]["from"] == "2027-01-01"


def test_context_model_is_typed_and_documented() -> None:
    from housingcalc.calc.rent_to_own import run_rent_to_own

    ps = load_parameters().fresh()
    r = run_rent_to_own(load_example(), ps)
    ctx = build_context(r, ps.used(), lang="en", source="x", generated_on=DAY, charts=False)
    assert isinstance(ctx, HouseholdReport)
    assert ctx.key.purchase_month == dt.date(2026, 10, 1)
    assert ctx.charts.monthly_cost == ""
    assert [risk.code for risk in ctx.risks][:2] == ["rates", "rates_deficit"]
    for name, field in HouseholdReport.model_fields.items():
        assert field.annotation is not None, name


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"dwelling__price": 9_000_000}, "not_in_option"),
        ({"purchase__month": "2025-10", "purchase__earliest_after_months": 0}, "fixed_month_fails"),
        ({"purchase__month": "2028-09"}, "fixed_month"),
        ({"purchase__earliest_after_months": 30}, "buy_at_first_chance"),
    ],
)
def test_every_verdict_renders_in_both_languages(changes: dict[str, object], status: str) -> None:
    from tests.rent_to_own._helpers import params, scenario

    out = produce_report(
        scenario(**changes), params(), langs=("nb", "en"), formats=("html", "md"), generated_on=DAY
    )
    assert len(out) == 4
    en = _text(out["report.en.html"])
    expected = {
        "not_in_option": "does not pass the start-loan stress test within the option period",
        "fixed_month_fails": "The purchase in the chosen month does not pass",
        "fixed_month": "The purchase in September 2028 passes the start-loan stress test.",
        "buy_at_first_chance": "That is as soon as the contract allows.",
    }[status]
    assert expected in en
    for text in out.values():
        assert "None" not in _text(text)
