"""The verdict on a rent-to-own purchase, with the reasons that led to it.

:func:`decide` weighs the evidence of a run (:class:`~housingcalc.calc.rent_to_own.
RentToOwnResult`) into one of four outcomes:

``recommend``
    the purchase passes the stress test and nothing below weighs against it or asks for a
    condition;
``recommend_with_conditions``
    it passes, and at least one reason is a *condition* (a thin margin, limited rate-rise
    headroom, months in deficit, dependence on a job not yet certain, a loss for the
    municipality, months of shortfall while renting);
``not_yet``
    it fails in the month asked for, but another month of the option period passes;
``not_advisable``
    no month of the option period passes the stress test, or it passes but a reason weighs
    *against* it (short every month of the first year on average; the budget breaks at a
    rate rise below the minimum headroom).

Each reason is a :class:`Reason` with a ``code``, its ``weight`` (``for``, ``condition``,
``against``) and the numbers it quotes; the report words it. The rules, in order:

1. **stress test** (``stress_test_passes`` for / ``stress_test_fails`` against, with the gap
   in NOK a month at the stress rate, :func:`~housingcalc.calc.solve.stress_gap`; a failing
   case that passes in another month adds ``passes_in``);
2. **margin** left in the first year as owners: below 0 against (``margin_negative``), below
   ``housingcalc_policy.verdict.margin_comfortable`` a condition (``margin_thin``), else for
   (``margin_ok``); any month in deficit in the first five years adds ``deficit_months``
   (condition);
3. **rate-rise headroom** (the break-even rise): below
   ``housingcalc_policy.verdict.rate_headroom_minimum`` against, below
   ``…rate_headroom_comfortable`` a condition, else for (``rate_headroom``);
4. **no income after the programme** — only where it applies (a wage the household does not
   yet have at move-in, i.e. a household in the introduction programme): short a month
   without that job is a condition (``no_job_short``), else for (``no_job_ok``);
5. **the municipality's side**: a sale that brings no cash, or a net present value of selling
   rather than keeping below ``−housingcalc_policy.verdict.municipality_npv_loss_share`` ×
   price, is a condition for the municipality (``municipality_loss``), else for
   (``municipality_ok``);
6. **shortfall while renting** (savings cannot cover a deficit) is a condition
   (``shortfall``).

The thresholds are parameters under ``housingcalc_policy/verdict/`` — housingcalc's own
policy defaults, not law, overridable with ``--params``. The month of a failing verdict is the
scenario's purchase month if fixed, else the month of the option period nearest to passing
(the smallest gap); the report's ways to close the gap are ``solve``'s answers in that month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from housingcalc.calc.rent_to_own import RentToOwnResult
    from housingcalc.parameters import ParameterSet

__all__ = ["OUTCOMES", "POLICY", "Reason", "Verdict", "decide", "verdict_month"]

Outcome = Literal["recommend", "recommend_with_conditions", "not_yet", "not_advisable"]
Weight = Literal["for", "condition", "against"]

#: The outcomes, best first.
OUTCOMES: tuple[Outcome, ...] = (
    "recommend",
    "recommend_with_conditions",
    "not_yet",
    "not_advisable",
)

#: The policy parameters (housingcalc's defaults, not law) the verdict reads.
POLICY = {
    "margin_comfortable": "housingcalc_policy.verdict.margin_comfortable",
    "rate_headroom_comfortable": "housingcalc_policy.verdict.rate_headroom_comfortable",
    "rate_headroom_minimum": "housingcalc_policy.verdict.rate_headroom_minimum",
    "municipality_npv_loss_share": "housingcalc_policy.verdict.municipality_npv_loss_share",
}

Number = float | str | None


@dataclass(frozen=True)
class Reason:
    """One reason: ``code`` (worded by the report), ``weight`` and the numbers it quotes
    (money NOK, rates fractions, months ``YYYY-MM`` text)."""

    code: str
    weight: Weight
    numbers: dict[str, Number]


@dataclass(frozen=True)
class Verdict:
    """The outcome and its reasons. ``gap_month``: NOK a month the stress test fails by in
    ``month`` (``None`` when the purchase passes)."""

    outcome: Outcome
    reasons: tuple[Reason, ...]
    month: dt.date
    stress_rate: float
    gap_month: float | None
    thresholds: dict[str, float]


def verdict_month(result: RentToOwnResult) -> dt.date:
    """The month a verdict speaks of: the purchase month; for a failing case the scenario's
    month if fixed, else the month of the option period nearest to passing (the smallest
    gap, the earliest of equals)."""
    from housingcalc.calc.solve import stress_gap

    if result.purchase is not None:
        return result.purchase.month
    target = result.scenario.purchase.month
    if isinstance(target, dt.date):
        return target
    t = result.tests
    years = result.scenario.financing.start_loan.years
    gaps = [stress_gap(t, j, years) for j in range(len(t.month))]
    return t.month[gaps.index(min(gaps))]


def _m(d: dt.date | None) -> str | None:
    return None if d is None else f"{d:%Y-%m}"


def _margin(result: RentToOwnResult, comfortable: float) -> list[Reason]:
    p = result.purchase
    assert p is not None
    out: list[Reason] = []
    nums: dict[str, Number] = {"margin": p.margin_first_year, "threshold": comfortable}
    if p.margin_first_year < 0:
        out.append(Reason("margin_negative", "against", nums))
    elif p.margin_first_year < comfortable:
        out.append(Reason("margin_thin", "condition", nums))
    else:
        out.append(Reason("margin_ok", "for", nums))
    if p.margin_lowest < 0 <= p.margin_first_year:
        out.append(
            Reason(
                "deficit_months",
                "condition",
                {"lowest": p.margin_lowest, "month": _m(p.margin_lowest_month)},
            )
        )
    return out


def _rates(result: RentToOwnResult, comfortable: float, minimum: float) -> Reason:
    p = result.purchase
    assert p is not None
    rise = p.breakeven_rate_rise
    nums: dict[str, Number] = {
        "rise": rise,
        "rate": None if rise is None else p.start_loan_rate_effective + rise,
        "comfortable": comfortable,
        "minimum": minimum,
    }
    if rise is None or rise >= comfortable:
        return Reason("rate_headroom", "for", nums)
    if rise < minimum:
        return Reason("rate_headroom", "against", nums)
    return Reason("rate_headroom", "condition", nums)


def _no_job(result: RentToOwnResult) -> list[Reason]:
    from housingcalc.calc.risks import in_introduction_programme

    nj = result.sensitivity.no_job
    # applies only to households in the introduction programme (calc.risks)
    if (
        not nj.dropped_streams
        or nj.margin_first_year is None
        or not in_introduction_programme(result)
    ):
        return []
    nums: dict[str, Number] = {
        "margin": nj.margin_first_year,
        "months_in_deficit": None if nj.months_in_deficit is None else float(nj.months_in_deficit),
        "earliest_month": _m(nj.earliest_month),
    }
    if nj.margin_first_year < 0:
        return [Reason("no_job_short", "condition", nums)]
    return [Reason("no_job_ok", "for", nums)]


def _municipality(result: RentToOwnResult, loss_share: float) -> list[Reason]:
    mv = result.municipality
    if mv is None:
        return []
    limit = -loss_share * mv.price
    nums: dict[str, Number] = {
        "net_cash": mv.net_cash,
        "npv": mv.npv_sell_vs_keep,
        "limit": limit,
        "discount_rate": mv.discount_rate,
        "keep_years": float(mv.keep_years),
    }
    if mv.net_cash < 0 or mv.npv_sell_vs_keep < limit:
        return [Reason("municipality_loss", "condition", nums)]
    return [Reason("municipality_ok", "for", nums)]


def _shortfall(result: RentToOwnResult) -> list[Reason]:
    tl = result.timeline
    end = result.purchase.index if result.purchase is not None else len(tl)
    short = tl.shortfall[:end]
    months = int((short > 0.5).sum())
    if not months:
        return []
    return [
        Reason("shortfall", "condition", {"months": float(months), "total": float(short.sum())})
    ]


def decide(result: RentToOwnResult, params: ParameterSet) -> Verdict:
    """The verdict on one run (see the module docstring). Reads the policy thresholds from
    ``params`` as at the move-in month."""
    from housingcalc.calc.solve import month_gap

    at = result.scenario.move_in
    th = {key: params.number(name, at) for key, name in POLICY.items()}
    month = verdict_month(result)
    j = result.tests.month.index(month)
    stress = float(result.tests.stress_rate[j])
    p = result.purchase
    if p is None:
        gap = max(month_gap(result, month), 0.0)
        reasons = [
            Reason(
                "stress_test_fails",
                "against",
                {"month": _m(month), "gap": gap, "stress_rate": stress},
            )
        ]
        later = result.earliest_passing
        if later is not None:
            reasons.append(Reason("passes_in", "for", {"month": _m(later)}))
        reasons += _shortfall(result)
        outcome: Outcome = "not_yet" if later is not None else "not_advisable"
        return Verdict(outcome, tuple(reasons), month, stress, gap, th)

    reasons = [
        Reason(
            "stress_test_passes",
            "for",
            {"month": _m(month), "surplus": -month_gap(result, month), "stress_rate": stress},
        ),
        *_margin(result, th["margin_comfortable"]),
        _rates(result, th["rate_headroom_comfortable"], th["rate_headroom_minimum"]),
        *_no_job(result),
        *_municipality(result, th["municipality_npv_loss_share"]),
        *_shortfall(result),
    ]
    weights = {r.weight for r in reasons}
    outcome = (
        "not_advisable"
        if "against" in weights
        else "recommend_with_conditions"
        if "condition" in weights
        else "recommend"
    )
    return Verdict(outcome, tuple(reasons), month, stress, None, th)
