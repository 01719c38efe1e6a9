"""Bostøtte month by month (calc.housing_allowance.housing_allowance_path) and the stress-test
rule, against hand arithmetic on the packaged 2022 values (Husbanken's veileder, forskrift om
bustøtte §§ 1, 3, 4, 7): ceiling 4 persons 119 124, 6 persons (5+) 129 983, Oslo +24 900;
own share 22 487 + 16.44 % above 110 866, progressive 0.27 % per started 1 205 above 195 220;
weight 0.13 per extra person; share 73.7 %."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from housingcalc.calc.capacity import assess
from housingcalc.calc.housing_allowance import (
    housing_allowance,
    housing_allowance_path,
    stable_income,
    stress_test_room,
)
from housingcalc.models.household import Household
from housingcalc.parameters import ParameterSet

JAN_2025 = dt.date(2025, 1, 1)


def _path(params: ParameterSet, **kw: object) -> np.ndarray:
    args: dict[str, object] = {
        "household_size": 4,
        "months": [JAN_2025],
        "params": params,
    }
    args.update(kw)
    return housing_allowance_path(**args).allowance  # type: ignore[arg-type]


def test_tenant_above_the_ceiling_on_two_g(params: ParameterSet) -> None:
    # 4 persons, one introduction benefit of 2 G (2 × 130 160 = 260 320 a year), rent 11 000
    weighted = 260_320 / (1 + 0.13 * 3)
    own = 22_487 + 0.1644 * (weighted - 110_866)  # below the progressive threshold
    expected = 0.737 * (119_124 - own) / 12  # rent 132 000 a year is above the ceiling
    got = _path(params, housing_costs_monthly=11_000.0, income_monthly=260_320 / 12)
    assert got[0] == pytest.approx(expected, abs=0.005)


def test_cost_below_the_ceiling_and_the_progressive_term(params: ParameterSet) -> None:
    # 2 persons, 330 000 a year: weighted 330 000 / 1.13, above the progressive threshold
    weighted = 330_000 / 1.13
    over = weighted - 195_220
    own = 22_487 + 0.1644 * (weighted - 110_866) + 0.0027 * math.ceil(over / 1_205) * over
    cost = 7_000.0  # 84 000 a year, below the 2-person ceiling 97 404
    expected = max(0.0, 0.737 * (12 * cost - own) / 12)
    got = _path(params, household_size=2, housing_costs_monthly=cost, income_monthly=27_500.0)
    assert got[0] == pytest.approx(expected, abs=0.005)
    assert expected > 0  # own share ≈ 73 444 < costs 84 000 < ceiling: the costs count


def test_oslo_supplement_and_five_or_more(params: ParameterSet) -> None:
    # 6 persons in Oslo with no income: ceiling 129 983 + 24 900, own share the minimum
    expected = 0.737 * (129_983 + 24_900 - 22_487) / 12
    got = _path(
        params,
        household_size=6,
        housing_costs_monthly=20_000.0,
        income_monthly=0.0,
        municipality="Oslo",
    )
    assert got[0] == pytest.approx(expected, abs=0.005)


def test_path_agrees_with_the_single_month_estimate(params: ParameterSet) -> None:
    incomes = np.array([0.0, 15_000.0, 25_000.0, 40_000.0])
    costs = np.array([6_000.0, 9_000.0, 12_000.0, 15_000.0])
    months = [JAN_2025] * 4
    got = housing_allowance_path(
        household_size=3,
        housing_costs_monthly=costs,
        income_monthly=incomes,
        months=months,
        params=params,
        municipality="Bergen",
    ).allowance
    for k in range(4):
        one = housing_allowance(
            household_size=3,
            housing_costs_monthly=float(costs[k]),
            income_yearly=12 * float(incomes[k]),
            params=params,
            at=JAN_2025,
            municipality="Bergen",
        )
        assert got[k] == pytest.approx(one.allowance_monthly, abs=1e-9)


def test_no_allowance_before_the_first_dated_values(params: ParameterSet) -> None:
    # the cost ceiling is sourced from 2022-01-01: December 2021 has no rules (never carried
    # backwards), January 2022 has them
    path = housing_allowance_path(
        household_size=1,
        housing_costs_monthly=8_000.0,
        income_monthly=0.0,
        months=[dt.date(2021, 12, 1), dt.date(2022, 1, 1)],
        params=params,
    )
    assert path.no_rules.tolist() == [True, False]
    assert path.allowance[0] == 0.0
    assert path.allowance[1] == pytest.approx(0.737 * (78_237 - 22_487) / 12, abs=0.005)


def test_stress_test_room_solves_each_piece() -> None:
    share, ceiling, own = 0.737, 10_000.0, 3_000.0
    # (a) costs reach the ceiling: the whole allowance 0.737 × 7 000 = 5 159 is counted
    x, a = stress_test_room(10_000.0, 2_000.0, ceiling, own, share)
    assert a[()] == pytest.approx(0.737 * 7_000)
    assert x[()] == pytest.approx(10_000 + 0.737 * 7_000)
    # (b) costs below the own share: nothing
    x, a = stress_test_room(500.0, 1_000.0, ceiling, own, share)
    assert a[()] == 0.0 and x[()] == 500.0
    # (c) in between: X = f + s (X + other − own)  ⇒  X = (f + s (other − own)) / (1 − s)
    f, other = 4_000.0, 500.0
    x, a = stress_test_room(f, other, ceiling, own, share)
    assert x[()] == pytest.approx((f + share * (other - own)) / (1 - share))
    assert x[()] == pytest.approx(f + share * min(max(x[()] + other - own, 0), ceiling - own))


def test_stable_income_rule() -> None:
    flat = np.full(24, 20_000.0)
    assert stable_income(flat, np.zeros(24, bool)).all()
    intro = np.zeros(24, bool)
    intro[5] = True  # an introduction benefit in month 5: windows 0–5 are not stable
    got = stable_income(flat, intro)
    assert not got[:6].any() and got[6:].all()
    change = flat.copy()
    change[15:] = 25_000.0  # a new job in month 15: windows 4–14 see the change
    got = stable_income(change, np.zeros(24, bool))
    assert got[:4].all() and not got[4:15].any() and got[15:].all()


def _disabled_single() -> Household:
    return Household.model_validate(
        {
            "reference_date": "2025-01-01",
            "municipality": "Drammen",
            "adults": [{"age": 45}],
            "income": [{"kind": "benefit", "adult": 0, "label": "uføretrygd", "monthly": 22_000}],
            "savings": 0,
        }
    )


def test_afford_counts_bostotte_only_by_the_rule(params: ParameterSet) -> None:
    h = _disabled_single()
    never = assess(h, params, JAN_2025, housing_allowance_rule="never")
    stable = assess(h, params, JAN_2025, housing_allowance_rule="stable_income")
    always = assess(h, params, JAN_2025, housing_allowance_rule="always")
    # stable disability benefit: counted, so the largest loan grows; "always" agrees here
    assert stable.max_loan > never.max_loan
    assert always.max_loan == pytest.approx(stable.max_loan)
    assert any("counted in the stress test" in n for n in stable.notes)
    # an introduction benefit is not stable: the default does not count it
    data = h.model_dump()
    data["income"] = [
        {"kind": "introduction_benefit", "adult": 0, "start": "2024-01", "end": "2026-12"}
    ]
    intro = Household.model_validate(data)
    assert assess(intro, params, JAN_2025).max_loan == pytest.approx(
        assess(intro, params, JAN_2025, housing_allowance_rule="never").max_loan
    )
    assert assess(intro, params, JAN_2025, housing_allowance_rule="always").max_loan > (
        assess(intro, params, JAN_2025, housing_allowance_rule="never").max_loan
    )
