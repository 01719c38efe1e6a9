"""The family page: catalogues complete, every language rendered, no English leaking, status.

Figures of the built-in example are the reviewed golden key figures
(tests/golden/refugee-family-rent-to-own.json: monthly cost now, after the purchase, purchase
month October 2026).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from housingcalc.errors import InputError
from housingcalc.reports.family import (
    FAMILY_LOCALES,
    UNREVIEWED,
    build_family_context,
    family_languages,
    family_messages,
    family_translator,
    parse_family_langs,
    render_family_page,
)

RTL = {"ar", "fa_AF"}
GOLDEN = json.loads(
    (Path(__file__).resolve().parents[1] / "golden" / "refugee-family-rent-to-own.json").read_text(
        "utf-8"
    )
)["key_figures"]
COST_NOW = round(GOLDEN["monthly_cost_now"])
COST_AFTER = round(GOLDEN["monthly_cost_after"])
WHEN = dt.date(2026, 1, 15)  # inside the renting months of the example (move-in 2025-09)


@pytest.fixture(scope="module")
def result() -> Any:
    from housingcalc.calc.rent_to_own import run_rent_to_own
    from housingcalc.parameters import load_parameters
    from housingcalc.scenarios import load_example

    return run_rent_to_own(load_example(), load_parameters())


@pytest.fixture(scope="module")
def pages(result: Any) -> dict[str, str]:
    return {lang: render_family_page(result, lang, generated_on=WHEN) for lang in FAMILY_LOCALES}


class _Text(HTMLParser):
    """The visible text of a page (no <style>, <title> or SVG <title>)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "title", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts).replace("\u00a0", " "))


def test_every_catalogue_has_every_message() -> None:
    ids = family_messages()
    assert len(ids) >= 35
    for lang in FAMILY_LOCALES:
        t = family_translator(lang)
        assert t.missing(ids) == [], f"{lang}: untranslated: {t.missing(ids)[:3]}"
        unused = set(t.messages) - set(ids)
        assert unused == set(), f"{lang}: entries no longer used: {sorted(unused)[:3]}"


def test_placeholders_survive_translation() -> None:
    for lang in FAMILY_LOCALES:
        t = family_translator(lang)
        for m in family_messages():
            want = sorted(re.findall(r"%\((\w+)\)s", m))
            assert sorted(re.findall(r"%\((\w+)\)s", t.gettext(m))) == want, (lang, m)


def test_norwegian_words_are_kept_in_norwegian() -> None:
    for lang in FAMILY_LOCALES:
        t = family_translator(lang)
        for m in family_messages():
            for word in ("startlån", "bostøtte"):
                if word in m:
                    assert word in t.gettext(m), (lang, m)


@pytest.mark.parametrize("lang", list(FAMILY_LOCALES))
def test_every_language_renders_with_direction_and_status(pages: dict[str, str], lang: str) -> None:
    html = pages[lang]
    head = html.split("<body>")[0]
    direction = "rtl" if lang in RTL else "ltr"
    assert f'lang="{lang.replace("_", "-")}" dir="{direction}"' in head
    assert '<meta name="translation-status" content="unreviewed">' in head
    assert "%(" not in html and "{{" not in html
    text = text_of(html)
    t = family_translator(lang)
    # the page's sentences are the catalogue's (a few that every page shows)
    for m in ("What could go wrong", "What happens next", "Words you will see in letters"):
        assert t.gettext(m) in text, (lang, m)
    for word in ("startlån", "bostøtte", "introduksjonsstønad", "NAV"):
        assert word in text


@pytest.mark.parametrize("lang", [code for code in FAMILY_LOCALES if code != "en"])
def test_no_english_sentence_leaks(pages: dict[str, str], lang: str) -> None:
    text = text_of(pages[lang])
    t = family_translator(lang)
    for m in family_messages():
        if t.gettext(m) == m:  # the same words in both (e.g. "Minus bostøtte" in nb)
            continue
        for piece in re.split(r"%\(\w+\)s", m):
            piece = piece.strip(" .,:()")
            if len(piece.split()) >= 3:
                assert piece not in text, (lang, piece)


