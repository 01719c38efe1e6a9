"""Class 1: text a spreadsheet would run is neutralised in every CSV and XLSX writer, in one place
(:func:`housingcalc.tabular.neutralise_cell`); numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from housingcalc.tabular import looks_like_formula, neutralise_cell, neutralise_frame
from tests.hostile.conftest import Case, example

HYPERLINK = '=HYPERLINK("http://evil.example","x")'
CMD = "+cmd|' /C calc'!A0"

REGISTER = (
    "unit_id,address,district,area_m2,tenure,acquired,acquisition_cost,book_value,"
    "market_value,status\n"
    f'"{HYPERLINK.replace(chr(34), chr(34) * 2)}","{CMD}",Sentrum,62.5,owned,2014-03-01,'
    "2000000,1650000,2900000,let\n"
    "@SUM(A1),Storgata 2,-2+3,45,owned,2010-01-01,1500000,1000000,2100000,vacant\n"
)


def _portfolio(case: Case) -> str:
    """The packaged portfolio scenario without its named sales (units not in REGISTER)."""
    text = example("portfolio-example.yaml").read_text("utf-8")
    plan = "    - {unit_id: DEMO-0007, year: 2026}\n    - {unit_id: DEMO-0042, year: 2027}\n"
    assert plan in text
    return str(case.write("portfolio.yaml", text.replace(plan, "    []\n")))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+2", "'=1+2"),
        (CMD, "'" + CMD),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-2+3", "'-2+3"),
        # a plain signed number and a dash placeholder are shown as they are, not run
        ("-1200", "-1200"),
        ("+4,5 %", "+4,5 %"),
        ("-", "-"),
        ("Storgata 1", "Storgata 1"),
    ],
)
def test_neutralise_cell(text: str, expected: str) -> None:
    assert neutralise_cell(text) == expected
    assert looks_like_formula(text) == (expected != text)


def test_numbers_and_missing_values_stay_as_they_are() -> None:
    assert neutralise_cell(-5.0) == -5.0
    assert neutralise_cell(None) is None
    frame = pd.DataFrame({"id": ["=A1", "B"], "amount": [-5.0, 2.5]})
    safe = neutralise_frame(frame)
    assert safe["id"].tolist() == ["'=A1", "B"]
    assert safe["amount"].dtype == "float64" and safe["amount"].tolist() == [-5.0, 2.5]
    assert frame["id"].tolist() == ["=A1", "B"]  # the caller's frame is not changed


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_portfolio_value_csv(case: Case) -> None:
    reg = case.write("reg.csv", REGISTER)
    r = case.ok(["portfolio", "value", reg, "--scenario", _portfolio(case), "-f", "csv"])
    rows = _csv_rows(r.stdout)
    header, first, second = rows[0], rows[1], rows[2]
    assert first[0] == "'" + HYPERLINK and second[0] == "'@SUM(A1)"
    assert second[header.index("district")] == "'-2+3"
    # numbers unchanged: the register's book value 1 650 000 written as a number
    assert first[header.index("book_value")] == "1650000.00"


def test_rent_tariff_units_out(case: Case) -> None:
    units = case.write(
        "units.csv",
        "unit_id,area_m2,size_class,standard,yearly_cost\n"
        f"{CMD.replace(',', '')},50,2-rom,A,60000\n=1+2,70,3-rom,A,80000\n",
    )
    weights = case.write("weights.csv", "size_class,standard,weight\n2-rom,A,1.1\n3-rom,A,1.0\n")
    out = case.root / "per_unit.csv"
    case.ok(["rent", "tariff", units, "--weights", weights, "--units-out", out])
    rows = _csv_rows(out.read_text("utf-8"))
    ids = [row[rows[0].index("unit_id")] for row in rows[1:]]
    assert ids == ["'" + CMD, "'=1+2"]


def test_loan_csv_numbers_stay_numbers(case: Case) -> None:
    r = case.ok(["loan", "--amount", "120000", "--rate", "6%", "--terms", "12", "-f", "csv"])
    rows = _csv_rows(r.stdout)
    # 120 000 at 6 %/12 = 0.5 % a month: the first term's interest is 600.00
    assert rows[1][rows[0].index("interest")] == "600.00"
    assert not any(cell.startswith("'") for row in rows for cell in row)


def test_portfolio_excel_report(case: Case) -> None:
    import openpyxl

    reg = case.write("reg.csv", REGISTER)
    case.ok(
        [
            "portfolio",
            "report",
            reg,
            "--scenario",
            _portfolio(case),
            "-o",
            case.out,
            "-f",
            "xlsx",
            "--lang",
            "en",
            "--per-unit",
        ]
    )
    (book,) = sorted(case.out.glob("*.xlsx"))
    wb = openpyxl.load_workbook(book)
    # the workbook's own formulas (data type "f", e.g. =CapitalRate*B2) are intended; every
    # other cell, and no formula, may hold the register's text as something Excel would run
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    texts = [c.value for c in cells if c.value is not None and c.data_type != "f"]
    formulas = [str(c.value) for c in cells if c.data_type == "f"]
    assert not any("HYPERLINK" in f or "SUM(A1)" in f or "cmd|" in f for f in formulas)
    strings = [t for t in texts if isinstance(t, str)]
    assert "'" + HYPERLINK in strings and "'@SUM(A1)" in strings
    assert not any(looks_like_formula(t) for t in strings), [t for t in strings if t[:1] in "=+@"]
    assert 1650000 in texts  # a number cell stays a number
