"""Scenario files and the commands around them: ``run``, ``validate``, ``scenarios new|list``.

Every rent-to-own file in ``scenarios/`` validates and runs; bad files give one line naming
the field, exit code 2 and no partial report.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from housingcalc.calc.rent_to_own import run_rent_to_own
from housingcalc.cli import app
from housingcalc.scenarios import DEFAULT_EXAMPLE, TEMPLATE, example_names, load_scenario
from tests.rent_to_own._helpers import params, raw_example

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
# rent-to-own scenarios: a household and a dwelling (other examples are household files for
# `afford` and portfolio scenarios, tested by their own suites)
SCENARIOS = sorted(
    p
    for p in (ROOT / "scenarios").glob("*.yaml")
    if {"household", "dwelling"} <= set(yaml.safe_load(p.read_text("utf-8")))
)


def test_the_examples_are_found() -> None:
    names = example_names()
    assert names[0] == DEFAULT_EXAMPLE
    assert TEMPLATE in names
    assert {p.name for p in SCENARIOS} == set(names)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_scenario_file_validates_and_runs(path: Path) -> None:
    s = load_scenario(path)
    r = run_rent_to_own(s, params(), sensitivity=False)
    assert (
        len(r.timeline)
        == round(s.purchase.option_years * 12) + 1 + 12 * s.assumptions.horizon_years
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("ok  ")


def test_run_with_no_arguments_writes_the_builtin_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "housingcalc-report"
    stem = Path(DEFAULT_EXAMPLE).stem
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{stem}.nb.html", f"{stem}.nb.md", f"{stem}.json"]
    )
    for p in out.iterdir():
        assert str(Path("housingcalc-report") / p.name) in result.stdout
    data = json.loads((out / f"{stem}.json").read_text("utf-8"))
    assert data["key_figures"]["purchase_month"] == "2026-10-01"
    assert {"timeline", "sensitivity", "municipality", "parameters_used"} <= set(data)
    assert len(data["timeline"]["month"]) == len(data["timeline"]["housing_cost"])
    assert [p.name for p in tmp_path.iterdir()] == ["housingcalc-report"]  # no staging left


def test_run_both_languages_and_chosen_formats(tmp_path: Path) -> None:
    out = tmp_path / "r"
    result = runner.invoke(
        app, ["run", DEFAULT_EXAMPLE, "--out", str(out), "--lang", "nb,en", "--format", "md"]
    )
    assert result.exit_code == 0, result.stderr
    stem = Path(DEFAULT_EXAMPLE).stem
    assert sorted(p.name for p in out.iterdir()) == [f"{stem}.en.md", f"{stem}.nb.md"]
    nb = (out / f"{stem}.nb.md").read_text("utf-8")
    en = (out / f"{stem}.en.md").read_text("utf-8")
    assert "oktober 2026" in nb and "Kjøpet består stresstesten" in nb
    assert "October 2026" in en and "The purchase passes the start-loan stress test" in en


def test_run_into_an_existing_folder_replaces_only_its_own_files(tmp_path: Path) -> None:
    out = tmp_path / "r"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = runner.invoke(app, ["run", "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "refugee-family-rent-to-own.json"]
    assert (out / "notes.txt").read_text() == "keep me"


def _write(tmp_path: Path, name: str, change: object) -> Path:
    raw = raw_example()
    change(raw)  # type: ignore[operator]
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    return path


BAD = {
    "unknown-key.yaml": (
        lambda r: r["dwelling"].update(area_m3=66),
        "dwelling.area_m3 = 66: unknown key (did you mean 'area_m2'?)",
    ),
    "wrong-type.yaml": (
        lambda r: r["dwelling"].update(area_m2="big"),
        "dwelling.area_m2 = 'big': must be a number",
    ),
    "purchase-before-move-in.yaml": (
        lambda r: r["purchase"].update(month="2025-03"),
        "purchase.month = 2025-03: must not be before move_in (2025-09)",
    ),
    "negative-price.yaml": (
        lambda r: r["dwelling"].update(price=-5),
        "dwelling.price = -5: must be > 0",
    ),
    "missing-household.yaml": (lambda r: r.pop("household"), "household: required"),
    "bad-rate.yaml": (
        lambda r: r["assumptions"].update(cpi=0.025),
        "assumptions.cpi = 0.025: looks like a fraction",
    ),
    "bad-household.yaml": (
        lambda r: r["household"]["adults"][0].pop("age"),
        "household.adults[0].age: give either age or birth_date",
    ),
    "old-schema.yaml": (lambda r: r.update(schema_version=2), "schema_version = 2"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_scenario_gives_one_line_exit_2_and_no_report(tmp_path: Path, name: str) -> None:
    change, expected = BAD[name]
    path = _write(tmp_path, name, change)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {name}: ")
    assert expected in lines[0]
    assert "Traceback" not in result.output
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # nothing else left behind
    # validate says the same, and exits 2
    v = runner.invoke(app, ["validate", str(path)])
    assert v.exit_code == 2 and expected in v.stderr


def test_validate_many_files_reports_each(tmp_path: Path) -> None:
    good = ROOT / "scenarios" / DEFAULT_EXAMPLE
    bad = _write(tmp_path, "bad.yaml", BAD["negative-price.yaml"][0])
    result = runner.invoke(app, ["validate", str(good), str(bad)])
    assert result.exit_code == 2
    assert "ok  " in result.stdout and "bad.yaml: dwelling.price" in result.stderr


def test_validate_checks_rule_values(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "io.yaml", lambda r: r["financing"]["start_loan"].update(interest_only_years=9)
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "financing.start_loan.interest_only_years = 9: at most 8 years" in result.stderr


def test_a_broken_user_template_fails_cleanly(tmp_path: Path) -> None:
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    (tpl / "household.md.j2").write_text("{{ key.no_such_figure }}")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["run", "--templates", str(tpl), "--format", "md", "--out", str(out)]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: template = 'household.md.j2'")
    assert not out.exists()


def test_scenarios_new_writes_the_commented_template(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    result = runner.invoke(app, ["scenarios", "new", str(path)])
    assert result.exit_code == 0, result.stderr
    text = path.read_text("utf-8")
    assert text.startswith("# housingcalc scenario")
    assert load_scenario(path).schema_version == 1  # the template itself is a valid scenario
    again = runner.invoke(app, ["scenarios", "new", str(path)])
    assert again.exit_code == 2 and "already exists" in again.stderr
    copy = runner.invoke(
        app, ["scenarios", "new", str(path), "--force", "--from", "refugee-family-rent-to-own"]
    )
    assert copy.exit_code == 0
    assert load_scenario(path).name == load_scenario(ROOT / "scenarios" / DEFAULT_EXAMPLE).name


def test_scenarios_list_shows_the_examples() -> None:
    result = runner.invoke(app, ["scenarios", "list"])
    assert result.exit_code == 0
    assert DEFAULT_EXAMPLE in result.stdout and TEMPLATE in result.stdout
    assert result.stdout.index(DEFAULT_EXAMPLE) < result.stdout.index(TEMPLATE)


@pytest.mark.parametrize("args", [["--lang", "de"], ["--format", "pdf"]])
def test_run_refuses_bad_options(args: list[str], tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "--out", str(tmp_path / "o"), *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --")
    assert not (tmp_path / "o").exists()
