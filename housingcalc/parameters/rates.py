"""Husbanken's published rates, converted in one place.

Husbanken publishes NOMINAL annual rates per term frequency, all derived from one annual
effective rate ("Husbanken beregner de nominelle rentene ut fra de årlige effektive rentene",
r_n = ((1 + r_e)^(1/n) − 1)·n). The packaged series ``husbanken.rates.floating`` and
``husbanken.rates.fixed`` store the figure published for MONTHLY terms (``rate_basis:
nominal_monthly``). Every caller that needs another frequency, or the effective rate, asks
here; nothing else converts a Husbanken rate.

>>> from housingcalc.parameters import load_parameters
>>> ps = load_parameters()
>>> round(husbanken_rate(ps, "floating", "2024-07-01") * 100, 3)
4.64
>>> round(husbanken_rate(ps, "floating", "2024-07-01", terms_per_year=4) * 100, 3)
4.658
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from housingcalc.errors import ParameterError

if TYPE_CHECKING:
    from housingcalc.parameters import ParameterSet

FLOATING = "husbanken.rates.floating"
FIXED = "husbanken.rates.fixed"

Kind = Literal["floating", "fixed"]


def _published(
    ps: ParameterSet, kind: Kind, at: dt.date | str, fixed_years: int | None
) -> tuple[float, int]:
    """The stored rate and the number of terms a year it was published for."""
    name = FLOATING if kind == "floating" else FIXED
    v = ps.get(name, at)
    series = ps.series_file(name)
    if series.rate_basis != "nominal_monthly":
        raise ParameterError(f"{name}: rate_basis must be nominal_monthly")
    if kind == "floating":
        return float(v.value), 12
    if fixed_years is None:
        raise ParameterError(f"{name}: give the fixed period (years)")
    table = v.value
    rate = table.get(fixed_years, table.get(str(fixed_years)))
    if rate is None:
        raise ParameterError(
            f"{name}: no {fixed_years}-year fixed rate at {v.effective}; periods: "
            f"{', '.join(map(str, table))}"
        )
    return float(rate), 12


def effective_from_published(nominal: float, terms_per_year: int) -> float:
    """Annual effective rate of a nominal rate with ``terms_per_year`` terms."""
    return float((1.0 + nominal / terms_per_year) ** terms_per_year - 1.0)


def nominal_for_terms(effective: float, terms_per_year: int) -> float:
    """Husbanken's formula: r_n = ((1 + r_e)^(1/n) − 1)·n."""
    return float(((1.0 + effective) ** (1.0 / terms_per_year) - 1.0) * terms_per_year)


def husbanken_effective(
    ps: ParameterSet, kind: Kind, at: dt.date | str, *, fixed_years: int | None = None
) -> float:
    """Husbanken's annual effective rate (before fees) in force at ``at``."""
    nominal, n = _published(ps, kind, at, fixed_years)
    return effective_from_published(nominal, n)


def husbanken_rate(
    ps: ParameterSet,
    kind: Kind,
    at: dt.date | str,
    *,
    terms_per_year: int = 12,
    fixed_years: int | None = None,
) -> float:
    """Husbanken's nominal annual rate for loans with ``terms_per_year`` terms.

    For monthly terms this is the published figure itself (no conversion).
    """
    nominal, n = _published(ps, kind, at, fixed_years)
    if terms_per_year == n:
        return nominal
    return nominal_for_terms(effective_from_published(nominal, n), terms_per_year)
