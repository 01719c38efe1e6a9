"""`housingcalc portfolio …` through typer's CliRunner, on the example register, a user's
XLSX (Norwegian headers) and broken registers."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from housingcalc.cli import app
from housingcalc.resources import example

runner = CliRunner()
REGISTER = str(example("portfolio-example-register.csv"))
SCENARIO = str(example("portfolio-example.yaml"))
BROKEN = Path(__file__).parent / "broken"


@pytest.mark.parametrize("command", ["value", "cost", "tariff", "project", "report", "template"])
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(app, ["portfolio", command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.stdout


def test_value_json_gives_the_totals() -> None:
    result = runner.invoke(app, ["portfolio", "value", REGISTER, "-s", SCENARIO, "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["units"] == 300
    assert data["hidden_value"] == pytest.approx(
        data["market_value"] - data["book_value"], abs=0.02
    )
    assert {"book_value", "market_value", "hidden_value", "units"} <= set(data)
    # every default applied is reported (as notes on stderr and in the JSON)
    assert "note: book_value derived for 9 unit(s)" in result.stderr
    assert {
        "column": "market_value",
        "units": 34,
        "rule": "area_m2 × the scenario's kr/m² for the district",
    } in data["defaults"]


def test_value_table_and_csv() -> None:
    result = runner.invoke(
        app, ["portfolio", "value", REGISTER, "-s", SCENARIO, "--by", "size_class"]
    )
    assert result.exit_code == 0, result.output
    assert "Portfolio at 2025-01-01: 300 units (277 owned, 23 rented in)" in result.stdout
    assert "Total" in result.stdout
    result = runner.invoke(app, ["portfolio", "value", REGISTER, "-s", SCENARIO, "-f", "csv"])
    assert result.stdout.splitlines()[0].startswith("unit_id,district,size_class")
    assert len(result.stdout.splitlines()) == 278


def test_cost_says_the_rates_are_unverified() -> None:
    result = runner.invoke(app, ["portfolio", "cost", REGISTER, "-s", SCENARIO])
    assert result.exit_code == 0, result.output
    assert "capital_cost" in result.stdout and "total" in result.stdout
    assert (
        "Unverified: capital rate 4.00% (parameter file) and maintenance floor 1.50% "
        "(parameter file)"
    ) in result.stdout
    data = json.loads(
        runner.invoke(app, ["portfolio", "cost", REGISTER, "-s", SCENARIO, "-f", "json"]).stdout
    )
    lines = {x["line"]: x for x in data["lines"]}
    assert lines["total"]["total"] == pytest.approx(
        lines["net_cost_owned"]["total"]
        + lines["net_cost_rented_in"]["total"]
        + lines["administration"]["total"],
        abs=0.05,
    )


def test_tariff_and_project() -> None:
    result = runner.invoke(app, ["portfolio", "tariff", REGISTER, "-s", SCENARIO])
    assert result.exit_code == 0, result.output
    assert "Cost-covering tariff:" in result.stdout
    assert "Gap a year (tariff − current):" in result.stdout
    result = runner.invoke(
        app, ["portfolio", "project", REGISTER, "-s", SCENARIO, "--years", "5", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["scenarios"]) == {
        "base",
        "rates_plus_2pp",
        "prices_minus_15",
        "vacancy_doubled",
    }
    assert len(data["scenarios"]["base"]["yearly"]) == 6
    result = runner.invoke(app, ["portfolio", "project", REGISTER, "-s", SCENARIO, "--years", "31"])
    assert result.exit_code == 2
    assert "--years = 31: must be between 1 and 30" in result.stderr


def test_without_a_scenario_the_register_must_carry_its_values(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text("unit_id,area_m2,book_value,market_value\nA,50,1000000,2500000\n", "utf-8")
    result = runner.invoke(app, ["portfolio", "value", str(p), "--at", "2025-01-01", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["hidden_value"] == 1_500_000
    p.write_text("unit_id,area_m2,book_value\nA,50,1000000\n", "utf-8")
    result = runner.invoke(app, ["portfolio", "value", str(p), "--at", "2025-01-01"])
    assert result.exit_code == 2
    assert "row 2, market_value: empty, and district '(empty)' has no kr/m²" in result.stderr


def test_a_broken_register_lists_every_error_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "report"
    path = BROKEN / "text_in_numeric.csv"
    result = runner.invoke(app, ["portfolio", "report", str(path), "-s", SCENARIO, "-o", str(out)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"error: {path}: row 3, area_m2 = 'sixty': must be a number",
        f"error: {path}: row 4, rooms = 'two': must be a number",
        f"error: {path}: row 4, market_value = 'ukjent': must be a number",
        f"error: {path}: row 5, rent_monthly = 'n/a': must be a number",
    ]
    assert "Traceback" not in result.output
    assert not out.exists()
    assert not list(tmp_path.iterdir())


def test_a_bad_scenario_names_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "s.yaml"
    bad.write_text("valuation_date: 2025-01-01\nsales: {share_per_year: 0.1}\n", "utf-8")
    result = runner.invoke(app, ["portfolio", "value", REGISTER, "-s", str(bad)])
    assert result.exit_code == 2
    assert "sales.share_per_year" in result.stderr and "looks like a fraction" in result.stderr
    bad.write_text("valuation_date: 2025-01-01\nmarkets: {}\n", "utf-8")
    result = runner.invoke(app, ["portfolio", "value", REGISTER, "-s", str(bad)])
    assert "markets" in result.stderr and "unknown key" in result.stderr


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("portfolio") / "report"
    result = runner.invoke(
        app, ["portfolio", "report", REGISTER, "-s", SCENARIO, "-o", str(out), "--lang", "all"]
    )
    assert result.exit_code == 0, result.output
    return out


def test_report_writes_html_xlsx_json_in_both_languages(report_dir: Path) -> None:
    names = sorted(p.name for p in report_dir.iterdir())
    assert names == sorted(
        f"portfolio-example-register.{lang}.{ext}"
        for lang in ("nb", "en")
        for ext in ("html", "xlsx", "json")
    )


def test_html_report_is_self_contained_with_sources_at_the_end(report_dir: Path) -> None:
    for lang, heading in (("nb", "Hva boligmassen er verdt"), ("en", "What the stock is worth")):
        html = (report_dir / f"portfolio-example-register.{lang}.html").read_text("utf-8")
        assert heading in html
        assert "<script" not in html and "<link" not in html and 'src="http' not in html
        assert html.count("<svg") == 3
        assert html.index('id="sources"') > html.index('id="assumptions"')
        for name in (
            "beregningsutvalget.capital_rate",
            "accounting.depreciation_life_years",
            "husbanken.rental_grant.write_down_rate",
            "tax.document_duty_rate",
        ):
            assert name in html[html.index('id="sources"') :]
    nb = (report_dir / "portfolio-example-register.nb.html").read_text("utf-8")
    assert "Ubekreftede parametere." in nb
    assert "Verdsettelsesdato 1. januar 2025" in nb
    en = (report_dir / "portfolio-example-register.en.html").read_text("utf-8")
    assert "Unverified parameters." in en and "could not be verified" in en


def test_workbook_opens_with_numbers_as_numbers(report_dir: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(report_dir / "portfolio-example-register.en.xlsx")
    names = wb.sheetnames
    assert names[0] == "Summary"
    for sheet in (
        "By district",
        "Beregningsutvalget",
        "Tariff",
        "Rent gap",
        "Stress comparison",
        "Projection base",
        "Assumptions",
        "Tariff weights",
        "Sources",
        "Defaults applied",
        "Units - valuation",
        "Units - end state",
    ):
        assert sheet in names, sheet
    ws = wb["By district"]
    assert ws.cell(3, 1).value == "District"
    cell = ws.cell(4, 3)  # first district's book value
    assert isinstance(cell.value, float) and cell.number_format == "#,##0"
    proj = wb["Projection base"]
    # row 4 is the start (no calendar year); year 1 = the 12 months from 2025-01-01
    assert proj.cell(4, 2).value is None
    assert proj.cell(5, 2).value == 2025 and proj.cell(5, 2).number_format == "0"
    sources = [r[0] for r in wb["Sources"].iter_rows(min_row=2, values_only=True)]
    assert "beregningsutvalget.maintenance_rate" in sources
    assert wb["Units - valuation"].max_row == 278
    nb = load_workbook(report_dir / "portfolio-example-register.nb.xlsx", read_only=True)
    assert nb.sheetnames[0] == "Sammendrag"


def test_json_report_carries_the_tables(report_dir: Path) -> None:
    data = json.loads((report_dir / "portfolio-example-register.en.json").read_text("utf-8"))
    assert data["units"] == 300
    keys = {f["key"]: f["value"] for f in data["key_figures"]}
    assert keys["hidden_value"] == pytest.approx(keys["market_value"] - keys["book_value"])
    assert data["comparison_table"]["columns"][1]["key"] == "base"
    assert "per_unit" in data and len(data["per_unit"]["Units - valuation"]) == 277


def _libreoffice() -> str:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        if os.environ.get("CI"):
            pytest.fail("libreoffice is missing on CI: .ci/run must install libreoffice-calc-nogui")
        pytest.skip("libreoffice is not installed (apt-get install libreoffice-calc-nogui)")
    return office


def test_workbook_opens_in_libreoffice_with_numbers_as_numbers(
    report_dir: Path, tmp_path: Path
) -> None:
    """A real spreadsheet program opens the workbook: LibreOffice prints it to PDF, and exports
    every sheet's raw cell values (not the text as shown), in which the valuation totals are the
    same numbers as the JSON report's."""
    office = _libreoffice()
    workbook = report_dir / "portfolio-example-register.en.xlsx"
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    for target in (
        "pdf",
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
    ):
        subprocess.run(
            [
                office,
                profile,
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(tmp_path),
                str(workbook),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    assert (tmp_path / "portfolio-example-register.en.pdf").stat().st_size > 1000
    rows = list(csv.reader((tmp_path / "portfolio-example-register.en-By district.csv").open()))
    header = next(r for r in rows if r and r[0] == "District")
    total = next(r for r in rows if r and r[0] == "Total")
    cells = dict(zip(header, total, strict=False))
    report = json.loads((report_dir / "portfolio-example-register.en.json").read_text("utf-8"))
    value = runner.invoke(app, ["portfolio", "value", REGISTER, "-s", SCENARIO, "-f", "json"])
    totals = json.loads(value.stdout)
    assert float(cells["Market value"]) == pytest.approx(totals["market_value"], abs=0.01)
    assert float(cells["Book value"]) == pytest.approx(totals["book_value"], abs=0.01)
    assert report  # the JSON report of the same run exists and parses


def test_report_from_a_users_xlsx_with_norwegian_headers(tmp_path: Path) -> None:
    import pandas as pd

    from housingcalc.registers import COLUMNS

    frame = pd.read_csv(REGISTER).head(60)  # the scenario plans sales of DEMO-0007 and -0042
    nb = {
        c.name: next(
            (a for a in c.aliases if not a.isascii()), c.aliases[0] if c.aliases else c.name
        )
        for c in COLUMNS
    }
    frame = frame.rename(columns=nb)
    path = tmp_path / "boliger.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        pd.DataFrame({"Merknad": ["Eksport fra FDV-systemet"]}).to_excel(
            xl, sheet_name="Info", index=False
        )
        frame.to_excel(xl, sheet_name="Boliger", index=False)
    out = tmp_path / "rapport"
    result = runner.invoke(
        app,
        [
            "portfolio",
            "report",
            str(path),
            "-s",
            SCENARIO,
            "-o",
            str(out),
            "-f",
            "html,xlsx",
            "--no-per-unit",
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["boliger.nb.html", "boliger.nb.xlsx"]
    html = (out / "boliger.nb.html").read_text("utf-8")
    assert "other sheets ignored: &#39;Info&#39;" in html


def test_template_command(tmp_path: Path) -> None:
    target = tmp_path / "mal.xlsx"
    result = runner.invoke(app, ["portfolio", "template", str(target), "--lang", "nb"])
    assert result.exit_code == 0, result.output
    assert target.exists()
    result = runner.invoke(app, ["portfolio", "template", str(target)])
    assert result.exit_code == 2 and "exists (use --force to overwrite)" in result.stderr
    result = runner.invoke(app, ["portfolio", "template", str(tmp_path / "x.ods")])
    assert result.exit_code == 2 and "must end in .csv or .xlsx" in result.stderr


def _many_bad_rows(tmp_path: Path) -> Path:
    """30 units with no area: more errors than are listed one by one."""
    rows = "".join(f"U{i},,1,1\n" for i in range(30))
    p = tmp_path / "bad.csv"
    p.write_text("unit_id,area_m2,book_value,market_value\n" + rows, "utf-8")
    return p


def test_many_errors_are_grouped_and_given_in_full_on_request(tmp_path: Path) -> None:
    p = _many_bad_rows(tmp_path)
    result = runner.invoke(app, ["portfolio", "value", str(p)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {p}: area_m2: required (the unit's area in m²): 30 row(s): 2, 3, 4, 5, 6, … "
        "(row 2: area_m2 = '')",
        f"error: {p}: 30 error(s) in 30 row(s) in all",
        f"error: {p}: every error: add --all-errors, or --errors-csv FILE",
    ]
    result = runner.invoke(app, ["portfolio", "value", str(p), "--all-errors"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 30
    assert lines[29] == f"error: {p}: row 31, area_m2 = '': required (the unit's area in m²)"
    out = tmp_path / "errors.csv"
    result = runner.invoke(app, ["portfolio", "tariff", str(p), "--errors-csv", str(out)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"error: {p}: every error written to {out}"
    with out.open(encoding="utf-8") as fh:
        records = list(csv.reader(fh))
    assert records[0] == ["row", "column", "value", "rule"]
    assert records[1] == ["2", "area_m2", "", "required (the unit's area in m²)"]
    assert len(records) == 31


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_xlsx_template_round_trips_through_portfolio_value(tmp_path: Path, lang: str) -> None:
    from openpyxl import load_workbook

    from housingcalc.registers import SPEC, template_rows

    path = tmp_path / "register.xlsx"
    result = runner.invoke(app, ["portfolio", "template", "--xlsx", str(path), "--lang", lang])
    assert result.exit_code == 0, result.output
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[3]]
    canonical = [r["canonical"] for r in template_rows(lang)]
    assert headers == [r["column"] for r in template_rows(lang)]
    # a note on every header cell; the example row above the header; drop-downs for codes
    assert all(c.comment is not None and c.comment.text for c in ws[3])
    assert ws.cell(row=2, column=1).value == SPEC["unit_id"].example
    lists = {
        next(iter(dv.sqref.ranges)).min_col: dv.formula1
        for dv in ws.data_validations.dataValidation
    }
    for name in ("tenure", "status", "grant_rule"):
        col = canonical.index(name) + 1
        assert lists[col] == '"' + ",".join(SPEC[name].choices) + '"'
    # fill two units below the header as a user would, and value them
    units = [
        {
            "unit_id": "K-1",
            "area_m2": 50,
            "book_value": 1_000_000,
            "market_value": 2_000_000,
            "tenure": "owned",
            "status": "let",
            "loan_balance": 400_000,
        },
        {
            "unit_id": "K-2",
            "area_m2": 70,
            "book_value": 1_500_000,
            "market_value": 3_500_000,
            "tenure": "owned",
            "status": "vacant",
        },
    ]
    for i, unit in enumerate(units, start=4):
        for name, v in unit.items():
            ws.cell(row=i, column=canonical.index(name) + 1, value=v)
    wb.save(path)
    result = runner.invoke(
        app, ["portfolio", "value", str(path), "--at", "2026-01-01", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["units"] == 2
    assert data["book_value"] == 1_000_000 + 1_500_000
    assert data["market_value"] == 2_000_000 + 3_500_000
    assert data["hidden_value"] == (2_000_000 + 3_500_000) - (1_000_000 + 1_500_000)
    assert data["loan_balance"] == 400_000


def test_csv_for_norwegian_excel_and_formula_cells_made_inert(tmp_path: Path) -> None:
    # a district named like a formula, as an export might carry it
    text = Path(REGISTER).read_text("utf-8").replace(",Sentrum,", ",=1+2,", 1)
    reg = tmp_path / "r.csv"
    reg.write_text(text, "utf-8")
    result = runner.invoke(
        app,
        ["portfolio", "value", str(reg), "-s", SCENARIO, "-f", "csv", "--csv-dialect", "excel-nb"],
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("\ufeff")
    lines = out[1:].splitlines()
    header = lines[0].split(";")
    assert "unit_id" in header and "market_value" in header
    first = dict(zip(header, lines[1].split(";"), strict=True))
    # decimal comma, two decimals; no thousands separator
    assert first["market_value"].count(",") == 1 and "." not in first["market_value"]
    assert len(first["market_value"].split(",")[1]) == 2
    plain = runner.invoke(app, ["portfolio", "value", str(reg), "-s", SCENARIO, "-f", "csv"])
    rows = list(csv.DictReader(plain.stdout.splitlines()))
    assert float(first["market_value"].replace(",", ".")) == float(rows[0]["market_value"])
    districts = {r["district"] for r in rows}
    assert "'=1+2" in districts and "=1+2" not in districts
    bad = runner.invoke(app, ["portfolio", "value", REGISTER, "-f", "csv", "--csv-dialect", "x"])
    assert bad.exit_code == 2
