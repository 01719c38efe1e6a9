"""`housingcalc params list|show` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from housingcalc.cli import app

runner = CliRunner()


def test_show_grunnbelop_at_date_prints_value_and_source() -> None:
    result = runner.invoke(app, ["params", "show", "nav.grunnbelop", "--at", "2025-06-01"])
    assert result.exit_code == 0, result.output
    assert "130 160 NOK/year" in result.stdout
    assert "effective      2025-05-01" in result.stdout
    assert "finansavisen.no" in result.stdout
    assert "last verified" in result.stdout


def test_show_json_has_value_date_unit_source() -> None:
    result = runner.invoke(
        app, ["params", "show", "grunnbelop", "--at", "2019-12-31", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["value"] == 99858
    assert data["effective"] == "2019-05-01"
    assert data["unit"] == "NOK/year"
    assert data["references"][0]["href"].startswith("https://")


def test_show_history_lists_every_value() -> None:
    result = runner.invoke(app, ["params", "show", "grunnbelop", "--history", "-f", "json"])
    assert result.exit_code == 0
    values = json.loads(result.stdout)
    assert [v["value"] for v in values][:2] == [72881, 75641]


def test_list_json_includes_every_parameter() -> None:
    result = runner.invoke(app, ["params", "list", "--at", "2025-06-01", "-f", "json"])
    assert result.exit_code == 0, result.output
    names = [p["name"] for p in json.loads(result.stdout)["parameters"]]
    assert "nav.grunnbelop" in names
    assert len(names) >= 20


def test_list_table() -> None:
    result = runner.invoke(app, ["params", "list", "--at", "2025-06-01"])
    assert result.exit_code == 0
    assert "nav.grunnbelop" in result.stdout
    assert "130160" in result.stdout


def test_list_stale_before_filters_on_last_verified() -> None:
    result = runner.invoke(app, ["params", "list", "--stale-before", "1990-01-01", "-f", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["parameters"] == []


def test_user_params_folder(tmp_path: Path) -> None:
    from tests.parameters.test_loader import USER_G, _write_user_g

    _write_user_g(tmp_path, USER_G)
    result = runner.invoke(
        app, ["params", "show", "grunnbelop", "--at", "2026-06-01", "--params", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "136 000" in result.stdout
    assert "unconfirmed" in result.stdout


def _one_line_error(args: list[str], fragment: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_date_is_one_line_exit_2() -> None:
    _one_line_error(
        ["params", "show", "grunnbelop", "--at", "2025-13-01"],
        "--at = '2025-13-01': must be a date written YYYY-MM-DD",
    )


def test_unknown_parameter_is_one_line_exit_2() -> None:
    _one_line_error(["params", "show", "nope"], "no parameter named 'nope'")


def test_unknown_flag_is_one_line_exit_2() -> None:
    _one_line_error(["params", "list", "--bogus"], "No such option: --bogus")


def test_bad_format_is_one_line_exit_2() -> None:
    _one_line_error(["params", "list", "-f", "xml"], "--format = 'xml': must be one of table, json")


def test_missing_params_folder_is_one_line_exit_2(tmp_path: Path) -> None:
    _one_line_error(["params", "list", "--params", str(tmp_path / "nope")], "does not exist")


def test_broken_params_folder_is_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("description: [oops\n", "utf-8")
    _one_line_error(["params", "list", "--params", str(tmp_path)], "malformed YAML")


def test_value_not_in_force_yet_is_one_line_exit_2() -> None:
    _one_line_error(["params", "show", "grunnbelop", "--at", "1999-01-01"], "no value in force")
