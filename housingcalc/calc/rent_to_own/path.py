"""One path from move-in: renting on, the purchase test of every month in the option window,
the purchase, the loans (calc.loans), bostøtte (calc.housing_allowance) and the monthly
timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from housingcalc.errors import InputError

if TYPE_CHECKING:
    from housingcalc.models.scenario import Scenario
    from housingcalc.parameters import ParameterSet

from housingcalc.calc.rent_to_own.inputs import (
    _balance,
    _HouseholdArrays,
    _Inputs,
    _interest_deduction,
    _month_index,
    _monthly_growth,
    _window_argmin,
    _window_min,
)
from housingcalc.calc.rent_to_own.results import (
    F64,
    TEST_WINDOW_MONTHS,
    Purchase,
    PurchaseTests,
    Timeline,
)


@dataclass(frozen=True, eq=False)
class _Path:
    timeline: Timeline
    tests: PurchaseTests
    p: int | None
    purchase: Purchase | None
    earliest_passing: int | None


def _prices(s: Scenario, inp: _Inputs, value: F64) -> F64:
    rule = s.purchase.price_rule
    p0 = s.dwelling.price
    if rule == "appraisal":
        return value.copy()
    if rule == "year0":
        return np.full(inp.n, p0)
    if rule == "year0_indexed":
        return p0 * _monthly_growth(s.assumptions.cpi, inp.n)
    # rent credit: the share of rent paid before the purchase month
    paid_before = np.concatenate([[0.0], np.cumsum(inp.rent)[:-1]])
    return np.maximum(p0 - s.purchase.rent_credit_share * paid_before, 0.0)


def _start_loan_rates(
    s: Scenario, ps: ParameterSet, inp: _Inputs, p: int, shift: float
) -> tuple[F64, float]:
    """Nominal start-loan rate for each month from ``p`` (array over the timeline) and the
    effective rate at purchase."""
    from housingcalc.calc.loans import nominal_from_effective

    terms = s.financing.start_loan
    margin = terms.municipal_margin
    floating = inp.floating_eff.copy()
    if terms.rate is not None and terms.rate_type == "floating":
        floating = floating + (terms.rate - margin - floating[p])
    eff = floating + margin
    if terms.rate_type == "fixed":
        assert terms.fixed_years is not None
        if terms.rate is not None:
            fixed = terms.rate
        else:
            from housingcalc.parameters.rates import husbanken_effective

            fixed = (
                husbanken_effective(ps, "fixed", inp.months[p], fixed_years=terms.fixed_years)
                + margin
            )
        end = min(p + terms.fixed_years * 12, inp.n)
        eff[p:end] = fixed
    eff = eff + shift
    eff = np.clip(eff, 0.0, 0.3)
    return np.asarray(nominal_from_effective(eff), np.float64), float(eff[p])


def _loan_schedule(
    principal: float,
    rates: F64,
    p: int,
    n: int,
    *,
    terms: int,
    io_terms: int,
    kind: str,
    fee: float,
) -> tuple[F64, F64, F64, F64]:
    """Interest, repayment, fee and closing balance per month of the timeline for one loan
    starting in month ``p`` (first payment in ``p``), with the monthly nominal ``rates``."""
    from housingcalc.calc.loans import Loan, LoanBatch, RateChange, amortize

    zeros = np.zeros(n)
    if principal < 0.01:
        return zeros, zeros.copy(), zeros.copy(), zeros.copy()
    own = rates[p:]
    changes = np.flatnonzero(np.diff(own[: min(len(own), terms)]) != 0) + 2  # 1-based term
    loan = Loan(
        principal=round(principal, 2),
        annual_rate=float(own[0]),
        n_terms=terms,
        kind="serial" if kind == "serial" else "annuity",
        interest_only_terms=io_terms,
        fee_per_term=fee,
        rate_changes=tuple(RateChange(int(t), float(own[t - 1])) for t in changes),
    )
    sched = amortize(LoanBatch.from_loans([loan]))
    k = min(terms, n - p)
    out = []
    for arr in (sched.interest, sched.repayment, sched.fee, sched.closing_balance):
        col = zeros.copy()
        col[p : p + k] = arr[0, :k] / 100.0
        out.append(col)
    return out[0], out[1], out[2], out[3]


def _allowance(
    s: Scenario, ps: ParameterSet, inp: _Inputs, hh: _HouseholdArrays, costs: F64
) -> F64:
    """Bostøtte per month on ``costs`` (approved housing costs per month), or 0 if the
    scenario has it not applied for (calc.housing_allowance)."""
    if not s.housing_allowance.applied:
        return np.zeros(inp.n)
    from housingcalc.calc.housing_allowance import housing_allowance_path

    return housing_allowance_path(
        household_size=hh.household.size,
        housing_costs_monthly=costs,
        income_monthly=hh.allowance_income,
        months=inp.months,
        params=ps,
        municipality=hh.household.municipality,
        adapted_home=s.housing_allowance.adapted_home,
    ).allowance


def _stress_loan_room(
    s: Scenario,
    ps: ParameterSet,
    inp: _Inputs,
    hh: _HouseholdArrays,
    idx: NDArray[np.int64],
    for_loan: F64,
    bank_stressed: F64,
) -> tuple[F64, F64]:
    """The monthly start-loan payment the stress test allows in each test month, and the
    bostøtte counted in it (0 where not counted).

    Husbanken's startlån veileder ("Ulike typer inntekt"): bostøtte may be counted where the
    applicant has stable income and the allowance would cover a deficit; the estimate is not
    a decision. ``housing_allowance.stress_test`` chooses: ``stable_income`` (count it only if
    no introduction benefit is paid and the counted income does not change, in today's money,
    in the 12-month test window), ``always`` or ``never``. It is counted for the month with
    the lowest disposable amount in the window, on the owner's costs at the stress rate: the
    start loan's payment ``X``, the bank loan's stressed payment, common costs and municipal
    fees (calc.housing_allowance.stress_test_room).
    """
    zero = np.zeros(idx.shape)
    ha = s.housing_allowance
    if not ha.applied or ha.stress_test == "never":
        return for_loan, zero
    from housingcalc.calc.housing_allowance import (
        housing_allowance_path,
        stable_income,
        stress_test_room,
    )

    k = _window_argmin(hh.available, TEST_WINDOW_MONTHS)[idx]
    path = housing_allowance_path(
        household_size=hh.household.size,
        housing_costs_monthly=np.zeros(idx.shape),
        income_monthly=hh.allowance_income[k],
        months=[inp.months[i] for i in k],
        params=ps,
        municipality=hh.household.municipality,
        adapted_home=ha.adapted_home,
    )
    other = inp.allowance_running[k] + bank_stressed
    _, counted = stress_test_room(for_loan, other, path.ceiling, path.own_share, path.share_of_gap)
    if ha.stress_test == "stable_income":
        stable = stable_income(hh.allowance_income / inp.wage_index, hh.intro, TEST_WINDOW_MONTHS)
        counted = np.where(stable[idx], counted, 0.0)
    return for_loan + counted, counted


def _simulate(
    s: Scenario,
    ps: ParameterSet,
    inp: _Inputs,
    *,
    growth: float,
    hh: _HouseholdArrays,
    rate_shift: float = 0.0,
    force_month: int | None = None,
    test_only: bool = False,
) -> _Path:
    from housingcalc.calc.capacity import grant_need, loan_payment, max_loan, purchase_costs

    n = inp.n
    f = s.financing
    value = s.dwelling.price * _monthly_growth(growth, n)
    price = _prices(s, inp, value)
    available = hh.available

    # renting on: the comparison path, and the savings the purchase test draws on
    rent_cost = inp.rent + inp.electricity
    allowance_r = _allowance(s, ps, inp, hh, inp.rent)
    surplus_r = available + allowance_r - rent_cost
    saved_r = np.where(surplus_r > 0, f.saving_share * surplus_r, surplus_r)
    savings_r, _shortfall_r = _balance(s.household.savings, saved_r)

    # the purchase test, every month of the option window at once
    idx = np.arange(inp.first_allowed, inp.option_months + 1)
    before = np.concatenate([[s.household.savings], savings_r[:-1]])[idx]
    equity = np.maximum(before - f.buffer, 0.0)
    bank = f.bank_loan.amount if f.bank_loan is not None else 0.0
    mortgages = 1 + (1 if bank > 0 else 0)
    costs = (
        np.array(
            [
                purchase_costs(
                    float(price[c]), s.dwelling.tenure, ps, inp.months[c], mortgages=mortgages
                ).total
                - float(price[c])
                for c in idx
            ]
        )
        + inp.setup_fee
    )
    gap = price[idx] + costs - bank
    equity_used = np.minimum(equity, np.maximum(gap, 0.0))
    test_avail = _window_min(available, TEST_WINDOW_MONTHS)[idx]
    stress = inp.stress[idx]
    years = f.start_loan.years
    bank_stressed = (
        np.asarray(loan_payment(bank, stress, f.bank_loan.years), np.float64)
        if f.bank_loan is not None and bank > 0
        else np.zeros(idx.shape)
    )
    for_loan = test_avail - inp.running[idx] - inp.electricity[idx] - bank_stressed
    for_loan, allowance_counted = _stress_loan_room(s, ps, inp, hh, idx, for_loan, bank_stressed)
    max_sl = np.asarray(max_loan(for_loan, stress, years), np.float64)
    eg = f.establishment_grant
    need = np.asarray(grant_need(gap + bank, equity_used, 0.0, bank), np.float64)
    if eg.amount == "need":
        grant = np.minimum(np.asarray(grant_need(gap + bank, equity_used, max_sl, bank)), eg.max)
    else:
        grant = np.minimum(float(eg.amount), need)
    start_loan = need - grant
    passes = start_loan <= max_sl + 0.005
    tests = PurchaseTests(
        index=idx,
        month=[inp.months[i] for i in idx],
        price=price[idx],
        buying_costs=costs,
        equity=equity_used,
        establishment_grant=grant,
        start_loan=start_loan,
        max_start_loan=max_sl,
        stress_rate=stress,
        test_available=test_avail,
        housing_allowance=allowance_counted,
        passes=passes,
        for_loan=for_loan,
    )
    passing = idx[passes]
    earliest = int(passing[0]) if passing.size else None
    target = s.purchase.month
    if force_month is not None:
        p: int | None = force_month
    elif target == "earliest":
        p = earliest
    else:
        k = _month_index(s.move_in, target)
        p = k if k in set(passing.tolist()) else None

    zeros = np.zeros(n)
    if p is None or test_only:  # test_only: the purchase test alone (calc.solve)
        p = None
        timeline = _timeline(
            s,
            inp,
            hh,
            value,
            None,
            rent_cost,
            zeros,
            zeros,
            zeros,
            zeros,
            zeros,
            zeros,
            zeros,
            zeros,
            savings_r,
            saved_r,
            zeros,
            allowance_r,
            allowance_r,
        )
        return _Path(timeline, tests, None, None, earliest)

    j = p - inp.first_allowed if inp.first_allowed <= p <= inp.option_months else None
    if j is None:  # forced outside the window (sensitivity only): test it on the spot
        raise InputError("purchase.month", p, "outside the option window")
    sl_amount = float(start_loan[j])
    rates, eff_at_p = _start_loan_rates(s, ps, inp, p, rate_shift)
    sl = f.start_loan
    interest, repay, fees, sl_bal = _loan_schedule(
        sl_amount,
        rates,
        p,
        n,
        terms=sl.years * 12,
        io_terms=sl.interest_only_years * 12,
        kind=sl.kind,
        fee=inp.term_fee,
    )
    b_int = b_rep = b_bal = zeros
    if bank > 0 and f.bank_loan is not None:
        bank_rates = np.full(n, f.bank_loan.rate + rate_shift) + (
            inp.floating_eff - inp.floating_eff[p]
        )
        b_int, b_rep, _, b_bal = _loan_schedule(
            bank,
            np.clip(bank_rates, 0.0, 0.3),
            p,
            n,
            terms=f.bank_loan.years * 12,
            io_terms=0,
            kind="annuity",
            fee=0.0,
        )
    total_interest = interest + b_int
    key = (id(hh.household), total_interest.tobytes())
    if key not in inp.deductions:  # variants with the same loans (e.g. price growth) share it
        inp.deductions[key] = _interest_deduction(
            hh.household, ps, inp.months, total_interest, inp.wage_index
        )
    deduction = inp.deductions[key]
    grant_rep = _establishment_repayable(float(grant[j]), p, n, ps, inp.months, eg.repayment)
    own = np.arange(n) >= p
    allowance = np.where(
        own,
        _allowance(s, ps, inp, hh, total_interest + repay + b_rep + fees + inp.allowance_running),
        allowance_r,
    )
    timeline = _timeline(
        s,
        inp,
        hh,
        value,
        p,
        rent_cost,
        total_interest,
        repay + b_rep,
        fees,
        sl_bal,
        b_bal,
        grant_rep,
        rates,
        deduction,
        savings_r,
        saved_r,
        np.array([equity_used[j]]),
        allowance,
        allowance_r,
    )
    purchase = _purchase(
        s,
        inp,
        p,
        j,
        tests,
        timeline,
        price,
        costs,
        grant,
        start_loan,
        max_sl,
        stress,
        bank,
        eff_at_p,
        rates,
        purchase_costs(float(price[p]), s.dwelling.tenure, ps, inp.months[p], mortgages=mortgages),
    )
    return _Path(timeline, tests, p, purchase, earliest)


def _timeline(
    s: Scenario,
    inp: _Inputs,
    hh: _HouseholdArrays,
    value: F64,
    p: int | None,
    rent_cost: F64,
    interest: F64,
    repayment: F64,
    fees: F64,
    sl_bal: F64,
    bank_bal: F64,
    grant_rep: F64,
    rates: F64,
    deduction: F64,
    savings_r: F64,
    saved_r: F64,
    equity_used_at_p: F64,
    allowance: F64,
    allowance_r: F64,
) -> Timeline:
    n = inp.n
    t = np.arange(n)
    own = (t >= p) if p is not None else np.zeros(n, bool)
    running = np.where(own, inp.running, 0.0)
    rent = np.where(own, 0.0, inp.rent)
    housing = np.where(
        own, interest + repayment + fees + running + inp.electricity - deduction, rent_cost
    )
    available = hh.available
    surplus = available + allowance - housing
    saved = np.where(surplus > 0, s.financing.saving_share * surplus, surplus)
    eq_used = np.zeros(n)
    if p is not None:
        eq_used[p] = float(equity_used_at_p[0])
    savings, shortfall = _balance(s.household.savings, saved - eq_used)
    net_equity = np.where(own, value - sl_bal - bank_bal - grant_rep, 0.0)
    return Timeline(
        month=list(inp.months),
        phase=["own" if o else "rent" for o in own],
        income_after_tax=hh.income_after_tax,
        living_costs=hh.living_costs,
        other_fixed_costs=hh.other_fixed_costs,
        available=available,
        rent=rent,
        electricity=inp.electricity.copy(),
        interest=interest,
        repayment=repayment,
        loan_fees=fees,
        running_costs=running,
        interest_deduction=deduction,
        housing_cost=housing,
        housing_allowance=allowance,
        surplus=surplus,
        saved=saved,
        spent_more=surplus - saved,
        equity_used=eq_used,
        shortfall=shortfall,
        savings=savings,
        dwelling_value=value,
        start_loan_balance=sl_bal,
        bank_loan_balance=bank_bal,
        grant_repayable=grant_rep,
        net_equity=net_equity,
        net_wealth=savings + net_equity,
        start_loan_rate=np.where(own, rates, 0.0) if p is not None else np.zeros(n),
        rent_only_housing_cost=rent_cost,
        rent_only_housing_allowance=allowance_r,
        rent_only_savings=savings_r,
    )


def _purchase(
    s: Scenario,
    inp: _Inputs,
    p: int,
    j: int,
    tests: PurchaseTests,
    tl: Timeline,
    price: F64,
    costs: F64,
    grant: F64,
    start_loan: F64,
    max_sl: F64,
    stress: F64,
    bank: float,
    eff_at_p: float,
    rates: F64,
    pc: Any,
) -> Purchase:
    end1 = min(p + 12, inp.n)
    end5 = min(p + 60, inp.n)
    low = p + int(np.argmin(tl.surplus[p:end5]))
    return Purchase(
        index=p,
        month=inp.months[p],
        price=float(price[p]),
        document_duty=float(pc.document_duty),
        registration_fees=float(pc.registration_fees),
        setup_fee=inp.setup_fee,
        buying_costs=float(costs[j]),
        equity_used=float(tl.equity_used[p]),
        establishment_grant=float(grant[j]),
        start_loan=float(start_loan[j]),
        bank_loan=bank,
        start_loan_rate=float(rates[p]),
        start_loan_rate_effective=eff_at_p,
        stress_rate=float(stress[j]),
        max_start_loan=float(max_sl[j]),
        stress_margin=float(max_sl[j] - start_loan[j]),
        first_payment=float(tl.interest[p] + tl.repayment[p] + tl.loan_fees[p]),
        monthly_cost=float(tl.housing_cost[p]),
        monthly_cost_first_year=float(tl.housing_cost[p:end1].mean()),
        margin_first_year=float(tl.surplus[p:end1].mean()),
        margin_lowest=float(tl.surplus[low]),
        margin_lowest_month=inp.months[low],
        breakeven_rate_rise=None,
        savings_after=float(tl.savings[p]),
    )


def _establishment_repayable(
    grant: float, p: int, n: int, ps: ParameterSet, months: Sequence[dt.date], repayment: str
) -> F64:
    """The household's establishment grant still repayable in each month from the purchase
    (calc.establishment_grant: written down per full year since payout, or repayable at sale)."""
    from housingcalc.calc.establishment_grant import amount_due_on_sale

    out = np.zeros(n)
    if grant <= 0:
        return out
    due = amount_due_on_sale(
        grant, months[p], months[p:], ps, repayable_at_sale=repayment == "repayable_at_sale"
    )
    out[p:] = np.asarray(due, np.float64)
    return out