def test_unreviewed_notice_in_the_language_and_in_norwegian(pages: dict[str, str]) -> None:
    nb_notice = family_translator("nb").gettext(UNREVIEWED)
    assert nb_notice.startswith("Denne oversettelsen")
    for lang in FAMILY_LOCALES:
        text = text_of(pages[lang])
        if lang == "nb":  # the Norwegian page is the version that counts: no notice
            assert 'id="translation-notice"' not in pages[lang]
            continue
        assert family_translator(lang).gettext(UNREVIEWED) in text
        assert nb_notice in text


def _copy_catalogue(src_lang: str, dest: Path, lang: str, headers: dict[str, str]) -> Path:
    from housingcalc.resources import templates_dir

    text = (
        Path(str(templates_dir())) / "locales" / src_lang / "LC_MESSAGES" / "family.po"
    ).read_text("utf-8")
    for key, value in headers.items():
        text = re.sub(rf'"{key}:[^"]*\\n"', f'"{key}: {value}\\\\n"', text)
    path = dest / "locales" / lang / "LC_MESSAGES" / "family.po"
    path.parent.mkdir(parents=True)
    path.write_text(text, "utf-8")
    return path


def test_a_recorded_review_marks_the_page_reviewed(tmp_path: Path, result: Any) -> None:
    # A municipality's folder (--templates) with a reviewed copy of the Ukrainian catalogue.
    _copy_catalogue(
        "uk",
        tmp_path,
        "uk",
        {
            "X-Translation-Status": "reviewed",
            "X-Reviewed-By": "A. Translator (state-authorised)",
            "X-Reviewed-On": "2026-12-01",
        },
    )
    html = render_family_page(result, "uk", generated_on=WHEN, templates=tmp_path)
    assert '<meta name="translation-status" content="reviewed">' in html
    assert 'id="translation-notice"' not in html
    # a review without a reviewer's name does not count
    _copy_catalogue("uk", tmp_path / "half", "uk", {"X-Translation-Status": "reviewed"})
    html = render_family_page(result, "uk", generated_on=WHEN, templates=tmp_path / "half")
    assert 'content="unreviewed"' in html


def test_a_municipality_adds_a_language_without_code(tmp_path: Path, result: Any) -> None:
    # Polish, from a copy of the English catalogue with one entry translated.
    path = _copy_catalogue("en", tmp_path, "pl", {"Language": "pl_PL"})
    text = path.read_text("utf-8").replace(
        'msgid "What could go wrong"\nmsgstr "What could go wrong"',
        'msgid "What could go wrong"\nmsgstr "Co może pójść nie tak"',
    )
    path.write_text(text, "utf-8")
    assert "pl" in family_languages(tmp_path)
    from housingcalc.reports.family import family_language_names

    names = family_language_names(tmp_path)
    assert names["fa_AF"] == "دری" and names["pl"] == "polski"
    assert parse_family_langs("all", tmp_path)[-1] == "pl"
    html = render_family_page(result, "pl", generated_on=WHEN, templates=tmp_path)
    assert 'lang="pl" dir="ltr"' in html
    assert "Co może pójść nie tak" in html
    assert "październik 2026" in html  # the purchase month, formatted by babel's pl_PL


def test_language_codes() -> None:
    assert parse_family_langs("nb,ar") == ("nb", "ar")
    assert parse_family_langs("fa-AF") == ("fa_AF",)
    assert parse_family_langs("prs") == ("fa_AF",)  # ISO 639-3 code of Dari
    assert parse_family_langs("all") == tuple(FAMILY_LOCALES)
    with pytest.raises(InputError, match="must be one of nb, en, uk, ar, ti, fa_AF, so"):
        parse_family_langs("sv")


