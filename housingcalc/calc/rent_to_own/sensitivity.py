"""The comparison with renting on, the break-even rate rise, and the sensitivity: the rate-rise
ladder, low and high price growth, and no job after the introduction programme."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from housingcalc.models.scenario import Scenario
    from housingcalc.parameters import ParameterSet

from housingcalc.calc.rent_to_own.inputs import _Inputs
from housingcalc.calc.rent_to_own.path import _Path, _simulate
from housingcalc.calc.rent_to_own.results import (
    COMPARISON_YEARS,
    ComparisonRow,
    LadderRow,
    NoJobOutcome,
    PriceGrowthRow,
    Purchase,
    Sensitivity,
    Timeline,
)


def _comparison(tl: Timeline, p: int, horizon: int) -> list[ComparisonRow]:
    rows = []
    for years in COMPARISON_YEARS:
        if years > horizon:
            continue
        m = p + 12 * years - 1
        if m >= len(tl):
            continue
        rows.append(
            ComparisonRow(
                years=years,
                month=tl.month[m],
                monthly_cost_own=float(tl.housing_cost[m]),
                monthly_cost_rent=float(tl.rent_only_housing_cost[m]),
                cumulative_cost_own=float(tl.housing_cost[p : m + 1].sum()),
                cumulative_cost_rent=float(tl.rent_only_housing_cost[p : m + 1].sum()),
                net_wealth_own=float(tl.net_wealth[m]),
                net_wealth_rent=float(tl.rent_only_savings[m]),
            )
        )
    return rows


def _breakeven(s: Scenario, tl: Timeline, purchase: Purchase) -> float | None:
    """How far the start-loan rate can rise (fraction) before the purchase month's surplus is 0.

    Uses capacity's ``breaking_point_rate`` on what the household has for the start loan in
    the purchase month (available − running costs − electricity − bank-loan payment).
    """
    from housingcalc.calc.capacity import breaking_point_rate, loan_payment

    p = purchase.index
    if purchase.start_loan < 0.01:
        return None
    bank = s.financing.bank_loan
    bank_payment = 0.0
    if bank is not None and purchase.bank_loan > 0:
        bank_payment = float(loan_payment(purchase.bank_loan, bank.rate, bank.years))
    for_loan = float(tl.available[p] - tl.running_costs[p] - tl.electricity[p] - bank_payment)
    sl = s.financing.start_loan
    rate = breaking_point_rate(for_loan, purchase.start_loan, sl.years, sl.interest_only_years)
    if rate != rate:  # nan: a deficit even at 0 %
        return 0.0
    if rate == float("inf"):
        return None
    return max(float(rate) - purchase.start_loan_rate, 0.0)


def _sensitivity(
    s: Scenario, ps: ParameterSet, inp: _Inputs, base: _Path, *, all_cases: bool = True
) -> Sensitivity:
    """The rate ladder, the price-growth cases and the no-job case (``all_cases=False``: the
    no-job case only, what the verdict reads)."""
    a = s.assumptions
    ladder: list[LadderRow] = []
    horizon = a.horizon_years
    if base.p is not None and all_cases:
        p = base.p
        for rise in (0.0, *[k / 100.0 for k in a.rate_ladder_pp]):
            path = (
                base
                if rise == 0
                else _simulate(
                    s, ps, inp, growth=a.price_growth, hh=inp.hh, rate_shift=rise, force_month=p
                )
            )
            tl = path.timeline
            end = min(p + 12, inp.n)
            margin = float(tl.surplus[p:end].mean())
            ladder.append(
                LadderRow(
                    rise=rise,
                    start_loan_rate=float(tl.start_loan_rate[p]),
                    monthly_cost=float(tl.housing_cost[p]),
                    monthly_cost_first_year=float(tl.housing_cost[p:end].mean()),
                    margin_first_year=margin,
                    deficit=margin < 0,
                )
            )
    growth_rows: list[PriceGrowthRow] = []
    cases = (
        (("low", a.price_growth_low), ("base", a.price_growth), ("high", a.price_growth_high))
        if all_cases
        else ()
    )
    for case, g in cases:
        path = base if case == "base" else _simulate(s, ps, inp, growth=g, hh=inp.hh)
        eq: dict[int, float] = {}
        wealth: dict[int, float] = {}
        if path.p is not None:
            for years in COMPARISON_YEARS:
                m = path.p + 12 * years - 1
                if years <= horizon and m < inp.n:
                    eq[years] = float(path.timeline.net_equity[m])
                    wealth[years] = float(path.timeline.net_wealth[m])
        growth_rows.append(
            PriceGrowthRow(
                case=case,  # type: ignore[arg-type]
                growth=g,
                purchase_month=inp.months[path.p] if path.p is not None else None,
                price=path.purchase.price if path.purchase is not None else None,
                net_equity=eq,
                net_wealth=wealth,
            )
        )
    no_job = NoJobOutcome(inp.dropped_streams, None, None, None, None)
    if inp.dropped_streams:
        nj = _simulate(s, ps, inp, growth=a.price_growth, hh=inp.hh_no_job)
        earliest = inp.months[nj.earliest_passing] if nj.earliest_passing is not None else None
        margin_fy = margin_low = allowance_fy = None
        deficit_months = None
        if base.p is not None:
            p = base.p
            forced = _simulate(s, ps, inp, growth=a.price_growth, hh=inp.hh_no_job, force_month=p)
            tl = forced.timeline
            margin_fy = float(tl.surplus[p : min(p + 12, inp.n)].mean())
            allowance_fy = float(tl.housing_allowance[p : min(p + 12, inp.n)].mean())
            margin_low = float(tl.surplus[p : min(p + 60, inp.n)].min())
            deficit_months = int((tl.surplus[p : min(p + 60, inp.n)] < 0).sum())
        no_job = NoJobOutcome(
            inp.dropped_streams, earliest, margin_fy, margin_low, deficit_months, allowance_fy
        )
    return Sensitivity(ladder, growth_rows, no_job)


def _with_breakeven(purchase: Purchase, value: float | None) -> Purchase:
    from dataclasses import replace

    return replace(purchase, breakeven_rate_rise=value)
