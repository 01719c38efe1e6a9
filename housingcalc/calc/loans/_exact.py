"""Exact integer money arithmetic used by the loan engine.

Units
-----
* Money is integer **øre** (``int64``); 1 NOK = 100 øre. NOK floats are converted with
  round-half-up on the value rounded to 1e-4 øre first, so ``1.005`` kr (stored by Python as
  1.00499999…) becomes 101 øre, as the user wrote it.
* An annual nominal rate is quantised to 1e-8 and held as the integer ``rate_e8``
  (``0.05`` → ``5_000_000``), round-half-up. ``D = terms_per_year · 10**8`` is then the
  denominator of the periodic rate ``i = rate_e8 / D``.

Formulas
--------
* Interest of a term: ``round_half_up(B · rate_e8 / D)``, computed as
  ``(B · rate_e8 + D/2) // D`` in int64 (``D`` is even). With ``B ≤ 10**11`` øre and
  ``rate_e8 ≤ 3·10**7`` the product stays below ``3·10**18 < 2**63``.
* Annuity (OpenFormula ``PMT(i; n; -B)``, OASIS OpenDocument Formula 1.2, part 2, 6.12.36):
  ``round_half_up(B · i / (1 − (1 + i)**−n))``; ``i = 0`` → ``round_half_up(B / n)``.
  It is evaluated in float64 (relative error ≈ 1e-15) and, for the rare values that lie
  within 1e-12 of a half øre, again with exact Python integers:
  ``B·r·(D+r)**n / (D·((D+r)**n − D**n))``.
* Terms needed for a kept payment ``A`` (used by "shorten" extra repayments and
  :func:`terms_to_repay`): the least ``k ≥ 1`` such that the unrounded balance
  ``B(1+i)**k − A((1+i)**k − 1)/i`` is ≤ 0, i.e. ``(D+r)**k (A·D − B·r) ≥ A·D**(k+1)``;
  ``i = 0`` → ``ceil(B / A)``. Float first, exact integers near a whole number.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]

OERE_PER_NOK = 100
RATE_SCALE = 10**8
MAX_PRINCIPAL_OERE = 10**11  # 1 000 000 000 NOK: keeps balance × rate_e8 inside int64
MAX_RATE_E8 = 30_000_000  # 30 %
NO_END = np.iinfo(np.int64).max // 4  # "never" for terms-needed when a payment does not amortise
EXACT_NPER_MAX = 100_000  # beyond this many terms the float answer stands (no exact powers)


def to_oere(nok: Any) -> I64:
    """NOK (float, array-like) → øre, round half up.

    >>> to_oere([1.005, 5845.895, 0.004]).tolist()
    [101, 584590, 0]
    """
    v = np.round(np.asarray(nok, dtype=np.float64) * OERE_PER_NOK, 4)
    return np.floor(v + 0.5).astype(np.int64)


def quantise_rate(rate: Any) -> I64:
    """Annual rate (fraction) → integer units of 1e-8, round half up.

    >>> quantise_rate([0.05, 0.045441, 0.0]).tolist()
    [5000000, 4544100, 0]
    """
    v = np.round(np.asarray(rate, dtype=np.float64) * RATE_SCALE, 4)
    return np.floor(v + 0.5).astype(np.int64)


def interest_oere(balance: I64, rate_e8: I64, terms_per_year: int | I64) -> I64:
    """``round_half_up(balance · rate_e8 / (terms_per_year · 10**8))`` in exact int64."""
    d = terms_per_year * RATE_SCALE
    return (balance * rate_e8 + d // 2) // d


def div_half_up(num: I64, den: I64) -> I64:
    """``round_half_up(num / den)`` for ``num ≥ 0``, ``den > 0`` (``2·num`` must fit int64)."""
    return (2 * num + den) // (2 * den)


def _pmt_exact(b: int, r: int, n: int, d: int) -> int:
    g = (d + r) ** n
    num = b * r * g
    den = d * (g - d**n)
    return int((2 * num + den) // (2 * den))


def pmt_oere(balance: Any, rate_e8: Any, n_terms: Any, terms_per_year: Any) -> I64:
    """Level annuity (excluding fees) in øre that repays ``balance`` over ``n_terms`` terms.

    Spreadsheet semantics: ``PMT(i; n; -B) = B·i / (1 − (1+i)**−n)``, rounded half up to the
    øre; ``i = rate_e8 / (terms_per_year·10**8)``; zero rate → ``round_half_up(B / n)``.
    ``n_terms`` must be ≥ 1 where the balance is > 0.

    >>> pmt_oere([100_000_000], [5_000_000], [300], 12).tolist()  # 1 MNOK, 5 %, 25 years
    [584590]
    """
    b, r, n, tpy = np.broadcast_arrays(
        np.asarray(balance, dtype=np.int64),
        np.asarray(rate_e8, dtype=np.int64),
        np.asarray(n_terms, dtype=np.int64),
        np.asarray(terms_per_year, dtype=np.int64),
    )
    return pmt_1d(b.ravel(), r.ravel(), n.ravel(), tpy.ravel() * RATE_SCALE).reshape(b.shape)


#: At most this many loans re-computing their annuity in one term are done with Python floats:
#: some twenty numpy calls on tiny arrays cost more than the arithmetic (benchmarks/what_if.py).
SMALL_PMT = 16


def _pmt_small(b: I64, r: I64, n: I64, d: int) -> I64:
    """:func:`pmt_1d` for a handful of loans, in Python floats with the same exact fallback."""
    out = []
    for bj, rj, nj in zip(b.tolist(), r.tolist(), n.tolist(), strict=True):
        if rj == 0:
            out.append((2 * bj + nj) // (2 * nj))
            continue
        i = rj / d
        x = bj * i / -math.expm1(-nj * math.log1p(i))
        fl = math.floor(x)
        frac = x - fl
        near = abs(frac - 0.5) <= 1e-12 * x + 1e-9
        out.append(_pmt_exact(bj, rj, nj, d) if near else fl + (frac >= 0.5))
    return np.array(out, dtype=np.int64)


def pmt_1d(b: I64, r: I64, n: I64, d: I64 | int) -> I64:
    """:func:`pmt_oere` for 1-d int64 arrays of one shape; ``d = terms_per_year · 10**8``."""
    if b.size <= SMALL_PMT and isinstance(d, int):
        return _pmt_small(b, r, n, d)
    zero = r == 0
    any_zero = bool(zero.any())
    i = (np.where(zero, 1, r) if any_zero else r) / d
    x = b * i / -np.expm1(-n * np.log1p(i))
    fl = np.floor(x)
    frac = x - fl
    out = fl.astype(np.int64)
    out += frac >= 0.5
    if any_zero:
        out[zero] = div_half_up(b[zero], n[zero])
    near = np.abs(frac - 0.5) <= 1e-12 * x + 1e-9
    if near.any():
        for j in np.flatnonzero(near & ~zero).tolist():
            dj = d if isinstance(d, int) else int(d[j])
            out[j] = _pmt_exact(int(b[j]), int(r[j]), int(n[j]), dj)
    return out


def _nper_ok(b: int, a: int, r: int, d: int, k: int) -> bool:
    return bool((d + r) ** k * (a * d - b * r) >= a * d ** (k + 1))


def nper_ceil(balance: Any, payment: Any, rate_e8: Any, terms_per_year: Any) -> I64:
    """Least number of terms a kept level payment needs to repay ``balance`` (see module doc).

    Returns :data:`NO_END` where the payment does not exceed the periodic interest.

    >>> nper_ceil([100_000_000], [584591], [5_000_000], 12).tolist()  # PMT = 5845.9004…
    [300]
    """
    b, a, r, tpy = np.broadcast_arrays(
        np.asarray(balance, dtype=np.int64),
        np.asarray(payment, dtype=np.int64),
        np.asarray(rate_e8, dtype=np.int64),
        np.asarray(terms_per_year, dtype=np.int64),
    )
    out = np.full(b.shape, NO_END, dtype=np.int64)
    d = tpy * RATE_SCALE
    out[b <= 0] = 0
    zero = (b > 0) & (r == 0) & (a > 0)
    if zero.any():
        out[zero] = -((-b[zero]) // a[zero])
    pos = (b > 0) & (r > 0) & (a > 0)
    if not pos.any():
        return out
    idx = np.flatnonzero(pos)
    bb, aa, rr, dd = b[idx], a[idx], r[idx], d[idx]
    # the payment must exceed the exact periodic interest, a·D > b·r (float, exact if close;
    # the products can exceed int64)
    lhs, rhs = aa.astype(np.float64) * dd, bb.astype(np.float64) * rr
    ok = lhs > rhs * (1 + 1e-12)
    for j in np.flatnonzero(~ok & (lhs >= rhs * (1 - 1e-12))).tolist():
        ok[j] = int(aa[j]) * int(dd[j]) > int(bb[j]) * int(rr[j])
    idx, bb, aa, rr, dd = idx[ok], bb[ok], aa[ok], rr[ok], dd[ok]
    i = rr / dd
    x = bb * i / aa  # share of the payment taken by interest, < 1
    kf = -np.log1p(-x) / np.log1p(i)
    res = np.maximum(np.ceil(kf), 1.0).astype(np.int64)
    # float error grows with kf and with 1/(1 − x); near a whole number, and short enough
    # for exact powers, decide with integers
    tol = 1e-12 * (1.0 + kf) * (1.0 + 1.0 / (1.0 - x))
    near = (np.abs(kf - np.round(kf)) <= tol) & (kf <= EXACT_NPER_MAX)
    for j in np.flatnonzero(near).tolist():
        k0 = max(round(float(kf[j])), 1)
        args = (int(bb[j]), int(aa[j]), int(rr[j]), int(dd[j]))
        while k0 > 1 and _nper_ok(*args, k0 - 1):
            k0 -= 1
        while not _nper_ok(*args, k0):
            k0 += 1
        res[j] = k0
    out[idx] = res
    return out
