"""Debt-service capacity, max loan, breaking point, grant need, bank test (Husbanken method)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from housingcalc.calc.capacity import (
    assess,
    bank_test,
    breaking_point_rate,
    budget_path,
    grant_need,
    instalment,
    loan_payment,
    max_loan,
    monthly_budget,
    purchase_costs,
    repayment_time,
    stress_rate,
    surplus,
)
from housingcalc.calc.loans import annuity_payment
from housingcalc.errors import InputError
from housingcalc.models.household import Household, OwnerCosts
from housingcalc.parameters import ParameterSet


def _pv(payment: float, annual_rate: float, years: int) -> float:
    """Textbook present value of a monthly annuity, independent of the engine."""
    i = annual_rate / 12
    n = years * 12
    return payment * (1 - (1 + i) ** -n) / i


# -- stress rate --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2019, 6, 1), 0.0625),  # kalkulasjonsrente 6.25 % until 2019
        (dt.date(2020, 6, 1), 0.05),  # 5 % from 1 Jan 2020
        (dt.date(2024, 6, 1), 0.045 + 0.025),  # policy rate 4.5 % + 2.5 pp
        (dt.date(2025, 10, 1), 0.04 + 0.025),  # policy rate 4.0 % from 19 Sep 2025 + 2.5 pp
    ],
)
def test_stress_rate_follows_the_dated_rule(
    params: ParameterSet, date: dt.date, expected: float
) -> None:
    assert stress_rate(params, date).rate == pytest.approx(expected)


# -- max loan and surplus --------------------------------------------------------------------------


def test_husbanken_style_max_loan_10000_a_month_at_5_percent_over_30_years() -> None:
    # 2020 kalkulasjonsrente 5 %: i = 0.05/12 = 0.0041667, n = 360
    # PV = 10 000 × (1 − 1.0041667^−360) / 0.0041667 = 1 862 816.61
    expected = _pv(10_000, 0.05, 30)
    assert expected == pytest.approx(1_862_816.6, abs=1)
    assert max_loan(10_000, 0.05, 30) == pytest.approx(expected, abs=1.0)


def test_max_loan_fed_back_through_the_engine_leaves_zero_surplus() -> None:
    for available, rate in [
        (10_000.0, 0.05),
        (7_345.67, 0.0625),
        (23_000.0, 0.065),
        (1_000.0, 0.07),
    ]:
        loan = max_loan(available, rate, 30)
        left = available - annuity_payment(loan, rate, 360)
        assert 0 <= left <= 1.0, (available, rate, left)
        assert surplus(available, loan, rate, 30) == pytest.approx(left)


def test_fifty_year_alternative_is_larger_than_thirty_years() -> None:
    assert max_loan(10_000, 0.065, 50) > max_loan(10_000, 0.065, 30)


def test_no_available_amount_means_no_loan() -> None:
    assert max_loan(-2_000, 0.065, 30) == 0.0
    assert max_loan(0.0, 0.065, 30) == 0.0


@settings(max_examples=40, deadline=None)
@given(a=st.floats(100, 60_000), extra=st.floats(0, 20_000), rate=st.floats(0.01, 0.12))
def test_more_income_never_lowers_max_loan(a: float, extra: float, rate: float) -> None:
    assert max_loan(a + extra, rate, 30) >= max_loan(a, rate, 30)


@settings(max_examples=40, deadline=None)
@given(a=st.floats(100, 60_000), rate=st.floats(0.01, 0.12), up=st.floats(0, 0.05))
def test_higher_stress_rate_never_raises_max_loan(a: float, rate: float, up: float) -> None:
    assert max_loan(a, rate + up, 30) <= max_loan(a, rate, 30)


def test_max_loan_is_vectorised() -> None:
    out = max_loan(np.array([5_000.0, 10_000.0]), 0.065, 30)
    assert out.shape == (2,) and out[1] > out[0]


# -- breaking point -------------------------------------------------------------------------


def test_breaking_point_rate_is_where_the_surplus_hits_zero() -> None:
    loan = 1_500_000.0
    available = annuity_payment(loan, 0.06, 360)  # exactly affordable at 6 %
    r = breaking_point_rate(available, loan, 30)
    assert r == pytest.approx(0.06, abs=1e-5)
    assert surplus(available, loan, r - 1e-4, 30) >= 0 > surplus(available, loan, r + 1e-4, 30)


def test_breaking_point_nan_when_deficit_at_zero_and_inf_when_loan_is_tiny() -> None:
    assert math.isnan(breaking_point_rate(1_000, 2_000_000, 30))  # 2 000 000 / 360 = 5 556 > 1 000
    assert breaking_point_rate(50_000, 1_000, 30) == math.inf


def test_breaking_point_rate_vectorised() -> None:
    out = breaking_point_rate(np.array([8_000.0, 9_000.0]), 1_200_000, 30)
    assert out[1] > out[0]


# -- worked example from a household -----------------------------------------------------------


def test_husbanken_worked_example_single_adult_2025(params: ParameterSet) -> None:
    """One adult (woman, 40) with wage 40 000 a month, no children, 1 Jun 2025.

    Net income: 40 000 − 106 904.05/12 (tax, see test_income) = 31 091.33
    Living costs (2025 SIFO table, derived): woman 25–50 food 4 125 + clothes 1 050 +
      personal care 985 + play/media 1 040 + travel 980 + 1-person household 385 + 570 + 530
      + 2 480 = 12 145 (guideline floor: single 7 850, so SIFO applies)
    Owner's costs: 3 000 → available = 31 091.33 − 12 145 − 3 000 = 15 946.33
    Stress rate 1 Jun 2025: policy rate 4.5 % + 2.5 pp = 7 %
    Max loan: 15 946.33 × (1 − (1 + 0.07/12)^−360) / (0.07/12) = 2 396 855 (± 1)
    """
    h = Household.model_validate(
        {
            "adults": [{"birth_date": "1985-01-01", "sex": "female"}],
            "income": [{"kind": "wage", "adult": 0, "monthly": 40_000}],
        }
    )
    at = dt.date(2025, 6, 1)
    budget = monthly_budget(h, at, params, OwnerCosts(common_costs=3_000))
    assert budget.income["net_income"] == pytest.approx(40_000 - 106_904.05 / 12, abs=0.01)
    items = budget.living.reference_items
    assert items["food"] == 4125 and items["travel"] == 980
    assert budget.living.total == pytest.approx(12_145)
    assert budget.available_monthly == pytest.approx(31_091.33 - 12_145 - 3_000, abs=0.01)
    a = assess(h, params, at, owner_costs=OwnerCosts(common_costs=3_000))
    assert a.stress.rate == pytest.approx(0.07)
    assert a.max_loan == pytest.approx(_pv(budget.available_monthly, 0.07, 30), abs=1.0)
    assert a.test.surplus_monthly == pytest.approx(0.0, abs=1.0)


def test_budget_path_available_equals_net_minus_costs(params: ParameterSet) -> None:
    h = Household.model_validate(
        {
            "adults": [{"birth_date": "1985-01-01"}],
            "income": [{"kind": "wage", "adult": 0, "monthly": 40_000}],
            "debts": [{"monthly_payment": 1_000, "end": "2025-07"}],
            "fixed_costs": [{"kind": "childcare", "monthly": 500}],
        }
    )
    p = budget_path(h, ["2025-07", "2025-08"], params, owner_costs=OwnerCosts(insurance=300))
    expected = p["net_income"] - p["living_costs"] - p["fixed_costs"] - 300
    assert np.allclose(p["available_monthly"], expected)
    assert p["debt_payments"].tolist() == [1_000, 0]


# -- purchase costs, grant need, bank test ------------------------------------------------------


def test_purchase_costs_selveier_and_borettslag(params: ParameterSet) -> None:
    at = dt.date(2025, 6, 1)
    s = purchase_costs(2_400_000, "selveier", params, at)
    # duty 2.5 % × 2 400 000 = 60 000; deed + 1 mortgage = 2 × 545
    assert (s.document_duty, s.documents, s.registration_fees, s.total) == (
        60_000,
        2,
        1_090,
        2_461_090,
    )
    b = purchase_costs(2_400_000, "borettslag", params, at, mortgages=2)
    assert (b.document_duty, b.documents, b.total) == (0, 3, 2_400_000 + 3 * 545)


def test_grant_need_is_the_gap_never_negative() -> None:
    assert grant_need(2_461_090, 60_000, 1_800_000) == pytest.approx(601_090)
    assert grant_need(1_000_000, 600_000, 800_000) == 0.0


def test_assess_grant_need_matches_its_parts(params: ParameterSet) -> None:
    h = Household.model_validate(
        {
            "adults": [{"birth_date": "1985-01-01"}],
            "income": [{"kind": "wage", "adult": 0, "monthly": 40_000}],
            "savings": 100_000,
        }
    )
    a = assess(h, params, dt.date(2025, 6, 1), price=3_000_000)
    assert a.purchase is not None and a.grant_need is not None
    assert a.grant_need == pytest.approx(a.purchase.total - 100_000 - a.max_loan, abs=0.01)
    assert a.grant_need_special is not None and a.grant_need_special < a.grant_need


def test_bank_test_uses_stress_add_and_floor(params: ParameterSet) -> None:
    at = dt.date(2025, 6, 1)
    low = bank_test(
        bank_loan=2_000_000,
        bank_rate=0.035,
        start_loan=500_000,
        available_monthly=30_000,
        gross_income_yearly=950_000,
        other_debt=210_000,
        price=3_500_000,
        params=params,
        at=at,
    )
    assert low.stress_rate == pytest.approx(0.07)  # 3.5 % + 3 pp = 6.5 % < 7 % floor
    high = bank_test(
        bank_loan=2_000_000,
        bank_rate=0.055,
        start_loan=500_000,
        available_monthly=30_000,
        gross_income_yearly=950_000,
        other_debt=210_000,
        price=3_500_000,
        params=params,
        at=at,
    )
    assert high.stress_rate == pytest.approx(0.085)
    # total debt 2 710 000 / 950 000 = 2.85 ≤ 5 ; LTV 2 000 000 / 3 500 000 = 57 % ≤ 90 %
    assert high.debt_to_income == pytest.approx(2_710_000 / 950_000)
    assert high.passes_dti and high.passes_ltv
    assert high.bank_payment_stressed == pytest.approx(annuity_payment(2_000_000, 0.085, 360))


def test_assess_with_bank_shows_both_tests(params: ParameterSet) -> None:
    h = Household.model_validate(
        {
            "adults": [{"birth_date": "1990-01-01"}, {"birth_date": "1992-01-01"}],
            "income": [
                {"kind": "wage", "adult": 0, "yearly": 520_000},
                {"kind": "wage", "adult": 1, "yearly": 430_000},
            ],
            "savings": 250_000,
        }
    )
    a = assess(
        h, params, dt.date(2025, 6, 1), price=3_500_000, bank_loan=2_000_000, bank_rate=0.055
    )
    assert a.bank is not None
    assert a.test.bank_loan_payment_stressed == pytest.approx(loan_payment(2_000_000, 0.07, 30))
    d = a.as_dict()
    assert d["bank_test"]["stress_rate"] == pytest.approx(0.085)


def test_bank_loan_without_rate_is_refused(params: ParameterSet) -> None:
    h = Household.model_validate({"adults": [{"birth_date": "1990-01-01"}]})
    with pytest.raises(InputError, match="bank_rate"):
        assess(h, params, dt.date(2025, 6, 1), price=3_000_000, bank_loan=1_000_000)


# -- wrappers ----------------------------------------------------------------------------------


def test_instalment_and_repayment_time_are_engine_wrappers() -> None:
    inst = instalment(1_000_000, 0.05, 25, term_fee=30)
    assert inst["annuity_payment"] == pytest.approx(5_845.90 + 30)
    assert repayment_time(1_000_000, 5_845.91, 0.05) == {
        "months": 300,
        "years": 25,
        "extra_months": 0,
    }
    io = instalment(1_000_000, 0.05, 30, interest_only_years=5)
    assert io["interest_only_payment"] == pytest.approx(1_000_000 * 0.05 / 12, abs=0.01)


def test_json_has_the_headline_keys(params: ParameterSet) -> None:
    h = Household.model_validate(
        {
            "adults": [{"birth_date": "1985-01-01"}],
            "income": [{"kind": "wage", "adult": 0, "monthly": 40_000}],
        }
    )
    d = assess(h, params, dt.date(2025, 6, 1), price=2_000_000).as_dict()
    for key in ("available_monthly", "stress_rate", "max_loan", "grant_need", "surplus_monthly"):
        assert key in d
    assert any("APPROXIMATION" in n for n in d["notes"])
    assert d["sources"]
