"""The single-loan path of the loan engine (``engine._OneLoan``, used for batches of at most
``SMALL_BATCH`` loans) equals the vectorised engine loan for loan, term by term and year by
year: the same loans run alone (small path) and together in one batch of more than
``SMALL_BATCH`` loans (vectorised path)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from housingcalc.calc.loans import (
    Loan,
    LoanBatch,
    RateChange,
    TermSchedule,
    amortize,
    amortize_yearly,
)
from housingcalc.calc.loans.engine import SMALL_BATCH
from tests.calc.test_loans_properties import SETTINGS, loans

TERM_FIELDS = tuple(f.name for f in dataclasses.fields(TermSchedule))  # with n_terms
YEAR_FIELDS = ("interest", "closing_balance", "extra_repayment", "n_terms", "payment", "fee")


def _same(group: list[Loan]) -> None:
    assert len(group) > SMALL_BATCH
    together = LoanBatch.from_loans(group)
    full, yearly = amortize(together), amortize_yearly(together)
    for j, loan in enumerate(group):
        alone = LoanBatch.from_loans([loan])
        one, one_y = amortize(alone), amortize_yearly(alone)
        width = one.interest.shape[1]
        for f in TERM_FIELDS:
            a, b = getattr(full, f)[j], getattr(one, f)[0]
            if f != "n_terms":
                assert not a[width:].any(), (f, j)
                a = a[:width]
            np.testing.assert_array_equal(a, b, err_msg=f"{f} of loan {j}: {loan}")
        width_y = one_y.interest.shape[1]
        for f in YEAR_FIELDS:
            a, b = getattr(yearly, f)[j], getattr(one_y, f)[0]
            if f != "n_terms":
                a = a[:width_y]
            np.testing.assert_array_equal(a, b, err_msg=f"yearly {f} of loan {j}: {loan}")


@SETTINGS
@given(st.lists(loans(), min_size=SMALL_BATCH + 1, max_size=SMALL_BATCH + 4))
def test_small_path_equals_the_vectorised_engine(group: list[Loan]) -> None:
    _same(group)


def test_the_rent_to_own_kind_of_loan() -> None:
    """Start loans as the rent-to-own engine builds them: rate changes, interest-only years,
    a term fee; and a loan that reaches 0 exactly before its last term."""
    group = [
        Loan(
            principal=2_950_000 + 1_000 * k,
            annual_rate=0.0489,
            n_terms=360,
            interest_only_terms=12 * (k % 3),
            fee_per_term=30.0,
            rate_changes=(RateChange(13, 0.052), RateChange(61 + k, 0.047)),
        )
        for k in range(SMALL_BATCH + 1)
    ]
    group.append(Loan(principal=1_000, annual_rate=0.0, n_terms=12, kind="serial"))
    _same(group)


YEARLY_DERIVED = ("opening_balance", "repayment", "terms_in_year")


@SETTINGS
@given(
    st.lists(loans(), min_size=1, max_size=SMALL_BATCH + 4),
    st.integers(min_value=1, max_value=45),
)
def test_a_horizon_gives_the_first_years_unchanged(group: list[Loan], years: int) -> None:
    """``amortize_yearly(batch, years=k)`` (the projection's horizon) equals the first ``k``
    years of the whole run, field by field, on both paths (one loan at a time for at most
    ``SMALL_BATCH`` loans, vectorised above); a loan still running after ``k`` years has run
    ``k`` years of terms."""
    batch = LoanBatch.from_loans(group)
    whole, part = amortize_yearly(batch), amortize_yearly(batch, years=years)
    k = min(years, whole.interest.shape[1])
    assert part.interest.shape == (len(group), k)
    for f in (*YEAR_FIELDS, *YEARLY_DERIVED):
        a, b = getattr(whole, f), getattr(part, f)
        if f == "n_terms":
            np.testing.assert_array_equal(np.minimum(a, years * batch.terms_per_year), b)
        else:
            np.testing.assert_array_equal(a[:, :k], b, err_msg=f)


def test_a_horizon_must_be_whole_years() -> None:
    batch = LoanBatch.from_loans([Loan(1_000, 0.05, n_terms=12)])
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="years must be a positive int"):
            amortize_yearly(batch, years=bad)  # type: ignore[arg-type]
