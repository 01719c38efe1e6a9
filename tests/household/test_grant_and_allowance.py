"""Establishment grant write-down and housing-allowance estimate."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from housingcalc.calc.establishment_grant import (
    amount_due_on_sale,
    full_years_between,
    write_down_schedule,
)
from housingcalc.calc.housing_allowance import housing_allowance, resolve_municipality
from housingcalc.errors import InputError
from housingcalc.parameters import ParameterSet


def test_write_down_schedule_5_percent_over_20_years(params: ParameterSet) -> None:
    s = write_down_schedule(300_000, dt.date(2020, 3, 1), params)
    assert len(s) == 21
    assert s["balance"].iloc[0] == 300_000
    assert s["balance"].iloc[1] == 285_000  # 300 000 × (1 − 5 %)
    assert s["balance"].iloc[10] == 150_000
    assert s["balance"].iloc[20] == 0
    assert s["written_down"].iloc[1:].eq(15_000).all()


def test_amount_due_on_sale_counts_full_years_only(params: ParameterSet) -> None:
    paid = dt.date(2020, 3, 1)
    # 6 full years on 28 Feb 2027 (the 7th anniversary is 1 Mar 2027): 300 000 × (1 − 0.30)
    assert amount_due_on_sale(300_000, paid, dt.date(2027, 2, 28), params) == 210_000
    assert amount_due_on_sale(300_000, paid, dt.date(2027, 3, 1), params) == 195_000
    assert amount_due_on_sale(300_000, paid, dt.date(2045, 1, 1), params) == 0


def test_repayable_at_sale_is_due_in_full(params: ParameterSet) -> None:
    assert (
        amount_due_on_sale(
            300_000, dt.date(2021, 1, 1), dt.date(2030, 1, 1), params, repayable_at_sale=True
        )
        == 300_000
    )


def test_amount_due_is_vectorised(params: ParameterSet) -> None:
    out = amount_due_on_sale(
        np.array([100_000.0, 200_000.0]),
        dt.date(2020, 1, 1),
        [dt.date(2022, 1, 1), dt.date(2030, 6, 1)],
        params,
    )
    assert out.tolist() == [90_000, 100_000]


def test_sale_before_payout_is_refused() -> None:
    with pytest.raises(InputError, match="before the payout"):
        full_years_between(dt.date(2024, 1, 1), dt.date(2023, 1, 1))


def test_housing_allowance_worked_example_2022_values(params: ParameterSet) -> None:
    """3 persons in Bergen, housing costs 10 000 a month, household income 300 000 a year.

    ceiling 108 263 + Bergen 16 978 = 125 241; costs 120 000 → approved 120 000
    weighted income 300 000 / (1 + 0.13 × 2) = 238 095.24
    own share 22 487 + 16.44 % × (238 095.24 − 110 866) = 20 916.49 + progressive:
      over 195 220 by 42 875.24 → ceil(42 875.24 / 1 205) = 36 steps × 0.27 % = 9.72 %
      × 42 875.24 = 4 167.47 → own share 47 570.96
    allowance = 73.7 % × (120 000 − 47 570.96) = 53 380.20 a year = 4 448.35 a month
    """
    e = housing_allowance(
        household_size=3,
        housing_costs_monthly=10_000,
        income_yearly=300_000,
        params=params,
        at=dt.date(2022, 6, 1),
        municipality="Bergen",
    )
    assert e.ceiling == 125_241 and e.approved_costs == 120_000
    assert e.weighted_income == pytest.approx(238_095.24, abs=0.01)
    assert e.own_share == pytest.approx(47_570.96, abs=0.02)
    assert e.allowance_monthly == pytest.approx(4_448.35, abs=0.01)
    assert e.is_estimate


def test_housing_allowance_zero_for_high_income(params: ParameterSet) -> None:
    e = housing_allowance(
        household_size=1,
        housing_costs_monthly=8_000,
        income_yearly=700_000,
        params=params,
        at=dt.date(2022, 6, 1),
    )
    assert e.allowance_yearly == 0


def test_municipality_by_name_number_and_norwegian_name(params: ParameterSet) -> None:
    at = dt.date(2025, 1, 1)
    assert resolve_municipality("Drammen", params, at)[0] == "3301"
    assert resolve_municipality("301", params, at)[0] == "0301"
    assert resolve_municipality("kautokeino", params, at)[0] == "5612"


def test_unknown_municipality_names_the_field_and_suggests(params: ParameterSet) -> None:
    with pytest.raises(InputError) as err:
        resolve_municipality("Dramen", params, dt.date(2025, 1, 1))
    assert str(err.value).startswith("household.municipality = 'Dramen': unknown municipality")
    assert "Drammen" in str(err.value)
