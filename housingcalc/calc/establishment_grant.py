"""Household purchase grant (tilskudd til etablering): write-down and repayment on sale.

Common municipal practice (and the pre-2020 Husbanken standard): an interest-free loan written
down by ``establishment_grant.write_down_rate`` (5 %) of the original amount for every **full
year** since payout, over ``establishment_grant.write_down_years`` (20) years; the part not yet
written down is repaid on sale. Since 2020 a municipality may instead make the grant
repayable in full at sale (``repayable_at_sale=True``).

    due on sale = amount × max(0, 1 − rate × full years since payout)     (write-down)
    due on sale = amount                                                 (repayable at sale)

The exact rule for a sale in year k was not found in a primary source; this is the formula used
for Husbanken's other grants (see ``docs/household.md``). Vectorised over amounts and dates.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np

from housingcalc.errors import InputError
from housingcalc.parameters import ParameterSet

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["amount_due_on_sale", "full_years_between", "write_down_schedule"]


def full_years_between(start: Any, end: Any) -> Any:
    """Completed years from ``start`` to ``end`` (dates or arrays of dates); negative → error."""
    s, e = _dates(start, "paid_out"), _dates(end, "sale_date")
    ys, ms, ds = _ymd(s)
    ye, me, de = _ymd(e)
    before = (me < ms) | ((me == ms) & (de < ds))
    out = ye - ys - before.astype(np.int64)
    if (out < 0).any():
        j = int(np.flatnonzero(out < 0)[0])
        raise InputError(
            "sale_date",
            e[min(j, len(e) - 1)].isoformat(),
            f"is before the payout ({s[min(j, len(s) - 1)]})",
        )
    scalar = np.ndim(start) == 0 and np.ndim(end) == 0
    return int(out[0]) if scalar else out


def _dates(value: Any, field: str) -> list[dt.date]:
    """Dates from a date, a ``datetime64``, an ISO string or an array of them."""
    out = []
    for v in np.atleast_1d(np.asarray(value, dtype=object)).ravel():
        if isinstance(v, np.datetime64):
            v = v.astype("datetime64[D]").item()
        if isinstance(v, str):
            try:
                v = dt.date.fromisoformat(v)
            except ValueError:
                raise InputError(field, v, "must be a date written YYYY-MM-DD") from None
        if not isinstance(v, dt.date):
            raise InputError(field, str(v), "must be a date")
        out.append(dt.date(v.year, v.month, v.day))
    return out


def _ymd(dates: list[dt.date]) -> tuple[Any, Any, Any]:
    a = np.array([(d.year, d.month, d.day) for d in dates], dtype=np.int64).reshape(-1, 3)
    return a[:, 0], a[:, 1], a[:, 2]


def _terms(
    params: ParameterSet, paid_out: dt.date, rate: float | None, years: int | None
) -> tuple[float, int]:
    r = params.number("establishment_grant.write_down_rate", paid_out) if rate is None else rate
    y = (
        int(params.number("establishment_grant.write_down_years", paid_out))
        if years is None
        else years
    )
    if not 0 < r <= 1:
        raise InputError("write_down_rate", r, "must be a fraction between 0 and 1")
    if y < 1:
        raise InputError("write_down_years", y, "must be ≥ 1")
    return r, y


def amount_due_on_sale(
    amount: Any,
    paid_out: Any,
    sale_date: Any,
    params: ParameterSet,
    *,
    rate: float | None = None,
    years: int | None = None,
    repayable_at_sale: bool = False,
) -> Any:
    """The grant balance repaid on a sale at ``sale_date`` (NOK, rounded to the krone).

    >>> from housingcalc.parameters import load_parameters
    >>> amount_due_on_sale(300_000, dt.date(2020, 3, 1), dt.date(2027, 2, 28), load_parameters())
    210000.0
    """
    a = np.asarray(amount, dtype=np.float64)
    if (a < 0).any():
        raise InputError("amount", float(a.min()), "must be ≥ 0")
    full = np.asarray(full_years_between(paid_out, sale_date))
    if repayable_at_sale:
        out = np.broadcast_to(a, np.broadcast(a, full).shape).astype(np.float64)
    else:
        first = (
            paid_out if np.ndim(paid_out) == 0 else np.asarray(paid_out, dtype=object).ravel()[0]
        )
        r, y = _terms(params, _dates(first, "paid_out")[0], rate, years)
        left = np.clip(1.0 - r * np.minimum(full, y), 0.0, 1.0)
        out = np.round(a * left, 0)
    return float(out) if np.ndim(out) == 0 else out


def write_down_schedule(
    amount: float,
    paid_out: dt.date,
    params: ParameterSet,
    *,
    rate: float | None = None,
    years: int | None = None,
    repayable_at_sale: bool = False,
) -> pd.DataFrame:
    """Year-by-year balance: ``year``, ``date`` (each payout anniversary), ``written_down``
    (that year), ``written_down_total`` and ``balance`` (due on a sale from that date on)."""
    import pandas as pd

    if amount < 0:
        raise InputError("amount", amount, "must be ≥ 0")
    r, y = _terms(params, paid_out, rate, years)
    n = int(np.ceil(1.0 / r)) if not repayable_at_sale else y
    n = min(max(n, y), 100)
    dates = [pd.Timestamp(paid_out) + pd.DateOffset(years=k) for k in range(n + 1)]
    ks = np.arange(n + 1)
    if repayable_at_sale:
        balance = np.full(n + 1, float(amount))
    else:
        balance = np.round(amount * np.clip(1.0 - r * np.minimum(ks, y), 0.0, 1.0), 0)
    total = amount - balance
    return pd.DataFrame(
        {
            "year": ks,
            "date": [d.date() for d in dates],
            "written_down": np.concatenate([[0.0], np.diff(total)]),
            "written_down_total": total,
            "balance": balance,
        }
    )
