"""Loan engine: published/independent examples, an independent Decimal reference, bad input.

Oracles used here (none of them is the engine's own code):
* the spreadsheet function PMT (OpenFormula / Excel / LibreOffice), cross-checked with
  ``numpy_financial.pmt``, ``numpy_financial.nper`` and ``numpy_financial.irr``;
* arithmetic done by hand in the comments;
* Husbanken's effective ↔ nominal formula
  (https://www.husbanken.no/bransje/lan-og-tilskudd/veileder-laan/rente-og-avdragsvilkar/beregning-av-renter/);
* ``reference_schedule`` below: a plain per-term loop in ``decimal.Decimal`` with ROUND_HALF_UP,
  written from the rules in the engine's docstring, not from its code.
"""

from __future__ import annotations

import dataclasses
import doctest
import json
import math
import random
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, localcontext

import numpy as np
import numpy_financial as npf
import pytest

import housingcalc.calc.loans as loans_pkg
from housingcalc.calc.loans import (
    ExtraRepayment,
    Loan,
    LoanBatch,
    RateChange,
    _exact,
    amortize,
    amortize_yearly,
    annuity_payment,
    effective_from_nominal,
    engine,
    formulas,
    model,
    nominal_from_effective,
    present_value,
    schedule_frame,
    summarize,
    summary,
    summary_dict,
    terms_to_repay,
)
from housingcalc.errors import InputError

ONE = Decimal(1)


# --------------------------------------------------------------------------- reference
def _rhu(x: Decimal) -> int:
    return int(x.quantize(ONE, rounding=ROUND_HALF_UP))


def _oere(nok: float) -> int:
    return _rhu(Decimal(repr(nok)) * 100)


def _rate_e8(rate: float) -> int:
    return _rhu(Decimal(repr(rate)) * 10**8)


def _ref_pmt(balance: int, rate_e8: int, n: int, tpy: int) -> int:
    if rate_e8 == 0:
        return _rhu(Decimal(balance) / n)
    i = Decimal(rate_e8) / (tpy * 10**8)
    return _rhu(Decimal(balance) * i / (1 - (1 + i) ** -n))


def _ref_terms_needed(balance: int, level: int, rate_e8: int, tpy: int) -> int | None:
    """Least k with the unrounded projection B(1+i)^k − A·((1+i)^k − 1)/i ≤ 0, by iterating.

    None when the payment never exceeds the interest, so the loan keeps its last term; at rate
    0 that is a payment of 0 øre (a PMT below half an øre), which never repays anything.
    """
    i = Decimal(rate_e8) / (tpy * 10**8)
    if level <= balance * i:
        return None
    if rate_e8 == 0:
        return int((Decimal(balance) / level).to_integral_value(rounding=ROUND_CEILING))
    b, k = Decimal(balance), 0
    while b > 0:
        b = b * (1 + i) - level
        k += 1
    return k


def _ref_level(kind: str, bal: int, rate: int, terms: int, tpy: int) -> int:
    """Annuity amount (interest + repayment) or serial repayment over ``terms`` terms."""
    return _ref_pmt(bal, rate, terms, tpy) if kind == "annuity" else _rhu(Decimal(bal) / terms)


