"""``--version``, shell completion, and packaged examples reachable by name from any folder."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from housingcalc.cli import app
from housingcalc.scenarios import EXAMPLE_KINDS, all_examples, describe_examples, resolve_example

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def test_version_prints_the_installed_version() -> None:
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"housingcalc {expected}"


def test_shell_completion_is_offered() -> None:
    result = runner.invoke(app, ["--help"])
    assert "--install-completion" in result.stdout
    assert "--show-completion" in result.stdout


def test_scenarios_list_shows_every_packaged_example_file() -> None:
    shipped = {p.name for p in (ROOT / "scenarios").iterdir() if p.suffix in (".yaml", ".csv")}
    result = runner.invoke(app, ["scenarios", "list"])
    assert result.exit_code == 0, result.stderr
    listed = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert shipped <= listed
    kinds = {e.kind for e in all_examples()}
    assert kinds == set(EXAMPLE_KINDS)


def test_a_name_given_per_language_shows_in_that_language() -> None:
    # scenarios/refugee-family-rent-to-own.yaml gives its name as {nb: ..., en: ...}
    nb = "Flyktningfamilie, kommunal treromsleilighet, leie til eie"
    en = "Refugee family, municipal 3-room flat, rent-to-own"
    file = "refugee-family-rent-to-own.yaml"
    text = (ROOT / "scenarios" / file).read_text("utf-8")
    assert f"  nb: {nb}\n  en: {en}\n" in text
    assert dict(describe_examples("nb"))[file] == nb
    assert dict(describe_examples("en"))[file] == en
    assert dict(describe_examples("nb_NO"))[file] == nb
    assert dict(describe_examples("de"))[file] == en  # no German: English, as Scenario.name_in
    assert dict(describe_examples())[file] == en
    result = runner.invoke(app, ["scenarios", "list"])
    assert result.exit_code == 0, result.stderr
    assert en in result.stdout
    assert "{" not in result.stdout


def test_an_existing_file_wins_over_a_packaged_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "household-single-parent").write_text("x", "utf-8")
    assert resolve_example("household-single-parent", ("household",)) == Path(
        "household-single-parent"
    )
    # a name of another kind is not taken
    assert resolve_example("portfolio-example", ("household",)) == Path("portfolio-example")


def test_afford_takes_a_packaged_household_by_name_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    by_name = runner.invoke(
        app, ["afford", "household-refugee-family", "--at", "2027-07-01", "-f", "json"]
    )
    by_path = runner.invoke(
        app,
        [
            "afford",
            str(ROOT / "scenarios" / "household-refugee-family.yaml"),
            "--at",
            "2027-07-01",
            "-f",
            "json",
        ],
    )
    assert by_name.exit_code == 0, by_name.stderr
    assert json.loads(by_name.stdout) == json.loads(by_path.stdout)


def test_portfolio_takes_packaged_register_and_scenario_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    by_name = runner.invoke(
        app,
        [
            "portfolio",
            "value",
            "portfolio-example-register.csv",
            "-s",
            "portfolio-example",
            "-f",
            "json",
        ],
    )
    assert by_name.exit_code == 0, by_name.stderr
    by_path = runner.invoke(
        app,
        [
            "portfolio",
            "value",
            str(ROOT / "scenarios" / "portfolio-example-register.csv"),
            "-s",
            str(ROOT / "scenarios" / "portfolio-example.yaml"),
            "-f",
            "json",
        ],
    )
    assert json.loads(by_name.stdout) == json.loads(by_path.stdout)
    assert json.loads(by_name.stdout)["units"] == 300  # the example register's 300 rows
