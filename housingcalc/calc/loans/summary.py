"""Per-loan summaries, the effective rate, and the one-loan views used by the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from housingcalc.calc.loans._exact import F64, I64, OERE_PER_NOK, RATE_SCALE
from housingcalc.calc.loans.engine import _term_major, amortize, amortize_yearly
from housingcalc.calc.loans.model import Loan, LoanBatch

if TYPE_CHECKING:
    import pandas as pd

SUMMARY_CHUNK = 4096


@dataclass(frozen=True, eq=False)
class LoanSummary:
    """Per-loan arrays, shape ``(N,)``; money in int64 øre.

    * ``first_payment``: the payment (incl. fee) of the first term after the interest-only
      period, i.e. term ``interest_only_terms + 1``.
    * ``interest_only_payment``: the payment of term 1 when the loan starts interest-only,
      else 0.
    * ``n_terms``: terms the loan actually ran (fewer than contracted after "shorten" extras).
    * ``total_fees`` includes the set-up fee; ``total_cost = total_interest + total_fees``;
      ``total_repaid`` (ordinary + extra) equals the principal;
      ``total_paid = total_repaid + total_cost``.
    * ``effective_rate``: annual effective rate incl. fees (float), see :func:`effective_rate`.
    """

    first_payment: I64
    interest_only_payment: I64
    n_terms: I64
    total_interest: I64
    total_fees: I64
    total_repaid: I64
    total_cost: I64
    total_paid: I64
    effective_rate: F64


def effective_rate(net_advance: F64, cash_flows: F64, terms_per_year: I64, guess: F64) -> F64:
    """Annual effective rate of ``+net_advance`` at t0 against ``cash_flows`` (shape ``(T, N)``,
    term ``t`` in row ``t − 1``, paid by the borrower).

    Solves ``g(v) = Σ_t c_t v**t − net_advance = 0`` for the discount factor ``v = 1/(1+irr)``
    by Newton's method, vectorised over loans. With ``c_t ≥ 0`` the function is increasing
    and convex on ``(0, 1]``, and ``g(1) = Σ c_t − net_advance ≥ 0`` (a loan repays at least
    what it advanced), so Newton started where ``g ≥ 0`` decreases monotonically to the root.
    The result is ``(1 + irr)**terms_per_year − 1 = v**−terms_per_year − 1``
    (the effective rate of the Norwegian finance agreements regulation, "effektiv rente").
    ``guess`` is a per-term rate to start from (e.g. the nominal periodic rate).
    """
    v = 1.0 / (1.0 + guess)
    g, _ = _horner(cash_flows, v, net_advance)
    v = np.where(g >= 0, v, 1.0)
    for _ in range(100):
        g, dg = _horner(cash_flows, v, net_advance)
        step = np.where(dg > 0, g / np.where(dg > 0, dg, 1.0), 0.0)
        v_new = np.clip(v - step, 1e-9, 1.0)
        done = np.abs(v_new - v) <= 1e-15
        v = v_new
        if done.all():
            break
    out: F64 = np.expm1(-terms_per_year * np.log(v))
    return np.where(out < 0, 0.0, out)


def _horner(c: F64, v: F64, net: F64) -> tuple[F64, F64]:
    """``g(v) = v·h(v) − net`` and ``g'(v)`` with ``h(v) = Σ c_t v**(t−1)`` by Horner."""
    h = c[-1].copy()
    dh = np.zeros_like(h)
    for t in range(c.shape[0] - 2, -1, -1):
        np.multiply(dh, v, out=dh)
        np.add(dh, h, out=dh)
        np.multiply(h, v, out=h)
        np.add(h, c[t], out=h)
    return v * h - net, h + v * dh


def summarize(batch: LoanBatch, *, chunk: int = SUMMARY_CHUNK) -> LoanSummary:
    """Summary arrays for every loan, computed in chunks of ``chunk`` loans (memory bound).

    >>> from housingcalc.calc.loans import Loan, LoanBatch
    >>> s = summarize(LoanBatch.from_loans([Loan(12_000, 0.06, n_terms=12)]))
    >>> int(s.first_payment[0]), int(s.total_interest[0]), round(float(s.effective_rate[0]), 6)
    (103280, 39358, 0.06168)
    """
    n = len(batch)
    parts: dict[str, list[np.ndarray]] = {f: [] for f in LoanSummary.__dataclass_fields__}
    for start in range(0, n, chunk):
        rows = np.arange(start, min(n, start + chunk))
        sub = batch if rows.size == n else batch.take(rows)
        for f, arr in _summarize_chunk(sub, _term_major(sub)).items():
            parts[f].append(arr)
    return LoanSummary(**{f: np.concatenate(a) for f, a in parts.items()})


