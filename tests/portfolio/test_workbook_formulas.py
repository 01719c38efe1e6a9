"""The portfolio workbook shows its working: LibreOffice Calc (headless) recalculates every
formula, and each recalculated figure equals housingcalc's own to the krone; changing the
capital rate on the Inputs sheet changes the capital cost as the method says."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from housingcalc.calc.portfolio import PortfolioResult, analyse_portfolio
from housingcalc.models.portfolio import load_assumptions
from housingcalc.parameters import load_parameters
from housingcalc.registers import read_register
from housingcalc.reports.portfolio import BU_UNITS, build_report, per_unit_frames, write_workbook
from housingcalc.resources import example

#: LibreOffice's setting "recalculate Excel 2007+ files on load": 0 = always (the default,
#: 1 = never, would show the cached values and prove nothing)
PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def _office() -> str:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        if os.environ.get("CI"):
            pytest.fail("libreoffice is missing on CI: .ci/run must install libreoffice-calc-nogui")
        pytest.skip("libreoffice is not installed")
    return office


Sheets = dict[str, list[list[str]]]


def _recalculated(workbook: Path, tmp: Path) -> Sheets:
    """Every sheet as LibreOffice computes it (raw values, not the text shown)."""
    profile = tmp / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE, "utf-8")
    out = tmp / "out"
    subprocess.run(
        [
            _office(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(out),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    sheets = {}
    for p in out.glob("*.csv"):
        sheet = p.stem.removeprefix(f"{workbook.stem}-")
        with p.open(encoding="utf-8") as fh:
            sheets[sheet] = list(csv.reader(fh))
    return sheets


def _keyed(rows: list[list[str]], sheet: str) -> tuple[list[str], list[list[str]]]:
    """A per-unit sheet's header as column keys (the spec's English header → its key)."""
    from housingcalc.reports.workbook_units import unit_columns

    key = {c.header: c.key for c in unit_columns()[sheet]}
    return [key.get(h, h) for h in rows[0]], rows[1:]


@pytest.fixture(scope="module")
def result() -> PortfolioResult:
    a = load_assumptions(example("portfolio-example.yaml"))
    reg = read_register(example("portfolio-example-register.csv"))
    return analyse_portfolio(reg.frame, a, load_parameters(), source="register")


@pytest.fixture(scope="module")
def written(result: PortfolioResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The English workbook with the per-unit sheets, as housingcalc writes it."""
    rep = build_report(result, "en", register_source="register")
    folder = tmp_path_factory.mktemp("written")
    return write_workbook(rep, folder / "p.xlsx", per_unit=per_unit_frames(result))


@pytest.fixture(scope="module")
def recalculated(written: Path, tmp_path_factory: pytest.TempPathFactory) -> Sheets:
    """That workbook without its cached values, as LibreOffice recalculates it (once for
    the tests that leave the inputs as they are)."""
    tmp = tmp_path_factory.mktemp("recalculated")
    return _recalculated(_stripped(written, tmp), tmp)


def _stripped(workbook: Path, tmp: Path, capital_rate: float | None = None) -> Path:
    """The workbook saved again by openpyxl: formulas kept, every cached value dropped, so
    what LibreOffice shows can only come from calculating; optionally a new capital rate."""
    from openpyxl import load_workbook

    wb = load_workbook(workbook)
    if capital_rate is not None:
        ws = wb["Inputs"]
        ws["B2"] = capital_rate
    out = tmp / "book.xlsx"
    wb.save(out)
    return out


def test_every_recalculated_figure_equals_housingcalcs_own(
    result: PortfolioResult, written: Path, recalculated: Sheets
) -> None:
    from openpyxl import load_workbook

    path = written
    # the derivations are formulas in the file
    wb = load_workbook(path)
    bu = wb["Beregningsutvalget"]
    formulas = [c.value for c in bu["C"] if isinstance(c.value, str) and c.value.startswith("=")]
    assert "=CapitalRate*CapitalBasis" in formulas
    assert len(formulas) >= 6
    units_ws = wb[BU_UNITS[:31]]
    assert str(units_ws["C2"].value).startswith("=CapitalRate*")
    assert str(units_ws["E2"].value).startswith("=MAX(")

    sheets = recalculated
    c = result.cost
    assert c is not None
    lines = sheets["Beregningsutvalget"]
    start = next(i for i, r in enumerate(lines) if r and r[0] == "Line") + 1
    for n, (key, row) in enumerate(c.table.iterrows()):
        line = lines[start + n]
        assert abs(float(line[2]) - row["total"]) < 1, (key, line, row["total"])
        assert abs(float(line[3]) - row["per_unit"]) < 1, (key, line, row["per_unit"])
    per = c.per_unit_frame
    header, rows = _keyed(sheets[BU_UNITS[:31]], BU_UNITS)
    for k, (_, unit) in enumerate(per.iterrows()):
        got = dict(zip(header, rows[k], strict=False))
        assert got["unit_id"] == unit["unit_id"]
        for col in ("capital_cost", "maintenance_calculated", "net_cost"):
            assert abs(float(got[col]) - unit[col]) < 1, (unit["unit_id"], col)
    # the valuation sheet: hidden value = market − book, net value = market − loans − grant
    header, rows = _keyed(sheets["Units - valuation"], "Units - valuation")
    for k, (_, unit) in enumerate(result.valuation.per_unit.iterrows()):
        got = dict(zip(header, rows[k], strict=False))
        assert got["unit_id"] == unit["unit_id"]
        for col in ("hidden_value", "net_value"):
            assert abs(float(got[col]) - unit[col]) < 1, (unit["unit_id"], col)