def reference_schedule(loan: Loan) -> list[dict[str, int]]:
    """Per-term rows in øre, computed with Decimal, one loan at a time."""
    rows: list[dict[str, int]] = []
    with localcontext() as ctx:
        ctx.prec = 60
        tpy, io, kind = loan.terms_per_year, loan.interest_only_terms, loan.kind
        bal = _oere(loan.principal)
        fee = _oere(loan.fee_per_term)
        rate = _rate_e8(loan.annual_rate)
        changes = {rc.term: _rate_e8(rc.annual_rate) for rc in loan.rate_changes}
        extras: dict[int, int] = {}
        for ex in loan.extra_repayments:
            extras[ex.term] = extras.get(ex.term, 0) + _oere(ex.amount)
        last = loan.terms
        level = 0
        t = 0
        while bal > 0:
            t += 1
            if t in changes:
                rate = changes[t]
                if kind == "annuity" and t > io + 1:  # re-computed over the remaining term
                    level = _ref_pmt(bal, rate, last - t + 1, tpy)
            if t == io + 1:  # amortisation starts
                level = _ref_level(kind, bal, rate, last - io, tpy)
            interest = _rhu(Decimal(bal) * rate / (tpy * 10**8))
            repayment = 0 if t <= io else level - interest if kind == "annuity" else level
            if t == last or repayment >= bal:
                repayment = bal
            opening = bal
            bal -= repayment
            extra = min(extras.get(t, 0), bal)
            bal -= extra
            if extra and bal > 0 and t > io:
                if loan.extra_mode == "reduce_payment":
                    level = _ref_level(kind, bal, rate, last - t, tpy)
                elif kind == "annuity":  # shorten: keep the payment, end sooner
                    k = _ref_terms_needed(bal, level, rate, tpy)
                    last = last if k is None else min(last, t + k)
            rows.append(
                {
                    "opening_balance": opening,
                    "interest": interest,
                    "repayment": repayment,
                    "extra_repayment": extra,
                    "fee": fee,
                    "payment": interest + repayment + fee,
                    "closing_balance": bal,
                }
            )
    return rows


def random_loan(rng: random.Random) -> Loan:
    tpy = rng.choice([12, 12, 12, 4, 2, 1])
    years = rng.randint(1, 50 if tpy == 12 else 30)
    n = years * tpy
    io = rng.choice([0, 0, rng.randint(0, min(n - 1, 8 * tpy))])
    principal = rng.choice(
        [round(rng.uniform(1, 20_000_000), 2), rng.randint(1, 5000) / 100, 1_000_000.0]
    )
    rate = rng.choice([0.0, round(rng.uniform(0, 0.15), rng.choice([3, 5, 8]))])
    changes = tuple(
        RateChange(t, rng.choice([0.0, round(rng.uniform(0, 0.15), 5)]))
        for t in sorted(rng.sample(range(1, n + 1), k=min(n, rng.choice([0, 0, 1, 3]))))
    )
    extras = tuple(
        ExtraRepayment(rng.randint(1, n), round(rng.uniform(0.01, principal * 0.4), 2))
        for _ in range(rng.choice([0, 0, 1, 2]))
    )
    return Loan(
        principal=principal,
        annual_rate=rate,
        n_terms=n,
        terms_per_year=tpy,
        kind=rng.choice(["annuity", "serial"]),
        interest_only_terms=io,
        fee_per_term=rng.choice([0.0, 30.0, 12.5]),
        setup_fee=rng.choice([0.0, min(600.0, principal / 2)]),
        rate_changes=changes,
        extra_repayments=extras,
        extra_mode=rng.choice(["shorten", "reduce_payment"]),
    )


def engine_rows(s: loans_pkg.TermSchedule, j: int) -> list[dict[str, int]]:
    n = int(s.n_terms[j])
    fields = [
        "opening_balance",
        "interest",
        "repayment",
        "extra_repayment",
        "fee",
        "payment",
        "closing_balance",
    ]
    return [{f: int(getattr(s, f)[j, t]) for f in fields} for t in range(n)]


def one(loan: Loan) -> loans_pkg.TermSchedule:
    return amortize(LoanBatch.from_loans([loan]))


def kr(oere: int | np.integer) -> float:
    """øre → NOK."""
    return int(oere) / 100


# --------------------------------------------------------------------------- published
def test_pmt_1_mnok_5pct_25y_matches_spreadsheet_pmt_and_numpy_financial() -> None:
    # Spreadsheet: =PMT(5%/12; 25*12; -1000000) → 5 845,90 (5845.9004…; LibreOffice/Excel)
    oracle = npf.pmt(0.05 / 12, 300, -1_000_000)
    assert oracle == pytest.approx(5845.9004, abs=1e-4)
    assert annuity_payment(1_000_000, 0.05, 300) == pytest.approx(round(oracle, 2), abs=1e-9)
    s = one(Loan(1_000_000, 0.05, years=25))
    assert kr(s.payment[0, 0]) == 5845.90
    # term 1 by hand: interest = 1 000 000 × 0.05 / 12 = 4166.666… → 4166.67;
    # repayment = 5845.90 − 4166.67 = 1679.23
    assert kr(s.interest[0, 0]) == 4166.67
    assert kr(s.repayment[0, 0]) == 1679.23
    assert int(s.n_terms[0]) == 300
    assert int(s.repayment[0].sum()) == 100_000_000
    # every payment but the last is the level 5845.90; the last absorbs the rounding
    assert set(s.payment[0, :299].tolist()) == {584590}
    assert abs(int(s.payment[0, 299]) - 584590) < 300


