"""Invariants of the rent-to-own engine (calc/rent_to_own/), on the built-in example and on
variations of it drawn by Hypothesis.

- cash reconciles every month: available + bostøtte = housing cost + saved + spent more, and
  savings[t] − savings[t − 1] = saved[t] − equity used[t] + shortfall[t];
- net equity = value − loans − grant still repayable (0 while renting);
- the purchase never happens in a month whose stress test fails;
- with zero price growth, no CPI, rent equal to cost and a sale at cost, the municipality's NPV
  of selling versus keeping is 0.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from housingcalc.calc.rent_to_own import RentToOwnResult, run_rent_to_own
from tests.rent_to_own._helpers import params, raw_example, scenario

SETTINGS = settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def _run(**changes: object) -> RentToOwnResult:
    return run_rent_to_own(scenario(**changes), params(), sensitivity=False)


def assert_reconciles(r: RentToOwnResult) -> None:
    tl = r.timeline
    # each month's money: what is available (with bostøtte) is spent on housing, saved, or
    # spent on more
    np.testing.assert_allclose(
        tl.available + tl.housing_allowance,
        tl.housing_cost + tl.saved + tl.spent_more,
        atol=1e-6,
    )
    assert (tl.housing_allowance >= 0).all()
    if not r.scenario.housing_allowance.applied:
        assert (tl.housing_allowance == 0).all()
    np.testing.assert_allclose(
        tl.available, tl.income_after_tax - tl.living_costs - tl.other_fixed_costs, atol=1e-6
    )
    assert (tl.spent_more >= -1e-9).all()
    assert (tl.shortfall >= -1e-9).all()
    assert (tl.savings >= -1e-9).all()
    # savings move by exactly what is saved, less the equity paid in, plus any help needed
    start = r.scenario.household.savings
    previous = np.concatenate([[start], tl.savings[:-1]])
    np.testing.assert_allclose(
        tl.savings - previous, tl.saved - tl.equity_used + tl.shortfall, atol=1e-6
    )
    # housing cost is rent while renting, and the owner's items after the purchase
    own = np.array([ph == "own" for ph in tl.phase])
    owner_cost = (
        tl.interest
        + tl.repayment
        + tl.loan_fees
        + tl.running_costs
        + tl.electricity
        - tl.interest_deduction
    )
    np.testing.assert_allclose(tl.housing_cost[own], owner_cost[own], atol=1e-6)
    np.testing.assert_allclose(tl.housing_cost[~own], (tl.rent + tl.electricity)[~own], atol=1e-6)
    if r.purchase is not None:
        p = r.purchase
        # the purchase is paid for exactly: price + costs = savings + grant + loans
        assert p.price + p.buying_costs == pytest.approx(
            p.equity_used + p.establishment_grant + p.start_loan + p.bank_loan, abs=0.01
        )
        # the loans are repaid by the repayments booked in the timeline
        assert tl.repayment.sum() + tl.start_loan_balance[-1] + tl.bank_loan_balance[-1] == (
            pytest.approx(p.start_loan + p.bank_loan, abs=0.05)
        )


def assert_net_equity(r: RentToOwnResult) -> None:
    tl = r.timeline
    own = np.array([ph == "own" for ph in tl.phase])
    expected = tl.dwelling_value - tl.start_loan_balance - tl.bank_loan_balance - tl.grant_repayable
    np.testing.assert_allclose(tl.net_equity[own], expected[own], atol=1e-6)
    assert (tl.net_equity[~own] == 0).all()
    np.testing.assert_allclose(tl.net_wealth, tl.savings + tl.net_equity, atol=1e-6)


def assert_purchase_passes(r: RentToOwnResult) -> None:
    t = r.tests
    if r.purchase is None:
        if r.scenario.purchase.month == "earliest":
            assert not t.passes.any()
        return
    k = int(np.flatnonzero(t.index == r.purchase.index)[0])
    assert t.passes[k]
    assert t.start_loan[k] <= t.max_start_loan[k] + 0.01
    if r.scenario.purchase.month == "earliest":
        assert not t.passes[:k].any()  # and it is the first month that passes


def test_builtin_example_reconciles_month_by_month() -> None:
    r = _run()
    assert_reconciles(r)
    assert_net_equity(r)
    assert_purchase_passes(r)


def test_builtin_example_buys_in_october_2026() -> None:
    # Amir's job starts in October 2026; the smallest month in the 12 from then on is with
    # Sara still on the introduction benefit, and the start loan then passes with a grant.
    r = _run()
    assert r.status == "buy_later"
    assert r.purchase is not None
    assert r.purchase.month == dt.date(2026, 10, 1)


@SETTINGS
@given(
    price=st.integers(1_800_000, 3_600_000),
    wage=st.integers(25_000, 60_000),
    share=st.sampled_from(["0%", "50%", "100%"]),
    rule=st.sampled_from(["appraisal", "year0", "year0_indexed", "rent_credit"]),
)
def test_invariants_hold_for_varied_households(
    price: int, wage: int, share: str, rule: str
) -> None:
    raw = raw_example()
    raw["dwelling"]["price"] = price
    raw["household"]["income"][2]["monthly"] = wage
    raw["financing"]["saving_share"] = share
    raw["purchase"]["price_rule"] = rule
    if rule == "rent_credit":
        raw["purchase"]["rent_credit_share"] = "25%"
    from housingcalc.scenarios import parse_scenario

    r = run_rent_to_own(parse_scenario(raw, "test"), params(), sensitivity=False)
    assert_reconciles(r)
    assert_net_equity(r)
    assert_purchase_passes(r)


@SETTINGS
@given(month=st.integers(12, 60), wage=st.integers(20_000, 55_000))
def test_a_chosen_month_is_bought_only_if_it_passes(month: int, wage: int) -> None:
    raw = raw_example()
    y, m = divmod(8 + month, 12)
    raw["purchase"]["month"] = f"{2025 + y}-{m + 1:02d}"
    raw["household"]["income"][2]["monthly"] = wage
    from housingcalc.scenarios import parse_scenario

    r = run_rent_to_own(parse_scenario(raw, "test"), params(), sensitivity=False)
    k = month - r.tests.index[0]
    if r.tests.passes[k]:
        assert r.purchase is not None and r.purchase.index == month
        assert r.status == "fixed_month"
    else:
        assert r.purchase is None
        assert r.status == "fixed_month_fails"
        assert all(ph == "rent" for ph in r.timeline.phase)
    assert_reconciles(r)


def test_a_household_that_never_passes_keeps_renting() -> None:
    r = _run(dwelling__price=9_000_000)
    assert r.status == "not_in_option"
    assert r.purchase is None and r.municipality is None and r.comparison == []
    assert set(r.timeline.phase) == {"rent"}
    np.testing.assert_allclose(r.timeline.savings, r.timeline.rent_only_savings)
    assert_reconciles(r)


def test_savings_cover_a_gap_month_or_record_the_shortfall() -> None:
    # Amir's job starts a month after his programme ends: October 2026 has no income for him.
    raw = raw_example()
    raw["household"]["income"][2]["start"] = "2026-11"
    raw["household"]["savings"] = 0
    from housingcalc.scenarios import parse_scenario

    r = run_rent_to_own(parse_scenario(raw, "test"), params(), sensitivity=False)
    tl = r.timeline
    gap = tl.month.index(dt.date(2026, 10, 1))
    assert tl.surplus[gap] < 0
    assert tl.shortfall[gap] > 0  # savings did not cover the whole deficit
    assert tl.savings[gap] == pytest.approx(0.0, abs=1e-6)
    assert_reconciles(r)


def test_interest_only_years_pay_no_repayment() -> None:
    r = _run(financing__start_loan={"years": 30, "interest_only_years": 2})
    assert r.purchase is not None
    p = r.purchase.index
    assert (r.timeline.repayment[p : p + 24] == 0).all()
    assert r.timeline.repayment[p + 24] > 0
    assert_reconciles(r)


def test_bank_loan_and_fixed_rate_reconcile() -> None:
    r = _run(
        financing__bank_loan={"amount": 300_000, "rate": "5.5%", "years": 25},
        financing__start_loan={"rate_type": "fixed", "fixed_years": 5, "years": 30},
        dwelling__tenure="borettslag",
    )
    assert r.purchase is not None
    assert r.purchase.bank_loan == 300_000
    assert r.purchase.document_duty == 0  # no document duty on a co-op share
    p = r.purchase.index
    rates = r.timeline.start_loan_rate
    assert np.ptp(rates[p : p + 60]) == 0  # fixed for five years
    assert_reconciles(r)
    assert_net_equity(r)


def test_price_rules() -> None:
    year0 = _run(purchase__price_rule="year0")
    appraisal = _run(purchase__price_rule="appraisal")
    credit = _run(purchase__price_rule="rent_credit", purchase__rent_credit_share="25%")
    assert (year0.tests.price == 2_700_000).all()
    # appraisal: the year-0 price grown at 2.5 % a year, monthly compounding
    t = appraisal.tests.index
    np.testing.assert_allclose(appraisal.tests.price, 2_700_000 * 1.025 ** (t / 12))
    # rent credit: 25 % of the rent paid before the month comes off the price
    paid = np.concatenate(
        [[0.0], np.cumsum(credit.timeline.rent_only_housing_cost - credit.timeline.electricity)]
    )
    np.testing.assert_allclose(credit.tests.price, 2_700_000 - 0.25 * paid[t], atol=0.01)


def test_rate_ladder_costs_rise_with_the_rate() -> None:
    r = run_rent_to_own(scenario(), params())
    costs = [row.monthly_cost_first_year for row in r.sensitivity.ladder]
    assert [row.rise for row in r.sensitivity.ladder] == [0.0, 0.01, 0.02, 0.03]
    assert costs == sorted(costs) and len(set(costs)) == 4
    # the base row is the main path
    assert costs[0] == pytest.approx(r.purchase.monthly_cost_first_year if r.purchase else 0.0)
    # the break-even rise sits between the last rise with a surplus and the first without
    assert r.purchase is not None and r.purchase.breakeven_rate_rise is not None
    assert 0.0 < r.purchase.breakeven_rate_rise < 0.1


def test_no_job_drops_the_expected_wages() -> None:
    r = run_rent_to_own(scenario(), params())
    nj = r.sensitivity.no_job
    assert nj.dropped_streams == 2  # Amir's and Sara's jobs after the programme
    assert nj.earliest_month is None  # without them the stress test never passes
    assert nj.margin_first_year is not None and nj.margin_first_year < 0


def test_municipality_npv_of_selling_at_cost_is_zero_when_rent_equals_cost() -> None:
    # A unit with no loan and no grant, let at a rent that exactly covers its cost: FDV,
    # administration and a capital cost of 4 % × market value, with no vacancy or rent loss.
    # Prices and CPI do not move, the unit is sold at its year-0 price (= market value = cost)
    # and the municipality discounts at the same 4 %. Keeping yields 4 % × V a year and V at
    # the end; selling yields V now: the two are worth the same.
    raw = raw_example()
    raw["municipality"].update(
        acquisition_cost=2_700_000,
        book_value=2_700_000,
        vacancy=0,
        rent_loss=0,
        sale_costs=0,
        discount_rate="4%",
    )
    raw["municipality"].pop("rental_grant")
    raw["municipality"].pop("husbanken_loan")
    raw["rent"]["cost_covering"] = {"method": "return", "capital_rate": "4%", "basis": "market"}
    raw["assumptions"].update(price_growth=0, price_growth_low=0, cpi=0)
    raw["purchase"]["price_rule"] = "year0"
    from housingcalc.scenarios import parse_scenario

    r = run_rent_to_own(parse_scenario(raw, "test"), params(), sensitivity=False)
    m = r.municipality
    assert m is not None
    assert m.net_cash == pytest.approx(2_700_000)
    assert m.pv_keep == pytest.approx(2_700_000, abs=1.0)
    assert m.npv_sell_vs_keep == pytest.approx(0.0, abs=1.0)


def test_municipality_sale_reconciles() -> None:
    r = _run()
    m = r.municipality
    assert m is not None
    assert m.net_cash == pytest.approx(
        m.price - m.husbanken_loan_repaid - m.grant_repaid - m.sale_costs
    )
    assert m.accounting_gain == pytest.approx(m.price - m.sale_costs - m.book_value)
    # the 2018 grant rule: 3.3 % per full year from payout (1 Apr 2019) to the sale (Oct 2026)
    assert m.grant_repaid == pytest.approx(528_000 * (1 - 0.033 * 7))