def _summarize_chunk(b: LoanBatch, s: dict[str, I64]) -> dict[str, np.ndarray]:
    """Summary of the loans of ``b`` from their term-major schedules ``s`` (``(T, N)``)."""
    cols = np.arange(len(b))
    io = b.interest_only_terms
    payment, extra = s["payment"], s["extra_repayment"]
    first = payment[io, cols]
    io_pay = np.where(io > 0, payment[0], 0)
    interest = s["interest"].sum(axis=0)
    fees = s["fee"].sum(axis=0) + b.setup_fee_oere
    repaid = s["repayment"].sum(axis=0) + extra.sum(axis=0)
    cash = (payment + extra).astype(np.float64)
    net = (b.principal_oere - b.setup_fee_oere).astype(np.float64)
    guess = b.rate_e8 / (b.terms_per_year * float(RATE_SCALE))
    eff = effective_rate(net, cash, b.terms_per_year, guess)
    return {
        "first_payment": first,
        "interest_only_payment": io_pay,
        "n_terms": s["n_terms"],
        "total_interest": interest,
        "total_fees": fees,
        "total_repaid": repaid,
        "total_cost": interest + fees,
        "total_paid": repaid + interest + fees,
        "effective_rate": eff,
    }


def _nok(oere: I64) -> list[float]:
    return [round(int(x) / OERE_PER_NOK, 2) for x in oere]


def schedule_columns(loan: Loan) -> dict[str, list[int] | list[float]]:
    """One entry per term the loan runs, as columns of plain Python numbers (NOK to the øre).

    Columns: ``term`` (1-based), ``opening_balance``, ``interest``, ``repayment``,
    [``extra_repayment`` only when the loan has extra repayments], ``fee``, ``payment``,
    ``closing_balance``. (No pandas: ``housingcalc loan`` starts faster without it.)

    >>> schedule_columns(Loan(12_000, 0.06, n_terms=12))["payment"][:2]
    [1032.8, 1032.8]
    """
    s = amortize(LoanBatch.from_loans([loan]))
    n = int(s.n_terms[0])
    cols: dict[str, list[int] | list[float]] = {"term": list(range(1, n + 1))}
    names = ["opening_balance", "interest", "repayment"]
    if loan.extra_repayments:
        names.append("extra_repayment")
    names += ["fee", "payment", "closing_balance"]
    for name in names:
        cols[name] = _nok(getattr(s, name)[0, :n])
    return cols


def yearly_columns(loan: Loan) -> dict[str, list[int] | list[float]]:
    """One entry per loan year (terms ``1 … terms_per_year`` are year 1), NOK to the øre.

    Columns: ``year``, ``opening_balance``, ``interest``, ``repayment`` (ordinary + extra),
    ``fee``, ``payment`` (ordinary payments; extra repayments are not in it),
    ``closing_balance``.

    >>> yearly_columns(Loan(120_000, 0.0, years=2))["payment"]
    [60000.0, 60000.0]
    """
    y = amortize_yearly(LoanBatch.from_loans([loan]))
    n_years = -(-int(y.n_terms[0]) // loan.terms_per_year)
    cols: dict[str, list[int] | list[float]] = {"year": list(range(1, n_years + 1))}
    for name in ("opening_balance", "interest", "repayment", "fee", "payment", "closing_balance"):
        cols[name] = _nok(getattr(y, name)[0, :n_years])
    return cols


def schedule_frame(loan: Loan) -> pd.DataFrame:
    """:func:`schedule_columns` as a pandas frame."""
    import pandas as pd

    return pd.DataFrame(schedule_columns(loan))


def yearly_frame(loan: Loan) -> pd.DataFrame:
    """:func:`yearly_columns` as a pandas frame.

    >>> yearly_frame(Loan(120_000, 0.0, years=2)).payment.tolist()
    [60000.0, 60000.0]
    """
    import pandas as pd

    return pd.DataFrame(yearly_columns(loan))


def summary_dict(loan: Loan) -> dict[str, float | int]:
    """JSON-ready summary of one loan: NOK rounded to 0.01, rates as fractions.

    >>> d = summary_dict(Loan(1_000_000, 0.05, years=25))
    >>> d["first_payment"], d["n_terms"], d["total_interest"]
    (5845.9, 300, 753770.27)
    """
    s = summarize(LoanBatch.from_loans([loan]))
    out: dict[str, float | int] = {
        "principal": round(float(loan.principal), 2),
        "annual_rate": float(loan.annual_rate),
        "terms_per_year": int(loan.terms_per_year),
        "contract_terms": loan.terms,
        "interest_only_terms": int(loan.interest_only_terms),
    }
    for f in ("first_payment", "interest_only_payment"):
        out[f] = _nok(getattr(s, f))[0]
    out["n_terms"] = int(s.n_terms[0])
    for f in ("total_interest", "total_fees", "total_repaid", "total_cost", "total_paid"):
        out[f] = _nok(getattr(s, f))[0]
    out["effective_rate"] = round(float(s.effective_rate[0]), 10)
    return out