def test_serial_loan_by_hand_120000_6pct_12_terms() -> None:
    # repayment = 120 000 / 12 = 10 000 each term; interest_t = balance × 0.06/12 = 0.5 %
    # term 1: 120 000 × 0.005 = 600 → payment 10 600; term 2: 110 000 × 0.005 = 550 → 10 550
    # total interest = 0.005 × 10 000 × (12 + 11 + … + 1) = 50 × 78 = 3 900
    s = one(Loan(120_000, 0.06, n_terms=12, kind="serial"))
    assert [kr(x) for x in s.repayment[0]] == [10_000.0] * 12
    assert kr(s.payment[0, 0]) == 10_600.0
    assert kr(s.payment[0, 1]) == 10_550.0
    assert kr(s.payment[0, 11]) == 10_050.0  # 10 000 × 0.005 = 50
    assert kr(s.interest[0].sum()) == 3_900.0


def test_serial_rounding_last_term_absorbs_remainder() -> None:
    # 100 000 over 3 terms: 33 333.333… → 33 333.33, 33 333.33, last 33 333.34
    s = one(Loan(100_000, 0.0, n_terms=3, kind="serial"))
    assert [kr(x) for x in s.repayment[0]] == [33_333.33, 33_333.33, 33_333.34]


def test_zero_rate_annuity_and_effective_rate_zero() -> None:
    # PMT at 0 % = principal / n = 10 000 / 3 = 3 333.33; the last term 3 333.34
    s = one(Loan(10_000, 0.0, n_terms=3))
    assert [kr(x) for x in s.payment[0]] == [3_333.33, 3_333.33, 3_333.34]
    assert int(s.interest[0].sum()) == 0
    summ = summarize(LoanBatch.from_loans([Loan(10_000, 0.0, n_terms=3)]))
    assert float(summ.effective_rate[0]) == 0.0
    assert annuity_payment(12_000, 0.0, 12) == 1_000.0


def test_interest_only_then_annuity_over_remaining_terms() -> None:
    # 24 interest-only months: 1 000 000 × 0.05/12 = 4166.67; then PMT over 300 − 24 = 276
    loan = Loan(1_000_000, 0.05, years=25, interest_only_terms=24, fee_per_term=30)
    s = one(loan)
    assert [kr(x) for x in s.payment[0, :24]] == [4196.67] * 24  # incl. 30 kr fee
    assert int(s.repayment[0, :24].sum()) == 0
    level = npf.pmt(0.05 / 12, 276, -1_000_000)  # 6 059.6…
    assert kr(s.payment[0, 24]) == pytest.approx(round(level, 2) + 30, abs=1e-9)
    d = summary_dict(loan)
    assert d["interest_only_payment"] == 4196.67
    assert d["first_payment"] == pytest.approx(round(level, 2) + 30, abs=1e-9)
    assert d["n_terms"] == 300


def test_rate_change_recomputes_payment_over_remaining_term() -> None:
    # 5 % for five years, then 6 % from term 61: PMT(6 %/12; 240; −opening balance of term 61)
    loan = Loan(1_000_000, 0.05, years=25, rate_changes=(RateChange(61, 0.06),))
    s = one(loan)
    opening = kr(s.opening_balance[0, 60])
    assert opening == kr(s.closing_balance[0, 59])
    expected = round(npf.pmt(0.06 / 12, 240, -opening), 2)
    assert kr(s.payment[0, 60]) == pytest.approx(expected, abs=1e-9)
    assert kr(s.payment[0, 59]) == 5845.90
    assert kr(s.interest[0, 60]) == round(opening * 0.06 / 12 + 1e-9, 2)
    assert int(s.n_terms[0]) == 300 and int(s.closing_balance[0, 299]) == 0


