"""Dated series read by the household model (income, tax, living costs, bostøtte), crossed at
their change dates through the calc functions that read them.

Expected figures are the published values written out as arithmetic, with their source. A
lookup one year off (``tests/mutation/shift_dates.py``) fails these tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from housingcalc.calc.household import income_path, living_costs
from housingcalc.calc.housing_allowance import housing_allowance_path
from housingcalc.models.household import Household
from housingcalc.parameters import ParameterSet, load_parameters
from tests.dated_series._backdate import backdated

PS = load_parameters()
D = dt.date.fromisoformat


def _household(income: list[dict[str, Any]], children: Sequence[str] = ()) -> Household:
    return Household.model_validate(
        {
            "adults": [{"birth_date": "1985-01-01", "sex": "male"}],
            "children": [{"birth_date": b} for b in children],
            "income": income,
        }
    )


def _at(path: Any, column: str, month: str) -> float:
    """The value of ``column`` in ``month`` (YYYY-MM) of an ``income_path`` frame."""
    return float(path[column][path.index == f"{month}-01"].item())


# -- tax: personal_allowance, minimum_deduction_max, social_security_rate, bracket_tax ---------

WAGE = 600_000  # a year, paid as 50 000 a month

# Regjeringen "Skattesatser 2025/2026" and Skatteetaten's withholding-table code (trekktabell,
# Konstanter.java) for each year:
#   personal allowance 88 250 (2024), 108 550 (2025), 114 540 (2026)
#   minimum deduction 46 %, at most 104 450 (2024), 92 000 (2025), 95 700 (2026)
#   trygdeavgift (wage) 7.8 % (2024), 7.7 % (2025), 7.6 % (2026)
#   trinnskatt steps 1–2: 1.7 % from 208 050 / 217 400 / 226 100, 4.0 % from
#   292 850 / 306 050 / 318 300 (2024 / 2025 / 2026); 22 % tax on ordinary income
ORDINARY = {
    "2024": 0.22 * (WAGE - 104_450 - 88_250) / 12,
    "2025": 0.22 * (WAGE - 92_000 - 108_550) / 12,
    "2026": 0.22 * (WAGE - 95_700 - 114_540) / 12,
}
SOCIAL = {"2024": 0.078 * WAGE / 12, "2025": 0.077 * WAGE / 12, "2026": 0.076 * WAGE / 12}
BRACKET = {
    "2024": (0.017 * (292_850 - 208_050) + 0.040 * (WAGE - 292_850)) / 12,
    "2025": (0.017 * (306_050 - 217_400) + 0.040 * (WAGE - 306_050)) / 12,
    "2026": (0.017 * (318_300 - 226_100) + 0.040 * (WAGE - 318_300)) / 12,
}


@pytest.fixture(scope="module")
def wage_path() -> Any:
    h = _household([{"kind": "wage", "adult": 0, "yearly": WAGE}])
    return income_path(h, ["2024-12", "2025-01", "2025-12", "2026-01"], PS)


@pytest.mark.parametrize(
    ("month", "year"),
    [("2024-12", "2024"), ("2025-01", "2025"), ("2025-12", "2025"), ("2026-01", "2026")],
)
def test_income_tax_uses_each_years_allowances_and_rates_from_1_january(
    wage_path: Any, month: str, year: str
) -> None:
    assert _at(wage_path, "tax_ordinary_income", month) == pytest.approx(ORDINARY[year], abs=0.01)
    assert _at(wage_path, "social_security", month) == pytest.approx(SOCIAL[year], abs=0.01)
    assert _at(wage_path, "tax_bracket", month) == pytest.approx(BRACKET[year], abs=0.01)


def test_social_security_lower_limit_rises_to_99_650_on_1_jan_2025() -> None:
    # trygdeavgift = min(7.8 % × income, 25 % × (income − lower limit)); lower limit 69 650 in
    # 2024, 99 650 in 2025 and 2026 (Regjeringen, Skattesatser 2025/2026); income 100 000 a year
    h = _household([{"kind": "wage", "adult": 0, "yearly": 100_000}])
    p = income_path(h, ["2024-12", "2025-01", "2026-01"], PS)
    assert _at(p, "social_security", "2024-12") == pytest.approx(
        min(0.078 * 100_000, 0.25 * (100_000 - 69_650)) / 12, abs=0.01
    )
    assert _at(p, "social_security", "2025-01") == pytest.approx(
        min(0.077 * 100_000, 0.25 * (100_000 - 99_650)) / 12, abs=0.01
    )
    assert _at(p, "social_security", "2026-01") == pytest.approx(
        min(0.076 * 100_000, 0.25 * (100_000 - 99_650)) / 12, abs=0.01
    )


# -- tax.interest_deduction_rate -------------------------------------------------------------

#: the series the tax model reads besides the interest deduction rate, all packaged from 2019
#: or 2024 only: held back to 2013 for this test (see ``_backdate``)
TAX_RULES = [
    "tax.personal_allowance",
    "tax.minimum_deduction_rate",
    "tax.minimum_deduction_max",
    "tax.social_security_rate",
    "tax.social_security_threshold",
    "tax.social_security_phase_in_rate",
    "tax.bracket_tax",
    "tax.ordinary_income_rate",
    "tax.income_treatment",
]


@pytest.fixture(scope="module")
def tax_back_to_2013(tmp_path_factory: pytest.TempPathFactory) -> ParameterSet:
    return backdated(tmp_path_factory.mktemp("tax"), "2013-01-01", TAX_RULES)


@pytest.mark.parametrize(
    ("month", "rate"),
    [
        # the tax value of interest = the rate of tax on ordinary income (Finansdepartementet,
        # statsbudsjettet each year; Nettavisen's summary): 28 % to 2013, 27 % 2014–15,
        # 25 % 2016, 24 % 2017, 23 % 2018, 22 % from 2019
        ("2013-12", 0.28),
        ("2014-01", 0.27),
        ("2015-12", 0.27),
        ("2016-01", 0.25),
        ("2016-12", 0.25),
        ("2017-01", 0.24),
        ("2017-12", 0.24),
        ("2018-01", 0.23),
        ("2018-12", 0.23),
        ("2019-01", 0.22),
        ("2026-01", 0.22),
    ],
)
def test_interest_deduction_uses_the_rate_of_the_month_the_interest_is_paid(
    tax_back_to_2013: ParameterSet, month: str, rate: float
) -> None:
    # 5 000 kr interest a month on a wage of 600 000 a year: the deduction (rate × interest)
    # is far below the tax on ordinary income, so only the rate decides it
    h = _household([{"kind": "wage", "adult": 0, "yearly": WAGE}])
    p = income_path(h, [month], tax_back_to_2013, housing_interest_monthly=5_000.0)
    assert _at(p, "interest_deduction", month) == pytest.approx(rate * 5_000, abs=1e-6)


# -- nav.grunnbelop (the introduction benefit, 2 G a year) ------------------------------------


@pytest.mark.parametrize(
    ("month", "g"),
    [
        # NAV, grunnbeløpet: 118 620 from 1 May 2023, 124 028 from 1 May 2024, 130 160 from
        # 1 May 2025
        ("2024-04", 118_620),
        ("2024-05", 124_028),
        ("2025-04", 124_028),
        ("2025-05", 130_160),
    ],
)
def test_introduction_benefit_is_two_g_a_year_with_g_changing_on_1_may(month: str, g: int) -> None:
    # introduksjonsstønad = 2 G a year (integreringsloven § 20), 1/12 a month
    h = _household([{"kind": "introduction_benefit", "adult": 0, "start": "2024-01"}])
    p = income_path(h, [month], PS)
    assert _at(p, "introduction_benefit", month) == pytest.approx(2 * g / 12, abs=0.005)


# -- nav.child_benefit -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "under_6", "from_6"),
    [
        # NAV, barnetrygd satser (familie-ba-sak SatsService): 1 766 / 1 510 from 1 Jan 2024,
        # 1 766 / 1 766 from 1 Sep 2024, 1 968 from 1 May 2025, 2 012 from 1 Feb 2026
        ("2024-08", 1_766, 1_510),
        ("2024-09", 1_766, 1_766),
        ("2025-04", 1_766, 1_766),
        ("2025-05", 1_968, 1_968),
        ("2026-01", 1_968, 1_968),
        ("2026-02", 2_012, 2_012),
        # 1 723 / 1 083 from 1 Mar 2023, 1 766 / 1 310 from 1 Jul 2023
        ("2023-06", 1_723, 1_083),
        ("2023-07", 1_766, 1_310),
    ],
)
def test_child_benefit_rates_change_on_their_dates(month: str, under_6: int, from_6: int) -> None:
    # one child born June 2022 (under 6 throughout), one born June 2012 (6 to 17 throughout)
    h = _household([{"kind": "child_benefit"}], children=["2022-06-01", "2012-06-01"])
    p = income_path(h, [month], PS)
    assert _at(p, "child_benefit", month) == under_6 + from_6


# -- sifo.reference_budget and social_assistance.guideline_rates -----------------------------


@pytest.mark.parametrize(
    ("month", "travel"),
    [
        # SIFO reference budget, public transport per adult a month: 905 kr (2023 budget, in
        # use from Feb 2023), 980 kr (2025 budget, from Feb 2025), 1 019 kr (2026, from Feb 2026)
        ("2025-01", 905),
        ("2025-02", 980),
        ("2026-01", 980),
        ("2026-02", 1_019),
    ],
)
def test_sifo_budget_changes_in_february_of_each_budget_year(month: str, travel: int) -> None:
    h = _household([])
    assert living_costs(h, month, PS).reference_items["travel"] == travel


@pytest.mark.parametrize(
    ("month", "single"),
    [
        # state guideline rates for social assistance, single adult: 6 650 kr from 1 Jul 2022
        # (Statsforvalteren i Innlandet, rundskriv A-1/2022), 7 550 kr from 1 Jul 2023 and
        # 7 850 kr from 1 Jan 2024 (Statsforvalteren i Agder, guide for 2024)
        ("2023-06", 6_650),
        ("2023-07", 7_550),
        ("2023-12", 7_550),
        ("2024-01", 7_850),
    ],
)
def test_guideline_floor_changes_on_1_jul_2023_and_1_jan_2024(month: str, single: int) -> None:
    h = _household([])
    assert living_costs(h, month, PS).floor_items == {"single": single}


# -- bostotte.income_weight_per_person --------------------------------------------------------

BOSTOTTE_RULES = [
    "bostotte.cost_ceiling",
    "bostotte.ceiling_supplement",
    "bostotte.own_share",
]


@pytest.fixture(scope="module")
def bostotte_back_to_2021(tmp_path_factory: pytest.TempPathFactory) -> ParameterSet:
    return backdated(tmp_path_factory.mktemp("bostotte"), "2021-01-01", BOSTOTTE_RULES)


def test_bostotte_income_weight_rises_to_0_13_on_1_jan_2022(
    bostotte_back_to_2021: ParameterSet,
) -> None:
    # Husbanken veileder 2.4.1; NPK 10 Sep 2021 "0.10 → 0.13" from 2022: weighted income =
    # income ÷ (1 + weight × (persons − 1)); 3 persons, 20 000 kr a month
    months = [D("2021-12-01"), D("2022-01-01")]
    p = housing_allowance_path(
        household_size=3,
        housing_costs_monthly=8_000.0,
        income_monthly=20_000.0,
        months=months,
        params=bostotte_back_to_2021,
    )
    assert p.weighted_income_yearly.tolist() == pytest.approx(
        [12 * 20_000 / (1 + 0.10 * 2), 12 * 20_000 / (1 + 0.13 * 2)], abs=0.01
    )


def test_backdating_fixture_leaves_the_series_under_test_as_packaged(tmp_path: Path) -> None:
    ps = backdated(tmp_path, "2013-01-01", TAX_RULES)
    assert ps.value("tax.personal_allowance", "2013-06-01") == 88_250  # held back (fixture)
    assert ps.series_file("tax.interest_deduction_rate") == PS.series_file(
        "tax.interest_deduction_rate"
    )
