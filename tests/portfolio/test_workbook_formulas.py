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


def _recalculated(workbook: Path, tmp: Path) -> dict[str, list[list[str]]]:
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


@pytest.fixture(scope="module")
def result() -> PortfolioResult:
    a = load_assumptions(example("portfolio-example.yaml"))
    reg = read_register(example("portfolio-example-register.csv"))
    return analyse_portfolio(reg.frame, a, load_parameters(), source="register")


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
    result: PortfolioResult, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    rep = build_report(result, "en", register_source="register")
    path = write_workbook(rep, tmp_path / "p.xlsx", per_unit=per_unit_frames(result))
    # the derivations are formulas in the file
    wb = load_workbook(path)
    bu = wb["Beregningsutvalget"]
    formulas = [c.value for c in bu["C"] if isinstance(c.value, str) and c.value.startswith("=")]
    assert "=CapitalRate*CapitalBasis" in formulas
    assert len(formulas) >= 6
    units_ws = wb[BU_UNITS[:31]]
    assert str(units_ws["C2"].value).startswith("=CapitalRate*")
    assert str(units_ws["E2"].value).startswith("=MAX(")

    sheets = _recalculated(_stripped(path, tmp_path), tmp_path)
    c = result.cost
    assert c is not None
    lines = sheets["Beregningsutvalget"]
    start = next(i for i, r in enumerate(lines) if r and r[0] == "Line") + 1
    for n, (key, row) in enumerate(c.table.iterrows()):
        got = lines[start + n]
        assert abs(float(got[2]) - row["total"]) < 1, (key, got, row["total"])
        assert abs(float(got[3]) - row["per_unit"]) < 1, (key, got, row["per_unit"])
    per = c.per_unit_frame
    rows = sheets[BU_UNITS[:31]]
    header = rows[0]
    for k, (_, unit) in enumerate(per.iterrows()):
        got = dict(zip(header, rows[k + 1], strict=False))
        assert got["unit_id"] == unit["unit_id"]
        for col in ("capital_cost", "maintenance_calculated", "net_cost"):
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