def test_extra_repayment_shorten_keeps_payment_and_ends_sooner() -> None:
    loan = Loan(1_000_000, 0.05, years=25, extra_repayments=(ExtraRepayment(12, 100_000),))
    s = one(loan)
    after = kr(s.closing_balance[0, 11])
    assert kr(s.extra_repayment[0, 11]) == 100_000.0
    assert set(s.payment[0, 12 : int(s.n_terms[0]) - 1].tolist()) == {584590}
    # numpy_financial.nper: terms the kept payment needs for the balance after the lump sum
    k = math.ceil(npf.nper(0.05 / 12, -5845.90, after))
    assert int(s.n_terms[0]) == 12 + k < 300
    assert int(s.repayment[0].sum() + s.extra_repayment[0].sum()) == 100_000_000


def test_extra_repayment_reduce_payment_keeps_term() -> None:
    loan = Loan(
        1_000_000,
        0.05,
        years=25,
        extra_repayments=(ExtraRepayment(12, 100_000),),
        extra_mode="reduce_payment",
    )
    s = one(loan)
    after = kr(s.closing_balance[0, 11])
    expected = round(npf.pmt(0.05 / 12, 288, -after), 2)
    assert kr(s.payment[0, 12]) == pytest.approx(expected, abs=1e-9)
    assert int(s.n_terms[0]) == 300


def test_shortened_loan_recomputes_over_shortened_term_at_a_rate_change() -> None:
    loan = Loan(
        1_000_000,
        0.05,
        years=25,
        extra_repayments=(ExtraRepayment(12, 300_000),),
        rate_changes=(RateChange(100, 0.04),),
    )
    s = one(loan)
    k = math.ceil(npf.nper(0.05 / 12, -5845.90, kr(s.closing_balance[0, 11])))
    end = 12 + k
    expected = round(npf.pmt(0.04 / 12, end - 99, -kr(s.opening_balance[0, 99])), 2)
    assert kr(s.payment[0, 99]) == pytest.approx(expected, abs=1e-9)
    assert int(s.n_terms[0]) == end


def test_extra_repayment_during_interest_only_lowers_the_annuity_base() -> None:
    # 12 interest-only months; 200 000 paid extra at term 6, in either mode the annuity from
    # term 13 is PMT(5 %/12; 288; −800 000) and the interest from term 7 is on 800 000
    for mode in ("shorten", "reduce_payment"):
        loan = Loan(
            1_000_000,
            0.05,
            years=25,
            interest_only_terms=12,
            extra_repayments=(ExtraRepayment(6, 200_000),),
            extra_mode=mode,
        )
        s = one(loan)
        assert kr(s.interest[0, 6]) == 3333.33  # 800 000 × 0.05 / 12 = 3333.333…
        assert kr(s.payment[0, 12]) == round(npf.pmt(0.05 / 12, 288, -800_000), 2), mode
        assert int(s.n_terms[0]) == 300
        assert reference_schedule(loan) == engine_rows(s, 0)


def test_extra_repayment_capped_at_balance_ends_the_loan() -> None:
    loan = Loan(50_000, 0.04, n_terms=24, extra_repayments=(ExtraRepayment(6, 1_000_000),))
    s = one(loan)
    assert int(s.n_terms[0]) == 6
    assert int(s.extra_repayment[0, 5]) == int(s.opening_balance[0, 5] - s.repayment[0, 5])
    assert int(s.closing_balance[0, 5]) == 0


def test_balance_reaching_zero_before_last_term_ends_the_loan_that_term() -> None:
    # 0.06 kr at 0 % over 4 terms: PMT = 6/4 = 1.5 øre → 2 øre; 2 + 2 + 2 = 6 after 3 terms
    for kind in ("annuity", "serial"):
        loan = Loan(
            0.06,
            0.0,
            n_terms=4,
            kind=kind,
            fee_per_term=1.0,
            rate_changes=(RateChange(4, 0.05),),
        )
        s = one(loan)
        assert int(s.n_terms[0]) == 3, kind
        assert s.fee[0].tolist()[:4] == [100, 100, 100, 0]
        assert reference_schedule(loan) == engine_rows(s, 0)
        y = amortize_yearly(LoanBatch.from_loans([loan]))
        assert int(y.n_terms[0]) == 3 and int(y.fee[0, 0]) == 300


