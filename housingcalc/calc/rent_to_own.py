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

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from housingcalc.errors import InputError, ParameterNotFound, ScenarioError
from housingcalc.parameters import DatePath

if TYPE_CHECKING:
    from housingcalc.models.scenario import Scenario
    from housingcalc.parameters import ParameterSet

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

F64 = NDArray[np.float64]
B8 = NDArray[np.bool_]

#: The purchase-price rules (``purchase.price_rule``).
PRICE_RULES = {
    "appraisal": "appraised value at purchase: year-0 price grown at the price growth",
    "year0": "the year-0 price (the option price fixed at move-in)",
    "year0_indexed": "the year-0 price indexed by CPI",
    "rent_credit": "the year-0 price minus a share of the rent paid",
}

#: Months over which the stress test takes the household's lowest disposable amount.
TEST_WINDOW_MONTHS = 12

#: Years after the purchase at which owning and renting are compared (within the horizon).
COMPARISON_YEARS = (5, 10, 20)


# -- results ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Timeline:
    """One value per month; index 0 is the move-in month. Money NOK per month unless a balance.

    ``phase`` is ``"rent"`` or ``"own"``. Balances (``savings``, ``*_balance``,
    ``grant_repayable``, ``dwelling_value``, ``net_equity``, ``net_wealth``) are at the end of
    the month. ``rent_only_*`` is the household that keeps renting (no purchase).
    """

    month: list[dt.date]
    phase: list[str]
    income_after_tax: F64
    living_costs: F64
    other_fixed_costs: F64
    available: F64
    rent: F64
    electricity: F64
    interest: F64
    repayment: F64
    loan_fees: F64
    running_costs: F64
    interest_deduction: F64
    housing_cost: F64
    housing_allowance: F64
    surplus: F64
    saved: F64
    spent_more: F64
    equity_used: F64
    shortfall: F64
    savings: F64
    dwelling_value: F64
    start_loan_balance: F64
    bank_loan_balance: F64
    grant_repayable: F64
    net_equity: F64
    net_wealth: F64
    start_loan_rate: F64
    rent_only_housing_cost: F64
    rent_only_housing_allowance: F64
    rent_only_savings: F64

    def __len__(self) -> int:
        return len(self.month)

    def columns(self) -> dict[str, list[Any]]:
        """Every column as a list (JSON-ready; dates as ISO strings)."""
        out: dict[str, list[Any]] = {
            "month": [m.isoformat()[:7] for m in self.month],
            "phase": list(self.phase),
        }
        for name in self.__dataclass_fields__:
            if name in ("month", "phase"):
                continue
            values = getattr(self, name)
            out[name] = [round(float(v), 2) for v in values]
        return out


@dataclass(frozen=True, eq=False)
class PurchaseTests:
    """The purchase test of each month in the option window (``index`` into the timeline)."""

    index: NDArray[np.int64]
    month: list[dt.date]
    price: F64
    buying_costs: F64
    equity: F64
    establishment_grant: F64
    start_loan: F64
    max_start_loan: F64
    stress_rate: F64
    test_available: F64
    housing_allowance: F64  # bostøtte counted in the stress test (0 where not counted)
    passes: B8
    #: what the household has for the start loan each month of the test (after running costs,
    #: electricity and any bank loan at the stress rate); the stress test's payment must fit it
    for_loan: F64 | None = None

    def columns(self) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {"month": [m.isoformat()[:7] for m in self.month]}
        for name in (
            "price",
            "buying_costs",
            "equity",
            "establishment_grant",
            "start_loan",
            "max_start_loan",
            "test_available",
            "housing_allowance",
        ):
            out[name] = [round(float(v), 2) for v in getattr(self, name)]
        out["stress_rate"] = [round(float(v), 6) for v in self.stress_rate]
        out["passes"] = [bool(v) for v in self.passes]
        return out


