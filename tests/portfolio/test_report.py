"""The report context and its translations: every message the portfolio report uses has a
Norwegian translation, and the context carries the sources of every parameter read."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from housingcalc.calc.portfolio import analyse_portfolio
from housingcalc.models.portfolio import load_assumptions
from housingcalc.parameters import load_parameters
from housingcalc.registers import read_register
from housingcalc.reports import portfolio as report
from housingcalc.reports.i18n import Translator
from housingcalc.resources import example

ROOT = Path(__file__).resolve().parents[2]


class _Recorder(Translator):
    """A translator that remembers every message id asked for."""

    seen: ClassVar[list[str]] = []

    def gettext(self, message: str) -> str:
        self.seen.append(message)
        return message


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    reg = read_register(str(example("portfolio-example-register.csv")))
    a = load_assumptions(str(example("portfolio-example.yaml")))
    return analyse_portfolio(reg.frame, a, load_parameters())


def test_every_message_of_the_portfolio_report_is_translated_to_norwegian(
    result, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _Recorder.seen = []
    nb = report.portfolio_translator("nb")
    monkeypatch.setattr(
        report, "portfolio_translator", lambda lang, templates=None: _Recorder("en")
    )
    rep = report.build_report(result, "en")
    report.write_workbook(rep, tmp_path / "x.xlsx", per_unit=report.per_unit_frames(result))
    template = (ROOT / "templates" / "portfolio.html.j2").read_text("utf-8")
    import re

    ids = set(_Recorder.seen) | set(re.findall(r'_\("([^"]+)"', template))
    # labels of the stress scenarios come from the scenario file, in both languages
    from_data = {s.label_en for s in result.assumptions.projection.stress}
    missing = sorted(
        m
        for m in ids - from_data
        if nb.gettext(m) == m
        and m not in {"Beregningsutvalget", "Standard", "Register", "Parameter", "øre", "kr per m²"}
    )
    assert missing == []


def test_context_lists_the_sources_of_every_parameter_read(result) -> None:  # type: ignore[no-untyped-def]
    rep = report.build_report(result, "nb")
    names = {s.name for s in rep.sources}
    assert names == {rv.name for rv in result.sources}
    assert {
        "beregningsutvalget.capital_rate",
        "beregningsutvalget.maintenance_rate",
        "accounting.depreciation_life_years",
        "husbanken.rental_grant.group_rates",
        "tax.document_duty_rate",
    } <= names
    assert all(s.references for s in rep.sources)
    assert rep.cost_unverified[0].startswith("beregningsutvalget.capital_rate = 4")


def test_comparison_rows_have_their_own_kinds(result) -> None:  # type: ignore[no-untyped-def]
    rep = report.build_report(result, "en")
    t = rep.comparison_table
    assert t is not None and t.row_kinds is not None
    first = [r[0] for r in t.rows]
    assert t.kind(first.index("Units at the end"), 1) == "int"
    assert t.kind(first.index("Market value at the end"), 1) == "nok"
    assert t.kind(0, 0) == "text"