def test_husbanken_effective_4640_is_nominal_4544_with_12_terms() -> None:
    # Husbanken: nominal = ((1 + eff)^(1/n) − 1) × n; eff 4.640 %, n = 12
    by_hand = ((1 + 0.04640) ** (1 / 12) - 1) * 12
    print(f"nominal = ((1 + 0.04640)^(1/12) - 1) * 12 = {by_hand:.8f}")
    assert by_hand == pytest.approx(0.04544, abs=5e-6)
    assert nominal_from_effective(0.04640, 12) == pytest.approx(by_hand, rel=1e-12)
    assert effective_from_nominal(by_hand, 12) == pytest.approx(0.04640, rel=1e-12)
    arr = nominal_from_effective(np.array([0.0, 0.0464, 0.10]), 12)
    assert arr.shape == (3,) and arr[0] == 0.0
    assert effective_from_nominal(arr, 12) == pytest.approx([0.0, 0.0464, 0.10], rel=1e-12)


def test_effective_rate_with_husbanken_fees_matches_numpy_financial_irr() -> None:
    # 600 kr set-up and 30 kr per term (Husbanken's own fees, domain.md §3)
    loan = Loan(1_000_000, 0.04544, years=25, fee_per_term=30, setup_fee=600)
    s = one(loan)
    flows = np.concatenate([[-(1_000_000 - 600)], s.payment[0] / 100])
    expected = (1 + npf.irr(flows)) ** 12 - 1
    summ = summarize(LoanBatch.from_loans([loan]))
    assert float(summ.effective_rate[0]) == pytest.approx(expected, abs=1e-10)
    assert float(summ.effective_rate[0]) > effective_from_nominal(0.04544, 12)
    assert int(summ.total_fees[0]) == 300 * 3000 + 60_000
    assert int(summ.total_cost[0]) == int(summ.total_interest[0] + summ.total_fees[0])
    assert int(summ.total_repaid[0]) == 100_000_000


def test_effective_rate_counts_extra_repayments_as_cash_flows() -> None:
    loan = Loan(
        200_000, 0.05, n_terms=60, setup_fee=1_000, extra_repayments=(ExtraRepayment(10, 50_000),)
    )
    s = one(loan)
    flows = np.concatenate([[-(200_000 - 1_000)], (s.payment[0] + s.extra_repayment[0]) / 100])
    flows = flows[: int(s.n_terms[0]) + 1]
    expected = (1 + npf.irr(flows)) ** 12 - 1
    summ = summarize(LoanBatch.from_loans([loan]))
    assert float(summ.effective_rate[0]) == pytest.approx(expected, abs=1e-10)


def test_present_value_and_terms_to_repay_invert_the_payment() -> None:
    # max loan for 10 000 kr/month at 5 % over 25 years: PV = 10 000 × (1 − 1.0041667^−300)/i
    pv = present_value(10_000, 0.05, 300)
    assert pv == pytest.approx(npf.pv(0.05 / 12, 300, -10_000), abs=1.0)
    assert annuity_payment(pv, 0.05, 300) <= 10_000 < annuity_payment(pv + 0.01, 0.05, 300)
    # zero rate, in øre: round_half_up(P / 12) ≤ 100 000 ⇔ P / 12 < 100 000.5 ⇔ P ≤ 1 200 005
    assert present_value(1_000, 0.0, 12) == 12_000.05
    assert terms_to_repay(1_000_000, 10_000, 0.05) == math.ceil(
        npf.nper(0.05 / 12, -10_000, 1_000_000)
    )
    assert terms_to_repay(12_000, 1_000, 0.0) == 12
    arr = terms_to_repay(np.array([1e5, 2e5]), 5_000, 0.03)
    assert arr.tolist() == [math.ceil(npf.nper(0.0025, -5_000, p)) for p in (1e5, 2e5)]
    with pytest.raises(InputError, match="payment") as err:
        terms_to_repay(1_000_000, 4_166.67, 0.05)  # = the first term's interest
    assert "interest" in str(err.value)


