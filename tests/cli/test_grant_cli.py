"""``housingcalc grant pv-model|per-m2|write-down`` through the CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from housingcalc.cli import app

runner = CliRunner()

PV = [
    "grant",
    "pv-model",
    "--cost",
    "2000000",
    "--area",
    "69",
    "--fdv",
    "400",
    "--target-return",
    "3.5%",
    "--horizon",
    "40",
    "--committed",
    "2016-05-01",
]


def _ok(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr or result.output
    return result.stdout


def _error(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and "Traceback" not in result.output
    return result.stderr


def test_pv_model_grant_from_rent() -> None:
    out = json.loads(_ok([*PV, "--rent", "8000", "--vacancy", "2%", "-f", "json"]))
    assert out["grant"] == 569920.17 and out["cap"] == 0.4 and not out["capped"]
    table = _ok([*PV, "--rent", "8000", "--vacancy", "2%"])
    assert "569 920.17" in table and "were not found" in table


def test_pv_model_rent_from_grant() -> None:
    out = json.loads(_ok([*PV, "--grant", "740000", "-f", "json"]))
    assert out["monthly_rent"] == 7181.13 and out["grant_share"] == pytest.approx(0.37)


def test_pv_model_errors() -> None:
    assert "give either the monthly rent" in _error([*PV, "--rent", "8000", "--grant", "740000"])
    assert "--committed = '2019-01-01'" in _error([*PV[:-1], "2019-01-01", "--rent", "8000"])
    assert "--target-return: is required" in _error(
        ["grant", "pv-model", "--cost", "2000000", "--area", "69", "--fdv", "400", "--rent", "8000"]
    )


def test_per_m2_2023_drammen() -> None:
    out = json.loads(
        _ok(
            [
                "grant",
                "per-m2",
                "--area",
                "69",
                "--municipality",
                "Drammen",
                "--committed",
                "2023-07-01",
                "-f",
                "json",
            ]
        )
    )
    assert out["grant"] == 876300.0 and out["group"]["group_id"] == "group_3"
    table = _ok(["grant", "per-m2", "--area", "95", "--group", "1", "--at", "2018-03-01"])
    assert "1 376 000.00" in table  # Oslo 2018: 17 200 × 80


def test_per_m2_municipality_errors() -> None:
    err = _error(
        ["grant", "per-m2", "--area", "69", "--municipality", "Dramen", "--committed", "2023-07-01"]
    )
    assert "close to 'Drammen'" in err
    err = _error(
        ["grant", "per-m2", "--area", "69", "--group", "group_9", "--committed", "2023-07-01"]
    )
    assert "--group = 'group_9': not a group" in err
    err = _error(
        ["grant", "per-m2", "--area", "69", "--municipality", "", "--committed", "2023-07-01"]
    )
    assert "--municipality = '': is empty" in err
    out = _ok(
        [
            "grant",
            "per-m2",
            "--area",
            "69",
            "--municipality",
            "Kristiansund",
            "--unlisted",
            "--committed",
            "2023-07-01",
        ]
    )
    assert "not listed: default group" in out


def test_write_down_and_sale() -> None:
    out = json.loads(
        _ok(
            [
                "grant",
                "write-down",
                "--grant",
                "740000",
                "--committed",
                "2014-06-01",
                "--paid-out",
                "2014-09-15",
                "--sold",
                "2019-10-01",
                "-f",
                "json",
            ]
        )
    )
    assert out["sale"]["repayable"] == 555000.0 and out["terms"]["rule"] == "pre2018"
    table = _ok(
        [
            "grant",
            "write-down",
            "--grant",
            "876300",
            "--committed",
            "2023-07-01",
            "--sold",
            "2030-07-01",
        ]
    )
    assert "repayable 673 874.70" in table and "3.30 % per full year over 30 years" in table


def test_write_down_sale_before_payout() -> None:
    err = _error(
        [
            "grant",
            "write-down",
            "--grant",
            "740000",
            "--committed",
            "2014-06-01",
            "--sold",
            "2013-01-01",
        ]
    )
    assert "--sold = '2013-01-01': must not be before the payout date" in err
