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
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from housingcalc.calc._rows import group_rows
from housingcalc.errors import InputError, ParameterNotFound
from housingcalc.parameters import ParameterSet

__all__ = [
    "SERIES",
    "AllowancePath",
    "HousingAllowanceEstimate",
    "housing_allowance",
    "housing_allowance_path",
    "resolve_municipality",
]

F64 = NDArray[np.float64]

#: The dated series the allowance reads (each must be in force for a month to get one).
SERIES = (
    "bostotte.cost_ceiling",
    "bostotte.ceiling_supplement",
    "bostotte.adapted_home_supplement",
    "bostotte.income_weight_per_person",
    "bostotte.own_share",
    "bostotte.share_of_gap",
)


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
    minimum, income_part, progressive = (
        float(v[0]) for v in _own_share_parts(own, np.array([weighted]))
    )
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


def _own_share_parts(own: dict[str, float], weighted: F64) -> tuple[F64, F64, F64]:
    """(minimum, income part, progressive part) of the own share for weighted incomes (NOK/yr).

    The progressive term: the rate is ``progressive_step_rate`` × the number of started
    ``progressive_step_income`` steps above ``progressive_threshold``, applied to the income
    above that threshold (housingcalc's reading of Husbanken's summary, see own_share.yaml).
    """
    minimum = np.full(weighted.shape, float(own["minimum"]))
    income_part = float(own["rate"]) * np.maximum(0.0, weighted - float(own["threshold"]))
    over = weighted - float(own["progressive_threshold"])
    steps = np.ceil(np.maximum(over, 0.0) / float(own["progressive_step_income"]))
    progressive = np.where(over > 0, float(own["progressive_step_rate"]) * steps * over, 0.0)
    return minimum, income_part, progressive


@dataclass(frozen=True, eq=False)
class AllowancePath:
    """The allowance month by month (NOK per month unless named yearly).

    ``no_rules`` marks months before the first dated value of some bostøtte series: no
    allowance is computed there (0), never a value carried backwards.
    """

    allowance: F64
    housing_costs: F64
    ceiling: F64  # NOK per month (yearly ceiling / 12)
    approved_costs: F64
    weighted_income_yearly: F64
    own_share: F64  # NOK per month
    share_of_gap: F64
    no_rules: NDArray[np.bool_]


def _per_month(params: ParameterSet, name: str, months: Sequence[dt.date]) -> list[Any]:
    """The value of ``name`` in force in each month (``None`` before its first value)."""
    return [None if r is None else r.value for r in params.along(name, months, strict=False)]


def housing_allowance_path(
    *,
    household_size: int,
    housing_costs_monthly: ArrayLike,
    income_monthly: ArrayLike,
    months: Sequence[dt.date],
    params: ParameterSet,
    municipality: str | int | None = None,
    adapted_home: bool = False,
) -> AllowancePath:
    """The allowance in each month, vectorised over months (the module docstring's formula).

    ``housing_costs_monthly`` are the approved housing costs before the ceiling (rent; or
    the owner's loan costs and common costs), ``income_monthly`` the household's gross
    taxable income in the month (Husbanken uses the month's income from the a-ordning;
    children's income and child benefit are not counted). Every rule value is the one in
    force in the month (``bostotte.*``). Income above the upper income limit gives no
    allowance by the formula itself: the limit is the income at which the own share reaches
    the cost ceiling.
    """
    if household_size < 1:
        raise InputError("household_size", household_size, "must be ≥ 1")
    n = len(months)
    costs = np.broadcast_to(np.asarray(housing_costs_monthly, np.float64), (n,)).copy()
    income = np.broadcast_to(np.asarray(income_monthly, np.float64), (n,)).copy()
    if (costs < 0).any():
        raise InputError("housing_costs_monthly", float(costs.min()), "must be ≥ 0")
    if (income < 0).any():
        raise InputError("income_monthly", float(income.min()), "must be ≥ 0")
    names: list[str] = []
    if municipality is not None and n:
        _, names = resolve_municipality(municipality, params, months[0])
    wanted = {s.casefold() for s in names}
    used = [n for n in SERIES if adapted_home or n != "bostotte.adapted_home_supplement"]
    values = {name: _per_month(params, name, months) for name in used}
    ids = np.array([[id(v) for v in values[name]] for name in used], np.int64).reshape(len(used), n)
    no_rules = np.zeros(n, bool)
    for name in used:
        no_rules |= np.array([v is None for v in values[name]], bool)
    base = np.zeros(n)
    supplement = np.zeros(n)
    adapted = np.zeros(n)
    weight = np.zeros(n)
    share = np.zeros(n)
    # months that share every rule value are computed together (a path has a handful)
    first, group = group_rows(ids.T)
    rules: list[tuple[NDArray[np.int64], dict[str, Any]]] = []
    for g, t0 in enumerate(first):
        if no_rules[t0]:
            continue
        idx = np.flatnonzero(group == g)
        v = {name: values[name][t0] for name in used}
        ceilings = {int(k): float(c) for k, c in v["bostotte.cost_ceiling"].items()}
        base[idx] = ceilings[min(household_size, max(ceilings))]
        supplement[idx] = next(
            (
                float(c)
                for k, c in v["bostotte.ceiling_supplement"].items()
                if str(k).casefold() in wanted
            ),
            0.0,
        )
        if adapted_home:
            adapted[idx] = float(v["bostotte.adapted_home_supplement"])
        weight[idx] = float(v["bostotte.income_weight_per_person"])
        share[idx] = float(v["bostotte.share_of_gap"])
        rules.append((idx, v["bostotte.own_share"]))
    weighted = 12.0 * income / (1.0 + weight * (household_size - 1))
    own_share = np.zeros(n)
    for idx, own in rules:
        parts = _own_share_parts(own, weighted[idx])
        own_share[idx] = (parts[0] + parts[1] + parts[2]) / 12.0
    ceiling = (base + supplement + adapted) / 12.0
    approved = np.minimum(costs, ceiling)
    allowance = np.where(no_rules, 0.0, np.maximum(0.0, share * (approved - own_share)))
    return AllowancePath(
        allowance=allowance,
        housing_costs=costs,
        ceiling=ceiling,
        approved_costs=approved,
        weighted_income_yearly=weighted,
        own_share=own_share,
        share_of_gap=share,
        no_rules=no_rules,
    )