def test_month_names_and_numbers_follow_the_locale(pages: dict[str, str]) -> None:
    # The purchase month (October 2026) in each locale's CLDR month names; the monthly cost
    # now and after the purchase (golden key figures) with the locale's digit grouping.
    months = {
        "nb": "oktober 2026",
        "en": "October 2026",
        "uk": "жовтень 2026",
        "ar": "تشرين الأول 2026",
        "ti": "ጥቅምቲ 2026",
        "fa_AF": "اکتوبر 2026",
        "so": "Oktoobar 2026",
    }
    grouping = {"nb": " ", "uk": " "}  # a (no-break) space; the others a comma
    for lang, month in months.items():
        text = text_of(pages[lang])
        assert month in text, (lang, month)
        sep = grouping.get(lang, ",")
        for amount in (COST_NOW, COST_AFTER):
            shown = f"{amount // 1000}{sep}{amount % 1000:03d} kr"
            assert shown in text, (lang, shown)


def test_the_figures_add_up(result: Any) -> None:
    page = build_family_context(result, "en", generated_on=WHEN)
    tl = result.timeline
    # "now" is January 2026, month 4 after the move-in in September 2025
    assert page.now_month == dt.date(2026, 1, 1) and page.now_is_today
    assert round(page.cost_now) == COST_NOW
    assert round(page.cost_after or 0) == COST_AFTER
    # the bill lines add up to the total the engine computed as the month's housing cost
    assert sum(x.amount for x in page.now_lines) == pytest.approx(page.cost_now, abs=0.01)
    assert sum(x.amount for x in page.after_lines) == pytest.approx(page.cost_after, abs=0.01)
    # left for living minus the living budget is the engine's own monthly surplus
    assert page.left_now - page.living_budget_now == pytest.approx(float(tl.surplus[4]), abs=0.01)
    j = result.purchase.index
    assert page.left_after is not None and page.living_budget_after is not None
    assert page.left_after - page.living_budget_after == pytest.approx(
        float(tl.surplus[j]), abs=0.01
    )
    assert page.apply_by == dt.date(2026, 7, 1)  # three months before October 2026
    assert not page.has_bostotte  # this engine has no bostøtte: the line is left out
    assert [r.code for r in page.risks] == ["rates", "no_job", "prices"]


def test_now_outside_the_renting_months_is_the_move_in_month(result: Any) -> None:
    page = build_family_context(result, "nb", generated_on=dt.date(2026, 12, 1))
    assert page.now_month == dt.date(2025, 9, 1) and not page.now_is_today
    html = render_family_page(result, "nb", generated_on=dt.date(2026, 12, 1))
    assert "Når dere flytter inn (september 2025)" in text_of(html)


class _WithAllowance:
    """A timeline with a bostøtte column (as the engine on branch i15 will carry), counted
    either as less housing cost or as more income."""

    def __init__(self, timeline: Any, allowance: Any, counted_in: str) -> None:
        self._tl = timeline
        self.housing_allowance = allowance
        if counted_in == "housing_cost":
            self.housing_cost = timeline.housing_cost - allowance
        else:
            self.income_after_tax = timeline.income_after_tax + allowance

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tl, name)

    def __len__(self) -> int:
        return len(self._tl)


@pytest.mark.parametrize("counted_in", ["housing_cost", "income"])
def test_bostotte_from_the_result_when_present(result: Any, counted_in: str) -> None:
    import numpy as np

    base = build_family_context(result, "nb", generated_on=WHEN)
    allowance = np.full(len(result.timeline), 1500.0)
    timeline = _WithAllowance(result.timeline, allowance, counted_in)
    with_allowance = dataclasses.replace(result, timeline=timeline)
    page = build_family_context(with_allowance, "nb", generated_on=WHEN)
    assert page.has_bostotte
    assert page.after_lines[-1].amount == -1500.0
    # the month's housing cost before bostøtte (golden) − 1 500
    assert page.cost_after == pytest.approx(GOLDEN["monthly_cost_after"] - 1500, abs=0.01)
    assert page.cost_now == pytest.approx(base.cost_now - 1500, abs=0.01)
    # 1 500 kr more is left for living, once (not twice), however the engine counts it
    assert base.left_after is not None and page.left_after is not None
    assert page.left_after - base.left_after == pytest.approx(1500, abs=0.01)
    assert page.left_now - base.left_now == pytest.approx(1500, abs=0.01)
    html = render_family_page(with_allowance, "nb", generated_on=WHEN)
    assert "Minus bostøtte" in text_of(html)
    assert "Minus bostøtte" not in text_of(render_family_page(result, "nb", generated_on=WHEN))


