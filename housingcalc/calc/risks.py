"""What could go wrong on a rent-to-own path: the household report's risk list, as rules.

Each :class:`Risk` has a ``code``, a ``severity`` ("ok", "watch", "serious") and the numbers the
report words it with. The thresholds are **housingcalc policy defaults, not law**, read as
dated parameters (``housingcalc_policy.verdict.rate_headroom_comfortable`` and
``rate_headroom_minimum``, shared with the verdict; ``housingcalc_policy.risks.shortfall_month``)
so a municipality can set its own with ``--params``:

* ``rates``: the break-even rate rise (calc.rent_to_own's ``breakeven_rate_rise``, counted as
  the stress test counts): "ok" from the comfortable headroom, "watch" from the minimum, else
  "serious";
  no rise limit (None) is "ok";
* ``rates_deficit``: the largest rise of the ladder leaves a deficit in the first year →
  "serious", else "ok";
* ``no_job`` / ``no_job_after``: only for households **in the introduction programme** (an
  introduction benefit paid at or after move-in) whose scenario expects wages after move-in:
  no passing month without them → "serious", else "watch"; bought and then without them → a
  first-year deficit is "serious", else "watch";
* ``prices``: with the low price growth, equity after (at most) 10 years below zero →
  "serious", else "watch";
* ``shortfall``: months where savings could not cover a deficit by more than
  ``housingcalc_policy.risks.shortfall_month`` kroner → "serious";
* ``fixed_end``: a fixed start-loan rate ends within the horizon → "watch".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from housingcalc.calc.rent_to_own import RentToOwnResult
    from housingcalc.parameters import ParameterSet

__all__ = ["RISK_CODES", "Risk", "in_introduction_programme", "risks", "shortfall_months"]

Severity = Literal["ok", "watch", "serious"]
RISK_CODES = (
    "rates",
    "rates_deficit",
    "no_job",
    "no_job_after",
    "prices",
    "shortfall",
    "fixed_end",
)


@dataclass(frozen=True)
class Risk:
    code: str
    severity: Severity
    numbers: dict[str, float | str | None] = field(default_factory=dict)


def in_introduction_programme(result: RentToOwnResult) -> bool:
    """Is the household in the introduction programme on the path (a benefit paid at or after
    move-in)?"""
    s = result.scenario
    return any(
        inc.kind == "introduction_benefit" and (inc.end is None or inc.end >= s.move_in)
        for inc in s.household.income
    )


def shortfall_months(result: RentToOwnResult, params: ParameterSet) -> tuple[int, float]:
    """(months, total) where savings could not cover a deficit (above the policy threshold)."""
    limit = params.number("housingcalc_policy.risks.shortfall_month", result.scenario.move_in)
    short = result.timeline.shortfall
    return int((short > limit).sum()), float(short.sum())


def _rate_severity(rise: float | None, params: ParameterSet, at: dt.date) -> Severity:
    if rise is None:
        return "ok"
    if rise >= params.number("housingcalc_policy.verdict.rate_headroom_comfortable", at):
        return "ok"
    minimum = params.number("housingcalc_policy.verdict.rate_headroom_minimum", at)
    return "watch" if rise >= minimum else "serious"


def risks(result: RentToOwnResult, params: ParameterSet) -> list[Risk]:
    """The risks that apply to this path, in the report's order (see the module docstring)."""
    out: list[Risk] = []
    r = result
    p = r.purchase
    sens = r.sensitivity
    at = p.month if p is not None else r.scenario.move_in
    if p is not None:
        rise = p.breakeven_rate_rise
        out.append(
            Risk(
                "rates",
                _rate_severity(rise, params, at),
                {
                    "rise": rise,
                    "rate": (p.start_loan_rate_effective + rise)
                    if rise is not None and p.start_loan_rate_effective
                    else None,
                },
            )
        )
        worst = sens.ladder[-1] if sens.ladder else None
        if worst is not None and worst.rise > 0:
            out.append(
                Risk(
                    "rates_deficit",
                    "serious" if worst.deficit else "ok",
                    {
                        "rise": worst.rise,
                        "cost": worst.monthly_cost_first_year,
                        "margin": worst.margin_first_year,
                    },
                )
            )
    nj = sens.no_job
    if nj.dropped_streams and in_introduction_programme(r):
        out.append(
            Risk(
                "no_job",
                "serious" if nj.earliest_month is None else "watch",
                {"month": nj.earliest_month.isoformat() if nj.earliest_month else None},
            )
        )
        if nj.margin_first_year is not None:
            out.append(
                Risk(
                    "no_job_after",
                    "serious" if nj.margin_first_year < 0 else "watch",
                    {"margin": nj.margin_first_year},
                )
            )
    low = next((g for g in sens.price_growth if g.case == "low"), None)
    base = next((g for g in sens.price_growth if g.case == "base"), None)
    if low is not None and base is not None and p is not None:
        years = max([y for y in base.net_equity if y <= 10] or list(base.net_equity) or [0])
        if years:
            out.append(
                Risk(
                    "prices",
                    "serious" if low.net_equity.get(years, 0.0) < 0 else "watch",
                    {
                        "growth": low.growth,
                        "years": float(years),
                        "equity_low": low.net_equity.get(years),
                        "equity_base": base.net_equity.get(years),
                    },
                )
            )
    months, total = shortfall_months(r, params)
    if months:
        out.append(Risk("shortfall", "serious", {"months": float(months), "total": total}))
    sl = r.scenario.financing.start_loan
    if p is not None and sl.rate_type == "fixed" and sl.fixed_years is not None:
        end = r.timeline.month[min(p.index + 12 * sl.fixed_years, len(r.timeline) - 1)]
        out.append(Risk("fixed_end", "watch", {"month": end.isoformat()}))
    return out
