"""Class 4: every amount, area, count and date has a plausible range checked where input enters
(``housingcalc.limits``), so no extreme value reaches the arithmetic and no numpy warning
reaches the user (every command here runs with warnings as errors)."""

from __future__ import annotations

import pytest

from housingcalc.limits import MAX_AMOUNT
from tests.hostile.conftest import Case, example_text, replaced

SCENARIO = "refugee-family-rent-to-own.yaml"
HOUSEHOLD = "household-single-parent.yaml"
REGISTER_HEAD = "unit_id,district,area_m2,acquired,acquisition_cost,book_value,market_value\n"


@pytest.mark.parametrize(
    ("old", "new", "field", "rule"),
    [
        ("  price: 2700000 ", "  price: 1e308 ", "dwelling.price", "plausible maximum"),
        ("  price: 2700000 ", "  price: " + "1" + "0" * 40 + " ", "dwelling.price", "maximum"),
        ("  savings: 15000 ", "  savings: 1.0e308 ", "household.savings", "plausible maximum"),
        ("move_in: 2025-09 ", "move_in: 9999-09 ", "move_in", "between 1900 and 2100"),
        ("    paid: 2019-04-01", "    paid: 9999-04-01", "rental_grant.paid", "1900 and 2100"),
        ("  acquired: 2019-03-01", "  acquired: 0001-03-01", "acquired", "1900 and 2100"),
    ],
)
def test_scenario_values(case: Case, old: str, new: str, field: str, rule: str) -> None:
    path = case.write("s.yaml", replaced(example_text(SCENARIO), old, new))
    case.refused(["validate", path], "s.yaml", field, rule)
    if field == "dwelling.price":  # `run` reads the file the same way
        case.refused(["run", path, "-o", case.out], field, rule)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            "  default_price_per_m2: 42000",
            "  default_price_per_m2: 1.0e308",
            "default_price_per_m2",
        ),
        (
            "  price_per_m2: {Sentrum: 56000",
            "  price_per_m2: {Sentrum: 1e308",
            "price_per_m2.Sentrum",
        ),
        ("  costs_per_sale: 15000", "  costs_per_sale: 1.0e308", "sales.costs_per_sale"),
        ("valuation_date: 2025-01-01", "valuation_date: 9999-01-01", "valuation_date"),
    ],
)
def test_portfolio_scenario(case: Case, old: str, new: str, field: str) -> None:
    register = case.write(
        "reg.csv", REGISTER_HEAD + "A-1,Sentrum,60,2014-03-01,2000000,1650000,2900000\n"
    )
    path = case.write("p.yaml", replaced(example_text("portfolio-example.yaml"), old, new))
    case.refused(["portfolio", "value", register, "--scenario", path], field, "must be ≤")


def test_household_file_amount(case: Case) -> None:
    path = case.write(
        "h.yaml", replaced(example_text(HOUSEHOLD), "  savings: 40000", "  savings: 9e99")
    )
    case.refused(["afford", path], "household.savings", "plausible maximum")


def test_register_cost(case: Case) -> None:
    reg = case.write("reg.csv", REGISTER_HEAD + "A-1,Sentrum,60,2014-03-01,1e308,1650000,2900000\n")
    line = case.refused(["portfolio", "value", reg], "row 2, acquisition_cost", "plausible maximum")
    assert f"{MAX_AMOUNT:,.0f}".replace(",", " ") in line


def test_register_year_9999(case: Case) -> None:
    reg = case.write("reg.csv", REGISTER_HEAD + "A-1,Sentrum,60,9999-03-01,2000000,1650000,\n")
    case.refused(["portfolio", "value", reg], "row 2, acquired", "1850–2100")


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (
            ["grant", "write-down", "--grant", "500000", "--committed", "9999-01-01"],
            ["--committed"],
        ),
        (["afford", "HOUSEHOLD", "--at", "9999-01-01"], ["--at", "1900 and 2100"]),
        (["loan", "--amount", "1e308", "--rate", "5%", "--years", "25"], ["--amount", "maximum"]),
        (["loan", "--amount", "100000", "--rate", "5%", "--years", "1e308"], ["--years", "≤"]),
        (
            [
                "rent",
                "--cost",
                "2000000",
                "--area",
                "1e308",
                "--fdv",
                "400",
                "--rate",
                "3.5%",
                "-m",
                "return",
            ],
            ["--area", "plausible maximum"],
        ),
        (
            [
                "rent",
                "--cost",
                "2000000",
                "--area",
                "60",
                "--fdv",
                "1e308",
                "--rate",
                "3.5%",
                "-m",
                "return",
            ],
            ["--fdv", "plausible maximum"],
        ),
        (["afford", "HOUSEHOLD", "--price", "1e308"], ["--price", "plausible maximum"]),
    ],
)
def test_cli_options(case: Case, args: list[str], needles: list[str]) -> None:
    household = case.write("h.yaml", example_text(HOUSEHOLD))
    case.refused([str(household) if a == "HOUSEHOLD" else a for a in args], *needles)


def test_largest_plausible_amount_is_computed_valid_but_odd(case: Case) -> None:
    # 1 000 000 000 kr over 1 term at 0 %: one payment of the whole principal, no warning
    r = case.ok(["loan", "--amount", "1000000000", "--rate", "0%", "--terms", "1", "-f", "csv"])
    assert "1000000000.00" in r.stdout
