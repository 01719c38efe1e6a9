"""`housingcalc loan` in all three formats, and its bad-input cases."""

from __future__ import annotations

import csv
import io
import json
import re

import numpy_financial as npf
import pytest
from typer.testing import CliRunner

from housingcalc.cli import app

runner = CliRunner()
BASE = ["loan", "--amount", "1000000", "--rate", "5%", "--years", "25"]


def test_json_schedule_is_exact_and_matches_spreadsheet_pmt() -> None:
    result = runner.invoke(app, [*BASE, "--fee", "30", "--setup-fee", "600", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rows = data["schedule"]
    assert list(rows[0]) == [
        "term",
        "opening_balance",
        "interest",
        "repayment",
        "fee",
        "payment",
        "closing_balance",
    ]
    # Oracle: spreadsheet =PMT(5%/12; 300; -1000000) = 5 845.90 (AVDRAG in Norwegian Excel);
    # numpy-financial gives the same unrounded value. The term fee of 30 kr is added.
    assert round(float(npf.pmt(0.05 / 12, 300, -1_000_000)), 2) == 5845.90
    assert rows[0]["payment"] == pytest.approx(5845.90 + 30, abs=0.001)
    # first term: interest 1 000 000 × 0.05 / 12 = 4 166.666… → 4 166.67
    assert rows[0]["interest"] == 4166.67
    assert len(rows) == 300
    assert rows[-1]["closing_balance"] == 0.0
    assert round(sum(r["repayment"] for r in rows), 2) == 1_000_000.00
    for r in rows:
        assert round(r["interest"] + r["repayment"] + r["fee"] - r["payment"], 2) == 0
    s = data["summary"]
    assert s["total_fees"] == pytest.approx(300 * 30 + 600)
    assert s["first_payment"] == pytest.approx(5875.90)
    assert 0.05 < s["effective_rate"] < 0.055


def test_csv_has_header_and_one_row_per_term() -> None:
    result = runner.invoke(app, [*BASE, "--serial", "-f", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 300
    # serial: repayment 1 000 000 / 300 = 3 333.33 per term; the last term absorbs the
    # remainder: 1 000 000 − 299 × 3 333.33 = 1 000 000 − 996 665.67 = 3 334.33
    assert rows[0]["repayment"] == "3333.33"
    assert rows[-1]["repayment"] == "3334.33"
    assert rows[-1]["closing_balance"] == "0.00"


def test_table_shows_summary_and_schedule() -> None:
    result = runner.invoke(app, [*BASE, "--interest-only-months", "24"])
    assert result.exit_code == 0, result.output
    assert re.search(r"interest-only +24 terms, payment 4 166.67", result.stdout)
    assert "closing_balance" in result.stdout
    assert "effective rate" in result.stdout


def test_yearly_rows() -> None:
    result = runner.invoke(app, [*BASE, "--yearly", "-f", "json"])
    rows = json.loads(result.stdout)["schedule"]
    assert len(rows) == 25
    assert rows[0]["payment"] == pytest.approx(12 * 5845.90)


def test_effective_rate_is_converted_with_husbankens_formula() -> None:
    # Husbanken: nominal = ((1 + eff)^(1/12) - 1) × 12; eff 4.640 % → 4.5448… %
    result = runner.invoke(
        app,
        [
            "loan",
            "--amount",
            "1000000",
            "--effective-rate",
            "4.640%",
            "--years",
            "30",
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    nominal = json.loads(result.stdout)["summary"]["annual_rate"]
    assert nominal == pytest.approx(((1 + 0.0464) ** (1 / 12) - 1) * 12, abs=1e-8)


def test_rate_change_and_extra_repayment() -> None:
    result = runner.invoke(
        app,
        [
            *BASE,
            "--rate-change",
            "61:6%",
            "--extra",
            "120:100000",
            "--extra-mode",
            "reduce-payment",
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["schedule"]
    assert rows[60]["interest"] == pytest.approx(round(rows[60]["opening_balance"] * 0.06 / 12, 2))
    assert rows[119]["extra_repayment"] == 100000.0
    assert rows[121]["payment"] < rows[118]["payment"]
    assert round(sum(r["repayment"] + r["extra_repayment"] for r in rows), 2) == 1_000_000.00


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--amount", "-5"], "--amount = '-5': must be > 0"),
        (["--rate", "0.05"], "--rate = '0.05': looks like a fraction"),
        (["--rate", "55%"], "--rate = '55%': above the plausible maximum of 30 %"),
        (["--interest-only-months", "400"], "--interest-only-months = 400"),
        (["--terms-per-year", "5"], "--terms-per-year = 5"),
        (["--rate-change", "abc"], "--rate-change = 'abc': must be TERM:VALUE"),
        (["--extra", "999:100"], "--extra"),
        (["--format", "xml"], "--format = 'xml'"),
        (["--unknown"], "No such option: --unknown"),
        (["--years", "abc"], "Invalid value for '--years'"),
    ],
)
def test_bad_input_is_one_line_exit_2(args: list[str], fragment: str) -> None:
    base = dict(zip(BASE[1::2], BASE[2::2], strict=True))
    merged = [*BASE[:1]]
    given = dict(zip(args[::2], args[1::2], strict=False))
    for k, v in base.items():
        merged += [k, given.pop(k, v)]
    for k, v in given.items():
        merged += [k, v] if v is not None else [k]
    if len(args) == 1:
        merged.append(args[0])
    result = runner.invoke(app, merged)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert fragment in lines[0]


def test_missing_rate_is_an_error() -> None:
    result = runner.invoke(app, ["loan", "--amount", "100", "--years", "2"])
    assert result.exit_code == 2
    assert "give exactly one of --rate" in result.stderr
