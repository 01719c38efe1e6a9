"""Dated series read by the purchase, lending and rate functions, crossed at their change dates.

Each test reads a series through the calc function that uses it, on the day before and the day
a value changes, and compares with the published value written out here (the source is named
beside each figure; the same references are in the parameter file). A lookup one year off
(``tests/mutation/shift_dates.py``) fails these tests.
"""

from __future__ import annotations

import datetime as dt

import pytest

from housingcalc.calc.capacity import BankTest, bank_test, purchase_costs, stress_rate
from housingcalc.calc.grants import per_m2, write_down_terms
from housingcalc.calc.rent import reference_rate
from housingcalc.parameters import load_parameters
from housingcalc.parameters.rates import husbanken_effective, husbanken_rate

PS = load_parameters()
D = dt.date.fromisoformat


def _annuity(principal: float, annual_rate: float, years: int) -> float:
    """Monthly annuity payment written out: P · i / (1 − (1 + i)^−n), i = r/12, n = 12·years."""
    i = annual_rate / 12
    return principal * i / (1 - (1 + i) ** (-12 * years))


# -- husbanken.startlan.stress_rate and norges_bank.policy_rate --------------------------------


@pytest.mark.parametrize(
    ("at", "rate", "method"),
    [
        # Husbanken, "Kalkulasjonsrenten": 6.25 %, 5 % from 1 Jan 2020
        ("2019-12-31", 0.0625, "fixed"),
        ("2020-01-01", 0.05, "fixed"),
        ("2022-12-31", 0.05, "fixed"),
        # Husbanken veileder "Rentestresstest": policy rate + 2.5 pp (packaged from 1 Jan 2023);
        # Norges Bank raised the policy rate to 2.75 % on 15 Dec 2022 (in force 16 Dec):
        # 2.75 % + 2.5 pp = 5.25 %
        ("2023-01-01", 0.0275 + 0.025, "policy_rate_plus"),
    ],
)
def test_start_loan_stress_rate_changes_on_1_jan_2020_and_1_jan_2023(
    at: str, rate: float, method: str
) -> None:
    s = stress_rate(PS, D(at))
    assert s.method == method
    assert s.rate == pytest.approx(rate, abs=1e-12)


@pytest.mark.parametrize(
    ("at", "policy"),
    [
        # Norges Bank press releases: 4.5 % from 15 Dec 2023 (in force 15 Dec), cut to 4.25 %
        # on 19 Jun 2025 (in force 20 Jun), to 4.0 % on 18 Sep 2025 (in force 19 Sep)
        ("2025-06-19", 0.045),
        ("2025-06-20", 0.0425),
        ("2025-09-18", 0.0425),
        ("2025-09-19", 0.04),
        # 2023: 3.75 % from 23 Jun, 4.0 % from 18 Aug (Norges Bank, press releases)
        ("2023-08-17", 0.0375),
        ("2023-08-18", 0.04),
    ],
)
def test_stress_rate_follows_each_policy_rate_decision_on_its_day(at: str, policy: float) -> None:
    # stress rate = policy rate + 2.5 pp (Husbanken veileder, Rentestresstest)
    s = stress_rate(PS, D(at))
    assert s.policy_rate == pytest.approx(policy, abs=1e-12)
    assert s.rate == pytest.approx(policy + 0.025, abs=1e-12)


# -- kartverket.registration_fee -------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "fee"),
    [
        # Kartverket, Tinglysingsgebyr: 525 kr (2014–2019), 540 kr (2020–2023), 500 kr (2024),
        # 545 kr from 1 Jan 2025
        ("2019-12-31", 525),
        ("2020-01-01", 540),
        ("2023-12-31", 540),
        ("2024-01-01", 500),
        ("2024-12-31", 500),
        ("2025-01-01", 545),
    ],
)
def test_purchase_registration_fees_change_on_1_january(at: str, fee: int) -> None:
    # a co-op flat (no document duty) with one mortgage: 2 documents × fee
    costs = purchase_costs(2_000_000, "borettslag", PS, D(at), mortgages=1)
    assert costs.registration_fees == 2 * fee
    assert costs.total == 2_000_000 + 2 * fee


# -- bank_lending.stress_add, stress_floor, max_ltv ------------------------------------------


def _bank(at: str, *, rate: float, loan: float = 1_000_000, price: float = 2_000_000) -> BankTest:
    return bank_test(
        bank_loan=loan,
        bank_rate=rate,
        start_loan=0.0,
        available_monthly=50_000.0,
        gross_income_yearly=1_000_000.0,
        other_debt=0.0,
        price=price,
        params=PS,
        at=D(at),
    )


def test_bank_stress_add_is_5_pp_to_2022_and_3_pp_from_1_jan_2023() -> None:
    # utlånsforskriften: rate + 5 pp (no floor) to 31 Dec 2022; from 1 Jan 2023 rate + 3 pp,
    # at least 7 % (regjeringen.no, NRK 14 Dec 2022). At a 5 % rate: 10 %, then 8 %.
    before, after = _bank("2022-12-31", rate=0.05), _bank("2023-01-01", rate=0.05)
    assert before.stress_rate == pytest.approx(0.05 + 0.05)
    assert after.stress_rate == pytest.approx(0.05 + 0.03)
    assert after.bank_payment_stressed == pytest.approx(_annuity(1_000_000, 0.08, 30), abs=0.01)