#: How the estimated allowance enters the start-loan stress test (``stress_test`` choices).
STRESS_TEST_RULES = {
    "stable_income": "counted only where the income is stable (Husbanken's startlån veileder)",
    "always": "always counted",
    "never": "never counted",
}


def stress_test_room(
    for_loan: ArrayLike,
    other_costs: ArrayLike,
    ceiling: ArrayLike,
    own_share: ArrayLike,
    share: ArrayLike,
) -> tuple[F64, F64]:
    """The monthly loan payment ``X`` the stress test allows when the allowance on the
    owner's costs is counted as income, and the allowance counted (NOK per month, vectorised).

    ``for_loan`` is what the household has for the loan's payment without the allowance;
    ``other_costs`` the approved housing costs besides that payment (common costs, municipal
    fees, other housing loans' payments); ``ceiling``, ``own_share`` (per month) and
    ``share`` come from :func:`housing_allowance_path`. ``X`` solves

        X = for_loan + share · clip(X + other_costs − own_share, 0, ceiling − own_share)

    which has one root, since the right side rises at slope ``share`` < 1: the allowance at
    the ceiling, no allowance, or the part in between.
    """
    f = np.asarray(for_loan, np.float64)
    other = np.asarray(other_costs, np.float64)
    ceil = np.asarray(ceiling, np.float64)
    own = np.asarray(own_share, np.float64)
    s = np.asarray(share, np.float64)
    x_top = f + s * np.maximum(ceil - own, 0.0)
    x_mid = (f + s * (other - own)) / (1.0 - s)
    x = np.where(x_top + other >= ceil, x_top, np.where(f + other <= own, f, x_mid))
    return np.asarray(x, np.float64), np.asarray(np.maximum(x - f, 0.0), np.float64)


def stable_income(
    income_monthly: ArrayLike, intro: ArrayLike, window: int = 12
) -> NDArray[np.bool_]:
    """For each month: is the income stable over the next ``window`` months (the tail uses
    what is left)? Stable = no introduction benefit and the counted income (in today's money)
    moves by less than 1 kr — housingcalc's reading of "stabile inntekter" in Husbanken's
    startlån veileder."""
    inc = np.asarray(income_monthly, np.float64)
    flag = np.asarray(intro, bool)
    n = len(inc)
    if n == 0:
        return np.zeros(0, bool)
    t = np.minimum(np.arange(n)[:, None] + np.arange(window)[None, :], n - 1)
    return np.asarray(~flag[t].any(axis=1) & (np.ptp(inc[t], axis=1) < 1.0), np.bool_)
