"""Selling a unit: cash to the municipality and the accounting gain."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from housingcalc.calc.grants import repayable_on_sale, write_down_terms
from housingcalc.calc.sale import sale_proceeds
from housingcalc.errors import InputError
from housingcalc.parameters import load_parameters


def test_worked_example_sale_to_the_tenant() -> None:
    # price 3 100 000; Husbanken loan left 1 050 000; grant still repayable 555 000;
    # costs 25 000 → cash = 3 100 000 − 1 050 000 − 555 000 − 25 000 = 1 470 000
    # book value 1 700 000 → gain = 3 100 000 − 25 000 − 1 700 000 = 1 375 000 (net of costs)
    s = sale_proceeds(
        3_100_000,
        loan_balance=1_050_000,
        grant_repayable=555_000,
        costs=25_000,
        book_value=1_700_000,
    )
    assert float(s.cash) == 1_470_000
    assert float(s.gain) == 1_375_000
    # the sale adds up: price = cash + loan + grant + costs = gain + book value + costs
    assert float(s.cash + s.loan_repaid + s.grant_repaid + s.costs) == 3_100_000
    assert float(s.gain + s.book_value + s.costs) == 3_100_000


def test_drammen_2015_t1_sales_gain() -> None:
    # Drammen Eiendom KF, first four months of 2015: 14.3 MNOK sold, 9.3 MNOK booked gain,
    # so the units' book value was 14.3 − 9.3 = 5.0 MNOK
    s = sale_proceeds(14_300_000, book_value=5_000_000)
    assert float(s.gain) == 9_300_000


def test_grant_repayable_feeds_the_sale() -> None:
    # a 2016 grant of 740 000 paid 1 Sep 2016, sold 1 Sep 2021: 5 years × 5 % → 555 000 due
    terms = write_down_terms(load_parameters(), dt.date(2016, 6, 1))
    due = repayable_on_sale(740_000, "2016-09-01", "2021-09-01", terms)
    s = sale_proceeds(
        2_400_000, loan_balance=1_100_000, grant_repayable=due, costs=0, book_value=1.8e6
    )
    assert float(s.grant_repaid) == 555_000
    assert float(s.cash) == 2_400_000 - 1_100_000 - 555_000


def test_vectorised_and_negative_cash_allowed() -> None:
    s = sale_proceeds(
        np.array([2e6, 1e6]),
        loan_balance=np.array([5e5, 1.2e6]),
        grant_repayable=0.0,
        costs=np.array([2e4, 1e4]),
        book_value=np.array([1.5e6, 1.1e6]),
    )
    assert s.cash.tolist() == [1_480_000, -210_000]  # the second sale does not cover its loan
    # gain = price − costs − book: 2e6 − 2e4 − 1.5e6; 1e6 − 1e4 − 1.1e6 (booked at a loss)
    assert s.gain.tolist() == [480_000, -110_000]
    assert s.price.shape == (2,)


@settings(max_examples=30, deadline=None)
@given(
    price=st.floats(0, 1e7),
    loan=st.floats(0, 5e6),
    grant=st.floats(0, 2e6),
    costs=st.floats(0, 1e5),
)
def test_cash_plus_deductions_is_the_price(
    price: float, loan: float, grant: float, costs: float
) -> None:
    s = sale_proceeds(price, loan, grant, costs, book_value=0.0)
    assert float(s.cash) + loan + grant + costs == pytest.approx(price, abs=1e-6)


@pytest.mark.parametrize(
    "field", ["price", "loan_balance", "grant_repayable", "costs", "book_value"]
)
def test_negative_amounts_are_refused(field: str) -> None:
    args = {
        "price": 1e6,
        "loan_balance": 0.0,
        "grant_repayable": 0.0,
        "costs": 0.0,
        "book_value": 0.0,
    }
    with pytest.raises(InputError, match=f"{field} = -1.0: must be ≥ 0"):
        sale_proceeds(**{**args, field: -1.0})
