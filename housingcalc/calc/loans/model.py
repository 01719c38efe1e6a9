"""Loan inputs: :class:`Loan` (one loan, user-facing) and :class:`LoanBatch` (N loans as columns).

Every bad argument raises :class:`~housingcalc.errors.InputError` naming the field
(``principal``; ``principal[17]`` inside a batch), the value and the rule.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from housingcalc.calc.loans._exact import (
    I64,
    MAX_PRINCIPAL_OERE,
    MAX_RATE_E8,
    OERE_PER_NOK,
    RATE_SCALE,
    quantise_rate,
    to_oere,
)
from housingcalc.errors import InputError

Kind = Literal["annuity", "serial"]
ExtraMode = Literal["shorten", "reduce_payment"]
B8 = np.ndarray[tuple[int], np.dtype[np.bool_]]

TERMS_PER_YEAR_ALLOWED = (1, 2, 4, 12)


def terms_per_year_not_allowed(tpy: Any) -> Any:
    """Where ``tpy`` is not one of :data:`TERMS_PER_YEAR_ALLOWED` (``np.isin`` without its
    first-call cost: it imports ``numpy.ma``, a tenth of ``housingcalc loan``)."""
    a = np.asarray(tpy)
    return np.logical_and.reduce([a != v for v in TERMS_PER_YEAR_ALLOWED])


MAX_YEARS = 50  # engine limit (start loans: "up to 50 years in special cases")
MAX_RATE = MAX_RATE_E8 / RATE_SCALE
MAX_PRINCIPAL = MAX_PRINCIPAL_OERE / OERE_PER_NOK
MAX_FEE = 1_000_000.0  # per term; a plausibility bound, not a rule


def _finite(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InputError(name, value, "must be a number")
    v = float(value)
    if not math.isfinite(v):
        raise InputError(name, value, "must be a finite number")
    return v


def _integer(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputError(name, value, "must be a whole number")
    return int(value)


@dataclass(frozen=True)
class RateChange:
    """From ``term`` (1-based) on, the nominal annual rate is ``annual_rate``.

    At the change an annuity is re-computed over the remaining term on the opening balance of
    that term; a serial loan keeps its repayment.
    """

    term: int
    annual_rate: float


@dataclass(frozen=True)
class ExtraRepayment:
    """A lump sum (NOK) paid after the ordinary payment of ``term`` (1-based)."""

    term: int
    amount: float


@dataclass(frozen=True)
class Loan:
    """One loan, validated on construction (:class:`InputError` naming the field).

    * ``principal``: NOK, 0.01 … 1 000 000 000 (converted to øre, round half up).
    * ``years`` or ``n_terms`` (both only if they agree); at most 50 years;
      :attr:`terms` is the contractual number of terms.
    * ``annual_rate``: nominal, a fraction, 0 ≤ r ≤ 0.3; quantised to 1e-8.
    * ``terms_per_year``: 1, 2, 4 or 12; ``kind``: ``"annuity"`` or ``"serial"``.
    * ``interest_only_terms``: terms at the start with interest (and fee) only, < ``n_terms``.
    * ``fee_per_term`` is added to every payment; ``setup_fee`` is paid at the start (it counts
      in the total cost and the effective rate, not in the schedule).
    * ``extra_mode``: ``"shorten"`` keeps the payment and ends the loan sooner;
      ``"reduce_payment"`` keeps the end and lowers the payment. An extra repayment during the
      interest-only period lowers the balance the annuity is computed from when amortisation
      starts, in both modes.
    * ``rate_changes``: at most one per term, each within the loan (1 … terms).
    """

    principal: float
    annual_rate: float
    years: float | None = None
    n_terms: int | None = None
    terms_per_year: int = 12
    kind: Kind = "annuity"
    interest_only_terms: int = 0
    fee_per_term: float = 0.0
    setup_fee: float = 0.0
    rate_changes: tuple[RateChange, ...] = ()
    extra_repayments: tuple[ExtraRepayment, ...] = ()
    extra_mode: ExtraMode = "shorten"

    def __post_init__(self) -> None:
        p = _finite("principal", self.principal)
        if p <= 0:
            raise InputError("principal", self.principal, "must be > 0")
        if p > MAX_PRINCIPAL:
            raise InputError("principal", self.principal, f"must be ≤ {MAX_PRINCIPAL:.0f}")
        if int(to_oere(p)) < 1:
            raise InputError("principal", self.principal, "must be at least 0.01")
        _check_rate("annual_rate", self.annual_rate)
        tpy = _integer("terms_per_year", self.terms_per_year)
        if tpy not in TERMS_PER_YEAR_ALLOWED:
            raise InputError("terms_per_year", self.terms_per_year, "must be one of 1, 2, 4, 12")
        n = self._resolve_terms(tpy)
        object.__setattr__(self, "_terms", n)  # not a field: replace() re-derives it
        if self.kind not in ("annuity", "serial"):
            raise InputError("kind", self.kind, "must be 'annuity' or 'serial'")
        if self.extra_mode not in ("shorten", "reduce_payment"):
            raise InputError("extra_mode", self.extra_mode, "must be 'shorten' or 'reduce_payment'")
        io = _integer("interest_only_terms", self.interest_only_terms)
        if io < 0 or io >= n:
            raise InputError(
                "interest_only_terms", self.interest_only_terms, f"must be ≥ 0 and < n_terms ({n})"
            )
        fee = _finite("fee_per_term", self.fee_per_term)
        if fee < 0 or fee > MAX_FEE:
            raise InputError("fee_per_term", self.fee_per_term, f"must be ≥ 0 and ≤ {MAX_FEE:.0f}")
        setup = _finite("setup_fee", self.setup_fee)
        if setup < 0 or setup >= p:
            raise InputError("setup_fee", self.setup_fee, "must be ≥ 0 and < principal")
        self._check_events(n)

    def _check_events(self, n: int) -> None:
        seen: set[int] = set()
        for j, rc in enumerate(self.rate_changes):
            name = f"rate_changes[{j}]"
            if not isinstance(rc, RateChange):
                raise InputError(name, rc, "must be a RateChange(term, annual_rate)")
            t = _integer(f"{name}.term", rc.term)
            if t < 1 or t > n:
                raise InputError(f"{name}.term", rc.term, f"must be within the loan: 1 … {n}")
            if t in seen:
                raise InputError(f"{name}.term", rc.term, "two rate changes at the same term")
            seen.add(t)
            _check_rate(f"{name}.annual_rate", rc.annual_rate)
        for j, ex in enumerate(self.extra_repayments):
            name = f"extra_repayments[{j}]"
            if not isinstance(ex, ExtraRepayment):
                raise InputError(name, ex, "must be an ExtraRepayment(term, amount)")
            t = _integer(f"{name}.term", ex.term)
            if t < 1 or t > n:
                raise InputError(f"{name}.term", ex.term, f"must be within the loan: 1 … {n}")
            a = _finite(f"{name}.amount", ex.amount)
            if a <= 0 or a > MAX_PRINCIPAL:
                raise InputError(f"{name}.amount", ex.amount, "must be > 0")

    def _resolve_terms(self, tpy: int) -> int:
        if (self.years is None) == (self.n_terms is None):
            if self.years is not None and self.n_terms is not None:
                y = _finite("years", self.years)
                if self.n_terms == round(y * tpy):
                    return _integer("n_terms", self.n_terms)
            raise InputError("years", self.years, "give exactly one of years and n_terms")
        if self.years is not None:
            y = _finite("years", self.years)
            if y > MAX_YEARS:  # before rounding: round() of a huge float overflows
                raise InputError("years", self.years, f"must be ≤ {MAX_YEARS}")
            n_float = y * tpy
            if n_float <= 0 or abs(n_float - round(n_float)) > 1e-9:
                raise InputError(
                    "years", self.years, f"must be > 0 and a whole number of terms ({tpy}/year)"
                )
            n = round(n_float)
            if n > MAX_YEARS * tpy:
                raise InputError("years", self.years, f"must be ≤ {MAX_YEARS}")
            return n
        n = _integer("n_terms", self.n_terms)
        if n < 1 or n > MAX_YEARS * tpy:
            raise InputError("n_terms", self.n_terms, f"must be 1 … {MAX_YEARS * tpy}")
        return n

    @property
    def terms(self) -> int:
        """Contractual number of terms (``n_terms``, or ``years × terms_per_year``)."""
        n: int = self.__dict__["_terms"]
        return n


def _check_rate(name: str, value: Any) -> None:
    r = _finite(name, value)
    if r < 0 or r > MAX_RATE:
        raise InputError(name, value, f"must be a fraction between 0 and {MAX_RATE:g}")


def _i64(name: str, values: Any, n: int | None = None) -> I64:
    arr = np.asarray(values)
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
        if arr.size and np.issubdtype(arr.dtype, np.floating):
            bad = ~np.isfinite(arr) | (arr != np.round(arr))
            if bad.any():
                j = int(np.flatnonzero(bad.ravel())[0])
                raise InputError(_at(name, j, arr), arr.ravel()[j], "must be a whole number")
        elif arr.size:
            raise InputError(name, values, "must be whole numbers")
    out = np.ascontiguousarray(arr, dtype=np.int64)
    if n is not None:
        out = np.ascontiguousarray(np.broadcast_to(out, (n,)))
    if out.ndim != 1:
        raise InputError(name, values, "must be one-dimensional")
    return out


def _at(name: str, j: int, arr: Any) -> str:
    return name if np.ndim(arr) == 0 else f"{name}[{j}]"


def _fail_first(name: str, bad: B8, values: Any, rule: str) -> None:
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        v = np.asarray(values)
        shown = v.ravel()[j] if v.ndim else v
        raise InputError(f"{name}[{j}]", shown.item() if hasattr(shown, "item") else shown, rule)


@dataclass(frozen=True, eq=False)
class LoanBatch:
    """N loans as columns in engine units (øre, ``rate_e8``), plus sorted event arrays.

    Build it with :meth:`from_loans` or :meth:`from_arrays`; direct construction is validated
    too. Column arrays have shape ``(N,)``. Events are flat arrays sorted by term:

    * rate changes ``rc_loan, rc_term, rc_rate_e8``: from term ``rc_term`` (1-based) loan
      ``rc_loan`` pays ``rc_rate_e8``; at most one change per loan and term;
    * extra repayments ``ex_loan, ex_term, ex_oere``: several at one term are summed.
    """

    principal_oere: I64
    rate_e8: I64
    n_terms: I64
    terms_per_year: I64
    serial: B8
    interest_only_terms: I64
    fee_oere: I64
    setup_fee_oere: I64
    reduce_payment: B8
    rc_loan: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    rc_term: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    rc_rate_e8: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    ex_loan: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    ex_term: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    ex_oere: I64 = field(default_factory=lambda: np.zeros(0, np.int64))

    def __post_init__(self) -> None:
        n = np.asarray(self.principal_oere).shape[0] if np.ndim(self.principal_oere) else 1
        set_ = object.__setattr__
        for name in (
            "principal_oere",
            "rate_e8",
            "n_terms",
            "terms_per_year",
            "interest_only_terms",
            "fee_oere",
            "setup_fee_oere",
        ):
            set_(self, name, _i64(name, getattr(self, name), n))
        for name in ("serial", "reduce_payment"):
            set_(self, name, np.ascontiguousarray(np.broadcast_to(getattr(self, name), (n,)), bool))
        for name in ("rc_loan", "rc_term", "rc_rate_e8", "ex_loan", "ex_term", "ex_oere"):
            set_(self, name, _i64(name, getattr(self, name)))
        self._validate(n)
        self._sort_events(n)

    def __len__(self) -> int:
        return int(self.principal_oere.shape[0])

    def _validate(self, n: int) -> None:
        p, r, nt, tpy = self.principal_oere, self.rate_e8, self.n_terms, self.terms_per_year
        _fail_first("principal", p < 1, p / 100, "must be at least 0.01")
        _fail_first("principal", p > MAX_PRINCIPAL_OERE, p / 100, f"must be ≤ {MAX_PRINCIPAL:.0f}")
        rule = f"must be a fraction between 0 and {MAX_RATE:g}"
        _fail_first("annual_rate", (r < 0) | (r > MAX_RATE_E8), r / RATE_SCALE, rule)
        _fail_first(
            "terms_per_year",
            terms_per_year_not_allowed(tpy),
            tpy,
            "must be one of 1, 2, 4, 12",
        )
        _fail_first(
            "n_terms", (nt < 1) | (nt > MAX_YEARS * tpy), nt, f"must be 1 … {MAX_YEARS} years"
        )
        io = self.interest_only_terms
        _fail_first("interest_only_terms", (io < 0) | (io >= nt), io, "must be ≥ 0 and < n_terms")
        fee_max = round(MAX_FEE * OERE_PER_NOK)
        _fail_first(
            "fee_per_term",
            (self.fee_oere < 0) | (self.fee_oere > fee_max),
            self.fee_oere / 100,
            "must be ≥ 0 and ≤ 1000000",
        )
        s = self.setup_fee_oere
        _fail_first("setup_fee", (s < 0) | (s >= p), s / 100, "must be ≥ 0 and < principal")
        for pre, loan, term in (
            ("rate_change", self.rc_loan, self.rc_term),
            ("extra_repayment", self.ex_loan, self.ex_term),
        ):
            if loan.shape != term.shape:
                raise InputError(f"{pre}_term", term.shape, f"must match {pre}_loan in length")
            _fail_first(f"{pre}_loan", (loan < 0) | (loan >= n), loan, f"must be 0 … {n - 1}")
            if loan.size:
                _fail_first(
                    f"{pre}_term",
                    (term < 1) | (term > nt[loan]),
                    term,
                    "must be within the loan: 1 … n_terms",
                )
        if self.rc_rate_e8.shape != self.rc_loan.shape:
            raise InputError("rate_change_rate", self.rc_rate_e8.shape, "must match in length")
        _fail_first(
            "rate_change_rate",
            (self.rc_rate_e8 < 0) | (self.rc_rate_e8 > MAX_RATE_E8),
            self.rc_rate_e8 / RATE_SCALE,
            rule,
        )
        if self.ex_oere.shape != self.ex_loan.shape:
            raise InputError("extra_repayment_amount", self.ex_oere.shape, "must match in length")
        _fail_first(
            "extra_repayment_amount",
            (self.ex_oere < 1) | (self.ex_oere > MAX_PRINCIPAL_OERE),
            self.ex_oere / 100,
            "must be > 0",
        )

    def _sort_events(self, n: int) -> None:
        set_ = object.__setattr__
        if self.rc_loan.size:
            key = self.rc_term * n + self.rc_loan
            order = np.argsort(key, kind="stable")
            k = key[order]
            dup = np.flatnonzero(k[1:] == k[:-1])
            if dup.size:
                j = int(order[dup[0] + 1])
                raise InputError(
                    f"rate_change_term[{j}]",
                    int(self.rc_term[j]),
                    "two rate changes for one loan at the same term",
                )
            for name in ("rc_loan", "rc_term", "rc_rate_e8"):
                set_(self, name, getattr(self, name)[order])
        if self.ex_loan.size:
            key = self.ex_term * n + self.ex_loan
            uniq, inv = np.unique(key, return_inverse=True)
            amount = np.zeros(uniq.shape[0], np.int64)
            np.add.at(amount, inv, self.ex_oere)
            set_(self, "ex_loan", uniq % n)
            set_(self, "ex_term", uniq // n)
            set_(self, "ex_oere", amount)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_loans(cls, loans: Sequence[Loan]) -> LoanBatch:
        """Columns for a list of validated :class:`Loan` objects (events keep their loan index)."""
        if len(loans) == 0:
            raise InputError("loans", "[]", "give at least one loan")
        rc_l, rc_t, rc_r, ex_l, ex_t, ex_a = [], [], [], [], [], []
        for j, loan in enumerate(loans):
            if not isinstance(loan, Loan):
                raise InputError(f"loans[{j}]", loan, "must be a Loan")
            for rc in loan.rate_changes:
                rc_l.append(j)
                rc_t.append(rc.term)
                rc_r.append(rc.annual_rate)
            for ex in loan.extra_repayments:
                ex_l.append(j)
                ex_t.append(ex.term)
                ex_a.append(ex.amount)
        return cls(
            principal_oere=to_oere([ln.principal for ln in loans]),
            rate_e8=quantise_rate([ln.annual_rate for ln in loans]),
            n_terms=np.array([ln.terms for ln in loans], np.int64),
            terms_per_year=np.array([ln.terms_per_year for ln in loans], np.int64),
            serial=np.array([ln.kind == "serial" for ln in loans], bool),
            interest_only_terms=np.array([ln.interest_only_terms for ln in loans], np.int64),
            fee_oere=to_oere([ln.fee_per_term for ln in loans]),
            setup_fee_oere=to_oere([ln.setup_fee for ln in loans]),
            reduce_payment=np.array([ln.extra_mode == "reduce_payment" for ln in loans], bool),
            rc_loan=np.array(rc_l, np.int64),
            rc_term=np.array(rc_t, np.int64),
            rc_rate_e8=quantise_rate(np.array(rc_r, np.float64)),
            ex_loan=np.array(ex_l, np.int64),
            ex_term=np.array(ex_t, np.int64),
            ex_oere=to_oere(np.array(ex_a, np.float64)),
        )

    @classmethod
    def from_arrays(
        cls,
        principal: Any,
        annual_rate: Any,
        n_terms: Any,
        *,
        terms_per_year: Any = 12,
        kind: Any = "annuity",
        interest_only_terms: Any = 0,
        fee_per_term: Any = 0.0,
        setup_fee: Any = 0.0,
        extra_mode: Any = "shorten",
        rate_change_loan: Any = (),
        rate_change_term: Any = (),
        rate_change_rate: Any = (),
        extra_loan: Any = (),
        extra_term: Any = (),
        extra_amount: Any = (),
    ) -> LoanBatch:
        """Columns from arrays (NOK floats, rate fractions); scalars broadcast to N loans.

        ``kind`` is ``"annuity"``/``"serial"`` (or an array of them), ``extra_mode``
        ``"shorten"``/``"reduce_payment"``. Events: ``rate_change_loan`` (row index),
        ``rate_change_term`` (1-based), ``rate_change_rate`` (fraction); likewise
        ``extra_loan``, ``extra_term``, ``extra_amount`` (NOK).
        """
        p = _float_array("principal", principal)
        n = p.shape[0]
        rate = _float_array("annual_rate", annual_rate, n)
        _fail_first(
            "annual_rate",
            (rate < 0) | (rate > MAX_RATE),
            rate,
            f"must be a fraction between 0 and {MAX_RATE:g}",
        )
        _fail_first("principal", p <= 0, p, "must be > 0")
        _fail_first("principal", p > MAX_PRINCIPAL, p, f"must be ≤ {MAX_PRINCIPAL:.0f}")
        serial = _choice("kind", kind, n, "annuity", "serial")
        reduce_payment = _choice("extra_mode", extra_mode, n, "shorten", "reduce_payment")
        fee = _float_array("fee_per_term", fee_per_term, n)
        setup = _float_array("setup_fee", setup_fee, n)
        rc_rate = _float_array("rate_change_rate", rate_change_rate)
        _fail_first(
            "rate_change_rate",
            (rc_rate < 0) | (rc_rate > MAX_RATE),
            rc_rate,
            f"must be a fraction between 0 and {MAX_RATE:g}",
        )
        ex_amount = _float_array("extra_amount", extra_amount)
        _fail_first("extra_repayment_amount", ex_amount <= 0, ex_amount, "must be > 0")
        return cls(
            principal_oere=to_oere(p),
            rate_e8=quantise_rate(rate),
            n_terms=_i64("n_terms", n_terms, n),
            terms_per_year=_i64("terms_per_year", terms_per_year, n),
            serial=serial,
            interest_only_terms=_i64("interest_only_terms", interest_only_terms, n),
            fee_oere=to_oere(fee),
            setup_fee_oere=to_oere(setup),
            reduce_payment=reduce_payment,
            rc_loan=_i64("rate_change_loan", rate_change_loan),
            rc_term=_i64("rate_change_term", rate_change_term),
            rc_rate_e8=quantise_rate(rc_rate),
            ex_loan=_i64("extra_loan", extra_loan),
            ex_term=_i64("extra_term", extra_term),
            ex_oere=to_oere(ex_amount),
        )

    def take(self, rows: Any) -> LoanBatch:
        """The loans at ``rows`` (in that order, no repeats) with their events re-indexed."""
        idx = np.asarray(rows, dtype=np.int64)
        new = np.full(len(self), -1, np.int64)
        new[idx] = np.arange(idx.shape[0])
        rc = new[self.rc_loan] >= 0
        ex = new[self.ex_loan] >= 0
        return LoanBatch(
            principal_oere=self.principal_oere[idx],
            rate_e8=self.rate_e8[idx],
            n_terms=self.n_terms[idx],
            terms_per_year=self.terms_per_year[idx],
            serial=self.serial[idx],
            interest_only_terms=self.interest_only_terms[idx],
            fee_oere=self.fee_oere[idx],
            setup_fee_oere=self.setup_fee_oere[idx],
            reduce_payment=self.reduce_payment[idx],
            rc_loan=new[self.rc_loan[rc]],
            rc_term=self.rc_term[rc],
            rc_rate_e8=self.rc_rate_e8[rc],
            ex_loan=new[self.ex_loan[ex]],
            ex_term=self.ex_term[ex],
            ex_oere=self.ex_oere[ex],
        )


def _float_array(
    name: str, values: Any, n: int | None = None
) -> np.ndarray[Any, np.dtype[np.float64]]:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(name, values, "must be numbers") from None
    if n is not None:
        try:
            arr = np.broadcast_to(arr, (n,))
        except ValueError:
            raise InputError(name, arr.shape, f"must be a scalar or have length {n}") from None
    if arr.ndim != 1:
        arr = arr.reshape(-1) if arr.ndim == 0 else arr
        if arr.ndim != 1:
            raise InputError(name, arr.shape, "must be one-dimensional")
    bad = ~np.isfinite(arr)
    _fail_first(name, bad, arr, "must be finite")
    return np.ascontiguousarray(arr)


def _choice(name: str, values: Any, n: int, no: str, yes: str) -> B8:
    """``values == yes`` for a scalar or length-``n`` array of the two words ``no``/``yes``."""
    arr = np.asarray(values)
    if arr.dtype.kind not in "UO":
        raise InputError(name, values, f"must be '{no}' or '{yes}'")
    try:
        arr = np.broadcast_to(arr, (n,))
    except ValueError:
        raise InputError(name, arr.shape, f"must be a scalar or have length {n}") from None
    is_yes = arr == yes
    _fail_first(name, ~(is_yes | (arr == no)), arr, f"must be '{no}' or '{yes}'")
    return np.ascontiguousarray(is_yes, dtype=bool)
