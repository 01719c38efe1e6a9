"""Income path: introduction benefit from G, child benefit, tax approximation."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from housingcalc.calc.household import income_by_stream, income_path, month_index, month_range
from housingcalc.models.household import Household
from housingcalc.parameters import ParameterSet

G_2024 = 124_028  # from 1 May 2024 (nav.grunnbelop)
G_2025 = 130_160  # from 1 May 2025


def _one_adult(
    birth: str, *, with_parents: bool = False, integration_act: bool = True, end: str = "2026-12"
) -> Household:
    return Household.model_validate(
        {
            "adults": [{"birth_date": birth, "lives_with_parents": with_parents}],
            "income": [
                {
                    "kind": "introduction_benefit",
                    "adult": 0,
                    "start": "2025-01",
                    "end": end,
                    "integration_act": integration_act,
                }
            ],
        }
    )


def test_introduction_benefit_changes_with_g_on_1_may_2025(params: ParameterSet) -> None:
    # 2 G a year, 1/12 a month (introduksjonsloven § 9 / integreringsloven § 20):
    # April 2025: 2 × 124 028 / 12 = 20 671.33 ; May 2025: 2 × 130 160 / 12 = 21 693.33
    h = _one_adult("1990-01-01")
    path = income_path(h, ["2025-04", "2025-05"], params)
    assert path["introduction_benefit"].tolist() == pytest.approx(
        [2 * G_2024 / 12, 2 * G_2025 / 12], abs=0.005
    )


def test_a_stream_crossing_1_may_changes_amount_exactly_there(params: ParameterSet) -> None:
    h = _one_adult("1990-01-01")
    s = income_path(h, month_range("2025-01", "2025-12"), params)["introduction_benefit"]
    assert (s.iloc[:4] == s.iloc[0]).all() and (s.iloc[4:] == s.iloc[4]).all()
    assert s.iloc[4] > s.iloc[3]


def test_under_25_gets_two_thirds_and_full_rate_after_turning_25(params: ParameterSet) -> None:
    # born 15 Mar 2000: under 25 on 1 Mar 2025 (2/3), 25 on 1 Apr 2025 (full rate).
    # March 2025: 2/3 × 2 × 124 028 / 12 = 13 780.89 ; April: 2 × 124 028 / 12 = 20 671.33
    h = _one_adult("2000-03-15")
    s = income_path(h, ["2025-03", "2025-04"], params)["introduction_benefit"]
    assert s.tolist() == pytest.approx([2 / 3 * 2 * G_2024 / 12, 2 * G_2024 / 12], abs=0.01)


def test_under_25_living_with_parents_gets_one_third_under_the_integration_act(
    params: ParameterSet,
) -> None:
    # 1/3 × 2 × 130 160 / 12 = 7 231.11 (integreringsloven, permits from 2021)
    h = _one_adult("2003-06-01", with_parents=True)
    s = income_path(h, ["2025-06"], params)["introduction_benefit"]
    assert s.iloc[0] == pytest.approx(2 * G_2025 / 12 / 3, abs=0.01)


def test_under_25_with_parents_under_the_old_act_still_gets_two_thirds(
    params: ParameterSet,
) -> None:
    h = _one_adult("2003-06-01", with_parents=True, integration_act=False)
    s = income_path(h, ["2025-06"], params)["introduction_benefit"]
    assert s.iloc[0] == pytest.approx(2 * G_2025 / 12 * 2 / 3, abs=0.01)


def test_with_parents_rule_does_not_apply_before_2021(params: ParameterSet) -> None:
    h = Household.model_validate(
        {
            "adults": [{"birth_date": "1998-06-01", "lives_with_parents": True}],
            "income": [
                {
                    "kind": "introduction_benefit",
                    "adult": 0,
                    "start": "2020-09",
                    "end": "2021-02",
                    "taxable": False,
                }
            ],
        }
    )
    s = income_path(h, ["2020-12", "2021-01"], params)["introduction_benefit"]
    g_2020 = 101_351
    assert s.tolist() == pytest.approx([2 * g_2020 / 12 * 2 / 3, 2 * g_2020 / 12 / 3], abs=0.01)


def test_stream_is_zero_outside_its_inclusive_months(params: ParameterSet) -> None:
    h = _one_adult("1990-01-01", end="2025-03")
    s = income_path(h, ["2024-12", "2025-01", "2025-03", "2025-04"], params)["introduction_benefit"]
    assert s.iloc[0] == 0 and s.iloc[1] > 0 and s.iloc[2] > 0 and s.iloc[3] == 0


def test_child_benefit_by_age_follows_nav_rates(params: ParameterSet) -> None:
    # NAV (familie-ba-sak SatsService): 1 Jan 2024: under 6 1 766, from 6 1 510; the under-6
    # rate runs to the month before the 6th birthday; paid to the month before the 18th.
    h = Household.model_validate(
        {
            "adults": [{"birth_date": "1985-01-01"}],
            "children": [{"birth_date": "2018-03-10"}, {"birth_date": "2006-05-20"}],
            "income": [{"kind": "child_benefit"}],
        }
    )
    s = income_path(h, ["2024-02", "2024-03", "2024-04", "2024-05"], params)["child_benefit"]
    # Feb: 1 766 (under 6) + 1 510 ; Mar: 1 510 + 1 510 (turned 6 in March) ;
    # Apr: 1 510 + 1 510 ; May: 1 510 (the older child turns 18 in May: no benefit that month)
    assert s.tolist() == [1766 + 1510, 1510 + 1510, 1510 + 1510, 1510]


def test_child_benefit_starts_the_month_after_birth(params: ParameterSet) -> None:
    h = Household.model_validate(
        {
            "adults": [{"birth_date": "1985-01-01"}],
            "children": [{"birth_date": "2025-06-15"}],
            "income": [{"kind": "child_benefit"}],
        }
    )
    s = income_path(h, ["2025-06", "2025-07"], params)["child_benefit"]
    assert s.tolist() == [0.0, 1968.0]


def test_wage_tax_approximation_worked_example_2025(params: ParameterSet) -> None:
    # One adult, wage 40 000 a month in 2025 → 480 000 a year.
    #   minimum deduction: min(46 % × 480 000 = 220 800, 92 000) = 92 000
    #   ordinary income: 480 000 − 92 000 − personal allowance 108 550 = 279 450 → 22 % = 61 479
    #   trygdeavgift: 7.7 % × 480 000 = 36 960 (< 25 % × (480 000 − 99 650) = 95 087.5)
    #   trinnskatt: 1.7 % × (306 050 − 217 400) = 1 507.05 + 4.0 % × (480 000 − 306 050) = 6 958
    #               = 8 465.05
    #   tax = 106 904.05 a year = 8 908.67 a month
    h = Household.model_validate(
        {
            "adults": [{"birth_date": "1985-01-01"}],
            "income": [{"kind": "wage", "adult": 0, "monthly": 40_000}],
        }
    )
    row = income_path(h, ["2025-06"], params).iloc[0]
    assert row["tax_ordinary_income"] * 12 == pytest.approx(61_479, abs=0.01)
    assert row["social_security"] * 12 == pytest.approx(36_960, abs=0.01)
    assert row["tax_bracket"] * 12 == pytest.approx(8_465.05, abs=0.01)
    assert row["tax"] == pytest.approx(106_904.05 / 12, abs=0.01)
    assert row["net_income"] == pytest.approx(40_000 - 106_904.05 / 12, abs=0.01)


def test_low_income_pays_no_trygdeavgift_and_phases_in(params: ParameterSet) -> None:
    # 2025: below 99 650 nothing; at 110 000: min(7.7 % × 110 000 = 8 470, 25 % × 10 350 = 2 587.5)
    h = Household.model_validate(
        {
            "adults": [{"birth_date": "1985-01-01"}],
            "income": [{"kind": "wage", "adult": 0, "yearly": 110_000}],
        }
    )
    row = income_path(h, ["2025-06"], params).iloc[0]
    assert row["social_security"] * 12 == pytest.approx(2_587.5, abs=0.01)


def test_interest_deduction_is_22_percent_and_capped_by_tax_room(params: ParameterSet) -> None:
    h = Household.model_validate(
        {
            "adults": [{"birth_date": "1985-01-01"}],
            "income": [{"kind": "wage", "adult": 0, "monthly": 40_000}],
        }
    )
    small = income_path(h, ["2025-06"], params, housing_interest_monthly=5_000).iloc[0]
    # 22 % × 60 000 a year = 13 200 → 1 100 a month
    assert small["interest_deduction"] == pytest.approx(1_100, abs=0.01)
    huge = income_path(h, ["2025-06"], params, housing_interest_monthly=100_000).iloc[0]
    # capped at the ordinary-income tax room: 22 % × 279 450 / 12 = 5 123.25
    assert huge["interest_deduction"] == pytest.approx(0.22 * 279_450 / 12, abs=0.01)


def test_net_and_tax_free_streams_are_not_taxed(params: ParameterSet) -> None:
    h = Household.model_validate(
        {
            "adults": [{"birth_date": "1985-01-01"}],
            "children": [{"birth_date": "2015-01-01"}],
            "income": [
                {"kind": "wage", "adult": 0, "monthly": 30_000, "net": True},
                {"kind": "other", "monthly": 2_000},
                {"kind": "child_benefit"},
            ],
        }
    )
    row = income_path(h, ["2025-06"], params).iloc[0]
    assert row["tax"] == 0
    assert row["net_income"] == row["gross_income"] == 30_000 + 2_000 + 1_968


def test_income_by_stream_has_one_column_per_stream(params: ParameterSet) -> None:
    h = _one_adult("1990-01-01")
    frame = income_by_stream(h, month_index(["2025-06"]), params)
    assert list(frame.columns) == ["0: introduction benefit (adult 0)"]


def test_month_index_normalises_days_to_the_first() -> None:
    idx = month_index([dt.date(2026, 3, 17), "2026-04"])
    assert [d.day for d in idx] == [1, 1]
    assert np.all(idx.month == [3, 4])
