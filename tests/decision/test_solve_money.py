"""``solve --for grant|price|savings`` on a failing case: at the answer the whole engine
buys in the month; one krone on the wrong side it does not (checked here independently of
the solver's own check, through ``run --set``'s path: overrides → validation → engine)."""

from __future__ import annotations

import datetime as dt

import pytest

from housingcalc.calc.solve import solve
from tests.decision._cases import FAILS_2028, annuity, buys_in, engine, params, raw

MONTH = dt.date(2028, 3, 1)


@pytest.fixture(scope="module")
def failing() -> dict:
    base = raw(FAILS_2028)
    r = engine(base, [])
    assert r.purchase is None and r.status == "fixed_month_fails"  # the case fails
    return base


def test_grant_g_passes_and_g_minus_one_fails(failing: dict) -> None:
    sol = solve(failing, params(), "grant")
    assert sol.month == MONTH and not sol.passes_now and sol.gap_now > 0
    g = int(sol.answer)
    assert sol.set == (f"financing.establishment_grant.amount={g}", "purchase.month=2028-03")
    assert buys_in(engine(failing, sol.set), MONTH)
    assert not buys_in(engine(failing, [f"financing.establishment_grant.amount={g - 1}"]), MONTH)
    # the municipality's own ceiling in the file (amount: need, max: 0) is exceeded
    assert sol.limit == 0 and sol.within_limit is False


def test_grant_matches_the_stress_test_arithmetic(failing: dict) -> None:
    # By hand: with no grant the month needs a start loan L0 and has A a month for it; the
    # largest loan A carries at the stress rate s over 30 years is A · (1 − (1 + s/12)^−360) /
    # (s/12); the grant is what is left, L0 − that (to the krone, rounded up).
    r = engine(failing, [])
    j = r.tests.month.index(MONTH)
    loan0 = float(r.tests.start_loan[j])
    have = float(r.tests.for_loan[j])
    s = float(r.tests.stress_rate[j])
    largest = have / annuity(1.0, s, 30)
    sol = solve(failing, params(), "grant")
    assert sol.answer == pytest.approx(loan0 - largest, abs=1.0)
    # and the gap now, NOK a month: the payment on L0 at the stress rate less A
    assert sol.gap_now == pytest.approx(annuity(loan0, s, 30) - have, abs=0.01)


def test_price_p_passes_and_p_plus_one_fails(failing: dict) -> None:
    sol = solve(failing, params(), "price")
    p = int(sol.answer)
    assert p < 3_300_000 and sol.direction == "max"
    assert buys_in(engine(failing, sol.set), MONTH)
    assert not buys_in(
        engine(failing, [f"dwelling.price={p + 1}", "purchase.month=2028-03"]), MONTH
    )


def test_savings_s_passes_and_s_minus_one_fails(failing: dict) -> None:
    sol = solve(failing, params(), "savings")
    s = int(sol.answer)
    assert s > 15_000
    assert buys_in(engine(failing, sol.set), MONTH)
    assert not buys_in(engine(failing, [f"household.savings={s - 1}"]), MONTH)


def test_a_passing_case_gives_the_least_that_still_passes() -> None:
    base = raw(["purchase.month=2028-03"])  # passes: 2028-03 is after the job starts
    sol = solve(base, params(), "savings")
    assert sol.passes_now and sol.answer == 0.0  # no savings needed at all
    assert sol.wrong_side is None  # nothing below 0 to try
