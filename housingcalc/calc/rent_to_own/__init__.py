"""Rent-to-own (leie til eie): the month-by-month path from tenant to owner.

:func:`run_rent_to_own` takes a :class:`~housingcalc.models.scenario.Scenario` and a
:class:`~housingcalc.parameters.ParameterSet` and returns a :class:`RentToOwnResult`:

- a **timeline** (one row per month from move-in, month 0, through the option period and
  ``horizon_years`` of ownership): income after tax, living costs, housing cost, surplus,
  savings, dwelling value, loans outstanding, grant still repayable, net equity, net wealth;
- the **purchase test** of every month in the option window and the **purchase** itself: the
  earliest month (or the scenario's month) in which the start loan passes the stress test;
- the **comparison** with renting on: monthly cost, cumulative cost and net wealth 5, 10 and 20
  years after the purchase;
- the **sensitivity**: the rate-rise ladder (+1, +2, +3 pp from the purchase on), price growth
  low/base/high, and "no job after the introduction programme";
- the **municipality's view** of the same sale: cash received, Husbanken loan and grant
  repaid, accounting gain against book value, rent income given up, and the net present value
  of selling versus keeping the unit.

Other modules do the domain maths: calc.household (income after tax, living and fixed costs),
calc.rent (cost-covering rent), calc.capacity (stress rate, largest loan, purchase costs,
grant need, break-even rate), calc.loans (amortisation, exact to the øre),
calc.establishment_grant and calc.grants (write-downs), calc.sale (cash and gain). This
module strings them together over months. See ``docs/rent-to-own.md``.

The model, month ``t`` (0 = the move-in month; every flow is paid within its month):

Rent phase (``t < p``, ``p`` the purchase month)::

    housing_cost[t] = rent[t] + electricity[t]
    rent[t]         = rent₀ · Π (1 + KPI change) over the anniversaries ≤ t   (or flat)

(calc.rent_law: husleieloven § 4-2 once a year from move-in, by the published twelve-month
KPI change where ``ssb.cpi_12_month_change`` holds the month, else ``(1 + cpi)``; from
``rent.prevailing_from`` the prevailing rent, § 4-3, then indexed yearly from that month)

Purchase in month ``p`` (at the start of the month; the first owner's payment is in ``p``)::

    price[p]        = by the price rule (see :data:`PRICE_RULES`)
    buying_costs[p] = document duty (selveier only) · price + registration fees + set-up fee
    equity[p]       = max(0, savings[p − 1] − buffer)                 (savings₀ at p = 0)
    gap[p]          = price + buying_costs − bank_loan
    equity_used     = min(equity, gap);  need = gap − equity_used
    grant           = the fixed amount, or with "need" min(max, max(0, need − max_start_loan))
    start_loan      = need − grant
    passes[p]       ⇔ start_loan ≤ max_start_loan[p]   (the stress test, see below)

Owner phase (``t ≥ p``)::

    housing_cost[t] = interest + repayment + fees (start and bank loan)
                      + running costs (common costs, municipal fees, insurance, maintenance)
                      + electricity − interest_deduction[t]

(the interest deduction is calc.household's tax rule: 22 % of the interest, capped by the tax
on ordinary income).

Every month::

    available[t]    = income_after_tax[t] − living_costs[t] − other_fixed_costs[t]
    allowance[t]    = bostøtte on rent[t] (tenant) or on interest + repayment + fees
                      + common costs + municipal fees (owner), from the household's gross
                      taxable income, size and municipality (calc.housing_allowance; 0 if
                      ``housing_allowance.applied`` is false)
    surplus[t]      = available[t] + allowance[t] − housing_cost[t]
    saved[t]        = saving_share · surplus[t] if surplus[t] > 0 else surplus[t]
    savings[t]      = max(0, savings[t − 1] + saved[t] − equity_used·[t = p])
    shortfall[t]    = the part of a deficit savings could not cover (help needed, ≥ 0)
    net_equity[t]   = value[t] − start_loan_balance[t] − bank_loan_balance[t]
                      − grant_repayable[t]                         (0 before the purchase)
    net_wealth[t]   = savings[t] + net_equity[t]

so each month ``available + allowance = housing_cost + saved + spent_more`` with ``spent_more =
surplus − saved ≥ 0`` (the part of a surplus not saved), and savings reconcile exactly:
``savings[t] − savings[t − 1] = saved[t] − equity_used[t] + shortfall[t]``.

The stress test (betjeningsevne) in month ``c``: the household must be able to pay the
start loan as a full annuity over its term at the stress rate out of the smallest
``available`` amount in the 12 months from ``c`` (so an introduction benefit that is about to
end counts at what follows it), after the owner's running costs, electricity and any bank
loan's payment at the same stress rate. Bostøtte enters the test by
``housing_allowance.stress_test`` (Husbanken's startlån veileder, "Ulike typer inntekt": it may
be counted where the income is stable): see :func:`_stress_loan_room`.

The household's amounts and rule values are today's: income after tax grows with
``wage_growth``, living costs, fixed costs (not debt payments), rent and running costs with
``cpi``, once a year from move-in. The dwelling's value grows at ``price_growth`` (monthly
compounding of the yearly rate). Savings earn no interest.
Rates: the floating start-loan rate follows ``assumptions.rate_path`` (effective rates, as
Husbanken publishes them, converted to nominal monthly); a fixed rate holds for its period and
then follows the floating path; the stress rate moves with the path.
"""

from __future__ import annotations

from housingcalc.calc.rent_to_own.results import (
    PRICE_RULES,
    ComparisonRow,
    LadderRow,
    MunicipalityView,
    NoJobOutcome,
    PriceGrowthRow,
    Purchase,
    PurchaseTests,
    RentToOwnResult,
    Sensitivity,
    Timeline,
)
from housingcalc.calc.rent_to_own.run import check_scenario, run_rent_to_own

__all__ = [
    "PRICE_RULES",
    "ComparisonRow",
    "LadderRow",
    "MunicipalityView",
    "NoJobOutcome",
    "PriceGrowthRow",
    "Purchase",
    "PurchaseTests",
    "RentToOwnResult",
    "Sensitivity",
    "Timeline",
    "check_scenario",
    "run_rent_to_own",
]
