"""Hypothesis invariants of the loan engine (money exact to the øre)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from housingcalc.calc.loans import (
    ExtraRepayment,
    Loan,
    LoanBatch,
    RateChange,
    TermSchedule,
    amortize,
    amortize_yearly,
    annuity_payment,
    present_value,
    summarize,
    terms_to_repay,
)
from tests.calc.test_loans import engine_rows, reference_schedule

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

amounts = st.one_of(
    st.integers(100, 2_000_000_000).map(lambda oere: oere / 100),  # 1 kr … 20 MNOK
    st.sampled_from([1.0, 0.01, 20_000_000.0, 1_000_000.0]),
)
rates = st.one_of(
    st.just(0.0), st.integers(0, 15_000_000).map(lambda e8: e8 / 10**8), st.just(0.15)
)


@st.composite
def loans(draw: st.DrawFn) -> Loan:
    tpy = draw(st.sampled_from([12, 12, 12, 4, 2, 1]))
    n = draw(st.integers(1, 50 * tpy))
    io = draw(st.one_of(st.just(0), st.integers(0, min(n - 1, 8 * tpy))))
    principal = draw(amounts)
    change_terms = draw(st.lists(st.integers(1, n), max_size=3, unique=True))
    changes = tuple(RateChange(t, draw(rates)) for t in sorted(change_terms))
    extras = tuple(
        ExtraRepayment(draw(st.integers(1, n)), draw(st.integers(1, 10**9)) / 100)
        for _ in range(draw(st.integers(0, 2)))
    )
    return Loan(
        principal=principal,
        annual_rate=draw(rates),
        n_terms=n,
        terms_per_year=tpy,
        kind=draw(st.sampled_from(["annuity", "serial"])),
        interest_only_terms=io,
        fee_per_term=draw(st.sampled_from([0.0, 30.0, 0.01])),
        setup_fee=draw(st.sampled_from([0.0, 0.005])) * principal,
        rate_changes=changes,
        extra_repayments=extras,
        extra_mode=draw(st.sampled_from(["shorten", "reduce_payment"])),
    )


def _check_schedule(sch: TermSchedule, batch: LoanBatch) -> None:
    for j in range(len(batch)):
        n = int(sch.n_terms[j])
        assert 1 <= n <= int(batch.n_terms[j])
        rows = {
            f: getattr(sch, f)[j]
            for f in (
                "opening_balance",
                "interest",
                "repayment",
                "extra_repayment",
                "fee",
                "payment",
                "closing_balance",
            )
        }
        # repayments (+ extra) sum exactly to the principal; the loan ends at exactly 0
        total = int(rows["repayment"].sum() + rows["extra_repayment"].sum())
        assert total == int(batch.principal_oere[j])
        assert int(rows["closing_balance"][n - 1]) == 0
        assert (rows["closing_balance"] >= 0).all()
        assert (rows["repayment"] >= 0).all() and (rows["interest"] >= 0).all()
        # interest + repayment + fee == payment in every row
        assert np.array_equal(rows["interest"] + rows["repayment"] + rows["fee"], rows["payment"])
        # balances never increase and chain from term to term
        op, cl = rows["opening_balance"][:n], rows["closing_balance"][:n]
        assert op[0] == batch.principal_oere[j]
        assert np.array_equal(op[1:], cl[:-1])
        assert (cl <= op).all()
        assert np.array_equal(op - cl, rows["repayment"][:n] + rows["extra_repayment"][:n])
        # the fee is due in every term the loan runs, and nothing after it ends
        assert (rows["fee"][:n] == batch.fee_oere[j]).all()
        assert not rows["payment"][n:].any() and not rows["opening_balance"][n:].any()


@SETTINGS
@given(st.lists(loans(), min_size=1, max_size=6), st.integers(1, 4))
def test_schedule_invariants_and_batch_equals_single_runs(
    batch_loans: list[Loan], chunk: int
) -> None:
    batch = LoanBatch.from_loans(batch_loans)
    s = amortize(batch, chunk=chunk)
    _check_schedule(s, batch)
    for j, loan in enumerate(batch_loans):
        alone = amortize(LoanBatch.from_loans([loan]))
        t = alone.payment.shape[1]
        for f in ("interest", "repayment", "extra_repayment", "fee", "payment", "closing_balance"):
            assert np.array_equal(getattr(s, f)[j, :t], getattr(alone, f)[0]), f
        assert int(s.n_terms[j]) == int(alone.n_terms[0])


@SETTINGS
@given(st.lists(loans(), min_size=1, max_size=4))
# Rate 0 and a PMT below half an øre (1 kr over 300 terms: 100 / 300 = 0.33 øre → 0): the
# annuity of 0 øre never repays, so a "shorten" extra repayment keeps the last term (300),
# which then repays the remaining 100 − 1 = 99 øre. The reference used to divide by the 0 level.
@example(
    [Loan(1.0, 0.0, n_terms=300, extra_repayments=(ExtraRepayment(1, 0.01),), extra_mode="shorten")]
)
def test_engine_equals_the_decimal_reference(batch_loans: list[Loan]) -> None:
    s = amortize(LoanBatch.from_loans(batch_loans), chunk=2)
    for j, loan in enumerate(batch_loans):
        assert engine_rows(s, j) == reference_schedule(loan)


@SETTINGS
@given(st.lists(loans(), min_size=1, max_size=6))
def test_yearly_totals_equal_sums_of_the_term_schedule(batch_loans: list[Loan]) -> None:
    batch = LoanBatch.from_loans(batch_loans)
    s = amortize(batch)
    y = amortize_yearly(batch, chunk=2, workers=2)
    assert np.array_equal(y.n_terms, s.n_terms)
    for j, loan in enumerate(batch_loans):
        tpy = loan.terms_per_year
        for yr in range(y.interest.shape[1]):
            sl = slice(yr * tpy, (yr + 1) * tpy)
            assert y.interest[j, yr] == s.interest[j, sl].sum()
            assert y.fee[j, yr] == s.fee[j, sl].sum()
            assert y.payment[j, yr] == s.payment[j, sl].sum()
            assert y.extra_repayment[j, yr] == s.extra_repayment[j, sl].sum()
            assert y.repayment[j, yr] == (s.repayment[j, sl] + s.extra_repayment[j, sl]).sum()
            last = min((yr + 1) * tpy, s.payment.shape[1]) - 1
            assert y.closing_balance[j, yr] == s.closing_balance[j, last]
    assert np.array_equal(y.interest + y.repayment + y.fee, y.payment + y.extra_repayment)


@SETTINGS
@given(loans())
def test_summary_totals_are_consistent(loan: Loan) -> None:
    batch = LoanBatch.from_loans([loan])
    summ = summarize(batch)
    s = amortize(batch)
    assert int(summ.total_repaid[0]) == int(batch.principal_oere[0])
    assert int(summ.total_interest[0]) == int(s.interest.sum())
    assert int(summ.total_fees[0]) == int(s.fee.sum() + batch.setup_fee_oere[0])
    assert int(summ.total_cost[0]) == int(summ.total_interest[0] + summ.total_fees[0])
    eff = float(summ.effective_rate[0])
    assert eff >= 0.0 and np.isfinite(eff)
    if not summ.total_cost[0]:
        assert eff == 0.0


@settings(max_examples=40, deadline=None)
@given(amounts, rates, st.integers(1, 600))
def test_higher_rate_never_lowers_the_payment(principal: float, rate: float, n: int) -> None:
    low = annuity_payment(principal, rate, n)
    high = annuity_payment(principal, min(0.3, rate + 0.01), n)
    assert high >= low


@settings(max_examples=40, deadline=None)
@given(st.integers(100, 10**8).map(lambda o: o / 100), rates, st.integers(1, 600))
def test_present_value_is_the_largest_principal_the_payment_services(
    payment: float, rate: float, n: int
) -> None:
    pv = present_value(payment, rate, n)
    if pv > 0:
        assert annuity_payment(pv, rate, n) <= payment
    if pv + 0.01 <= 1e9:
        assert annuity_payment(pv + 0.01, rate, n) > payment


@settings(max_examples=40, deadline=None)
@given(amounts, rates, st.integers(1, 600))
def test_terms_to_repay_inverts_the_annuity_payment(principal: float, rate: float, n: int) -> None:
    # PMT rounded to the øre may be up to half an øre short of the exact PMT; one øre more is
    # always at least the exact PMT, so it repays within the term
    payment = annuity_payment(principal, rate, n) + 0.01
    assert 1 <= terms_to_repay(principal, payment, rate) <= n
