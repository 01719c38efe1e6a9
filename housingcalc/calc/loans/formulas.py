"""Closed-form helpers (vectorised; float NOK in and out).

* Husbanken publishes effective rates; the nominal rate for ``n`` terms a year is
  ``nominal = ((1 + eff)**(1/n) − 1) · n`` and back ``eff = (1 + nominal/n)**n − 1``
  (https://www.husbanken.no/bransje/lan-og-tilskudd/veileder-laan/rente-og-avdragsvilkar/beregning-av-renter/).
* :func:`annuity_payment` is the engine's PMT (OpenFormula ``PMT``) rounded to the øre, so it
  equals the level payment of a schedule; :func:`present_value` and :func:`terms_to_repay`
  invert it exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from housingcalc.calc.loans._exact import (
    I64,
    OERE_PER_NOK,
    RATE_SCALE,
    interest_oere,
    nper_ceil,
    pmt_oere,
    quantise_rate,
    to_oere,
)
from housingcalc.calc.loans.model import (
    MAX_PRINCIPAL,
    MAX_RATE,
    MAX_YEARS,
    terms_per_year_not_allowed,
)
from housingcalc.errors import InputError


def _out(x: np.ndarray, scalar: bool) -> Any:
    return x.item() if scalar else x


def _fa(name: str, v: Any) -> np.ndarray:
    try:
        a = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(name, v, "must be a number") from None
    if not np.isfinite(a).all():
        raise InputError(name, v, "must be finite")
    return a


def _first_bad(name: str, bad: np.ndarray, values: np.ndarray, rule: str) -> None:
    if np.any(bad):
        flat = np.flatnonzero(np.ravel(bad))
        j = int(flat[0])
        shown = np.ravel(np.broadcast_to(values, np.shape(bad)))[j].item()
        raise InputError(name if np.ndim(bad) == 0 else f"{name}[{j}]", shown, rule)


def _rate(name: str, v: Any, max_rate: float = MAX_RATE) -> np.ndarray:
    a = _fa(name, v)
    _first_bad(name, (a < 0) | (a > max_rate), a, f"must be a fraction between 0 and {max_rate:g}")
    return a


def _tpy(v: Any) -> np.ndarray:
    a = np.asarray(v)
    if not np.issubdtype(a.dtype, np.integer) or a.dtype == np.bool_:
        raise InputError("terms_per_year", v, "must be one of 1, 2, 4, 12")
    _first_bad("terms_per_year", terms_per_year_not_allowed(a), a, "must be one of 1, 2, 4, 12")
    return a.astype(np.int64)


def nominal_from_effective(effective: Any, terms_per_year: Any = 12) -> Any:
    """Nominal annual rate from an effective one: ``((1 + eff)**(1/n) − 1) · n`` (Husbanken).

    >>> round(nominal_from_effective(0.0464, 12), 8)
    0.04544152
    """
    eff = _fa("effective", effective)
    _first_bad("effective", (eff < 0) | (eff > 1.0), eff, "must be a fraction between 0 and 1")
    n = _tpy(terms_per_year)
    out = np.expm1(np.log1p(eff) / n) * n
    return _out(np.asarray(out, np.float64), out.ndim == 0)


def effective_from_nominal(nominal: Any, terms_per_year: Any = 12) -> Any:
    """Effective annual rate from a nominal one: ``(1 + nominal/n)**n − 1`` (Husbanken).

    >>> round(effective_from_nominal(0.04544152, 12), 6)
    0.0464
    """
    nom = _fa("nominal", nominal)
    _first_bad("nominal", (nom < 0) | (nom > 1.0), nom, "must be a fraction between 0 and 1")
    n = _tpy(terms_per_year)
    out = np.expm1(np.log1p(nom / n) * n)
    return _out(np.asarray(out, np.float64), out.ndim == 0)


def _n_terms(v: Any, tpy: np.ndarray) -> np.ndarray:
    a = _fa("n_terms", v)
    _first_bad("n_terms", a != np.round(a), a, "must be a whole number")
    _first_bad(
        "n_terms", (a < 1) | (a > MAX_YEARS * tpy), a, f"must be 1 … {MAX_YEARS} years of terms"
    )
    return a.astype(np.int64)


def _money(name: str, v: Any, allow_zero: bool = False) -> I64:
    a = _fa(name, v)
    bad = (a < 0) if allow_zero else (a <= 0)
    _first_bad(name, bad, a, "must be ≥ 0" if allow_zero else "must be > 0")
    _first_bad(name, a > MAX_PRINCIPAL, a, f"must be ≤ {MAX_PRINCIPAL:.0f}")
    return to_oere(a)


def annuity_payment(
    principal: Any, annual_rate: Any, n_terms: Any, terms_per_year: Any = 12
) -> Any:
    """Level annuity payment (without fees) in NOK, rounded to the øre as in schedules.

    OpenFormula ``PMT(rate/terms_per_year; n_terms; -principal)``; zero rate →
    ``principal / n_terms``.

    >>> annuity_payment(1_000_000, 0.05, 300)
    5845.9
    """
    tpy = _tpy(terms_per_year)
    p = _money("principal", principal)
    r = quantise_rate(_rate("annual_rate", annual_rate))
    n = _n_terms(n_terms, tpy)
    scalar = np.broadcast(p, r, n, tpy).ndim == 0
    out = pmt_oere(p, r, n, tpy) / OERE_PER_NOK
    return _out(np.asarray(out, np.float64), scalar)


def present_value(payment: Any, annual_rate: Any, n_terms: Any, terms_per_year: Any = 12) -> Any:
    """Largest principal (NOK, whole øre) whose annuity payment does not exceed ``payment``.

    Starts from ``PV = payment·(1 − (1+i)**−n)/i`` (``payment·n`` at zero rate) and is then
    corrected so that ``annuity_payment(PV) ≤ payment < annuity_payment(PV + 0.01)``.

    >>> present_value(5845.90, 0.05, 300)
    1000000.78
    """
    tpy = _tpy(terms_per_year)
    a = _money("payment", payment)
    r = quantise_rate(_rate("annual_rate", annual_rate))
    n = _n_terms(n_terms, tpy)
    a, r, n, tpy = (np.atleast_1d(x) for x in np.broadcast_arrays(a, r, n, tpy))
    scalar = np.broadcast(payment, annual_rate, n_terms, terms_per_year).ndim == 0
    i = r / (tpy * float(RATE_SCALE))
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(r > 0, -np.expm1(-n * np.log1p(i)) / np.where(i > 0, i, 1.0), n)
    # round(P / factor) ≤ A  ⇔  P / factor < A + 1/2
    pv = np.floor((a + 0.5) * factor).astype(np.int64)
    for _ in range(64):
        over = pmt_oere(pv, r, n, tpy) > a
        under = ~over & (pmt_oere(pv + 1, r, n, tpy) <= a)
        if not (over.any() or under.any()):
            break
        pv = pv - over + under
    res = np.maximum(pv, 0) / OERE_PER_NOK
    return _out(res, scalar) if not scalar else float(res[0])


def terms_to_repay(principal: Any, payment: Any, annual_rate: Any, terms_per_year: Any = 12) -> Any:
    """Number of terms a level ``payment`` (NOK, without fees) needs to repay ``principal``.

    The least ``k`` with ``principal·(1+i)**k − payment·((1+i)**k − 1)/i ≤ 0`` (exact integer
    arithmetic in øre; ``principal / payment`` rounded up at zero rate). The last payment is
    then smaller. Raises :class:`InputError` when ``payment`` does not exceed the first term's
    interest (rounded to the øre as in a schedule), since nothing would then be repaid.

    >>> terms_to_repay(1_000_000, 5845.91, 0.05)
    300
    >>> terms_to_repay(1_000_000, 5845.90, 0.05)  # exact PMT is 5845.9004…: one small extra term
    301
    """
    tpy = _tpy(terms_per_year)
    p = _money("principal", principal)
    a = _money("payment", payment)
    r = quantise_rate(_rate("annual_rate", annual_rate))
    scalar = np.broadcast(p, a, r, tpy).ndim == 0
    p, a, r, tpy = (np.atleast_1d(x) for x in np.broadcast_arrays(p, a, r, tpy))
    interest = interest_oere(p, r, tpy)
    bad = a <= interest
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        name = "payment" if scalar else f"payment[{j}]"
        raise InputError(
            name,
            int(a[j]) / OERE_PER_NOK,
            "does not cover the first term's interest "
            f"({int(interest[j]) / OERE_PER_NOK:.2f}) and repay something",
        )
    k = nper_ceil(p, a, r, tpy)
    return int(k[0]) if scalar else k