def test_schedule_frame_columns_and_values() -> None:
    df = schedule_frame(Loan(12_000, 0.06, n_terms=12, fee_per_term=10))
    assert list(df.columns) == [
        "term",
        "opening_balance",
        "interest",
        "repayment",
        "fee",
        "payment",
        "closing_balance",
    ]
    assert df["term"].tolist() == list(range(1, 13))
    assert df["payment"].iloc[0] == 1042.80  # PMT(0.5 %; 12; −12 000) = 1032.80 + 10 fee
    assert df["interest"].iloc[0] == 60.0
    assert (df["interest"] + df["repayment"] + df["fee"] - df["payment"]).abs().max() < 1e-9
    assert df["repayment"].sum() == pytest.approx(12_000, abs=1e-6)
    with_extra = schedule_frame(
        Loan(12_000, 0.06, n_terms=12, extra_repayments=(ExtraRepayment(3, 1000),))
    )
    assert "extra_repayment" in with_extra.columns
    assert with_extra["extra_repayment"].sum() == 1000.0


def test_summary_dict_is_json_ready() -> None:
    d = summary_dict(Loan(1_000_000, 0.05, years=25, setup_fee=600, fee_per_term=30))
    json.dumps(d)
    assert d["first_payment"] == 5875.90
    assert d["total_repaid"] == 1_000_000.0
    assert d["total_cost"] == pytest.approx(d["total_interest"] + d["total_fees"], abs=0.005)


def test_yearly_totals_match_hand_sums() -> None:
    loan = Loan(12_000, 0.06, n_terms=24, fee_per_term=10)
    y = amortize_yearly(LoanBatch.from_loans([loan]))
    s = one(loan)
    assert y.interest[0].tolist() == [int(s.interest[0, :12].sum()), int(s.interest[0, 12:].sum())]
    assert y.fee[0].tolist() == [12_000, 12_000]
    assert y.payment[0].tolist() == [int(s.payment[0, :12].sum()), int(s.payment[0, 12:].sum())]
    assert y.closing_balance[0, 1] == 0


# --------------------------------------------------------------------------- reference
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_engine_equals_decimal_reference_to_the_oere(seed: int) -> None:
    rng = random.Random(seed)
    batch_loans = [random_loan(rng) for _ in range(120)]
    batch = LoanBatch.from_loans(batch_loans)
    s = amortize(batch, chunk=17)  # small chunks: many chunks, compaction, events
    for j, loan in enumerate(batch_loans):
        assert engine_rows(s, j) == reference_schedule(loan), (j, loan)
    y = amortize_yearly(batch, chunk=23, workers=2)
    for j, loan in enumerate(batch_loans):
        ref = reference_schedule(loan)
        tpy = loan.terms_per_year
        for yr in range(y.interest.shape[1]):
            part = ref[yr * tpy : (yr + 1) * tpy]
            assert int(y.interest[j, yr]) == sum(r["interest"] for r in part)
            assert int(y.payment[j, yr]) == sum(r["payment"] for r in part)
            assert int(y.fee[j, yr]) == sum(r["fee"] for r in part)
            rep = sum(r["repayment"] + r["extra_repayment"] for r in part)
            assert int(y.repayment[j, yr]) == rep
            assert int(y.closing_balance[j, yr]) == (part[-1]["closing_balance"] if part else 0)


