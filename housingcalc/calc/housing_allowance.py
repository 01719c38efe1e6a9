"""Housing allowance (bostøtte), an ESTIMATE.

The formula (forskrift om bustøtte § 1, as amended):

    allowance = share_of_gap × (approved housing costs − own share), never below 0

* approved costs = the household's housing costs up to a ceiling: ``bostotte.cost_ceiling``
  for the household size (5 = 5 or more), plus ``bostotte.ceiling_supplement`` for some
  municipalities and ``bostotte.adapted_home_supplement`` for an adapted home;
* own share = ``own_share.minimum`` + ``own_share.rate`` × (weighted income −
  ``threshold``) + a progressive term above ``progressive_threshold`` (the rate rises by
  ``progressive_step_rate`` for every ``progressive_step_income`` of weighted income, applied
  to the income above that threshold: housingcalc's reading of a summary);
* weighted income = household income ÷ (1 + ``income_weight_per_person`` × (persons − 1)).

Husbanken computes it monthly from a-ordning income, re-sets every threshold each year, has an
upper income limit and special rules (young disabled, pensioners, wealth add-on); none of that
is modelled. Always present the result as an estimate.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from dataclasses import asdict, dataclass
from typing import Any

from housingcalc.errors import InputError, ParameterNotFound
from housingcalc.parameters import ParameterSet

__all__ = ["HousingAllowanceEstimate", "housing_allowance", "resolve_municipality"]


def resolve_municipality(
    value: str | int, params: ParameterSet, at: dt.date, field: str = "household.municipality"
) -> tuple[str, list[str]]:
    """(municipality number, names) for a name or number; :class:`InputError` if unknown.

    Dates before the first list (1 Jan 2024) use that list: pre-2024 names are not known.
    """
    try:
        table: dict[str, list[str]] = params.value("nav.municipalities", at)
    except ParameterNotFound:  # before the 2024 list: use the earliest list shipped
        table = params.series("nav.municipalities").all()[0].value
    text = str(value).strip()
    if text.isdigit():
        key = text.zfill(4)
        if key in table:
            return key, list(table[key])
        raise InputError(field, value, "unknown municipality number (see nav.municipalities)")
    wanted = text.casefold()
    for number, names in table.items():
        if any(n.casefold() == wanted for n in names):
            return number, list(names)
    all_names = [n for names in table.values() for n in names]
    close = difflib.get_close_matches(text, all_names, n=3)
    hint = (
        f"; did you mean {', '.join(close)}?"
        if close
        else "; give a current name or the 4-digit number"
    )
    raise InputError(field, value, f"unknown municipality{hint}")


@dataclass(frozen=True)
class HousingAllowanceEstimate:
    """Every intermediate figure of the estimate (NOK per year unless named monthly)."""

    household_size: int
    municipality: str | None
    housing_costs_yearly: float
    ceiling_base: float
    ceiling_supplement: float
    adapted_home_supplement: float
    ceiling: float
    approved_costs: float
    income_yearly: float
    weighted_income: float
    own_share_minimum: float
    own_share_income_part: float
    own_share_progressive: float
    own_share: float
    share_of_gap: float
    allowance_yearly: float
    allowance_monthly: float
    is_estimate: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def housing_allowance(
    *,
    household_size: int,
    housing_costs_monthly: float,
    income_yearly: float,
    params: ParameterSet,
    at: dt.date,
    municipality: str | int | None = None,
    adapted_home: bool = False,
) -> HousingAllowanceEstimate:
    """Estimate the housing allowance (see the module docstring)."""
    if household_size < 1:
        raise InputError("household_size", household_size, "must be ≥ 1")
    if housing_costs_monthly < 0:
        raise InputError("housing_costs_monthly", housing_costs_monthly, "must be ≥ 0")
    if income_yearly < 0:
        raise InputError("income_yearly", income_yearly, "must be ≥ 0")
    ceilings = {int(k): float(v) for k, v in params.value("bostotte.cost_ceiling", at).items()}
    base = ceilings[min(household_size, max(ceilings))]
    supplement = 0.0
    name = None
    if municipality is not None:
        _, names = resolve_municipality(municipality, params, at)
        name = names[0]
        table = {
            str(k).casefold(): float(v)
            for k, v in params.value("bostotte.ceiling_supplement", at).items()
        }
        supplement = next((table[n.casefold()] for n in names if n.casefold() in table), 0.0)
    adapted = params.number("bostotte.adapted_home_supplement", at) if adapted_home else 0.0
    ceiling = base + supplement + adapted
    costs = 12.0 * housing_costs_monthly
    approved = min(costs, ceiling)
    weight = params.number("bostotte.income_weight_per_person", at)
    weighted = income_yearly / (1.0 + weight * (household_size - 1))
    own: dict[str, float] = params.value("bostotte.own_share", at)
    minimum = float(own["minimum"])
    income_part = float(own["rate"]) * max(0.0, weighted - float(own["threshold"]))
    over = weighted - float(own["progressive_threshold"])
    progressive = 0.0
    if over > 0:
        steps = math.ceil(over / float(own["progressive_step_income"]))
        progressive = float(own["progressive_step_rate"]) * steps * over
    own_share = minimum + income_part + progressive
    share = params.number("bostotte.share_of_gap", at)
    yearly = max(0.0, share * (approved - own_share))
    return HousingAllowanceEstimate(
        household_size,
        name,
        costs,
        base,
        supplement,
        adapted,
        ceiling,
        approved,
        income_yearly,
        weighted,
        minimum,
        income_part,
        progressive,
        own_share,
        share,
        yearly,
        yearly / 12.0,
    )