def test_a_new_capital_rate_on_the_inputs_sheet_recomputes_the_cost(
    result: PortfolioResult, tmp_path: Path
) -> None:
    import numpy as np

    rep = build_report(result, "en", register_source="register")
    path = write_workbook(rep, tmp_path / "p.xlsx", per_unit=per_unit_frames(result))
    sheets = _recalculated(_stripped(path, tmp_path, capital_rate=0.05), tmp_path)
    f = result.units.frame
    basis = float(f["market_value"].to_numpy(np.float64)[f["owned"].to_numpy(bool)].sum())
    c = result.cost
    assert c is not None
    lines = sheets["Beregningsutvalget"]
    start = next(i for i, r in enumerate(lines) if r and r[0] == "Line") + 1
    keys = list(c.table.index)
    capital = float(lines[start + keys.index("capital_cost")][2])
    total = float(lines[start + keys.index("total")][2])
    # the method: capital = 5 % × the market value of the owned units; the total moves by
    # the change in the capital line alone
    assert abs(capital - 0.05 * basis) < 1
    assert abs(total - (c.total + (0.05 - c.capital_rate) * basis)) < 1


def test_the_recalculated_tariff_equals_housingcalcs_own(
    result: PortfolioResult, written: Path, recalculated: Sheets
) -> None:
    from openpyxl import load_workbook

    from housingcalc.reports.portfolio import TARIFF_UNITS

    tr = result.tariff
    assert tr is not None
    path = written
    wb = load_workbook(path)
    inputs = {str(r[0].value): r[1].value for r in wb["Inputs"].iter_rows(min_row=2)}
    rate_formula = inputs["Tariff, kr per weighted m² a month"]
    assert rate_formula == "=TariffCost/(12*(1-Vacancy)*(1-RentLoss))/TariffWeightedArea"
    assert str(inputs["Tariff: cost to cover a year"]).startswith("=SUM(")
    # the rate's divisor is the total of the tariff table's weighted area by class
    assert str(inputs["Tariff: weighted area (m²)"]).startswith("='Tariff'!$")
    units_ws = wb[TARIFF_UNITS]
    header, _ = _keyed([[str(c.value) for c in units_ws[1]]], TARIFF_UNITS)
    rent_col = header.index("tariff_rent_monthly")
    assert units_ws.cell(2, rent_col + 1).value.endswith("*TariffRate")

    sheets = recalculated
    got_inputs = {r[0]: r[1] for r in sheets["Inputs"][1:] if r}
    # the rate as LibreOffice computes it from the inputs: NOK per weighted m² a month; a
    # krone per weighted m² would be the whole stock's rent, so compare it to the øre
    assert abs(float(got_inputs["Tariff, kr per weighted m² a month"]) - tr.rate) < 0.005
    assert abs(float(got_inputs["Tariff: cost to cover a year"]) - tr.total_cost) < 1
    assert abs(float(got_inputs["Tariff: weighted area (m²)"]) - tr.weighted_area) < 0.01
    head, rows = _keyed(sheets[TARIFF_UNITS], TARIFF_UNITS)
    per = tr.per_unit
    assert len(rows) == len(per)
    for k, (_, unit) in enumerate(per.iterrows()):
        got = dict(zip(head, rows[k], strict=False))
        assert got["unit_id"] == unit["unit_id"]
        # calc rounds each rent to the øre (down or up, so the rents sum to the cost): the
        # formula area × weight × rate is within one øre a month of it, 12 øre a year
        for col in ("weighted_area_m2", "tariff_rent_monthly", "tariff_rent_yearly"):
            assert abs(float(got[col]) - unit[col]) < 1, (unit["unit_id"], col)
        for col in ("gap_monthly", "gap_yearly"):
            if col in got and got[col] != "":
                assert abs(float(got[col]) - unit[col]) < 1, (unit["unit_id"], col)
    collected = sum(float(r[head.index("tariff_rent_yearly")]) for r in rows)
    share = (1 - tr.vacancy) * (1 - tr.rent_loss)
    # the rents LibreOffice computes collect the cost to cover: Σ 12 × rent × k = cost
    assert abs(collected * share - tr.total_cost) < 1


