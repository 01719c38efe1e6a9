"""The workbook's per-unit sheets: written from the column spec (templates/workbook/
unit_columns.csv), Norwegian headers and sheet names in the nb workbook, cells equal to
housingcalc's own figures, the sheet set-up kept, and text written safely."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from housingcalc.calc.portfolio import PortfolioResult, analyse_portfolio
from housingcalc.models.portfolio import load_assumptions
from housingcalc.parameters import load_parameters
from housingcalc.registers import read_register
from housingcalc.reports import workbook_units
from housingcalc.reports.portfolio import (
    BU_UNITS,
    EXCEL_FORMATS,
    build_report,
    per_unit_frames,
    write_workbook,
)
from housingcalc.reports.workbook_units import (
    PendingSheet,
    UnitColumn,
    formula_names,
    splice,
    unit_columns,
    workbook_translator,
)
from housingcalc.resources import example, templates_dir


@pytest.fixture(scope="module")
def result() -> PortfolioResult:
    a = load_assumptions(example("portfolio-example.yaml"))
    reg = read_register(example("portfolio-example-register.csv"))
    return analyse_portfolio(reg.frame, a, load_parameters(), source="register")


@pytest.fixture(scope="module")
def frames(result: PortfolioResult) -> dict[str, pd.DataFrame]:
    return per_unit_frames(result)


def test_the_spec_lists_every_column_the_analysis_produces(
    frames: dict[str, pd.DataFrame],
) -> None:
    spec = unit_columns()
    for sheet, frame in frames.items():
        keys = {c.key for c in spec[sheet]}
        assert set(frame.columns) <= keys, (sheet, set(frame.columns) - keys)


def test_every_header_has_a_norwegian_translation_marked_unreviewed() -> None:
    headers = {c.header for cols in unit_columns().values() for c in cols}
    nb = workbook_translator("nb")
    assert nb.missing(sorted(headers)) == []
    # the catalogue says who translated it and that no qualified translator has checked it
    po = (templates_dir() / "locales" / "nb" / "LC_MESSAGES" / "workbook.po").read_text("utf-8")
    assert '"X-Translation-Status: unreviewed\\n"' in po
    assert "not a qualified translator" in po


def test_spec_formulas_name_their_inputs() -> None:
    assert formula_names("=MAX({maintenance_actual},MaintenanceRate*{market_value})") == {
        "MaintenanceRate"
    }
    assert formula_names("=12*({a}-{b})") == set()
    for cols in unit_columns().values():
        keys = {c.key for c in cols}
        for c in cols:
            assert set(c.refs()) <= keys, (c.key, c.formula)


def test_the_nb_workbook_has_norwegian_headers_and_sheet_names(
    result: PortfolioResult, frames: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    rep = build_report(result, "nb", register_source="register")
    wb = load_workbook(write_workbook(rep, tmp_path / "p.xlsx", per_unit=frames), read_only=True)
    assert "Boliger - Beregningsutvalget" in wb.sheetnames
    assert "Boliger - husleie" in wb.sheetnames
    bu = [c.value for c in next(wb["Boliger - Beregningsutvalget"].iter_rows(max_row=1))]
    assert bu[:3] == ["Bolig", "Markedsverdi", "Kapitalkostnad per år"]
    for name in ("Boliger - verdier", "Boliger - husleie", "Boliger - sluttilstand"):
        header = [str(c.value) for c in next(wb[name].iter_rows(max_row=1))]
        assert not [h for h in header if "_" in h], (name, header)  # no snake_case keys


def test_per_unit_cells_equal_the_frames_with_the_sheet_set_up(
    result: PortfolioResult, frames: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    rep = build_report(result, "en", register_source="register")
    wb = load_workbook(write_workbook(rep, tmp_path / "p.xlsx", per_unit=frames))
    for sheet in ("Units - valuation", BU_UNITS, "Units - end state", "Units - sales"):
        frame = frames[sheet]
        ws = wb[sheet]
        cols = [c for c in unit_columns()[sheet] if c.key in frame.columns]
        assert [c.value for c in ws[1]] == [c.header for c in cols]
        assert ws.freeze_panes == "B2"
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(cols)).column_letter}{len(frame) + 1}"
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        # widths as the spec says (xlsxwriter adds the cell padding, 0.71; neighbours of
        # one width are one <col> range)
        width = {j: d.width for d in ws.column_dimensions.values() for j in range(d.min, d.max + 1)}
        assert [round(width[j]) for j in range(1, len(cols) + 1)] == [
            round(c.width + 0.71) for c in cols
        ]
        for i, (_, unit) in enumerate(frame.iterrows(), start=2):
            for j, c in enumerate(cols, start=1):
                cell = ws.cell(i, j)
                want = unit[c.key]
                if c.formula:
                    assert str(cell.value).startswith("="), (sheet, c.key)
                    continue
                if c.kind == "text":
                    assert cell.value == want, (sheet, c.key, i)
                elif c.kind == "bool":
                    assert cell.value is bool(want)
                elif isinstance(want, float) and math.isnan(want):
                    assert cell.value is None
                else:
                    # money to the øre (the format rounds the display to the krone)
                    expect = round(float(want), 2) if c.kind == "nok" else float(want)
                    assert cell.value == pytest.approx(expect, abs=1e-9), (sheet, c.key, i)
                    assert cell.number_format == EXCEL_FORMATS[c.kind]


def test_text_is_escaped_and_neutralised_and_missing_values_stay_empty(tmp_path: Path) -> None:
    import xlsxwriter
    from openpyxl import load_workbook

    frame = pd.DataFrame(
        {
            "unit_id": ['=HYPERLINK("http://x")', "a & b <c>", " padded ", "ctl\x01x", None],
            "amount": [1.005, float("nan"), 3.0, -4.25, 1e20],
            "twice": [2.01, float("nan"), 6.0, -8.5, 2e20],
            "flag": [True, False, True, False, True],
        }
    )
    cols = [
        UnitColumn("unit_id", "Unit", "text", 16),
        UnitColumn("amount", "Amount", "nok", 12),
        UnitColumn("twice", "Twice", "number", 12, "=2*{amount}"),
        UnitColumn("flag", "Flag", "bool", 8),
    ]
    src, out = tmp_path / "src.xlsx", tmp_path / "out.xlsx"
    wb = xlsxwriter.Workbook(str(src), {"constant_memory": True})
    ws = wb.add_worksheet("Units")
    fmt = {"nok": wb.add_format({"num_format": "#,##0"}), "number": wb.add_format()}
    for j, c in enumerate(cols):
        ws.write_string(0, j, c.header)
        ws.set_column(j, j, c.width, fmt.get(c.kind))
    wb.close()
    splice(src, out, [PendingSheet("Units", frame, cols, {"twice": "=2*{amount}"})])
    got = [[c.value for c in row] for row in load_workbook(out)["Units"].iter_rows(min_row=2)]
    # a control character XML cannot carry is written as Excel's escape _xHHHH_ (as
    # xlsxwriter does: Excel and LibreOffice show the character; openpyxl leaves it)
    assert [r[0] for r in got] == [
        '\'=HYPERLINK("http://x")',
        "a & b <c>",
        " padded ",
        "ctl_x0001_x",
        None,
    ]
    assert [r[1] for r in got] == [1.0, None, 3.0, -4.25, 1e20]  # 1.005 to the øre: 1.0 (binary)
    assert [r[2] for r in got] == ["=2*B2", None, "=2*B4", "=2*B5", "=2*B6"]
    assert [r[3] for r in got] == [True, False, True, False, True]


def test_long_sheets_report_their_progress(
    result: PortfolioResult,
    frames: dict[str, pd.DataFrame],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workbook_units, "CHUNK_ROWS", 100)
    rep = build_report(result, "en", register_source="register")
    said: list[str] = []
    write_workbook(rep, tmp_path / "p.xlsx", per_unit=frames, progress=said.append)
    n = len(frames["Units - tariff"])
    assert f"sheet 'Units - tariff': 100 of {n} rows" in said
    assert f"sheet 'Units - tariff': {n} of {n} rows" in said