def test_scenario_name_per_language() -> None:
    from housingcalc.scenarios import load_example

    s = load_example()
    assert s.name_in("nb") == "Flyktningfamilie, kommunal treromsleilighet, leie til eie"
    assert s.name_in("en") == s.name == "Refugee family, municipal 3-room flat, rent-to-own"
    assert s.description_in("nb").startswith("En familie i introduksjonsprogrammet")
    plain = s.model_copy(update={"names": {}, "descriptions": {}})
    assert plain.name_in("nb") == plain.name
    data = s.model_dump(mode="json", by_alias=True)
    data["name"] = {"nb": "Navn", "Norsk": "x"}
    from pydantic import ValidationError

    from housingcalc.models.scenario import Scenario

    with pytest.raises(ValidationError, match="names"):
        Scenario.model_validate(data)


def test_the_norwegian_household_report_has_the_norwegian_title() -> None:
    from housingcalc.parameters import load_parameters
    from housingcalc.reports.household import produce_report
    from housingcalc.scenarios import load_example

    files = produce_report(
        load_example(), load_parameters(), langs=("nb",), formats=("md",), generated_on=WHEN
    )
    assert "Flyktningfamilie, kommunal treromsleilighet, leie til eie" in files["report.nb.md"]


def test_cli_writes_one_page_per_language(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from housingcalc.cli import app

    out = tmp_path / "out"
    run = CliRunner().invoke(app, ["run", "--format", "family", "--lang", "all", "-o", str(out)])
    assert run.exit_code == 0, run.output
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(
        f"refugee-family-rent-to-own.family.{lang}.html" for lang in FAMILY_LOCALES
    )
    for path in out.iterdir():
        assert 'name="translation-status"' in path.read_text("utf-8")
    bad = CliRunner().invoke(
        app, ["run", "--format", "html,family", "--lang", "uk", "-o", str(out)]
    )
    assert bad.exit_code == 2
    assert "--lang" in bad.output and "uk" in bad.output


def test_catalogue_check_finds_gaps_in_a_municipalitys_catalogue(tmp_path: Path) -> None:
    from housingcalc.reports.family import check_catalogues

    assert check_catalogues() == []
    path = _copy_catalogue("en", tmp_path, "pl", {"Language": "pl_PL"})
    text = path.read_text("utf-8")
    text = text.replace('msgstr "Whom to ask:"', 'msgstr ""')
    text = text.replace('msgstr "Made on %(date)s"', 'msgstr "Zrobiono"')
    path.write_text(text, "utf-8")
    problems = check_catalogues(tmp_path)
    assert "pl: untranslated: Whom to ask:" in problems
    assert any(p.startswith("pl: placeholders differ") and "Made on" in p for p in problems)
    assert len(problems) == 2


def test_no_purchase_in_the_option_period() -> None:
    from housingcalc.calc.rent_to_own import run_rent_to_own
    from housingcalc.parameters import load_parameters
    from housingcalc.scenarios import load_example

    s = load_example()
    dearer = s.model_copy(update={"dwelling": s.dwelling.model_copy(update={"price": 9e6})})
    result = run_rent_to_own(dearer, load_parameters())
    assert result.purchase is None
    page = build_family_context(result, "uk", generated_on=WHEN)
    assert page.chart == "" and page.after_lines == [] and page.left_after is None
    assert all(r.code not in ("rates", "no_job", "prices") for r in page.risks)
    html = render_family_page(result, "uk", generated_on=WHEN)
    text = text_of(html)
    t = family_translator("uk")
    assert t.gettext("Buying the home") in text
    assert "вересень 2030" in text  # the option ends September 2030 (move-in + 5 years)
    assert "<svg" not in html