def test_summary_of_random_loans_matches_reference_totals() -> None:
    rng = random.Random(7)
    batch_loans = [random_loan(rng) for _ in range(60)]
    summ = summarize(LoanBatch.from_loans(batch_loans), chunk=16)
    for j, loan in enumerate(batch_loans):
        ref = reference_schedule(loan)
        assert int(summ.n_terms[j]) == len(ref)
        assert int(summ.total_interest[j]) == sum(r["interest"] for r in ref)
        fees = sum(r["fee"] for r in ref) + _oere(loan.setup_fee)
        assert int(summ.total_fees[j]) == fees
        assert int(summ.first_payment[j]) == (
            ref[loan.interest_only_terms]["payment"] if len(ref) > loan.interest_only_terms else 0
        )
        # the effective rate solves Σ c_t (1+ρ)^−t = principal − setup fee, ρ its term rate;
        # checked as a sign change of that NPV around ρ (npf.irr is too slow for 60 loans)
        net = _oere(loan.principal) - _oere(loan.setup_fee)
        flows = np.array([r["payment"] + r["extra_repayment"] for r in ref], dtype=float)
        eff = float(summ.effective_rate[j])
        if sum(flows) == net:
            assert eff == 0.0
            continue
        rho = (1 + eff) ** (1 / loan.terms_per_year) - 1
        t = np.arange(1, len(flows) + 1)

        def npv(x: float, t: np.ndarray = t, flows: np.ndarray = flows, net: int = net) -> float:
            return float(np.sum(flows * (1 + x) ** -t.astype(float)) - net)

        assert npv(rho * (1 - 1e-7)) > 0 > npv(rho * (1 + 1e-7)), j


def test_pmt_exact_path_agrees_with_decimal_near_half_oere() -> None:
    rng = random.Random(11)
    for _ in range(300):
        b, r, n = rng.randint(1, 10**11), rng.randint(1, 30_000_000), rng.randint(1, 600)
        got = int(_exact.pmt_oere([b], [r], [n], 12)[0])
        assert got == _ref_pmt(b, r, n, 12)
        assert _exact._pmt_exact(b, r, n, 12 * 10**8) == got


