"""An independent reference for loan schedules: ``decimal.Decimal``, one loan, one term at a time.

Written from the stated rules, not from the engine's code, so that the benchmark can check the
engine against something that was not derived from it. It is deliberately slow and plain.

Rules (money in integer øre, 1 NOK = 100 øre; ``tpy`` = terms per year):

* The annual nominal rate is quantised to 1e-8, round half up.
* Interest of a term = round_half_up(balance × rate / tpy), exact.
* Interest-only terms ``1 … io``: repayment 0.
* When amortisation starts (term ``io + 1``) the level amount is set on the balance then
  outstanding, over the ``n − io`` terms that remain:

  - annuity: payment = round_half_up(PMT), PMT = B·i / (1 − (1 + i)^−m), i = rate / tpy
    (i = 0: B / m); repayment = payment − interest;
  - serial: repayment = round_half_up(B / m), the same every term ("like store avdrag").

* A rate change at term ``t`` (1-based) applies from term ``t`` on; for an annuity already
  amortising, the payment is recomputed as above on the opening balance of term ``t`` over the
  ``n − t + 1`` terms left. A serial loan keeps its repayment.
* A repayment never exceeds the balance; the final term ``n`` repays the whole balance (it
  absorbs all rounding), so repayments sum exactly to the principal.
* Fee per term is added to the payment of every term the loan runs:
  payment = interest + repayment + fee.

Extra (lump-sum) repayments are not modelled here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

#: Working precision: far beyond what a 1e11-øre balance over 600 terms needs.
PRECISION = 60
_ONE = Decimal(1)
_RATE_QUANTUM = Decimal("1e-8")


def round_half_up(x: Decimal) -> int:
    """Nearest integer, halves away from zero (all amounts here are ≥ 0)."""
    return int(x.quantize(_ONE, rounding=ROUND_HALF_UP))


def quantise_rate(rate: float | str | Decimal) -> Decimal:
    """Annual rate (fraction) to a multiple of 1e-8, round half up. Floats go via ``repr``."""
    d = rate if isinstance(rate, Decimal) else Decimal(str(rate))
    return d.quantize(_RATE_QUANTUM, rounding=ROUND_HALF_UP)


def interest(balance: int, annual_rate: Decimal, tpy: int) -> int:
    """round_half_up(balance × annual_rate / tpy)."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return round_half_up(Decimal(balance) * annual_rate / tpy)


def annuity_payment(balance: int, annual_rate: Decimal, n_terms: int, tpy: int) -> int:
    """round_half_up(PMT): B·i / (1 − (1 + i)^−n), i = rate / tpy; B / n at zero rate."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        b = Decimal(balance)
        if annual_rate == 0:
            return round_half_up(b / n_terms)
        i = annual_rate / tpy
        return round_half_up(b * i / (1 - (1 + i) ** -n_terms))


def serial_repayment(balance: int, n_terms: int) -> int:
    """round_half_up(B / n)."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return round_half_up(Decimal(balance) / n_terms)


@dataclass(frozen=True)
class RefLoan:
    """One loan in reference units: principal in øre, rates as fractions (quantised here)."""

    principal_oere: int
    annual_rate: Decimal | str | float
    n_terms: int
    serial: bool = False
    interest_only_terms: int = 0
    fee_oere: int = 0
    terms_per_year: int = 12
    #: (term, annual_rate) pairs, term 1-based, at most one per term.
    rate_changes: tuple[tuple[int, Decimal | str | float], ...] = ()


@dataclass
class RefTerm:
    """One term of a reference schedule (øre)."""

    term: int
    opening_balance: int
    interest: int
    repayment: int
    fee: int
    payment: int
    closing_balance: int


def schedule(loan: RefLoan) -> list[RefTerm]:
    """Every term of ``loan`` until its balance is 0, per the module's rules."""
    n, io, tpy = loan.n_terms, loan.interest_only_terms, loan.terms_per_year
    if not 0 <= io < n:
        raise ValueError(f"interest_only_terms = {io}: must be in [0, n_terms)")
    rate = quantise_rate(loan.annual_rate)
    changes = {term: quantise_rate(r) for term, r in loan.rate_changes}
    balance = loan.principal_oere
    level = 0  # annuity: payment excl. fee; serial: repayment
    rows: list[RefTerm] = []
    for t in range(1, n + 1):
        if balance == 0:
            break
        opening = balance
        if t in changes:
            rate = changes[t]
            if not loan.serial and t > io + 1:
                level = annuity_payment(balance, rate, n - t + 1, tpy)
        if t == io + 1:
            if loan.serial:
                level = serial_repayment(balance, n - io)
            else:
                level = annuity_payment(balance, rate, n - io, tpy)
        i_t = interest(balance, rate, tpy)
        if t <= io:
            rep = 0
        elif t == n:
            rep = balance
        else:
            rep = min(level if loan.serial else level - i_t, balance)
            if rep < 0:
                raise ValueError(f"term {t}: payment {level} below interest {i_t}")
        balance -= rep
        rows.append(
            RefTerm(t, opening, i_t, rep, loan.fee_oere, i_t + rep + loan.fee_oere, balance)
        )
    return rows


@dataclass
class RefYearly:
    """Per-loan-year totals (øre); index 0 is loan year 1 (terms 1 … tpy)."""

    interest: list[int] = field(default_factory=list)
    repayment: list[int] = field(default_factory=list)
    fee: list[int] = field(default_factory=list)
    payment: list[int] = field(default_factory=list)
    closing_balance: list[int] = field(default_factory=list)

    def padded(self, n_years: int) -> RefYearly:
        """The same totals with zero years appended up to ``n_years``."""
        pad = [0] * (n_years - len(self.interest))
        return RefYearly(
            self.interest + pad,
            self.repayment + pad,
            self.fee + pad,
            self.payment + pad,
            self.closing_balance + pad,
        )


def yearly(loan: RefLoan) -> RefYearly:
    """Totals of interest, repayment, fee and payment per loan year, and closing balance."""
    tpy = loan.terms_per_year
    out = RefYearly()
    for row in schedule(loan):
        y = (row.term - 1) // tpy
        if y == len(out.interest):
            for col in (out.interest, out.repayment, out.fee, out.payment, out.closing_balance):
                col.append(0)
        out.interest[y] += row.interest
        out.repayment[y] += row.repayment
        out.fee[y] += row.fee
        out.payment[y] += row.payment
        out.closing_balance[y] = row.closing_balance
    return out


YEARLY_FIELDS: Sequence[str] = ("interest", "repayment", "fee", "payment", "closing_balance")


def compare_yearly(
    loans: Iterable[tuple[int, RefLoan]], engine_rows: dict[str, object]
) -> list[tuple[int, str, int, list[int], list[int]]]:
    """Mismatches between the reference and engine yearly totals.

    ``engine_rows[field]`` is an (N, Y) array-like indexed by the loan's row number. Returns
    ``(row, field, first differing year (1-based), reference, engine)`` for each mismatch.
    """
    bad: list[tuple[int, str, int, list[int], list[int]]] = []
    for row, loan in loans:
        ref = yearly(loan)
        for name in YEARLY_FIELDS:
            eng = [int(v) for v in engine_rows[name][row]]  # type: ignore[index]
            want = getattr(ref.padded(len(eng)), name)
            if want != eng:
                year = next(k for k, (a, b) in enumerate(zip(want, eng, strict=False)) if a != b)
                bad.append((row, name, year + 1, want, eng))
    return bad
