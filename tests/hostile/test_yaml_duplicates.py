"""Class 2: a key written twice in any YAML file the loaders read is refused, naming the key and
both lines (``housingcalc.yamlio``): a pasted line must not silently change a price."""

from __future__ import annotations

from housingcalc.resources import example
from housingcalc.yamlio import load_yaml
from tests.hostile.conftest import Case, example_text, replaced

SCENARIO = "refugee-family-rent-to-own.yaml"
HOUSEHOLD = "household-single-parent.yaml"
REGISTER = str(example("portfolio-example-register.csv"))


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_scenario_price_pasted_twice(case: Case) -> None:
    text = replaced(
        example_text(SCENARIO), "  price: 2700000 ", "  price: 2700000\n  price: 270000 "
    )
    path = case.write("s.yaml", text)
    first = _line_of(text, "  price: 2700000")
    case.refused(["validate", path], "key 'price'", f"line {first} and line {first + 1}")
    case.refused(["run", path, "-o", case.out], "key 'price'", "given twice")


def test_household_savings_twice(case: Case) -> None:
    text = replaced(
        example_text(HOUSEHOLD), "  savings: 40000", "  savings: 40000\n  savings: 400000"
    )
    path = case.write("h.yaml", text)
    first = _line_of(text, "  savings: 40000")
    case.refused(["afford", path], "h.yaml", "key 'savings'", f"line {first} and line {first + 1}")


def test_flow_mapping_in_a_list(case: Case) -> None:
    text = replaced(
        example_text(SCENARIO),
        "    - {name: Amir, age: 34, sex: male}",
        "    - {name: Amir, age: 34, sex: male, age: 43}",
    )
    line = _line_of(text, "    - {name: Amir")
    case.refused(
        ["validate", case.write("s.yaml", text)], "key 'age'", f"line {line} and line {line}"
    )


def test_portfolio_scenario(case: Case) -> None:
    text = replaced(
        example_text("portfolio-example.yaml"),
        "valuation_date: 2025-01-01",
        "valuation_date: 2025-01-01\nvaluation_date: 2030-01-01",
    )
    path = case.write("p.yaml", text)
    case.refused(["portfolio", "value", REGISTER, "--scenario", path], "key 'valuation_date'")


def test_params_override_folder(case: Case) -> None:
    from importlib import resources

    data = resources.files("housingcalc.parameters").joinpath(
        "data", "husbanken", "startlan", "setup_fee.yaml"
    )
    text = replaced(data.read_text("utf-8"), "unit: NOK\n", "unit: NOK\nunit: NOK\n")
    case.write("params/husbanken/startlan/setup_fee.yaml", text)
    line = _line_of(text, "unit: NOK")
    case.refused(
        ["params", "show", "husbanken.startlan.setup_fee", "--params", case.inputs / "params"],
        "setup_fee.yaml",
        "key 'unit'",
        f"line {line} and line {line + 1}",
    )


def test_merge_keys_may_override_valid_but_odd() -> None:
    # YAML's merge key brings in defaults a mapping may override: that is not a duplicate
    data = load_yaml("base: &b {rate: 4%, years: 30}\nloan:\n  <<: *b\n  years: 25\n", "x.yaml")
    assert data["loan"] == {"rate": "4%", "years": 25}


def test_same_key_in_different_mappings_valid_but_odd() -> None:
    data = load_yaml("a: {price: 1}\nb: {price: 2}\n", "x.yaml")
    assert data == {"a": {"price": 1}, "b": {"price": 2}}