@dataclass(frozen=True)
class Purchase:
    """The purchase: when, at what price, and how it is financed."""

    index: int
    month: dt.date
    price: float
    document_duty: float
    registration_fees: float
    setup_fee: float
    buying_costs: float
    equity_used: float
    establishment_grant: float
    start_loan: float
    bank_loan: float
    start_loan_rate: float  # nominal, at purchase
    start_loan_rate_effective: float
    stress_rate: float
    max_start_loan: float
    stress_margin: float  # max_start_loan − start_loan (NOK of loan)
    first_payment: float  # start + bank loan, first month, with fees
    monthly_cost: float  # housing cost in the purchase month
    monthly_cost_first_year: float  # mean over the first 12 months of ownership
    margin_first_year: float  # mean surplus over the first 12 months
    margin_lowest: float  # lowest monthly surplus in the first 5 years of ownership
    margin_lowest_month: dt.date
    breakeven_rate_rise: float | None  # pp (fraction) the rate can rise before the surplus is 0
    savings_after: float


@dataclass(frozen=True)
class ComparisonRow:
    """Owning (after the purchase) against renting on, ``years`` after the purchase."""

    years: int
    month: dt.date
    monthly_cost_own: float
    monthly_cost_rent: float
    cumulative_cost_own: float
    cumulative_cost_rent: float
    net_wealth_own: float
    net_wealth_rent: float

    @property
    def wealth_difference(self) -> float:
        return self.net_wealth_own - self.net_wealth_rent


@dataclass(frozen=True)
class LadderRow:
    """Rates ``rise`` (fraction) above the path from the purchase on."""

    rise: float
    start_loan_rate: float
    monthly_cost: float
    monthly_cost_first_year: float
    margin_first_year: float
    deficit: bool


@dataclass(frozen=True)
class PriceGrowthRow:
    """The whole path again at another price growth."""

    case: Literal["low", "base", "high"]
    growth: float
    purchase_month: dt.date | None
    price: float | None
    net_equity: dict[int, float]  # years after purchase → net equity
    net_wealth: dict[int, float]


@dataclass(frozen=True)
class NoJobOutcome:
    """What happens if no job follows the introduction programme (expected wages dropped)."""

    dropped_streams: int
    earliest_month: dt.date | None  # earliest passing month without the job (None: never)
    margin_first_year: float | None  # if bought in the base month anyway
    margin_lowest: float | None
    months_in_deficit: int | None  # in the first 5 years of ownership
    housing_allowance_first_year: float | None = None  # mean bostøtte a month, first year


@dataclass(frozen=True)
class Sensitivity:
    ladder: list[LadderRow]
    price_growth: list[PriceGrowthRow]
    no_job: NoJobOutcome


@dataclass(frozen=True)
class MunicipalityView:
    """The municipality's side of the sale in the purchase month."""

    sale_month: dt.date
    price: float
    sale_costs: float
    husbanken_loan_repaid: float
    grant_repaid: float
    grant_written_down: float
    net_cash: float
    book_value: float
    accounting_gain: float
    rent_given_up_yearly: float  # collected rent in the first year after the sale
    rent_given_up_total: float  # over the keep horizon, undiscounted
    keep_years: int
    discount_rate: float
    pv_keep: float
    pv_sell: float
    npv_sell_vs_keep: float
    establishment_grant_given: float
    value_at_horizon: float
    # the keep case at the horizon (it nets the loan and the grant not yet written down)
    loan_balance_at_horizon: float = 0.0
    grant_repayable_at_horizon: float = 0.0
    cash_at_horizon: float = 0.0
    pv_keep_flows: float = 0.0  # rent collected − FDV − administration − loan payments
    pv_keep_sale: float = 0.0  # the horizon sale's cash, discounted
    # the sell case with a replacement unit (0 without one)
    replacement_cost: float = 0.0
    pv_replacement: float = 0.0  # the replacement's rent − FDV − admin and horizon value
    # the operating account, first year of keeping (kommuneloven § 14-18)
    accounting_view: str = "straight_line"
    depreciation_yearly: float = 0.0
    minimum_repayment_yearly: float = 0.0
    interest_first_year: float = 0.0
    operating_result_straight_line: float = 0.0
    operating_result_minimum_repayment: float = 0.0


