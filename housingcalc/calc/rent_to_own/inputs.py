"""The inputs fixed for a scenario before any path is simulated: months, the household's income
and costs as arrays (calc.household), the rent from move-in (calc.rent, calc.rent_law), the
floating and stress rates, fees and indices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from housingcalc.errors import ParameterNotFound, ScenarioError
from housingcalc.parameters import DatePath

if TYPE_CHECKING:
    from housingcalc.models.scenario import Scenario
    from housingcalc.parameters import ParameterSet

from housingcalc.calc.rent_to_own.results import B8, F64


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
