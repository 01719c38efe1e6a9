"""Household files: validation errors name the field; the example files load and run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from housingcalc.cli import app
from housingcalc.errors import ScenarioError
from housingcalc.household_files import household_from_data, load_household
from housingcalc.models.household import Household

from .conftest import SCENARIOS

BASE: dict[str, object] = {
    "reference_date": "2026-01-01",
    "adults": [{"age": 30}],
    "children": [{"age": 4}],
    "income": [
        {"kind": "wage", "adult": 0, "monthly": 30_000, "start": "2026-01", "end": "2026-12"}
    ],
}


def _with(**changes: object) -> dict[str, object]:
    data = json.loads(json.dumps(BASE))
    data.update(changes)
    return data


def _error(data: object) -> str:
    with pytest.raises(ScenarioError) as err:
        household_from_data(data)
    return str(err.value)


def test_negative_age_names_the_field() -> None:
    assert _error(_with(adults=[{"age": -3}])) == "household.adults[0].age = -3: must be ≥ 0"


def test_negative_income_names_the_field() -> None:
    msg = _error(_with(income=[{"kind": "wage", "adult": 0, "monthly": -5000}]))
    assert msg == "household.income[0].monthly = -5000: must be ≥ 0"


def test_child_older_than_adult_is_refused() -> None:
    msg = _error(_with(children=[{"age": 40}]))
    assert (
        msg == "household.children[0].age = 40: "
        "a child cannot be older than every adult in the household"
    )


def test_end_before_start_is_refused() -> None:
    msg = _error(
        _with(
            income=[
                {"kind": "wage", "adult": 0, "monthly": 1000, "start": "2026-05", "end": "2026-02"}
            ]
        )
    )
    assert msg == "household.income[0].end = '2026-02': must not be before start (2026-05)"


def test_unknown_key_and_unknown_kind() -> None:
    assert _error(_with(pets=2)) == "household.pets = 2: unknown key"
    msg = _error(_with(income=[{"kind": "lottery", "monthly": 1}]))
    assert msg.startswith("household.income[0].kind = 'lottery': must be one of")


def test_adult_index_out_of_range() -> None:
    msg = _error(_with(income=[{"kind": "wage", "adult": 3, "monthly": 1000}]))
    assert msg.startswith("household.income[0].adult = 3: no such adult")


def test_introduction_benefit_takes_no_amount() -> None:
    msg = _error(_with(income=[{"kind": "introduction_benefit", "adult": 0, "monthly": 1000}]))
    assert "computed from G" in msg


def test_age_without_reference_date() -> None:
    data = _with()
    del data["reference_date"]
    assert _error(data).startswith(
        "household.adults[0].age = 30: an age needs household.reference_date"
    )


def test_several_problems_are_counted() -> None:
    assert "(and 1 more problem(s))" in _error(_with(adults=[{"age": -3}], savings=-1))


def test_malformed_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("adults: [\n  - age: 3\n", "utf-8")
    with pytest.raises(ScenarioError, match="malformed YAML"):
        load_household(f)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("household-*.yaml")), ids=lambda p: p.name)
def test_every_example_household_file_validates(path: Path) -> None:
    h = load_household(path)
    assert isinstance(h, Household) and h.adults


def test_model_is_frozen_and_forbids_extra() -> None:
    h = household_from_data(BASE)
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen-instance error
        h.savings = 5  # type: ignore[misc]
    assert Household.model_config["extra"] == "forbid"


# -- CLI ---------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_afford_refugee_family_table() -> None:
    r = runner.invoke(
        app,
        [
            "afford",
            str(SCENARIOS / "household-refugee-family.yaml"),
            "--price",
            "2 400 000",
            "--at",
            "2026-11-01",
        ],
    )
    assert r.exit_code == 0, r.output
    for text in (
        "Income per month",
        "introduction benefit",
        "tax (APPROXIMATION)",
        "SIFO reference budget",
        "AVAILABLE for housing loans",
        "stress rate",
        "GRANT NEED",
        "Outlook",
        "ESTIMATE",
    ):
        assert text in r.output


def test_cli_afford_json_keys() -> None:
    r = runner.invoke(
        app,
        [
            "afford",
            str(SCENARIOS / "household-couple-wages.yaml"),
            "--price",
            "3500000",
            "--bank-loan",
            "2000000",
            "--bank-rate",
            "5.5%",
            "--at",
            "2026-06-01",
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)  # stale-value warnings go to stderr
    for key in ("available_monthly", "stress_rate", "max_loan", "grant_need", "surplus_monthly"):
        assert key in d
    assert d["bank_test"]["stress_rate"] == pytest.approx(0.085)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("household-*.yaml")), ids=lambda p: p.name)
def test_cli_afford_runs_every_example(path: Path) -> None:
    r = runner.invoke(
        app, ["afford", str(path), "--price", "2000000", "--at", "2026-06-01", "-f", "json"]
    )
    assert r.exit_code == 0, r.output


def test_cli_afford_unknown_municipality_is_one_line_exit_2(tmp_path: Path) -> None:
    data = _with(municipality="Oslø")
    f = tmp_path / "h.yaml"
    f.write_text(yaml.safe_dump({"household": data}), "utf-8")
    r = runner.invoke(app, ["afford", str(f), "--at", "2026-06-01"])
    assert r.exit_code == 2
    assert r.stderr.strip().splitlines() == [
        "error: household.municipality = 'Oslø': unknown municipality; did you mean Oslo, Os?"
    ]


def test_cli_afford_bad_file_exit_2(tmp_path: Path) -> None:
    f = tmp_path / "h.yaml"
    f.write_text(yaml.safe_dump(_with(adults=[{"age": -3}])), "utf-8")
    r = runner.invoke(app, ["afford", str(f)])
    assert r.exit_code == 2
    assert r.stderr.strip() == "error: h.yaml: household.adults[0].age = -3: must be ≥ 0"


def test_cli_afford_bad_options_exit_2() -> None:
    path = str(SCENARIOS / "household-couple-wages.yaml")
    r = runner.invoke(app, ["afford", path, "--price", "-5"])
    assert r.exit_code == 2 and "--price" in r.stderr
    r = runner.invoke(app, ["afford", path, "--tenure", "leasehold"])
    assert r.exit_code == 2 and "--tenure" in r.stderr
    r = runner.invoke(app, ["afford", path, "--price", "3000000", "--bank-loan", "1000000"])
    assert r.exit_code == 2 and "--bank-rate" in r.stderr  # the option typed (issue 11)


def test_cli_afford_help() -> None:
    r = runner.invoke(app, ["afford", "--help"])
    assert r.exit_code == 0 and "--common-costs" in r.output
