"""``solve --for income|term|interest-only``: the same G / G − 1 test, to the krone a month
or to the year; and a plain "no answer" where no value within the legal limits passes."""

from __future__ import annotations

import datetime as dt

import pytest

from housingcalc.calc.solve import solve
from housingcalc.errors import InputError
from tests.decision._cases import (
    DEFICIT_LATER,
    FAILS_2028,
    FAILS_2028_SMALL,
    buys_in,
    engine,
    params,
    raw,
)

MARCH_2028 = dt.date(2028, 3, 1)


def test_income_i_passes_and_i_minus_one_fails() -> None:
    base = raw(FAILS_2028)
    sol = solve(base, params(), "income")
    # the default stream: the first wage that starts after move-in (Amir's job, income[2])
    assert sol.field == "household.income.2.monthly"
    i = int(sol.answer)
    assert i > 40_000
    assert buys_in(engine(base, sol.set), MARCH_2028)
    assert not buys_in(engine(base, [f"household.income.2.monthly={i - 1}"]), MARCH_2028)


def test_income_cannot_help_a_month_before_the_job() -> None:
    # September 2026: the 12 months tested start before Amir's job (October 2026)
    sol = solve(raw(["purchase.month=2026-09"]), params(), "income")
    assert sol.answer is None and sol.reason == "no_income_passes" and sol.set == ()


def test_term_y_passes_and_y_minus_one_fails() -> None:
    base = raw(FAILS_2028_SMALL)
    sol = solve(base, params(), "term")
    y = int(sol.answer)
    assert 30 < y <= 50
    assert sol.limit == 50 and sol.limit_name == "husbanken.startlan.max_term_years_special"
    assert sol.reason == "special_cases_only"  # beyond max_term_years (30)
    assert buys_in(engine(base, sol.set), MARCH_2028)
    assert not buys_in(engine(base, [f"financing.start_loan.years={y - 1}"]), MARCH_2028)


def test_no_term_within_the_legal_limit() -> None:
    sol = solve(raw(FAILS_2028), params(), "term")
    assert sol.answer is None and sol.reason == "no_term_passes"
    assert not buys_in(engine(raw(FAILS_2028), ["financing.start_loan.years=50"]), MARCH_2028)


def test_interest_only_step() -> None:
    # passes the stress test, but a new fixed cost leaves months in deficit; the shortest
    # interest-only period with none in the first five years as owners
    base = raw(DEFICIT_LATER)
    month = dt.date(2026, 10, 1)
    sol = solve(base, params(), "interest-only")
    y = int(sol.answer)
    assert 0 < y <= 8
    at = engine(base, sol.set)
    assert buys_in(at, month) and at.purchase is not None and at.purchase.margin_lowest >= 0
    before = engine(base, [f"financing.start_loan.interest_only_years={y - 1}"])
    assert before.purchase is not None and before.purchase.margin_lowest < 0


def test_interest_only_cannot_fix_the_stress_test() -> None:
    sol = solve(raw(FAILS_2028), params(), "interest-only")
    assert sol.answer is None and sol.reason == "interest_only_not_in_stress_test"


def test_bad_targets_and_months() -> None:
    with pytest.raises(InputError, match="--for = 'rent': must be one of grant, price"):
        solve(raw(), params(), "rent")
    with pytest.raises(
        InputError,
        match="--month = '2025-10': must be within the option window, 2026-09 to 2030-09",
    ):
        solve(raw(), params(), "grant", month=dt.date(2025, 10, 1))
    with pytest.raises(InputError, match="--stream = 0: the introduction_benefit stream"):
        solve(raw(), params(), "income", stream=0)
