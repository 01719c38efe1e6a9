"""Shared cases for the decision-support tests: the built-in example changed by ``--set``
terms, and an independent check with the whole engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from housingcalc.calc.rent_to_own import RentToOwnResult, run_rent_to_own
from housingcalc.overrides import apply_overrides, load_scenario_with
from housingcalc.parameters import ParameterSet, load_parameters
from housingcalc.scenarios import parse_scenario

#: Failing in March 2028: the price raised to 3.3 MNOK and no establishment grant.
FAILS_2028 = (
    "dwelling.price=3300000",
    "financing.establishment_grant.max=0",
    "purchase.month=2028-03",
)
#: Failing in March 2028 by less: a longer term can close it.
FAILS_2028_SMALL = (
    "dwelling.price=2900000",
    "financing.establishment_grant.max=0",
    "purchase.month=2028-03",
)
#: Passes in October 2026, but a new fixed cost of 6 500 kr a month from June 2028 leaves
#: months in deficit in the first five years as owners.
DEFICIT_LATER = (
    "household.fixed_costs=[{kind: other, monthly: 6500, start: 2028-06}]",
    "purchase.month=2026-10",
)


@lru_cache(maxsize=1)
def _params() -> ParameterSet:
    return load_parameters()


def params() -> ParameterSet:
    return _params().fresh()


def raw(sets: Sequence[str] = ()) -> dict[str, Any]:
    return load_scenario_with(None, list(sets)).raw


def engine(raw_mapping: dict[str, Any], sets: Sequence[str]) -> RentToOwnResult:
    """The whole engine on ``raw_mapping`` with ``sets`` applied (as ``run --set`` does)."""
    s = parse_scenario(apply_overrides(raw_mapping, list(sets)), "test")
    return run_rent_to_own(s, params(), sensitivity=False)


def buys_in(r: RentToOwnResult, month: dt.date) -> bool:
    return r.purchase is not None and r.purchase.month == month


def annuity(principal: float, yearly_rate: float, years: int) -> float:
    """The textbook annuity, P · r / (1 − (1 + r)^−n), r monthly, n months."""
    r, n = yearly_rate / 12, years * 12
    return principal * r / (1 - (1 + r) ** -n)
