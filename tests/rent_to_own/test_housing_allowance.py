"""Bostøtte on the rent-to-own path: as tenant and as owner, month by month, the "not applied
for" switch, and the stress-test rule (calc/rent_to_own/ with calc/housing_allowance.py).

Hand arithmetic uses the packaged 2022 bostøtte values (see tests/household/
test_allowance_path.py): 4 persons, Drammen (no supplement): ceiling 119 124 a year; own share
22 487 + 16.44 % of weighted income above 110 866; weight 1 + 0.13 × 3 = 1.39; share 73.7 %.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from housingcalc.calc.rent_to_own import run_rent_to_own
from housingcalc.scenarios import parse_scenario
from tests.rent_to_own._helpers import params, raw_example

TWO_G_2025 = 2 * 130_160  # introduction benefit, 2 G (G from 1 May 2025)


def _gap_example(**allowance: object) -> dict[str, object]:
    # Amir's job starts a month after his programme ends: in October 2026 only Sara's
    # introduction benefit comes in
    raw = raw_example()
    raw["household"]["income"][2]["start"] = "2026-11"
    if allowance:
        raw["housing_allowance"] = allowance
    return raw


def test_tenant_gets_bostotte_in_the_month_without_work_income() -> None:
    r = run_rent_to_own(parse_scenario(_gap_example(), "t"), params(), sensitivity=False)
    tl = r.timeline
    gap = tl.month.index(dt.date(2026, 10, 1))
    assert tl.phase[gap] == "rent"
    # income: Sara's 2 G a month, grown by one year of wage growth (3.5 %)
    weighted = TWO_G_2025 * 1.035 / 1.39
    own = 22_487 + 0.1644 * (weighted - 110_866)
    # rent 11 012.18 × 1.025 a month = 135 450 a year, above the ceiling
    assert 12 * tl.rent[gap] > 119_124
    assert tl.housing_allowance[gap] == pytest.approx(0.737 * (119_124 - own) / 12, abs=0.01)
    # the month before, both adults had 2 G: 520 640 / 1.39 gives an own share above the
    # ceiling, so nothing
    assert tl.housing_allowance[gap - 1] == 0.0


def test_not_applied_for_switches_it_off_and_costs_the_surplus() -> None:
    on = run_rent_to_own(parse_scenario(_gap_example(), "t"), params(), sensitivity=False)
    off = run_rent_to_own(
        parse_scenario(_gap_example(applied=False), "t"), params(), sensitivity=False
    )
    assert (off.timeline.housing_allowance == 0).all()
    assert (off.timeline.rent_only_housing_allowance == 0).all()
    gap = on.timeline.month.index(dt.date(2026, 10, 1))
    assert on.timeline.housing_allowance[gap] > 0
    assert on.timeline.surplus[gap] - off.timeline.surplus[gap] == pytest.approx(
        on.timeline.housing_allowance[gap]
    )


def _single_on_benefit(rule: str) -> dict[str, object]:
    # one adult on a stable benefit of 20 000 a month (e.g. uføretrygd), a flat with no running
    # costs of its own, a grant to close any gap
    raw = raw_example()
    raw["household"]["children"] = []
    raw["household"]["adults"] = raw["household"]["adults"][:1]
    raw["household"]["income"] = [
        {"kind": "benefit", "adult": 0, "label": "uføretrygd", "monthly": 20_000}
    ]
    raw["financing"]["establishment_grant"] = {"amount": "need", "max": 3_000_000}
    raw["dwelling"].update(
        common_costs_month=0,
        municipal_fees_year=0,
        maintenance_year=0,
        insurance_year=0,
        electricity_month=0,
    )
    raw["housing_allowance"] = {"stress_test": rule}
    return raw


def _own_share_single(yearly: float) -> float:
    # 1 person: weighted income = income; progressive 0.27 % per started 1 205 above 195 220
    over = yearly - 195_220
    return 22_487 + 0.1644 * (yearly - 110_866) + 0.0027 * math.ceil(over / 1_205) * over


def test_stress_test_counts_bostotte_only_by_the_rule() -> None:
    never, stable, always = (
        run_rent_to_own(parse_scenario(_single_on_benefit(rule), "t"), params(), sensitivity=False)
        for rule in ("never", "stable_income", "always")
    )
    assert (never.tests.housing_allowance == 0).all()
    # year 2 (the first test months): 20 000 × 1.035 a month; the stressed owner's cost is
    # above the 1-person ceiling 78 237, so the whole allowance counts
    first = stable.tests.housing_allowance[0]
    assert first == pytest.approx(0.737 * (78_237 - _own_share_single(12 * 20_700)) / 12, abs=0.01)
    assert (stable.tests.max_start_loan > never.tests.max_start_loan).all()
    np.testing.assert_allclose(stable.tests.housing_allowance, always.tests.housing_allowance)
    # the larger loan is exactly what the allowance carries at the stress rate
    from housingcalc.calc.capacity import max_loan

    t = stable.tests
    expected = max_loan(never.tests.test_available + t.housing_allowance, t.stress_rate, 30)
    np.testing.assert_allclose(t.max_start_loan, expected, atol=0.01)


def test_owner_bostotte_counts_the_loan_costs() -> None:
    r = run_rent_to_own(
        parse_scenario(_single_on_benefit("stable_income"), "t"), params(), sensitivity=False
    )
    tl = r.timeline
    assert r.purchase is not None
    p = r.purchase.index
    # as owner the loan's interest, repayment and fee are the approved costs (this flat has no
    # common costs or fees); here they are below the 1-person ceiling 78 237, so they count
    costs = 12 * (tl.interest[p] + tl.repayment[p] + tl.loan_fees[p])
    assert costs < 78_237
    yearly = 12 * 20_000 * 1.035 ** (p // 12)
    expected = 0.737 * (costs - _own_share_single(yearly)) / 12
    assert expected > 0
    assert tl.housing_allowance[p] == pytest.approx(expected, abs=0.01)


def test_introduction_benefit_is_not_stable_income() -> None:
    # the built-in example: introduction benefit in every test window until April 2027
    r = run_rent_to_own(
        parse_scenario(_gap_example(stress_test="stable_income"), "t"), params(), sensitivity=False
    )
    months = r.tests.month
    before = [i for i, m in enumerate(months) if m <= dt.date(2027, 4, 1)]
    assert (r.tests.housing_allowance[before] == 0).all()
