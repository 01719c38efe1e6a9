"""``housingcalc rent`` and ``housingcalc rent tariff`` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from housingcalc.cli import app

runner = CliRunner()

SEED = ["rent", "--cost", "2000000", "--grant", "740000", "--area", "69", "--fdv", "400"]


def _ok(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr or result.output
    return result.stdout


def _error(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output
    return result.stderr


def test_issue_example_annuity_json() -> None:
    out = json.loads(
        _ok(
            [
                *SEED,
                "--rate",
                "3.5%",
                "--capital-method",
                "annuity",
                "--life",
                "40",
                "--format",
                "json",
            ]
        )
    )
    assert out["monthly_rent"] == 7181.13
    assert out["yearly_rent"] == 86173.51
    assert out["components"]["capital_cost"] == 58573.51
    assert out["components"]["fdv"] == 27600.0
    assert set(out["components"]) >= {
        "capital_cost",
        "fdv",
        "admin",
        "vacancy_allowance",
        "rent_loss_allowance",
    }


def test_issue_example_table_shows_every_component() -> None:
    out = _ok(
        [
            *SEED,
            "--rate",
            "3.5%",
            "--capital-method",
            "annuity",
            "--life",
            "40",
            "--vacancy",
            "2%",
            "--rent-loss",
            "1%",
            "--admin",
            "0",
        ]
    )
    for text in (
        "capital cost",
        "FDV (400 kr/m² × 69 m²)",
        "vacancy allowance (2.00 %)",
        "rent-loss allowance (1.00 %)",
        "cost-covering rent",
        "1 260 000.00",
        "3.50 % (given)",
    ):
        assert text in out


def test_return_method_and_yearly_terms() -> None:
    out = json.loads(_ok([*SEED, "--rate", "3.5", "--capital-method", "return", "-f", "json"]))
    assert out["monthly_rent"] == 5975.0
    yearly = json.loads(
        _ok(
            [
                *SEED,
                "--rate",
                "3.5%",
                "-m",
                "annuity",
                "--life",
                "40",
                "--terms",
                "yearly",
                "-f",
                "json",
            ]
        )
    )
    assert yearly["terms_per_year"] == 1
    assert yearly["components"]["capital_cost"] == 59002.38


def test_beregningsutvalget_reads_its_rate_from_the_parameters() -> None:
    out = json.loads(
        _ok(
            [
                "rent",
                "--market-value",
                "2600000",
                "--area",
                "69",
                "--fdv",
                "400",
                "-m",
                "beregningsutvalget",
                "--at",
                "2024-01-01",
                "-f",
                "json",
            ]
        )
    )
    assert out["rate"]["rate"] == 0.04 and out["components"]["capital_cost"] == 104000.0
    assert out["sources"][0]["name"] == "beregningsutvalget.capital_rate"


def test_rate_from_bond_plus_margin() -> None:
    out = json.loads(
        _ok(
            [
                *SEED,
                "--rate-from",
                "bond3y",
                "--margin",
                "2pp",
                "--year",
                "2014",
                "-m",
                "annuity",
                "--life",
                "40",
                "-f",
                "json",
            ]
        )
    )
    assert out["rate"]["rate"] == pytest.approx(0.0352)
    table = _ok(
        [*SEED, "--rate-from", "bond3y", "--margin", "2 pp", "--year", "2014", "-m", "return"]
    )
    assert "3.52 % = bond3y 2014 average 1.52 % + 2.00 pp" in table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--area", "-5"], "error: --area = -5.0: must be > 0"),
        (["--grant", "2500000"], "error: --grant = 2500000.0: must not exceed the cost"),
        (["--life", "0"], "error: --life = 0.0: must be > 0"),
        (["--rate", "0.05"], "looks like a fraction"),
        (["--capital-method", "straight"], "--capital-method = 'straight': must be one of"),
        (["--basis", "replacement"], "--basis = 'replacement': must be one of"),
        (["--rate-from", "bond3y", "--margin", "2pp", "--year", "2030"], "--year = 2030"),
        (["--vacancy", "60%"], "above the plausible maximum"),
    ],
)
def test_bad_input(args: list[str], message: str) -> None:
    base = {
        "--cost": "2000000",
        "--grant": "740000",
        "--area": "69",
        "--fdv": "400",
        "--capital-method": "annuity",
        "--life": "40",
        "--rate": "3.5%",
    }
    given = dict(zip(args[::2], args[1::2], strict=True))
    if "--rate-from" in given:
        base.pop("--rate")
    merged = {**base, **given}
    err = _error(["rent", *[x for kv in merged.items() for x in kv]])
    assert message in err


def test_missing_method_and_rate() -> None:
    assert "--capital-method: is required" in _error([*SEED, "--rate", "3.5%"])
    assert "--rate: give a rate" in _error([*SEED, "-m", "return"])


def test_no_options_prints_help() -> None:
    out = _ok(["rent"])
    assert "Usage:" in out and "tariff" in out


# -- tariff ------------------------------------------------------------------------------------

UNITS = """unit_id,area_m2,size_class,standard,acquisition_cost,grant_amount,rent_monthly
D-01,42,2-rom,A,1650000,0,6200
D-02,69,3-rom,A,2000000,740000,7000
D-03,69,3-rom,A,2150000,0,7300
D-04,71.5,3-rom,B,1800000,300000,6100
D-05,95,4-rom,B,2600000,0,
"""
WEIGHTS = """size_class,standard,weight,typical_area_m2
2-rom,A,1.15,45
2-rom,B,1.0,45
3-rom,A,1.0,70
3-rom,B,0.9,70
4-rom,A,0.95,90
4-rom,B,0.85,90
"""


@pytest.fixture()
def files(tmp_path: Path) -> tuple[Path, Path]:
    u, w = tmp_path / "units.csv", tmp_path / "weights.csv"
    u.write_text(UNITS, "utf-8")
    w.write_text(WEIGHTS, "utf-8")
    return u, w


def test_tariff_table_and_json(files: tuple[Path, Path], tmp_path: Path) -> None:
    u, w = files
    args = [
        "rent",
        "tariff",
        str(u),
        "--weights",
        str(w),
        "-m",
        "annuity",
        "--rate",
        "3.5%",
        "--life",
        "40",
        "--fdv",
        "400",
        "--vacancy",
        "2%",
        "--rent-loss",
        "1%",
    ]
    table = _ok(args)
    assert "rate per weighted m²" in table and "D-03" in table
    out = json.loads(_ok([*args, "-f", "json", "--units-out", str(tmp_path / "per_unit.csv")]))
    assert abs(out["residual_yearly"]) <= 1.0
    rents = {r["unit_id"]: r["tariff_rent_monthly"] for r in out["per_unit"]}
    assert rents["D-02"] == rents["D-03"]  # same class and area, different cost
    assert out["current_rent_units"] == 4
    assert (tmp_path / "per_unit.csv").read_text("utf-8").startswith("unit_id,")


def test_tariff_semicolon_csv_with_decimal_commas(tmp_path: Path, files: tuple[Path, Path]) -> None:
    u = tmp_path / "units_nb.csv"
    u.write_text(
        "unit_id;area_m2;size_class;standard;yearly_cost\nA;71,5;3-rom;B;86000,50\n", "utf-8"
    )
    out = json.loads(_ok(["rent", "tariff", str(u), "--weights", str(files[1]), "-f", "json"]))
    assert out["total_cost_yearly"] == 86000.5


def test_tariff_missing_weight_is_collected(tmp_path: Path, files: tuple[Path, Path]) -> None:
    u = tmp_path / "units.csv"
    u.write_text(
        "unit_id,area_m2,size_class,standard,yearly_cost\nA,50,5-rom,A,1\nB,-1,2-rom,A,1\n", "utf-8"
    )
    err = _error(["rent", "tariff", str(u), "--weights", str(files[1])])
    assert "error: units: unit B: area_m2 = -1: must be > 0" in err
    u.write_text("unit_id,area_m2,size_class,standard,yearly_cost\nA,50,5-rom,A,1\n", "utf-8")
    err = _error(["rent", "tariff", str(u), "--weights", str(files[1])])
    assert "error: weights: size_class '5-rom' × standard 'A' (1 unit(s), e.g. A): no weight" in err


def test_tariff_options_before_the_subcommand_are_refused(files: tuple[Path, Path]) -> None:
    err = _error(["rent", "--rate", "3.5%", "tariff", str(files[0]), "--weights", str(files[1])])
    assert "after the subcommand" in err