def test_bank_stress_floor_of_7_percent_applies_from_1_jan_2023() -> None:
    # at a 1 % rate: 1 % + 5 pp = 6 % in 2022; max(1 % + 3 pp, 7 %) = 7 % from 2023
    before, after = _bank("2022-12-31", rate=0.01), _bank("2023-01-01", rate=0.01)
    assert before.stress_rate == pytest.approx(0.06)
    assert after.stress_rate == pytest.approx(0.07)


def test_bank_max_loan_to_value_rises_to_90_percent_on_31_dec_2024() -> None:
    # utlånsforskriften: 85 % to 30 Dec 2024, 90 % from 31 Dec 2024 (regjeringen.no).
    # A bank loan of 88 % of the price fails the day before and passes on the day.
    before = _bank("2024-12-30", rate=0.05, loan=1_760_000, price=2_000_000)
    after = _bank("2024-12-31", rate=0.05, loan=1_760_000, price=2_000_000)
    assert (before.max_ltv, before.passes_ltv) == (0.85, False)
    assert (after.max_ltv, after.passes_ltv) == (0.90, True)


# -- husbanken.rates.floating --------------------------------------------------------------------


def test_husbanken_floating_rate_changes_on_1_july_2024() -> None:
    # husbanken.no/rente: 4.554 % nominal (monthly terms) to 30 Jun 2024, 4.640 % from 1 Jul
    assert husbanken_rate(PS, "floating", "2024-06-30") == 0.04554
    assert husbanken_rate(PS, "floating", "2024-07-01") == 0.04640
    # effective: (1 + 4.640 %/12)^12 − 1
    assert husbanken_effective(PS, "floating", "2024-07-01") == pytest.approx(
        (1 + 0.04640 / 12) ** 12 - 1, abs=1e-12
    )


# -- norges_bank.gov_bond_yield_3y / _10y ----------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "year", "average"),
    [
        # Norges Bank, government bonds, annual averages: 3y 2018 1.15 %, 2019 1.23 %,
        # 2020 0.44 %; 10y 2018 1.88 %, 2019 1.49 %, 2020 0.82 %
        ("bond3y", 2018, 0.0115),
        ("bond3y", 2019, 0.0123),
        ("bond3y", 2020, 0.0044),
        ("bond10y", 2018, 0.0188),
        ("bond10y", 2019, 0.0149),
        ("bond10y", 2020, 0.0082),
    ],
)
def test_reference_rate_uses_the_average_of_the_year_asked(
    reference: str, year: int, average: float
) -> None:
    build, _ = reference_rate(PS, reference, 0.02, year=year)
    assert build.year == year
    assert build.rate == pytest.approx(average + 0.02, abs=1e-12)


def test_reference_rate_at_a_date_takes_the_average_in_force_then() -> None:
    # each annual average is dated 1 January of its year: 31 Dec 2019 → 2019's 1.23 %,
    # 1 Jan 2020 → 2020's 0.44 % (Norges Bank annual averages, 3-year bonds)
    before, _ = reference_rate(PS, "bond3y", 0.0, at=D("2019-12-31"))
    after, _ = reference_rate(PS, "bond3y", 0.0, at=D("2020-01-01"))
    assert before.year == 2019
    assert before.rate == pytest.approx(0.0123)
    assert after.year == 2020
    assert after.rate == pytest.approx(0.0044)


# -- husbanken.rental_grant.group_rates and write_down_rate ------------------------------------


@pytest.mark.parametrize(
    ("committed", "rate"),
    [
        # Oslo, group 1: 17 200 kr/m² (2018 table, Husbanken), 18 800 kr/m² from 1 Jan 2020
        # (regjeringen.no id2683630), 21 200 kr/m² from 16 Jun 2023 (Husbanken veileder § 9)
        ("2019-12-31", 17_200),
        ("2020-01-01", 18_800),
        ("2023-06-15", 18_800),
        ("2023-06-16", 21_200),
    ],
)
def test_rental_grant_per_m2_follows_the_table_of_the_commitment_date(
    committed: str, rate: int
) -> None:
    r = per_m2(PS, D(committed), area_m2=50, municipality="Oslo")
    assert r.grant == rate * 50


def test_rental_grant_written_down_5_percent_before_2018_and_3_3_percent_from_2018() -> None:
    # Husbanken: grants committed before 2018 are written down 5 % a year over 20 years;
    # from 1 Jan 2018 3.3 % a year over 30 years (forskrift / veileder for tilskudd)
    before = write_down_terms(PS, D("2017-12-31"))
    after = write_down_terms(PS, D("2018-01-01"))
    assert (before.rate, before.period_years) == (0.05, 20)
    assert (after.rate, after.period_years) == (0.033, 30)
