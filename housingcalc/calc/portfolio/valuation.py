"""Valuation: market, book, hidden and net value per unit and grouped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    pass

from housingcalc.calc.portfolio.defaults import Units

VALUE_COLUMNS = (
    "book_value",
    "market_value",
    "hidden_value",
    "grant_repayable",
    "loan_balance",
    "net_value",
)


@dataclass(frozen=True, eq=False)
class Valuation:
    """Book, market and hidden value, grants still repayable, loans and net value.

    ``per_unit``: one row per owned unit. ``by_district`` / ``by_size_class`` /
    ``by_standard``: the same sums per group, with a ``units`` count. ``totals``: the sums,
    ``units`` (all), ``units_owned`` and ``units_rented_in``.
    """

    at: dt.date
    per_unit: pd.DataFrame
    by_district: pd.DataFrame
    by_size_class: pd.DataFrame
    by_standard: pd.DataFrame
    totals: dict[str, float]


def _group(per_unit: pd.DataFrame, key: str) -> pd.DataFrame:
    """Units and the value sums per ``key`` (sorted; an empty key last), as
    ``per_unit.groupby(key, sort=True, dropna=False)`` gives them, grouped by integer codes
    (the text column is factorised once, not once per column; pandas' compensated sums)."""
    codes, uniques = pd.factorize(per_unit[key], sort=True, use_na_sentinel=False)
    sums = per_unit[list(VALUE_COLUMNS)].groupby(codes, sort=True).sum()
    g = pd.DataFrame(
        {key: uniques, "units": np.bincount(codes, minlength=len(uniques))},
    )
    for c in VALUE_COLUMNS:
        g[c] = sums[c].to_numpy()
    return g


def value_portfolio(units: Units) -> Valuation:
    """Valuation of the owned units at the valuation date.

    ``hidden_value = market_value − book_value``;
    ``net_value = market_value − loan_balance − grant_repayable``.
    """
    frame = units.frame
    own = frame["owned"].to_numpy(bool)
    # only the columns needed, each filtered once (not the whole frame)
    f: dict[str, Any] = {
        c: frame[c][own] for c in ("unit_id", "district", "size_class", "standard")
    }
    for c in ("area_m2", "book_value", "market_value", "grant_amount", "grant_repayable"):
        f[c] = frame[c].to_numpy(np.float64)[own]
    f["loan_balance"] = frame["loan_balance"].to_numpy(np.float64)[own]
    per = pd.DataFrame(
        {
            "unit_id": f["unit_id"],
            "district": f["district"],
            "size_class": f["size_class"],
            "standard": f["standard"],
            "area_m2": f["area_m2"],
            "book_value": f["book_value"],
            "market_value": f["market_value"],
            "hidden_value": f["market_value"] - f["book_value"],
            "grant_amount": f["grant_amount"],
            "grant_repayable": f["grant_repayable"],
            "loan_balance": f["loan_balance"],
            "net_value": f["market_value"] - f["loan_balance"] - f["grant_repayable"],
        },
        index=frame.index[own],
        copy=False,  # this function's own arrays
    )
    totals: dict[str, float] = {c: float(per[c].sum()) for c in VALUE_COLUMNS}
    totals["grant_amount"] = float(per["grant_amount"].sum())
    totals["area_m2"] = float(per["area_m2"].sum())
    totals["units"] = float(len(units.frame))
    totals["units_owned"] = float(len(per))
    totals["units_rented_in"] = float(len(units.frame) - len(per))
    return Valuation(
        at=units.at,
        per_unit=per,
        by_district=_group(per, "district"),
        by_size_class=_group(per, "size_class"),
        by_standard=_group(per, "standard"),
        totals=totals,
    )
