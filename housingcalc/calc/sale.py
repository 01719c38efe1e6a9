"""Selling a municipal unit (also to the sitting tenant, leie-til-eie)::

    cash to the municipality = price − remaining Husbanken loan − grant still repayable − costs
    accounting gain          = price − costs − book value

On a sale the remaining Husbanken loan is redeemed and the part of the rental-housing grant
not yet written down is repaid (forskrift om tilskudd til utleieboliger § 11; no exception for
sales to tenants was found). The grant still repayable comes from
:func:`housingcalc.calc.grants.repayable_on_sale`. Both the gain and the cash
are net of the seller's costs (the sale's net proceeds less the carrying value, as a sale of a
fixed asset is booked); the loan and grant repayments are financing, not part of the gain.
So ``price = cash + loan + grant + costs = gain + book value + costs`` (a test adds them up).
Cash may be negative (the loan and grant exceed the price); the gain may be negative (a loss).

Vectorised: every argument may be an array (one value per unit) or a scalar.

>>> s = sale_proceeds(3_100_000, loan_balance=1_050_000, grant_repayable=555_000,
...                   costs=25_000, book_value=1_700_000)
>>> float(s.cash), float(s.gain)
(1470000.0, 1375000.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from housingcalc.calc.rent import _nonneg, _out

__all__ = ["SaleProceeds", "sale_proceeds"]


@dataclass(frozen=True)
class SaleProceeds:
    """What a sale brings in (NOK, one value per unit): every deduction, the cash and the gain."""

    price: Any
    loan_repaid: Any
    grant_repaid: Any
    costs: Any
    cash: Any
    book_value: Any
    gain: Any


def sale_proceeds(
    price: Any,
    loan_balance: Any = 0.0,
    grant_repayable: Any = 0.0,
    costs: Any = 0.0,
    book_value: Any = 0.0,
) -> SaleProceeds:
    """Cash to the municipality and accounting gain of selling each unit (see module docstring)."""
    p = _nonneg("price", price)
    loan = _nonneg("loan_balance", loan_balance)
    grant = _nonneg("grant_repayable", grant_repayable)
    c = _nonneg("costs", costs)
    book = _nonneg("book_value", book_value)
    shape = np.broadcast(p, loan, grant, c, book).shape

    def b(x: Any) -> Any:
        return _out(np.asarray(np.broadcast_to(x, shape), dtype=np.float64).copy())

    return SaleProceeds(
        price=b(p),
        loan_repaid=b(loan),
        grant_repaid=b(grant),
        costs=b(c),
        cash=b(p - loan - grant - c),
        book_value=b(book),
        gain=b(p - c - book),
    )