def test_the_projections_yearly_sums_recalculate_to_housingcalcs_own(
    result: PortfolioResult, written: Path, recalculated: Sheets
) -> None:
    ps = result.projection
    assert ps is not None
    rep = build_report(result, "en", register_source="register")  # the tables' sheet names
    sheets = recalculated
    years = ps.base.yearly[ps.base.yearly["year"] > 0]
    n = int(years["year"].max())
    checked = 0
    assert rep.stress_tables  # the base scenario and each stress: a sheet each
    for table in rep.stress_tables:
        rows = sheets[table.sheet]
        total = next(r for r in rows if r and r[0] == f"Sum, years 1–{n}")
        if table.key != "projection_base":
            continue
        for j, col in enumerate(table.columns):
            if col.key in ("rent_income", "interest_paid", "net_result", "cash_flow"):
                # housingcalc's own yearly figures, added up here: Σ over years 1…n
                assert abs(float(total[j]) - float(years[col.key].sum())) < 1, col.key
                checked += 1
    assert checked == 4


def test_the_recalculated_tariff_by_class_equals_housingcalcs_own(
    result: PortfolioResult, written: Path, recalculated: Sheets
) -> None:
    """The tariff table by size class × standard: units and area counted from the per-unit
    sheet, weighted area = area × weight, kr/m² = weight × rate, the typical unit's rent =
    typical area × weight × rate rounded to the step; checked against calc's own table."""
    from openpyxl import load_workbook

    tr = result.tariff
    assert tr is not None
    path = written
    ws = load_workbook(path)["Tariff"]
    head = [c.value for c in ws[3]]
    first = [c.value for c in ws[4]]
    assert str(first[head.index("Units")]).startswith("=COUNTIFS(")
    assert str(first[head.index("Area (m²)")]).startswith("=SUMIFS(")
    assert first[head.index("kr per m² a month")] == "=C4*TariffRate"
    assert str(first[head.index("Rent a month, typical unit")]).startswith("=ROUND(")

    sheets = recalculated
    rows = sheets["Tariff"]
    start = next(i for i, r in enumerate(rows) if r and r[0] == "Size class") + 1
    col = {h: j for j, h in enumerate(rows[start - 1])}
    table = tr.table
    for n, (_, cls) in enumerate(table.iterrows()):
        got = rows[start + n]
        assert (got[0], got[1]) == (cls["size_class"], cls["standard"])
        assert int(float(got[col["Units"]])) == cls["units"]
        assert abs(float(got[col["Area (m²)"]]) - cls["area_m2"]) < 0.01
        # area × weight, by hand from calc's own area and weight
        wa = cls["area_m2"] * cls["weight"]
        assert abs(float(got[col["Weighted area (m²)"]]) - wa) < 0.01
        # a krone per m² is a krone on every m² of the class: compare to the øre
        assert abs(float(got[col["kr per m² a month"]]) - cls["kr_per_m2_month"]) < 0.005
        assert abs(float(got[col["kr per m² a year"]]) - cls["kr_per_m2_year"]) < 0.005
        assert abs(float(got[col["Rent a month, typical unit"]]) - cls["typical_rent_monthly"]) < 1
    total = rows[start + len(table)]
    assert total[0] == "Total"
    assert int(float(total[col["Units"]])) == tr.units
    assert abs(float(total[col["Weighted area (m²)"]]) - tr.weighted_area) < 0.01


def test_a_new_vacancy_on_the_inputs_sheet_reprices_every_class(
    result: PortfolioResult, tmp_path: Path
) -> None:
    """Vacancy 10 % on the Inputs sheet: rate = cost ÷ (12 × 0.9 × (1 − rent loss)) ÷
    weighted area, so each class's kr/m² a month = weight × that."""
    from openpyxl import load_workbook

    tr = result.tariff
    assert tr is not None
    rep = build_report(result, "en", register_source="register")
    path = write_workbook(rep, tmp_path / "p.xlsx", per_unit=per_unit_frames(result))
    wb = load_workbook(path)
    ws = wb["Inputs"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "Tariff: vacancy")
    row[1].value = 0.10
    changed = tmp_path / "changed.xlsx"
    wb.save(changed)
    sheets = _recalculated(changed, tmp_path)
    rate = tr.total_cost / (12 * 0.9 * (1 - tr.rent_loss)) / tr.weighted_area
    rows = sheets["Tariff"]
    start = next(i for i, r in enumerate(rows) if r and r[0] == "Size class") + 1
    col = rows[start - 1].index("kr per m² a month")
    for n, (_, cls) in enumerate(tr.table.iterrows()):
        assert abs(float(rows[start + n][col]) - cls["weight"] * rate) < 0.005
