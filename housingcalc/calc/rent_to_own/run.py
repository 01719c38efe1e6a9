"""The whole run (:func:`run_rent_to_own`) and the scenario's check against the rule values in
force at move-in (:func:`check_scenario`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from housingcalc.errors import InputError, ParameterNotFound, ScenarioError

if TYPE_CHECKING:
    from housingcalc.models.scenario import Scenario
    from housingcalc.parameters import ParameterSet

from housingcalc.calc.rent_to_own.inputs import _Inputs, _inputs
from housingcalc.calc.rent_to_own.municipality import _municipality
from housingcalc.calc.rent_to_own.path import _Path, _simulate
from housingcalc.calc.rent_to_own.results import NoJobOutcome, RentToOwnResult, Sensitivity
from housingcalc.calc.rent_to_own.sensitivity import (
    _breakeven,
    _comparison,
    _sensitivity,
    _with_breakeven,
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
