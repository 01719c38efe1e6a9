"""The report environment: locale filters (babel), StrictUndefined, autoescape, overrides."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from housingcalc.errors import InputError
from housingcalc.reports.render import Formatter, make_environment, render

NB, EN = Formatter("nb"), Formatter("en")
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("f", "value", "expected"),
    [
        # the house style (DESIGN.md): nb "7 185 kr", "3,5 %"; en "NOK 7,185", "3.5%"
        (NB.nok, 7185.4, f"7{NBSP}185{NBSP}kr"),
        (EN.nok, 7185.4, f"NOK{NBSP}7,185"),
        (NB.nok, 2_566_537.84, f"2{NBSP}566{NBSP}538{NBSP}kr"),
        (EN.nok, -1500, f"−NOK{NBSP}1,500"),
        (NB.nok, -1500, f"−1{NBSP}500{NBSP}kr"),
        (NB.nok, -0.4, f"0{NBSP}kr"),  # no "−0 kr"
        (NB.pct, 0.035, f"3,5{NBSP}%"),
        (EN.pct, 0.035, "3.5%"),
        (NB.pct, 0.04, f"4{NBSP}%"),
        (EN.pct, 0.047837, "4.78%"),
        (EN.pp, 0.01, f"+1{NBSP}pp"),
        (NB.pp, 0.0025, f"+0,25{NBSP}pp"),
        (NB.number, 1234.5, f"1{NBSP}234"),
        (EN.month, dt.date(2026, 10, 1), "October 2026"),
        (NB.month, dt.date(2026, 10, 1), "oktober 2026"),
        (NB.date, dt.date(2025, 9, 1), "1. september 2025"),
        (EN.date, dt.date(2025, 9, 1), "1 September 2025"),
    ],
)
def test_locale_formats(f: object, value: object, expected: str) -> None:
    assert f(value) == expected  # type: ignore[operator]


def test_nok_with_sign_and_decimals() -> None:
    assert EN.nok(1500, sign=True) == f"+NOK{NBSP}1,500"
    assert NB.nok(12.345, decimals=2) == f"12,35{NBSP}kr"


def test_none_is_a_dash() -> None:
    for f in (NB.nok, NB.pct, NB.month, NB.date, NB.number):
        assert f(None) == "–"


def test_value_by_kind_translates_counts_and_texts() -> None:
    nb = Formatter("nb", __import__("housingcalc.reports.i18n", fromlist=["x"]).translator("nb"))
    assert nb.value(5, "years") == "5 år"
    assert nb.value(1, "months") == "1 måned"
    assert nb.value(13, "months") == "13 måneder"
    assert nb.value(66, "m2") == f"66{NBSP}m²"
    assert nb.value("floating", "text") == "flytende"
    assert EN.value(1, "years") == "1 year"


def test_strict_undefined_and_autoescape(tmp_path: Path) -> None:
    (tmp_path / "t.html.j2").write_text("<p>{{ name }}</p>")
    (tmp_path / "t.md.j2").write_text("{{ name }}")
    (tmp_path / "u.md.j2").write_text("{{ missing }}")
    assert render("t.html.j2", {"name": "<b>&"}, "en", tmp_path) == "<p>&lt;b&gt;&amp;</p>"
    assert render("t.md.j2", {"name": "<b>&"}, "en", tmp_path) == "<b>&"
    with pytest.raises(InputError, match=r"template = 'u.md.j2'.*missing"):
        render("u.md.j2", {}, "en", tmp_path)


def test_user_templates_override_packaged_ones_by_name(tmp_path: Path) -> None:
    (tmp_path / "_report.css.j2").write_text("body { color: red; }")
    env = make_environment("en", tmp_path)
    assert env.get_template("_report.css.j2").render() == "body { color: red; }"
    # the others still come from the package
    assert "household.html.j2" in env.list_templates()


def test_user_catalogue_overrides_packaged_texts(tmp_path: Path) -> None:
    po = tmp_path / "locales" / "en" / "LC_MESSAGES" / "housingcalc.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Summary"\nmsgstr "In short"\n',
        "utf-8",
    )
    (tmp_path / "t.md.j2").write_text('{{ _("Summary") }} / {{ _("Charts") }}')
    assert render("t.md.j2", {}, "en", tmp_path) == "In short / Charts"


def test_gettext_escapes_its_arguments_in_html(tmp_path: Path) -> None:
    (tmp_path / "t.html.j2").write_text('{{ _("from %(month)s", month=v) }}')
    assert render("t.html.j2", {"v": "<i>"}, "en", tmp_path) == "from &lt;i&gt;"


def test_svg_filter_accepts_only_svg(tmp_path: Path) -> None:
    (tmp_path / "t.html.j2").write_text("{{ v|svg }}")
    assert render("t.html.j2", {"v": "<svg></svg>"}, "en", tmp_path) == "<svg></svg>"
    with pytest.raises(InputError, match="only accepts an SVG"):
        render("t.html.j2", {"v": "<script>"}, "en", tmp_path)


def test_bad_language_and_templates_folder() -> None:
    with pytest.raises(InputError, match="--lang = 'de'"):
        Formatter("de")
    with pytest.raises(InputError, match="--templates"):
        make_environment("nb", Path("/no/such/folder"))