@dataclass(frozen=True, eq=False)
class RentToOwnResult:
    """Everything :func:`run_rent_to_own` computes for one scenario."""

    scenario: Scenario
    timeline: Timeline
    tests: PurchaseTests
    purchase: Purchase | None
    status: Literal[
        "buy_at_first_chance", "buy_later", "fixed_month", "fixed_month_fails", "not_in_option"
    ]
    earliest_allowed: dt.date
    option_end: dt.date
    earliest_passing: dt.date | None
    monthly_cost_now: float
    available_now: float
    rent_now: float
    comparison: list[ComparisonRow]
    sensitivity: Sensitivity
    municipality: MunicipalityView | None
    rent_components: dict[str, float] | None  # the cost-covering rent at move-in, NOK/year
    #: what could go wrong (calc.risks; thresholds are housingcalc policy defaults)
    risks: list[Any] = field(default_factory=list)
    shortfall_months: int = 0  # months savings could not cover (above policy.shortfall_month)
    #: each change of the tenant's rent (calc.rent_law.RentStep: KPI, assumption, prevailing)
    rent_steps: tuple[Any, ...] = ()


# -- helpers ----------------------------------------------------------------------------------


def _months(start: dt.date, n: int) -> DatePath:
    """The path's months (a ``DatePath``: the rule values along it are read many times)."""
    y, m = start.year, start.month
    return DatePath(dt.date(y + (m - 1 + k) // 12, (m - 1 + k) % 12 + 1, 1) for k in range(n))


def _month_index(start: dt.date, month: dt.date) -> int:
    return (month.year - start.year) * 12 + month.month - start.month


def _yearly_index(rate: float, n: int) -> F64:
    """(1 + rate)^⌊t/12⌋ for t = 0 … n − 1 (a yearly step on each anniversary)."""
    return np.power(1.0 + rate, np.arange(n) // 12).astype(np.float64)


def _monthly_growth(rate: float, n: int) -> F64:
    """(1 + rate)^(t/12): a yearly rate compounded monthly."""
    return np.power(1.0 + rate, np.arange(n) / 12.0).astype(np.float64)


def _balance(start: float, flows: F64) -> tuple[F64, F64]:
    """Savings that never go below zero: ``balance[t] = max(0, balance[t − 1] + flows[t])``.

    Returns the balance and the ``shortfall`` each month (the part of a deficit savings could
    not cover, ≥ 0), so that ``balance[t] − balance[t − 1] = flows[t] + shortfall[t]``.
    Vectorised: the running minimum of the unfloored balance is the cumulative shortfall.
    """
    raw = start + np.cumsum(flows)
    covered = -np.minimum(np.minimum.accumulate(raw), 0.0)
    return raw + covered, np.diff(covered, prepend=0.0)


def _window_argmin(values: F64, window: int) -> NDArray[np.int64]:
    """The index of min(values[t : t + window]) for each t (first of equal minima)."""
    n = len(values)
    t = np.arange(n)[:, None] + np.arange(window)[None, :]
    t = np.minimum(t, n - 1)
    return np.asarray(t[np.arange(n), np.argmin(values[t], axis=1)], np.int64)


def _window_min(values: F64, window: int) -> F64:
    """min(values[t : t + window]) for each t (the tail uses what is left)."""
    padded = np.concatenate([values, np.full(window - 1, values[-1])])
    view = np.lib.stride_tricks.sliding_window_view(padded, window)
    return np.asarray(view.min(axis=1), np.float64)


# -- inputs fixed for a scenario --------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Inputs:
    n: int
    months: DatePath
    option_months: int
    first_allowed: int
    rent: F64
    rent_model: Any
    running: F64
    allowance_running: F64  # owner's running costs bostøtte counts (common costs, fees)
    electricity: F64
    floating_eff: F64  # Husbanken floating rate (effective) per month, before margin
    stress: F64
    wage_index: F64
    setup_fee: float
    term_fee: float
    hh: _HouseholdArrays
    hh_no_job: _HouseholdArrays
    dropped_streams: int
    deductions: dict[tuple[int, bytes], F64] = field(default_factory=dict)
    rent_steps: tuple[Any, ...] = ()  # calc.rent_law.RentStep: each change of the rent


@dataclass(frozen=True, eq=False)
class _HouseholdArrays:
    income_after_tax: F64
    living_costs: F64
    other_fixed_costs: F64
    household: Any
    allowance_income: F64  # gross income bostøtte counts (taxable, no child benefit)
    intro: B8  # months with introduction benefit

    @property
    def available(self) -> F64:
        return self.income_after_tax - self.living_costs - self.other_fixed_costs


def _household_arrays(
    ps: ParameterSet,
    months: Sequence[dt.date],
    household: Any,
    wage_index: F64,
    cpi_index: F64,
    costs: tuple[F64, F64] | None = None,
) -> _HouseholdArrays:
    """Income after tax, living costs and other fixed costs per month (calc.household).

    The household's amounts and the rule values are today's; the path grows them: income
    after tax with wages (``wage_index``), living costs and fixed costs other than debt with
    CPI (``cpi_index``). Scaling income after tax is the same as taxing grown incomes in a
    tax system whose thresholds grow with wages.
    """
    from housingcalc.calc.household import fixed_costs_arrays, income_arrays, living_costs_arrays

    frame = income_arrays(household, months, ps)
    income = frame["net_income"] * wage_index
    counted = (frame["gross_income"] - frame["child_benefit"]) * wage_index
    intro = frame["introduction_benefit"] > 0
    if costs is None:
        living = living_costs_arrays(household, months, ps)["living_costs"]
        fixed = fixed_costs_arrays(household, months)
        debt = fixed["debt_payments"]
        other = (fixed["fixed_costs"] - debt) * cpi_index
        costs = (living * cpi_index, debt + other)
    return _HouseholdArrays(income, costs[0], costs[1], household, counted, intro)


def _interest_deduction(
    household: Any, ps: ParameterSet, months: Sequence[dt.date], interest: F64, wage_index: F64
) -> F64:
    """The tax value of the housing-loan interest per month (calc.household's tax rules),
    limited to the tax on the household's ordinary income; in the path's money."""
    from housingcalc.calc.household import income_arrays

    if not (interest > 0).any():
        return np.zeros(len(months))
    frame = income_arrays(household, months, ps, housing_interest_monthly=interest / wage_index)
    return frame["interest_deduction"] * wage_index


def _no_job_household(s: Scenario) -> tuple[Any, int]:
    """The household without the wages expected after the introduction programme.

    Dropped: every ``wage`` stream that starts after move-in (a job not yet held). Wages
    already earned at move-in stay.
    """
    hh = s.household
    kept = [
        inc
        for inc in hh.income
        if not (inc.kind == "wage" and inc.start is not None and inc.start > s.move_in)
    ]
    return hh.model_copy(update={"income": kept}), len(hh.income) - len(kept)


def _rent_start(s: Scenario, ps: ParameterSet) -> tuple[float, Any]:
    """The monthly rent at move-in: given, or cost-covering (the rent issue's calc)."""
    r = s.rent
    if r.method == "given":
        assert r.amount_month is not None
        return float(r.amount_month), None
    from housingcalc.calc.rent import beregningsutvalget_rate, cost_covering_rents

    cc = r.cost_covering
    m = s.municipality
    assert cc is not None
    if cc.method == "beregningsutvalget":
        rate = beregningsutvalget_rate(ps, s.move_in)[0].rate
    else:
        assert cc.capital_rate is not None
        rate = cc.capital_rate
    grant = m.rental_grant.amount if m.rental_grant is not None else 0.0
    result = cost_covering_rents(
        cc.method,
        rate=rate,
        area_m2=s.dwelling.area_m2,
        fdv_per_m2=m.fdv_per_m2_year,
        basis=cc.basis if cc.method != "beregningsutvalget" else None,
        cost=m.acquisition_cost,
        grant=grant,
        book_value=m.book_value,
        market_value=s.dwelling.price,
        life_years=cc.life_years if cc.method == "annuity" else None,
        vacancy=m.vacancy,
        rent_loss=m.rent_loss,
        admin_per_unit=m.administration_year,
    )
    return float(result.monthly_rent), result


def _rent_law_path(s: Scenario, ps: ParameterSet, rent0: float, n: int) -> Any:
    """The tenant's rent as husleieloven lets it move (calc.rent_law): KPI once a year from
    move-in (published KPI where the dated series has the month, else ``assumptions.cpi``),
    and the prevailing rent from ``rent.prevailing_from`` if given (§ 4-3)."""
    from housingcalc.calc.rent_law import rent_path

    r = s.rent
    return rent_path(
        ps,
        rent0,
        s.move_in,
        n,
        indexation=r.indexation,
        cpi_assumption=s.assumptions.cpi,
        prevailing_rent=r.prevailing_rent_month,
        prevailing_from=r.prevailing_from,
    )


def _floating_path(s: Scenario, ps: ParameterSet, months: Sequence[dt.date]) -> F64:
    """Husbanken's floating rate (effective) per month: the rate path, else the parameter."""
    path = s.assumptions.rate_path
    if path and path[0].from_ <= months[0]:
        base = path[0].rate
    else:
        try:
            from housingcalc.parameters.rates import husbanken_effective

            base = husbanken_effective(ps, "floating", months[0])
        except ParameterNotFound as exc:
            raise ScenarioError(
                "assumptions.rate_path", "[]", f"{exc}; give the rate at move-in in the rate path"
            ) from None
    out = np.full(len(months), base, np.float64)
    for point in path:
        k = _month_index(months[0], point.from_)
        if k < len(months):
            out[max(k, 0) :] = point.rate
    return out


def _stress_path(ps: ParameterSet, months: Sequence[dt.date], floating: F64) -> F64:
    """The stress-test rate per month: the rule in force (today's value carried forward),
    moved by the same amount as the floating-rate path."""
    from housingcalc.calc.capacity import stress_rate

    # the rule is re-read on each anniversary of move-in (enough for a dated rule, and the
    # parameter trace stays short)
    yearly = {m.year: stress_rate(ps, m).rate for m in months[::12]}
    out = np.array(
        [yearly[m.year if m.month >= months[0].month else m.year - 1] for m in months], np.float64
    )
    return np.asarray(out + (floating - floating[0]), np.float64)


def _inputs(
    s: Scenario,
    ps: ParameterSet,
    *,
    households: tuple[_HouseholdArrays, _HouseholdArrays, int] | None = None,
) -> _Inputs:
    option_months = round(s.purchase.option_years * 12)
    n = option_months + 1 + s.assumptions.horizon_years * 12
    months = _months(s.move_in, n)
    a = s.assumptions
    cpi_index = _yearly_index(a.cpi, n)
    rent0, rent_model = _rent_start(s, ps)
    rent_law = _rent_law_path(s, ps, rent0, n)
    rent = rent_law.rent
    d = s.dwelling
    running = (
        d.common_costs_month
        + (d.municipal_fees_year + d.insurance_year + d.maintenance_year) / 12.0
    ) * cpi_index
    allowance_running = (d.common_costs_month + d.municipal_fees_year / 12.0) * cpi_index
    electricity = d.electricity_month * cpi_index
    floating = _floating_path(s, ps, months)
    stress = _stress_path(ps, months, floating)
    fees = s.financing.start_loan.fees
    setup = ps.number("husbanken.startlan.setup_fee", months[0]) if fees else 0.0
    term_fee = ps.number("husbanken.startlan.term_fee", months[0]) if fees else 0.0
    wage_index = _yearly_index(a.wage_growth, n)
    if households is not None:  # already computed for this household (calc.solve)
        hh, hh_nj, dropped = households
    else:
        hh = _household_arrays(ps, months, s.household, wage_index, cpi_index)
        no_job_hh, dropped = _no_job_household(s)
        hh_nj = (
            _household_arrays(
                ps,
                months,
                no_job_hh,
                wage_index,
                cpi_index,
                costs=(hh.living_costs, hh.other_fixed_costs),
            )
            if dropped
            else hh
        )
    first_allowed = min(s.purchase.earliest_after_months, option_months)
    return _Inputs(
        n=n,
        months=months,
        option_months=option_months,
        first_allowed=first_allowed,
        rent=rent,
        rent_model=rent_model,
        running=running,
        allowance_running=allowance_running,
        electricity=electricity,
        floating_eff=floating,
        stress=stress,
        wage_index=wage_index,
        setup_fee=setup,
        term_fee=term_fee,
        hh=hh,
        hh_no_job=hh_nj,
        dropped_streams=dropped,
        rent_steps=rent_law.steps,
    )


# -- one path ---------------------------------------------------------------------------------


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


# -- the whole run ----------------------------------------------------------------------------


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


def _book_value(s: Scenario, ps: ParameterSet, months_after_move_in: Any) -> Any:
    """Book value after ``months_after_move_in``: the move-in book value less straight-line
    depreciation of the building over what is left of ``accounting.depreciation_life_years``
    (land not depreciated) — the portfolio register's rule."""
    m = s.municipality
    life = ps.number("accounting.depreciation_life_years", s.move_in)
    held = _month_index(m.acquired.replace(day=1), s.move_in) / 12.0
    land = m.acquisition_cost * m.land_share
    remaining = max(life - held, 1.0)
    yearly = max(m.book_value - land, 0.0) / remaining if held < life else 0.0
    months = np.asarray(months_after_move_in, np.float64)
    return np.maximum(m.book_value - yearly * months / 12.0, min(land, m.book_value))


def _municipality(
    s: Scenario, ps: ParameterSet, inp: _Inputs, base: _Path
) -> MunicipalityView | None:
    """The municipality's view of the sale in the purchase month (see the module docstring).

    Keep: the unit is let on for ``keep_years`` at the same rent path (rent collected after
    vacancy and rent loss, less FDV and administration, less the Husbanken loan's payments),
    then sold at market value. Sell: the net cash now. Both are discounted monthly at
    ``discount_rate / 12`` (flows at the end of each month), so with zero price growth, a
    rent that exactly covers cost at that rate and no loan or grant, the two are equal.
    """
    if base.p is None or base.purchase is None:
        return None
    from housingcalc.calc.grants import repayable_on_sale, write_down_terms
    from housingcalc.calc.sale import sale_proceeds

    m = s.municipality
    p = base.p
    keep_years = m.keep_years or s.assumptions.horizon_years
    k_months = keep_years * 12
    end = p + k_months
    total = end + 1
    months = _months(s.move_in, total)
    cpi_index = _yearly_index(s.assumptions.cpi, total)
    rent = _rent_law_path(s, ps, float(inp.rent[0]), total).rent
    collected = rent * (1.0 - m.vacancy) * (1.0 - m.rent_loss)
    opex = (m.fdv_per_m2_year * s.dwelling.area_m2 + m.administration_year) / 12.0 * cpi_index

    # the Husbanken loan on the unit, from move-in; bal_at[t] = balance at the start of month t
    loan_pay = np.zeros(total)
    bal_at = np.zeros(total + 1)
    if m.husbanken_loan is not None and m.husbanken_loan.balance > 0:
        hl = m.husbanken_loan
        terms = max(1, round(hl.remaining_years * 12))
        i, r, f, bal = _loan_schedule(
            hl.balance,
            np.full(total, hl.rate),
            0,
            total,
            terms=terms,
            io_terms=0,
            kind="annuity",
            fee=0.0,
        )
        loan_pay = i + r + f
        bal_at = np.concatenate([[hl.balance], bal])

    # the rental grant still repayable on a sale now and at the end of the keep horizon
    grant_now = grant_end = 0.0
    g = m.rental_grant
    if g is not None and g.amount > 0:
        wd = write_down_terms(ps, g.committed or g.paid)
        due = np.asarray(repayable_on_sale(g.amount, g.paid, [months[p], months[end]], wd))
        grant_now, grant_end = float(due[0]), float(due[1])

    value = s.dwelling.price * _monthly_growth(s.assumptions.price_growth, total)
    book = _book_value(s, ps, [p, end])
    price = base.purchase.price
    now = sale_proceeds(price, float(bal_at[p]), grant_now, m.sale_costs, float(book[0]))
    later = sale_proceeds(
        float(value[end]), float(bal_at[end]), grant_end, m.sale_costs, float(book[1])
    )

    disc = np.power(1.0 + m.discount_rate / 12.0, -np.arange(1, k_months + 1, dtype=np.float64))
    flows = collected[p:end] - opex[p:end] - loan_pay[p:end]
    pv_flows = float((flows * disc).sum())
    pv_sale = float(later.cash) * float(disc[-1])
    pv_keep = pv_flows + pv_sale
    cash = float(now.cash)

    # sell and replace: an equivalent unit bought at the sale, let on the same terms (no
    # Husbanken loan or grant on it) and sold at the horizon at the same market value
    replacement = pv_repl = 0.0
    if m.replacement_cost is not None:
        g0 = _monthly_growth(s.assumptions.price_growth, total)
        replacement = float(m.replacement_cost * g0[p])
        repl_flows = collected[p:end] - opex[p:end]
        pv_repl = float((repl_flows * disc).sum()) + (float(value[end]) - m.sale_costs) * float(
            disc[-1]
        )
    pv_sell = cash - replacement + pv_repl

    # the operating account in the first year of keeping: depreciation or minimum repayment
    land = m.acquisition_cost * m.land_share
    book_p = float(book[0])
    dep = float(_book_value(s, ps, [p])[0] - _book_value(s, ps, [p + 12])[0])
    depreciable = max(book_p - min(land, book_p), 0.0)
    min_rep = float(bal_at[p]) * dep / depreciable if depreciable > 0 else 0.0
    interest_y = 0.0
    if m.husbanken_loan is not None and m.husbanken_loan.balance > 0:
        interest_y = float(
            (loan_pay[p : p + 12] - (bal_at[p : p + 12] - bal_at[p + 1 : p + 13])).sum()
        )
    before_capital = float((collected[p : p + 12] - opex[p : p + 12]).sum())
    return MunicipalityView(
        sale_month=months[p],
        price=price,
        sale_costs=float(now.costs),
        husbanken_loan_repaid=float(now.loan_repaid),
        grant_repaid=float(now.grant_repaid),
        grant_written_down=(g.amount - grant_now) if g is not None else 0.0,
        net_cash=cash,
        book_value=float(now.book_value),
        accounting_gain=float(now.gain),
        rent_given_up_yearly=float(collected[p : p + 12].sum()),
        rent_given_up_total=float(collected[p:end].sum()),
        keep_years=keep_years,
        discount_rate=m.discount_rate,
        pv_keep=pv_keep,
        pv_sell=pv_sell,
        npv_sell_vs_keep=pv_sell - pv_keep,
        establishment_grant_given=base.purchase.establishment_grant,
        value_at_horizon=float(value[end]),
        loan_balance_at_horizon=float(bal_at[end]),
        grant_repayable_at_horizon=grant_end,
        cash_at_horizon=float(later.cash),
        pv_keep_flows=pv_flows,
        pv_keep_sale=pv_sale,
        replacement_cost=replacement,
        pv_replacement=pv_repl,
        accounting_view=m.accounting_view,
        depreciation_yearly=dep,
        minimum_repayment_yearly=min_rep,
        interest_first_year=interest_y,
        operating_result_straight_line=before_capital - interest_y - dep,
        operating_result_minimum_repayment=before_capital - interest_y - min_rep,
    )


def _status(s: Scenario, base: _Path, inp: _Inputs) -> str:
    if s.purchase.month != "earliest":
        return "fixed_month" if base.p is not None else "fixed_month_fails"
    if base.p is None:
        return "not_in_option"
    return "buy_at_first_chance" if base.p == inp.first_allowed else "buy_later"


def run_rent_to_own(
    scenario: Scenario, params: ParameterSet, *, sensitivity: bool | Literal["no_job"] = True
) -> RentToOwnResult:
    """Run a rent-to-own scenario: timeline, purchase, comparison, sensitivity, municipality.

    Every rule value is read from ``params`` (its ``used()`` list is the report's sources).
    ``sensitivity=False`` skips the extra paths (rate ladder, price growth, no job) and leaves
    :attr:`RentToOwnResult.sensitivity` empty: a quicker run for tests and batch use;
    ``"no_job"`` runs the no-job case only (what calc.verdict reads: the workspace's verdict
    as you type), so the ladder and growth cases and the risks read from them are absent.

    >>> from housingcalc.parameters import load_parameters
    >>> from housingcalc.scenarios import load_example
    >>> r = run_rent_to_own(load_example(), load_parameters(), sensitivity=False)
    >>> r.status, r.purchase.month.isoformat()
    ('buy_later', '2026-10-01')
    """
    s = scenario
    check_scenario(s, params)
    inp = _inputs(s, params)
    base = _simulate(s, params, inp, growth=s.assumptions.price_growth, hh=inp.hh)
    purchase = base.purchase
    if purchase is not None:
        purchase = _with_breakeven(purchase, _breakeven(s, base.timeline, purchase))
    tl = base.timeline
    result = RentToOwnResult(
        scenario=s,
        timeline=tl,
        tests=base.tests,
        purchase=purchase,
        status=_status(s, base, inp),  # type: ignore[arg-type]
        earliest_allowed=inp.months[inp.first_allowed],
        option_end=inp.months[inp.option_months],
        earliest_passing=inp.months[base.earliest_passing]
        if base.earliest_passing is not None
        else None,
        monthly_cost_now=float(tl.housing_cost[0]),
        available_now=float(tl.available[0]),
        rent_now=float(tl.rent[0]),
        comparison=_comparison(tl, base.p, s.assumptions.horizon_years)
        if base.p is not None
        else [],
        sensitivity=_sensitivity(s, params, inp, base, all_cases=sensitivity is True)
        if sensitivity
        else Sensitivity([], [], NoJobOutcome(inp.dropped_streams, None, None, None, None)),
        municipality=_municipality(s, params, inp, base),
        rent_components=_rent_components(inp.rent_model),
        rent_steps=inp.rent_steps,
    )
    from dataclasses import replace

    from housingcalc.calc.risks import risks, shortfall_months

    return replace(
        result,
        risks=risks(result, params),
        shortfall_months=shortfall_months(result, params)[0],
    )


def _rent_components(model: Any) -> dict[str, float] | None:
    """calc.rent's components of the cost-covering rent (``None`` for a given rent)."""
    if model is None:
        return None
    names = (
        "capital_cost",
        "fdv",
        "admin",
        "cost",
        "vacancy_allowance",
        "rent_loss_allowance",
        "yearly_rent",
        "monthly_rent",
    )
    return {name: float(getattr(model, name)) for name in names}


def _with_breakeven(purchase: Purchase, value: float | None) -> Purchase:
    from dataclasses import replace

    return replace(purchase, breakeven_rate_rise=value)


def check_scenario(scenario: Scenario, params: ParameterSet, source: str | None = None) -> None:
    """Check the scenario against the rule values in force at move-in (loan terms, margin).

    Raises :class:`~housingcalc.errors.ScenarioError` naming the field (prefixed with
    ``source:`` when given).
    """
    s = scenario
    at = s.move_in
    sl = s.financing.start_loan

    def fail(field: str, value: object, rule: str) -> ScenarioError:
        err = ScenarioError(f"{source}: {field}" if source else field, value, rule)
        err.field = field
        return err

    try:
        io_max = params.number("husbanken.startlan.max_interest_only_years", at)
        years_max = params.number("husbanken.startlan.max_term_years_special", at)
        margin_max = params.number("husbanken.startlan.municipal_margin_max", at)
        periods = params.value("husbanken.startlan.fixed_rate_periods", at)
        params.get("husbanken.startlan.stress_rate", at)
    except ParameterNotFound as exc:
        raise fail("move_in", at.isoformat(), f"rule values not available: {exc}") from None
    if s.household.municipality is not None:  # the household file's own check (afford)
        from housingcalc.calc.housing_allowance import resolve_municipality

        try:
            resolve_municipality(s.household.municipality, params, at)
        except InputError as exc:
            raise fail(exc.field, exc.value, exc.rule) from None
    if sl.interest_only_years > io_max:
        raise fail(
            "financing.start_loan.interest_only_years",
            sl.interest_only_years,
            f"at most {io_max:g} years (husbanken.startlan.max_interest_only_years)",
        )
    if sl.years > years_max:
        raise fail(
            "financing.start_loan.years",
            sl.years,
            f"at most {years_max:g} years (husbanken.startlan.max_term_years_special)",
        )
    if sl.municipal_margin > margin_max + 1e-12:
        raise fail(
            "financing.start_loan.municipal_margin",
            f"{sl.municipal_margin:.2%}",
            f"at most {margin_max:.2%} (husbanken.startlan.municipal_margin_max)",
        )
    if sl.rate_type == "fixed" and sl.fixed_years not in periods:
        raise fail(
            "financing.start_loan.fixed_years",
            sl.fixed_years,
            f"must be one of {', '.join(str(p) for p in periods)}",
        )
    if s.rent.method == "cost_covering" and s.municipality.fdv_per_m2_year <= 0:
        raise fail(
            "municipality.fdv_per_m2_year",
            s.municipality.fdv_per_m2_year,
            "must be > 0 for a cost-covering rent",
        )
    if s.rent.prevailing_from is not None:
        from housingcalc.calc.rent_law import check_prevailing_from, law_terms

        try:
            check_prevailing_from(
                "rent.prevailing_from", s.rent.prevailing_from, at, law_terms(params, at)
            )
        except InputError as exc:
            raise fail(exc.field, exc.value, exc.rule) from None
