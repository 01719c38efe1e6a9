"""The benchmark's independent Decimal reference (``benchmarks/decimal_reference.py``) is right by
hand, and the loan engine agrees with it to the øre.

A correctness test, not a timing test: a handful of loans, well under a second.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.append(str(BENCHMARKS))  # appended: these module names cannot shadow any other

import decimal_reference as ref  # noqa: E402

from housingcalc.calc.loans import (  # noqa: E402
    Loan,
    LoanBatch,
    RateChange,
    amortize,
    amortize_yearly,
)


def test_round_half_up_takes_halves_up_not_to_even() -> None:
    # 150 øre at 12 % a year, monthly: 150 × 0.12 / 12 = 1.5 øre → 2 (banker's rounding: 2)
    assert ref.interest(150, Decimal("0.12"), 12) == 2
    # 250 øre: 2.5 øre → 3 (banker's rounding would give 2)
    assert ref.interest(250, Decimal("0.12"), 12) == 3
    # rates are quantised to 1e-8, half up: 0.045441 stays, 0.123456785 → 0.12345679
    assert ref.quantise_rate(0.045441) == Decimal("0.04544100")
    assert ref.quantise_rate("0.123456785") == Decimal("0.12345679")


def test_annuity_12000_kr_at_6_percent_over_12_months_by_hand() -> None:
    # i = 0.06 / 12 = 0.005; PMT = 12 000 × 0.005 / (1 − 1.005^−12) = 1 032.7990… → 1 032.80
    rows = ref.schedule(ref.RefLoan(1_200_000, "0.06", 12))
    assert [r.payment for r in rows] == [103_280] * 11 + [103_278]
    # term 1: interest 12 000 × 0.005 = 60.00; repayment 1 032.80 − 60.00 = 972.80
    # term 2: balance 11 027.20 × 0.005 = 55.136 → 55.14
    # term 3: balance 11 027.20 − 977.66 = 10 049.54; × 0.005 = 50.2477 → 50.25
    assert [r.interest for r in rows[:3]] == [6_000, 5_514, 5_025]
    assert rows[0].repayment == 97_280 and rows[1].opening_balance == 1_102_720
    # repayments sum exactly to the principal; the last term absorbs the rounding
    assert sum(r.repayment for r in rows) == 1_200_000 and rows[-1].closing_balance == 0


def test_interest_only_then_annuity_with_a_rate_change_by_hand() -> None:
    # 100 000 kr, 12 % (i = 1 %), 4 terms, 1 interest-only term, 24 % (i = 2 %) from term 3
    loan = ref.RefLoan(10_000_000, "0.12", 4, interest_only_terms=1, rate_changes=((3, "0.24"),))
    rows = ref.schedule(loan)
    # term 1: interest only, 10 000 000 × 0.01 = 100 000 øre
    assert (rows[0].interest, rows[0].repayment) == (100_000, 0)
    # term 2: PMT(1 %; 3; 10 000 000) = 3 400 221.11… → 3 400 221; repayment 3 300 221
    assert (rows[1].payment, rows[1].repayment) == (3_400_221, 3_300_221)
    # term 3: balance 6 699 779; PMT(2 %; 2) = 3 450 717.86 → 3 450 718;
    #         interest 6 699 779 × 0.02 = 133 995.58 → 133 996
    assert (rows[2].interest, rows[2].payment, rows[2].closing_balance) == (
        133_996,
        3_450_718,
        3_383_057,
    )
    # term 4 (last): interest 3 383 057 × 0.02 = 67 661.14 → 67 661; repays the whole balance
    assert (rows[3].interest, rows[3].repayment, rows[3].payment) == (67_661, 3_383_057, 3_450_718)


def test_serial_loan_level_repayment_and_fee_by_hand() -> None:
    # 1 000 kr serial over 3 terms at 6 %, fee 30 kr: repayment 100 000 / 3 = 33 333.3 → 33 333
    rows = ref.schedule(ref.RefLoan(100_000, "0.06", 3, serial=True, fee_oere=3_000))
    assert [r.repayment for r in rows] == [33_333, 33_333, 33_334]
    # interest 500, 66 667 × 0.005 = 333.3 → 333, 33 334 × 0.005 = 166.67 → 167
    assert [r.interest for r in rows] == [500, 333, 167]
    assert [r.payment for r in rows] == [36_833, 36_666, 36_501]


# (principal NOK, rate, n_terms, kind, io terms, fee NOK, rate changes, terms per year)
CASES = [
    (12_000, 0.06, 12, "annuity", 0, 0, (), 12),
    (1_000_000, 0.05, 300, "annuity", 0, 30, (), 12),
    (2_345_678, 0.0399, 360, "serial", 60, 50, (), 12),
    (4_999_999, 0.08, 600, "annuity", 96, 40, ((37, 0.01),), 12),  # change inside interest-only
    (750_000, 0.0123, 240, "annuity", 24, 0, ((25, 0.075),), 12),  # change at amortisation start
    (3_210_000, 0.07, 480, "annuity", 0, 30, ((121, 0.02345678),), 12),
    (1_500_000, 0.045, 360, "serial", 0, 30, ((61, 0.065),), 12),
    (800_000, 0.0, 120, "annuity", 12, 0, ((50, 0.03),), 12),  # zero rate
    (600_000, 0.055, 80, "annuity", 8, 75, ((41, 0.0625),), 4),  # quarterly
]


def _loan(principal, rate, n, kind, io, fee, changes, tpy):  # type: ignore[no-untyped-def]
    engine = Loan(
        principal,
        rate,
        n_terms=n,
        kind=kind,
        interest_only_terms=io,
        fee_per_term=fee,
        terms_per_year=tpy,
        rate_changes=tuple(RateChange(t, r) for t, r in changes),
    )
    reference = ref.RefLoan(
        principal * 100,
        rate,
        n,
        serial=kind == "serial",
        interest_only_terms=io,
        fee_oere=fee * 100,
        terms_per_year=tpy,
        rate_changes=changes,
    )
    return engine, reference


def test_engine_term_schedules_equal_the_reference_to_the_ore() -> None:
    engine_loans, ref_loans = zip(*(_loan(*c) for c in CASES), strict=True)
    s = amortize(LoanBatch.from_loans(list(engine_loans)))
    for j, loan in enumerate(ref_loans):
        rows = ref.schedule(loan)
        n = len(rows)
        for name in ("interest", "repayment", "fee", "payment", "closing_balance"):
            got = np.asarray(getattr(s, name))[j, :n].tolist()
            assert got == [getattr(r, name) for r in rows], (CASES[j], name)
        assert int(np.asarray(s.payment)[j, n:].sum()) == 0


def test_engine_yearly_totals_equal_the_reference_to_the_ore() -> None:
    engine_loans, ref_loans = zip(*(_loan(*c) for c in CASES), strict=True)
    y = amortize_yearly(LoanBatch.from_loans(list(engine_loans)))
    totals = {name: np.asarray(getattr(y, name)) for name in ref.YEARLY_FIELDS}
    assert ref.compare_yearly(enumerate(ref_loans), totals) == []


@pytest.mark.parametrize("seed", [1, 2])
def test_engine_equals_reference_on_the_benchmark_loan_mix(seed: int) -> None:
    import loans_bench  # benchmarks/loans_bench.py: the 100 000-loan generator, at 40 loans

    mix = loans_bench.generate(40, seed=seed)
    check = loans_bench.check_against_reference(
        mix, amortize_yearly(loans_bench.batch_from_mix(mix)), sample=40
    )
    assert check["mismatched_fields"] == 0, check["first_mismatches"]