def test_terms_needed_agrees_with_iteration() -> None:
    rng = random.Random(5)
    for _ in range(200):
        b, r = rng.randint(1, 10**9), rng.choice([0, rng.randint(1, 15_000_000)])
        a = rng.randint(max(1, b // 600), b)
        expected = _ref_terms_needed(b, a, r, 12)
        got = int(_exact.nper_ceil([b], [a], [r], 12)[0])
        assert got == (expected if expected is not None else _exact.NO_END)


def test_batch_from_arrays_equals_from_loans() -> None:
    a = LoanBatch.from_arrays(
        [1_000_000, 500_000],
        [0.05, 0.03],
        [300, 120],
        kind=["annuity", "serial"],
        interest_only_terms=[12, 0],
        fee_per_term=30,
        setup_fee=600,
        rate_change_loan=[1],
        rate_change_term=[13],
        rate_change_rate=[0.04],
        extra_loan=[0, 0],
        extra_term=[24, 24],
        extra_amount=[1000, 500],
    )
    b = LoanBatch.from_loans(
        [
            Loan(
                1_000_000,
                0.05,
                n_terms=300,
                interest_only_terms=12,
                fee_per_term=30,
                setup_fee=600,
                extra_repayments=(ExtraRepayment(24, 1500),),
            ),
            Loan(
                500_000,
                0.03,
                n_terms=120,
                kind="serial",
                fee_per_term=30,
                setup_fee=600,
                rate_changes=(RateChange(13, 0.04),),
            ),
        ]
    )
    sa, sb = amortize(a), amortize(b)
    for f in ("payment", "interest", "extra_repayment", "closing_balance"):
        assert np.array_equal(getattr(sa, f), getattr(sb, f))
    sub = amortize(a.take([1]))
    assert np.array_equal(sub.payment[0], sa.payment[1, :120])


def test_loan_years_or_terms_and_replace() -> None:
    loan = Loan(1_000_000, 0.05, years=25)
    assert loan.terms == 300 and loan.n_terms is None
    assert dataclasses.replace(loan, years=30).terms == 360
    assert Loan(1_000_000, 0.05, years=2.5, terms_per_year=4).terms == 10
    assert Loan(1_000_000, 0.05, years=25, n_terms=300).terms == 300


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"principal": -5}, "principal"),
        ({"principal": 0}, "principal"),
        ({"principal": float("nan")}, "principal"),
        ({"principal": 2e9}, "principal"),
        ({"annual_rate": 0.31}, "annual_rate"),
        ({"annual_rate": -0.01}, "annual_rate"),
        ({"interest_only_terms": 12}, "interest_only_terms"),
        ({"interest_only_terms": -1}, "interest_only_terms"),
        ({"terms_per_year": 5}, "terms_per_year"),
        ({"n_terms": 0}, "n_terms"),
        ({"n_terms": 601}, "n_terms"),
        ({"n_terms": None, "years": 1.05}, "years"),
        ({"n_terms": 12, "years": 2}, "years"),
        ({"n_terms": None}, "years"),
        ({"kind": "bullet"}, "kind"),
        ({"extra_mode": "skip"}, "extra_mode"),
        ({"fee_per_term": -1}, "fee_per_term"),
        ({"setup_fee": 200_000}, "setup_fee"),
        ({"rate_changes": (RateChange(13, 0.05),)}, "rate_changes[0].term"),
        ({"rate_changes": (RateChange(0, 0.05),)}, "rate_changes[0].term"),
        ({"rate_changes": (RateChange(3, 0.5),)}, "rate_changes[0].annual_rate"),
        (
            {"rate_changes": (RateChange(3, 0.05), RateChange(3, 0.04))},
            "rate_changes[1].term",
        ),
        ({"extra_repayments": (ExtraRepayment(13, 5),)}, "extra_repayments[0].term"),
        ({"extra_repayments": (ExtraRepayment(3, -5),)}, "extra_repayments[0].amount"),
    ],
)
def test_bad_loan_input_names_the_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"principal": 100_000, "annual_rate": 0.05, "n_terms": 12}
    args.update(kwargs)
    with pytest.raises(InputError) as err:
        Loan(**args)  # type: ignore[arg-type]
    assert err.value.field == field
    # a missing value (None) is not echoed: "field: rule" (issue 11, class 8)
    assert str(err.value).startswith((f"{field} = ", f"{field}: "))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"principal": [1000, -5]}, "principal[1]"),
        ({"annual_rate": [0.05, 0.4]}, "annual_rate[1]"),
        ({"n_terms": [12, 0]}, "n_terms[1]"),
        ({"terms_per_year": 5}, "terms_per_year[0]"),
        ({"interest_only_terms": [0, 12]}, "interest_only_terms[1]"),
        ({"kind": ["annuity", "x"]}, "kind[1]"),
        ({"extra_mode": "x"}, "extra_mode[0]"),
        (
            {"rate_change_loan": [0], "rate_change_term": [13], "rate_change_rate": [0.05]},
            "rate_change_term[0]",
        ),
        (
            {"rate_change_loan": [2], "rate_change_term": [3], "rate_change_rate": [0.05]},
            "rate_change_loan[0]",
        ),
        (
            {
                "rate_change_loan": [0, 0],
                "rate_change_term": [3, 3],
                "rate_change_rate": [0.1, 0.2],
            },
            "rate_change_term[1]",
        ),
        ({"extra_loan": [0], "extra_term": [13], "extra_amount": [5.0]}, "extra_repayment_term[0]"),
        (
            {"extra_loan": [0], "extra_term": [3], "extra_amount": [0.0]},
            "extra_repayment_amount[0]",
        ),
    ],
)
def test_bad_batch_input_names_the_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"principal": [1000, 2000], "annual_rate": 0.05, "n_terms": 12}
    args.update(kwargs)
    with pytest.raises(InputError) as err:
        LoanBatch.from_arrays(**args)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: annuity_payment(-1, 0.05, 12), "principal"),
        (lambda: annuity_payment(1000, 0.35, 12), "annual_rate"),
        (lambda: annuity_payment(1000, 0.05, 12, terms_per_year=5), "terms_per_year"),
        (lambda: annuity_payment(1000, 0.05, 0), "n_terms"),
        (lambda: present_value(0, 0.05, 12), "payment"),
        (lambda: terms_to_repay(1000, 0, 0.05), "payment"),
        (lambda: nominal_from_effective(-0.1), "effective"),
        (lambda: effective_from_nominal(2.0), "nominal"),
        (lambda: LoanBatch.from_loans([]), "loans"),
    ],
)
def test_bad_formula_input_names_the_field(call: object, field: str) -> None:
    with pytest.raises(InputError) as err:
        call()  # type: ignore[operator]
    assert err.value.field == field


def test_docstring_examples() -> None:
    for mod in (loans_pkg, _exact, engine, formulas, model, summary):
        result = doctest.testmod(mod)
        assert result.failed == 0, mod.__name__
