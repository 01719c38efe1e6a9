"""The amortisation engine: a loop over terms with numpy operations over all active loans.

Rules (all money in integer øre, see :mod:`housingcalc.calc.loans._exact`):

* Each term ``t`` (1-based): rate changes taking effect at ``t`` are applied first (an
  annuity is re-computed over the remaining ``E − t + 1`` terms on the opening balance, ``E``
  being the current last term); then ``interest = round_half_up(B · rate / terms_per_year)``.
* Interest-only terms (``t ≤ io``): repayment 0. At ``t = io + 1`` the level amount is set:
  annuity ``PMT(i; E − io; −B)``, serial ``round_half_up(B / (E − io))``.
* Annuity repayment = level − interest; serial repayment = level.
* The repayment is capped at the balance (the loan then ends), and at term ``E`` it is the
  whole balance (the last term absorbs all rounding). So repayments (+ extra repayments) sum
  exactly to the principal and the closing balance is never negative.
* ``payment = interest + repayment + fee`` in every term the loan runs.
* Extra repayment at ``t``: after the ordinary payment, capped at the balance. Mode
  ``reduce_payment``: level re-computed over ``E − t`` terms. Mode ``shorten`` (annuity): the
  level is kept and ``E`` becomes ``t + k``, ``k`` the least number of terms the level needs
  (so a later rate change re-computes over the shortened remaining term); a serial loan keeps
  its repayment and simply ends sooner.

Implementation: loans are processed per (terms_per_year, kind) group in chunks of up to
``chunk`` loans (threads when ``workers > 1``: numpy releases the GIL in its loops). The
per-term hot path is six int64 ufunc calls and one reduction over the active loans; events
(rate changes, extra repayments, ends of interest-only periods, last terms) are flat arrays
sorted by term and touch only their loans. Ended loans are dropped at period ends (active-set
compaction). Per-period totals are derived from balances (``repayment = opening − closing``,
incl. extra), so no per-term repayment array exists and yearly runs store only
``(years × loans)`` arrays. A loan whose balance reaches exactly 0 before its last term is
noticed one term later (its balance then goes to ``−level``) and booked as ended the term
before.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from housingcalc.calc.loans._exact import (
    I64,
    RATE_SCALE,
    _pmt_small,
    div_half_up,
    interest_oere,
    nper_ceil,
    pmt_1d,
)
from housingcalc.calc.loans.model import LoanBatch

CHUNK = 131_072  # one chunk per loan kind for 100 000 loans (benchmarks/what_if.py)


@dataclass(frozen=True, eq=False)
class TermSchedule:
    """Full schedules, int64 øre, shape ``(N, T)``; ``T`` = longest contractual term.

    Row ``j`` column ``t − 1`` is term ``t`` of loan ``j``; terms after a loan ends are 0.
    ``interest + repayment + fee == payment`` everywhere; ``extra_repayment`` is paid on top.
    ``n_terms`` ``(N,)`` is the number of terms each loan actually ran.
    """

    opening_balance: I64
    interest: I64
    repayment: I64
    extra_repayment: I64
    fee: I64
    payment: I64
    closing_balance: I64
    n_terms: I64


@dataclass(frozen=True, eq=False)
class YearlyTotals:
    """Per-loan totals per loan year (terms ``1 … terms_per_year`` are year 1), int64 øre,
    shape ``(N, Y)``, ``Y`` = the longest loan in years (or the years asked for); 0 after a
    loan ends.

    Stored: ``interest``, ``closing_balance`` (end of year), ``extra_repayment`` and, per loan,
    ``n_terms`` (terms actually run), ``principal``, ``fee_per_term``, ``terms_per_year``.
    Derived on first access (cached): ``opening_balance``, ``repayment`` (ordinary + extra,
    ``opening − closing``), ``fee`` (``fee_per_term`` × terms run in the year) and ``payment``
    (sum of the ordinary term payments), so that
    ``interest + repayment + fee == payment + extra_repayment``.
    """

    interest: I64
    closing_balance: I64
    extra_repayment: I64
    n_terms: I64
    principal: I64
    fee_per_term: I64
    terms_per_year: I64

    # derived fields: one (Y, N) year-major allocation each, returned as an (N, Y) view
    @cached_property
    def opening_balance(self) -> I64:
        closing = self.closing_balance.T
        out = np.empty_like(closing)
        out[0] = self.principal
        out[1:] = closing[:-1]
        return out.T

    @cached_property
    def repayment(self) -> I64:
        closing = self.closing_balance.T
        out = np.empty_like(closing)
        np.subtract(self.principal, closing[0], out=out[0])
        np.subtract(closing[:-1], closing[1:], out=out[1:])
        return out.T

    def _terms_in(self, year: int) -> I64:
        n = self.n_terms - year * self.terms_per_year
        return np.clip(n, 0, self.terms_per_year, out=n)

    @cached_property
    def terms_in_year(self) -> I64:
        """Terms each loan ran in each year, ``(N, Y)``."""
        out = np.empty_like(self.closing_balance.T)
        for y in range(out.shape[0]):
            out[y] = self._terms_in(y)
        return out.T

    @cached_property
    def fee(self) -> I64:
        out = np.zeros_like(self.closing_balance.T)
        if self.fee_per_term.any():
            for y in range(out.shape[0]):
                np.multiply(self._terms_in(y), self.fee_per_term, out=out[y])
        return out.T

    @cached_property
    def payment(self) -> I64:
        """Ordinary payments: ``interest + repayment − extra_repayment + fee``."""
        out = self.repayment.T + self.interest.T
        out -= self.extra_repayment.T
        if self.fee_per_term.any():
            for y in range(out.shape[0]):
                out[y] += self._terms_in(y) * self.fee_per_term
        return out.T


def _events(local: I64, loan: I64, term: I64, value: I64, t_max: int) -> tuple[I64, I64, list[int]]:
    """Events of one chunk: local loan index, value, and slice bounds per term."""
    sel = local[loan] >= 0
    loc, trm, val = local[loan[sel]], term[sel], value[sel]
    bounds = np.searchsorted(trm, np.arange(t_max + 2)).tolist()
    return loc, val, bounds


class _Chunk:
    """The simulation of one chunk of loans (ascending rows; one kind and terms per year).

    Writes period rows into the period-major arrays ``out`` (``out[f][period, loan]``) and
    the number of terms run into ``n_terms_out``. Active state arrays (``loc``, ``row``,
    ``bal``, ``rate``, ``level``, ``end``, ``io``, ``fin``, ``fee``) are compacted together at
    period ends; ``pos`` maps a chunk-local loan index to its active position (−1 once gone).

    ``level`` is the annuity amount (interest + repayment) or the serial repayment. During the
    interest-only period it is the term's interest (annuity: ``B − level + interest = B``) or
    0 (serial), so the hot path needs no mask for it.
    """

    def __init__(
        self,
        batch: LoanBatch,
        rows: I64,
        serial: bool,
        tpy: int,
        period: int,
        out: dict[str, I64],
        n_terms_out: I64,
        t_stop: int | None = None,
    ) -> None:
        m0 = rows.shape[0]
        self.serial, self.tpy, self.period = serial, tpy, period
        self.d = tpy * RATE_SCALE
        self.out, self.n_terms_out = out, n_terms_out
        self.full = "opening_balance" in out  # term mode: opening balance and fee reported
        local = np.full(len(batch), -1, np.int64)
        local[rows] = np.arange(m0)
        end0 = batch.n_terms[rows]
        t_max = int(end0.max())
        # a horizon (``t_stop``, whole periods) ends the run there with loans still running
        self.stopped = t_stop is not None and t_stop < t_max
        if self.stopped:
            assert t_stop is not None
            t_max = t_stop
        self.t_max = t_max
        self.rc = _events(local, batch.rc_loan, batch.rc_term, batch.rc_rate_e8, t_max)
        self.ex = _events(local, batch.ex_loan, batch.ex_term, batch.ex_oere, t_max)
        self.has_extra = self.ex[0].size > 0
        self.e_order = np.argsort(end0, kind="stable")
        self.e_bounds = np.searchsorted(end0[self.e_order], np.arange(t_max + 2)).tolist()
        io0 = batch.interest_only_terms[rows]
        self.io_order = np.argsort(io0, kind="stable")  # amortisation starts at term io + 1
        self.io_bounds = np.searchsorted(io0[self.io_order], np.arange(t_max + 1)).tolist()
        self.extra_ends: dict[int, list[I64]] = {}
        self.reduce = batch.reduce_payment[rows]

        self.loc = np.arange(m0, dtype=np.int64)
        self.row = rows.copy()
        self.pos = np.arange(m0, dtype=np.int64)
        self.bal = batch.principal_oere[rows]
        self.rate = batch.rate_e8[rows]
        self.level = np.zeros(m0, np.int64) if serial else interest_oere(self.bal, self.rate, tpy)
        self.end = end0.copy()
        self.io = io0.copy()
        self.fin = np.zeros(m0, np.int64)  # term the loan ended, 0 while it runs
        self.fee = batch.fee_oere[rows]
        self.m = self.alive = m0
        self._buffers()
        self.b_open = self.bal.copy()

    def _buffers(self) -> None:
        m = self.m
        self.tmp = np.empty(m, np.int64)
        self.interest = np.empty(m, np.int64)
        self.i_acc = np.zeros(m, np.int64)
        self.x_acc = np.zeros(m if self.has_extra else 0, np.int64)

    # ------------------------------------------------------------------ helpers
    def _live(self, local: I64, *with_: I64) -> tuple[I64, ...]:
        """Active positions of the still-running loans among ``local`` (+ aligned arrays)."""
        p = self.pos[local]
        keep = p >= 0
        keep[keep] = self.fin[p[keep]] == 0
        return (p[keep], *(w[keep] for w in with_))

    def _recompute(self, p: I64, remaining: I64) -> None:
        if self.serial:
            self.level[p] = div_half_up(self.bal[p], remaining)
        else:
            self.level[p] = pmt_1d(self.bal[p], self.rate[p], remaining, self.d)

    def _finish(self, p: I64, t: int, after_payment: bool = False) -> None:
        """End loans ``p`` at term ``t``. ``after_payment``: called right after this term's
        ordinary payment, where ``balance == −level`` means the balance was already 0 when
        the term opened (reached exactly 0 the term before), so the loan ended at ``t − 1``."""
        late = p[self.bal[p] == -self.level[p]] if after_payment else p[:0]
        self.bal[p] = 0
        self.level[p] = 0
        self.fin[p] = t
        self.fin[late] = t - 1
        self.alive -= int(p.size)

    # ------------------------------------------------------------------ one term
    def rate_changes(self, t: int) -> None:
        """Rates changing from term ``t``; an amortising annuity is re-computed."""
        loc, val, bounds = self.rc
        a, b = bounds[t], bounds[t + 1]
        if a == b:
            return
        p, new_rate = self._live(loc[a:b], val[a:b])
        self.rate[p] = new_rate
        if self.serial:
            return
        io = self.io[p]
        q = p[io >= t]  # still interest-only: the level is the interest
        self.level[q] = interest_oere(self.bal[q], self.rate[q], self.tpy)
        p = p[io < t - 1]  # (io == t − 1 starts amortising in start_amortising)
        zero = self.bal[p] == 0  # reached 0 exactly last term
        if zero.any():
            self._finish(p[zero], t - 1)
            p = p[~zero]
        if p.size:
            self._recompute(p, self.end[p] - t + 1)

    def start_amortising(self, t: int) -> None:
        """Level for loans whose interest-only period ended (all io = 0 loans at term 1)."""
        a, b = self.io_bounds[t - 1], self.io_bounds[t]
        if a < b:
            (p,) = self._live(self.io_order[a:b])
            if p.size:
                self._recompute(p, self.end[p] - t + 1)

    def pay(self) -> None:
        """Interest and ordinary repayment of every active loan: the hot path."""
        bal, tmp, interest = self.bal, self.tmp, self.interest
        np.multiply(bal, self.rate, out=tmp)
        np.add(tmp, self.d // 2, out=tmp)
        np.floor_divide(tmp, self.d, out=interest)
        np.add(self.i_acc, interest, out=self.i_acc)
        np.subtract(bal, self.level, out=bal)
        if not self.serial:
            np.add(bal, interest, out=bal)

    def close(self, t: int) -> None:
        """The last term takes the whole balance; a repayment never exceeds the balance."""
        a, b = self.e_bounds[t], self.e_bounds[t + 1]
        ends = self.extra_ends.pop(t, [])
        if a < b:
            ends.append(self.e_order[a:b])
        for e in ends:
            (p,) = self._live(e)
            if p.size:
                self._finish(p, t, after_payment=True)
        if int(self.bal.min()) < 0:
            self._finish(np.flatnonzero(self.bal < 0), t, after_payment=True)

    def extras(self, t: int) -> None:
        """Extra repayments at term ``t``, after the ordinary payment, capped at the balance."""
        loc, val, bounds = self.ex
        a, b = bounds[t], bounds[t + 1]
        if a == b:
            return
        p, amount, lp = self._live(loc[a:b], val[a:b], loc[a:b])
        x = np.minimum(amount, self.bal[p])
        self.bal[p] -= x
        self.x_acc[p] += x
        done = self.bal[p] == 0
        if done.any():
            self._finish(p[done], t)
        io = self.io[p]
        if not self.serial:
            q = p[~done & (io > t)]  # still interest-only next term
            self.level[q] = interest_oere(self.bal[q], self.rate[q], self.tpy)
        rest = ~done & (io < t)
        red = rest & self.reduce[lp]
        if red.any():
            self._recompute(p[red], self.end[p[red]] - t)
        short = rest & ~self.reduce[lp]
        if short.any() and not self.serial:
            self._shorten(p[short], t)

    def _shorten(self, p: I64, t: int) -> None:
        """Keep the annuity; the loan now ends after the terms that payment needs."""
        new_end = t + nper_ceil(self.bal[p], self.level[p], self.rate[p], self.tpy)
        upd = new_end < self.end[p]
        p, new_end = p[upd], new_end[upd]
        self.end[p] = new_end
        for e_t in np.unique(new_end).tolist():
            self.extra_ends.setdefault(e_t, []).append(self.loc[p[new_end == e_t]])

    # ------------------------------------------------------------------ period end
    def report(self, t: int) -> None:
        j, row, out = (t - 1) // self.period, self.row, self.out
        out["interest"][j, row] = self.i_acc
        out["closing_balance"][j, row] = self.bal
        if self.has_extra:
            out["extra_repayment"][j, row] = self.x_acc
        if self.full:
            out["opening_balance"][j, row] = self.b_open
            due = (self.fin == 0) | (self.fin == t)
            out["fee"][j, row] = np.where(due, self.fee, 0)

    def next_period(self) -> None:
        """Drop ended loans once an eighth (years) or a quarter (terms) of the active set has
        ended; until then ended loans stay with balance and level 0 and add nothing."""
        m, alive = self.m, self.alive
        if (m - alive) * (8 if self.period > 1 else 4) >= m:
            fin = self.fin
            gone = np.flatnonzero(fin)
            self.n_terms_out[self.row[gone]] = fin[gone]
            self.pos[self.loc[gone]] = -1
            kept = np.flatnonzero(fin == 0)
            for name in ("loc", "row", "bal", "rate", "level", "end", "io", "fee"):
                setattr(self, name, getattr(self, name).take(kept))
            self.m = alive
            self.pos[self.loc] = np.arange(alive)
            self.fin = np.zeros(alive, np.int64)
            self._buffers()
        else:
            self.i_acc.fill(0)
            self.x_acc.fill(0)
        if self.full:
            self.b_open = self.bal.copy()

    def run(self) -> None:
        for t in range(1, self.t_max + 1):
            self.rate_changes(t)
            self.start_amortising(t)
            self.pay()
            self.close(t)
            self.extras(t)
            if t % self.period == 0 or self.alive == 0:
                self.report(t)
                if self.alive == 0:
                    self.n_terms_out[self.row] = self.fin
                    return
                self.next_period()
        if self.stopped:  # the horizon: the loans still running ran t_max terms
            self.n_terms_out[self.row] = np.where(self.fin == 0, self.t_max, self.fin)
            return
        raise AssertionError("unreachable: every loan ends by its last term")  # pragma: no cover


#: Batches of at most this many loans are run one loan at a time in Python integers
#: (:class:`_OneLoan`): for a single what-if loan the numpy calls of a term cost ~40× the
#: arithmetic (issue 12 §7; benchmarks/run.py). The two are equal loan for loan
#: (tests/calc/test_engine_small.py, with hypothesis).
SMALL_BATCH = 8


class _OneLoan:
    """:class:`_Chunk` for one loan in Python integers: the same rules in the same order each
    term (rate change, start of amortisation, payment and last term, extra repayment, period
    end). ``fin`` is the term the loan ended (0 while it runs)."""

    def __init__(self, batch: LoanBatch, row: int, serial: bool, tpy: int) -> None:
        self.serial, self.tpy = serial, tpy
        self.d = tpy * RATE_SCALE
        self.bal = int(batch.principal_oere[row])
        self.rate = int(batch.rate_e8[row])
        self.end = self.t_max = int(batch.n_terms[row])
        self.io = int(batch.interest_only_terms[row])
        self.reduce = bool(batch.reduce_payment[row])
        rc, ex = batch.rc_loan == row, batch.ex_loan == row
        self.rc = dict(zip(batch.rc_term[rc].tolist(), batch.rc_rate_e8[rc].tolist(), strict=True))
        self.ex = dict(zip(batch.ex_term[ex].tolist(), batch.ex_oere[ex].tolist(), strict=True))
        self.level = 0 if serial else self.interest()
        self.fin = 0

    def interest(self) -> int:
        return (self.bal * self.rate + self.d // 2) // self.d

    def recompute(self, remaining: int) -> None:
        if self.serial:
            self.level = (2 * self.bal + remaining) // (2 * remaining)
        else:
            self.level = _pmt_small(
                np.array([self.bal]), np.array([self.rate]), np.array([remaining]), self.d
            ).item()

    def finish(self, t: int) -> None:
        self.bal = self.level = 0
        self.fin = t

    def rate_change(self, t: int) -> None:
        self.rate = self.rc[t]
        if self.serial:
            return
        if self.io >= t:
            self.level = self.interest()
        elif self.io < t - 1:
            if self.bal == 0:  # reached 0 exactly last term
                self.finish(t - 1)
            else:
                self.recompute(self.end - t + 1)

    def pay(self, t: int) -> int:
        """This term's interest; the balance after the ordinary payment (ended at the last
        term or when the repayment would exceed the balance)."""
        interest = self.interest()
        self.bal -= self.level
        if not self.serial:
            self.bal += interest
        if t == self.end or self.bal < 0:
            self.finish(t - 1 if self.bal == -self.level else t)
        return interest

    def extra(self, t: int) -> int:
        x = min(self.ex[t], self.bal)
        self.bal -= x
        if self.bal == 0:
            self.finish(t)
        elif not self.serial and self.io > t:
            self.level = self.interest()
        elif self.io < t:
            if self.reduce:
                self.recompute(self.end - t)
            elif not self.serial:
                terms = int(nper_ceil([self.bal], [self.level], [self.rate], self.tpy)[0])
                self.end = min(self.end, t + terms)
        return int(x)

    def run(
        self, row: int, period: int, out: dict[str, I64], fee: int, t_stop: int | None = None
    ) -> int:
        """Write the loan's period rows into ``out``; return the terms it ran (up to
        ``t_stop``, a whole number of periods, where given)."""
        full = "opening_balance" in out
        has_extra = "extra_repayment" in out
        i_acc = x_acc = 0
        b_open = self.bal
        last = self.t_max if t_stop is None else min(self.t_max, t_stop)
        for t in range(1, last + 1):
            if t in self.rc and not self.fin:
                self.rate_change(t)
            if self.io == t - 1 and not self.fin:
                self.recompute(self.end - t + 1)
            if not self.fin:
                i_acc += self.pay(t)
            if t in self.ex and not self.fin:
                x_acc += self.extra(t)
            if t % period == 0 or self.fin:
                j = (t - 1) // period
                out["interest"][j, row] = i_acc
                out["closing_balance"][j, row] = self.bal
                if has_extra:
                    out["extra_repayment"][j, row] = x_acc
                if full:
                    out["opening_balance"][j, row] = b_open
                    out["fee"][j, row] = fee if self.fin in (0, t) else 0
                if self.fin:
                    return self.fin
                i_acc = x_acc = 0
                b_open = self.bal
        if last < self.t_max:  # stopped at the horizon while still running
            return last
        raise AssertionError("unreachable: every loan ends by its last term")  # pragma: no cover


def _chunks(batch: LoanBatch, chunk: int) -> list[tuple[I64, bool, int]]:
    """Loans grouped by (terms per year, kind), cut into runs of at most ``chunk`` loans in
    row order (so period rows are written near-sequentially)."""
    out: list[tuple[I64, bool, int]] = []
    for tpy in sorted(set(batch.terms_per_year.tolist())):  # (np.unique imports numpy.ma)
        for serial in (False, True):
            sel = np.flatnonzero((batch.terms_per_year == tpy) & (batch.serial == serial))
            if sel.size:
                n_chunks = -(-sel.size // chunk)
                out.extend((c, serial, int(tpy)) for c in np.array_split(sel, n_chunks))
    return out


def _simulate(
    batch: LoanBatch, yearly: bool, chunk: int, workers: int, years: int | None = None
) -> dict[str, I64]:
    """Period-major outputs ``(P, N)`` (P = years or terms) and ``n_terms`` ``(N,)``; with
    ``years`` (yearly only), the first ``years`` years."""
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise ValueError("chunk must be a positive int")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError("workers must be a positive int")
    n = len(batch)
    if years is not None and (
        not yearly or isinstance(years, bool) or not isinstance(years, int) or years < 1
    ):
        raise ValueError("years must be a positive int, for yearly totals")
    if yearly:
        n_periods = int((-(-batch.n_terms // batch.terms_per_year)).max())
        if years is not None:
            n_periods = min(n_periods, years)
        fields = ["interest", "closing_balance"]
    else:
        n_periods = int(batch.n_terms.max())
        fields = ["opening_balance", "interest", "fee", "closing_balance"]
    if batch.ex_loan.size:
        fields.append("extra_repayment")
    out: dict[str, I64] = {f: np.zeros((n_periods, n), np.int64) for f in fields}
    n_terms = np.zeros(n, np.int64)
    jobs = _chunks(batch, chunk)

    def run(job: tuple[I64, bool, int]) -> None:
        rows, serial, tpy = job
        period = tpy if yearly else 1
        t_stop = None if years is None else years * tpy
        if n <= SMALL_BATCH:
            for row in rows.tolist():
                one = _OneLoan(batch, row, serial, tpy)
                n_terms[row] = one.run(row, period, out, int(batch.fee_oere[row]), t_stop)
            return
        _Chunk(batch, rows, serial, tpy, period, out, n_terms, t_stop).run()

    if workers > 1 and len(jobs) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run, jobs))
    else:
        for job in jobs:
            run(job)
    if "extra_repayment" not in out:
        out["extra_repayment"] = np.zeros((n_periods, n), np.int64)
    out["n_terms"] = n_terms
    return out


def _term_major(batch: LoanBatch, chunk: int = CHUNK, workers: int = 1) -> dict[str, I64]:
    """Term schedules as term-major arrays ``(T, N)`` (plus ``n_terms``)."""
    out = _simulate(batch, False, chunk, workers)
    repayment = out["opening_balance"] - out["closing_balance"]
    repayment -= out["extra_repayment"]
    payment = out["interest"] + repayment
    payment += out["fee"]
    out["repayment"] = repayment
    out["payment"] = payment
    return out


def amortize(batch: LoanBatch, *, chunk: int = CHUNK, workers: int = 1) -> TermSchedule:
    """Full term schedules for every loan in ``batch`` (int64 øre, shape ``(N, T)``).

    ``chunk`` loans are simulated together; ``workers > 1`` runs chunks in threads. The
    arrays are transposed views of term-major storage (Fortran order); memory is
    ``7 × N × T × 8`` bytes, so use :func:`amortize_yearly` or :func:`summarize` for
    portfolios.

    >>> from housingcalc.calc.loans import Loan, LoanBatch
    >>> s = amortize(LoanBatch.from_loans([Loan(12_000, 0.06, n_terms=12)]))
    >>> s.payment[0].tolist()  # PMT(0.5 %; 12; -12000) = 1032.7983… → 1032.80
    [103280, 103280, 103280, 103280, 103280, 103280, 103280, 103280, 103280, 103280, 103280, 103278]
    >>> s.interest[0, :3].tolist(), int(s.repayment[0].sum()), int(s.closing_balance[0, -1])
    ([6000, 5514, 5025], 1200000, 0)
    """
    out = _term_major(batch, chunk, workers)
    n_terms = out.pop("n_terms")
    return TermSchedule(**{f: a.T for f, a in out.items()}, n_terms=n_terms)


def amortize_yearly(
    batch: LoanBatch, *, chunk: int = CHUNK, workers: int = 1, years: int | None = None
) -> YearlyTotals:
    """Per-loan yearly totals without term-level arrays (int64 øre, shape ``(N, Y)``).

    Equal to summing :func:`amortize` over each loan year. ``workers > 1`` runs chunks of
    ``chunk`` loans in threads (portfolio runs: ``workers=2``). The arrays are transposed
    views of year-major storage (Fortran order).

    ``years``: only the first ``years`` years (a projection's horizon); the figures of those
    years are the same as without it, a loan still running then keeps its closing balance,
    and its ``n_terms`` are the terms run in those years.

    >>> from housingcalc.calc.loans import Loan, LoanBatch
    >>> y = amortize_yearly(LoanBatch.from_loans([Loan(12_000, 0.06, n_terms=24)]))
    >>> y.payment.tolist(), y.closing_balance.tolist()
    ([[638220, 638217]], [[617948, 0]])
    """
    out = _simulate(batch, True, chunk, workers, years)
    return YearlyTotals(
        interest=out["interest"].T,
        closing_balance=out["closing_balance"].T,
        extra_repayment=out["extra_repayment"].T,
        n_terms=out["n_terms"],
        principal=batch.principal_oere,
        fee_per_term=batch.fee_oere,
        terms_per_year=batch.terms_per_year,
    )
