"""Plausible ranges for what users type: checked where input enters, before any arithmetic.

These are policy, not law: no rule value is here (those live under
``housingcalc/parameters/data/`` with a date and a source). They only keep values that cannot
describe a Norwegian household, dwelling or loan (``price: 1e308``, a move-in in year 9999,
an adult born in 1800) out of the arithmetic, where they would overflow numpy or Decimal.
Each bound is far beyond any real case; ``docs/input-rules.md`` lists them.
"""

from __future__ import annotations

import datetime as dt

from housingcalc.errors import InputError

__all__ = [
    "MAX_AGE",
    "MAX_AMOUNT",
    "MAX_AREA_M2",
    "MAX_DATE",
    "MAX_MAGNITUDE",
    "MAX_TERM_YEARS",
    "MIN_DATE",
    "check_amount",
    "check_date",
    "date_rule",
]

#: Any one amount in NOK (a price, a cost, savings, an income, a loan): 1 000 000 000 kr,
#: some hundred times the dearest dwelling a municipality buys.
MAX_AMOUNT = 1_000_000_000.0
#: The area of one dwelling, m².
MAX_AREA_M2 = 1_000.0
#: The longest term of a loan or a projection horizon, years.
MAX_TERM_YEARS = 100
#: Any one number given to a calculation (backstop behind the specific bounds): far beyond
#: any amount, area or count, far below where float64 products overflow.
MAX_MAGNITUDE = 1e12
#: Dates of the case (move-in, purchase, grant commitment, payout, acquisition, ``--at``).
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
#: The oldest a person in a household can be, years.
MAX_AGE = 120


def date_rule() -> str:
    """The rule text for a date outside :data:`MIN_DATE` … :data:`MAX_DATE`."""
    return f"must lie between {MIN_DATE.year} and {MAX_DATE.year} (implausible date)"


def check_amount(value: float, field: str, raw: object | None = None) -> float:
    """``value`` if it is at most :data:`MAX_AMOUNT` in size, else :class:`InputError`.

    >>> check_amount(3_150_000.0, "dwelling.price")
    3150000.0
    """
    if abs(value) > MAX_AMOUNT:
        raise InputError(
            field,
            value if raw is None else raw,
            f"above the plausible maximum of {MAX_AMOUNT:,.0f} NOK".replace(",", " "),
        )
    return value


def check_date(value: dt.date, field: str) -> dt.date:
    """``value`` if it lies within :data:`MIN_DATE` … :data:`MAX_DATE`, else :class:`InputError`."""
    if not MIN_DATE <= value <= MAX_DATE:
        raise InputError(field, value.isoformat(), date_rule())
    return value
