"""Class 9: ambiguous and conflicting input is refused, saying how to write it: a comma is
always the decimal mark (``1,234.50`` cannot be read for sure), and a term is given once
(``--years`` or ``--terms``)."""

from __future__ import annotations

import json

import pytest

from tests.hostile.conftest import Case, example_text, replaced

HEAD = "unit_id;district;area_m2;acquired;acquisition_cost;book_value;market_value\n"
HOW = "write 1234.50 or 1 234,50"


@pytest.mark.parametrize("amount", ["1,234.50", "1,234,567", "2,000,000.00"])
def test_register_amount_refused(case: Case, amount: str) -> None:
    reg = case.write("r.csv", HEAD + f"A-1;Sentrum;60;2014-03-01;{amount};1650000;2900000\n")
    case.refused(["portfolio", "value", reg], "row 2, acquisition_cost", "ambiguous", HOW)


@pytest.mark.parametrize(
    ("written", "kroner"),
    [
        ("1.234,50", 1234.50),  # dots group thousands before the decimal comma
        ("1 234,50", 1234.50),
        ("1.234.567", 1234567.0),  # several dots and no comma: thousands
        ("1234.5", 1234.5),  # one dot and no comma: the decimal point
    ],
)
def test_register_amount_read_valid_but_odd(case: Case, written: str, kroner: float) -> None:
    reg = case.write("r.csv", HEAD + f"A-1;Sentrum;60;2014-03-01;2000000;{written};2900000\n")
    out = json.loads(case.ok(["portfolio", "value", reg, "-f", "json"]).stdout)
    assert out["book_value"] == pytest.approx(kroner)


def test_loan_years_and_terms_conflict(case: Case) -> None:
    args = ["loan", "--amount", "1000000", "--rate", "5%", "--years", "25", "--terms", "300"]
    case.refused(args, "--terms = 300", "conflicts with --years 25", "give the term once")


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["loan", "--amount", "1,000.50", "--rate", "5%", "--years", "25"], "--amount"),
        (["loan", "--amount", "100000", "--rate", "5%", "--years", "5", "--fee", "1,5.0"], "--fee"),
    ],
)
def test_ambiguous_amount_options(case: Case, args: list[str], option: str) -> None:
    case.refused(args, option, "ambiguous", HOW)


def test_ambiguous_amount_in_scenario_and_household(case: Case) -> None:
    s = replaced(
        example_text("refugee-family-rent-to-own.yaml"),
        "  price: 2700000 ",
        '  price: "2,700,000" ',
    )
    case.refused(["validate", case.write("s.yaml", s)], "dwelling.price", "ambiguous", HOW)
    h = replaced(
        example_text("household-single-parent.yaml"), "  savings: 40000", '  savings: "40,000.00"'
    )
    case.refused(["afford", case.write("h.yaml", h)], "household.savings", "ambiguous", HOW)
