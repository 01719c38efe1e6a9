"""Living costs: SIFO reference budget, own figures, and the social-assistance floor."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from housingcalc.calc.household import (
    living_costs,
    living_costs_arrays,
    living_costs_path,
    reference_budget,
)
from housingcalc.models.household import Household
from housingcalc.parameters import ParameterSet


def _sifo_example_family(when: dt.date) -> Household:
    """SIFO's example family: woman and man 25–50, boy 5, girl 11, one petrol car."""
    return Household.model_validate(
        {
            "reference_date": when.isoformat(),
            "adults": [{"age": 40, "sex": "female"}, {"age": 42, "sex": "male"}],
            "children": [{"age": 5, "sex": "male"}, {"age": 11, "sex": "female"}],
            "car": "petrol",
        }
    )


def test_sifo_2026_example_family_matches_the_spreadsheet_within_80_kr(
    params: ParameterSet,
) -> None:
    # SIFO's 2026 spreadsheet: 37 358 kr a month without kindergarten; the transcribed table
    # gives 37 438 (the transcriber notes the 80 kr gap is in clothes).
    at = dt.date(2026, 3, 1)
    total = sum(reference_budget(_sifo_example_family(at), at, params).values())
    assert total == pytest.approx(37_438, abs=0.5)
    assert abs(total - 37_358) <= 80


@pytest.mark.parametrize(
    ("year", "published", "kindergarten"),
    [
        (2025, 455_140, 22_000),  # Finansavisen 20 May 2025; kindergarten 33 000 − 11 000
        (2023, 432_850, 33_000),  # Dagsavisen 22 May 2023; kindergarten 11 × 3 000 (assumed)
    ],
)
def test_sifo_published_example_family_totals_how_close_the_derived_tables_are(
    params: ParameterSet,
    year: int,
    published: int,
    kindergarten: int,
) -> None:
    # The 2025 and 2023 tables are NOT SIFO's: they are the 2026 table scaled so this family
    # matches the published yearly total. This test shows the remaining rounding gap.
    at = dt.date(year, 3, 1)
    yearly = (
        12 * sum(reference_budget(_sifo_example_family(at), at, params).values()) + kindergarten
    )
    gap = yearly - published
    assert abs(gap) / published < 0.001, f"{year}: {yearly} vs published {published} (gap {gap})"


def test_unknown_sex_uses_the_mean_of_female_and_male(params: ParameterSet) -> None:
    at = dt.date(2026, 3, 1)
    h = Household.model_validate({"reference_date": "2026-03-01", "adults": [{"age": 30}]})
    items = reference_budget(h, at, params)
    assert items["food"] == pytest.approx((4_280 + 4_760) / 2)


def test_food_discount_for_couples_with_three_children(params: ParameterSet) -> None:
    at = dt.date(2026, 3, 1)
    two = Household.model_validate(
        {
            "reference_date": "2026-03-01",
            "adults": [{"age": 40, "sex": "female"}, {"age": 40, "sex": "male"}],
            "children": [{"age": 8}, {"age": 8}],
        }
    )
    three = two.model_copy(update={"children": [*two.children, two.children[0]]})
    f2 = reference_budget(two, at, params)["food"]
    f3 = reference_budget(three, at, params)["food"]
    # (4 280 + 4 760 + 3 × 3 190) × (1 − 12 %) = 16 376.8
    assert f2 == 4_280 + 4_760 + 2 * 3_190
    assert f3 == pytest.approx((4_280 + 4_760 + 3 * 3_190) * 0.88)


def test_floor_applies_when_own_figures_are_lower(params: ParameterSet) -> None:
    # 2024 guideline rates: couple 13 100 + child 0–5 3 850 = 16 950 a month
    h = Household.model_validate(
        {
            "reference_date": "2024-06-01",
            "adults": [{"age": 30}, {"age": 31}],
            "children": [{"age": 2}],
            "living_costs": {"monthly": 12_000},
        }
    )
    lc = living_costs(h, dt.date(2024, 6, 1), params)
    assert lc.floor_total == 16_950
    assert lc.total == 16_950 and lc.basis.startswith("floor")


def test_own_total_replaces_the_reference_when_above_the_floor(params: ParameterSet) -> None:
    h = Household.model_validate(
        {
            "reference_date": "2024-06-01",
            "adults": [{"age": 30}],
            "living_costs": {"monthly": 15_000},
        }
    )
    lc = living_costs(h, dt.date(2024, 6, 1), params)
    assert (lc.total, lc.basis) == (15_000, "household's own figures")


def test_own_item_replaces_one_sifo_item(params: ParameterSet) -> None:
    h = Household.model_validate(
        {
            "reference_date": "2026-03-01",
            "adults": [{"age": 30, "sex": "male"}],
            "living_costs": {"items": {"food": 3_000}},
        }
    )
    lc = living_costs(h, dt.date(2026, 3, 1), params)
    assert lc.reference_items["food"] == 3_000 and lc.replaced_items == ("food",)


def test_guideline_floor_counts_a_third_adult_as_shared_housing(params: ParameterSet) -> None:
    h = Household.model_validate(
        {
            "reference_date": "2024-06-01",
            "adults": [{"age": 50}, {"age": 50}, {"age": 20}],
            "children": [{"age": 7}, {"age": 12}],
        }
    )
    lc = living_costs(h, dt.date(2024, 6, 1), params)
    # couple 13 100 + shared 6 600 + 6–10 3 950 + 11–17 5 150 = 28 800
    assert lc.floor_total == 28_800


def test_living_costs_path_changes_when_a_child_ages(params: ParameterSet) -> None:
    h = Household.model_validate(
        {
            "adults": [{"birth_date": "1990-01-01", "sex": "female"}],
            "children": [{"birth_date": "2022-04-15", "sex": "male"}],
        }
    )
    p = living_costs_path(h, ["2026-04", "2026-05"], params)
    # the boy turns 4 on 15 Apr 2026: band 1–3 on 1 Apr, 4–6 on 1 May
    assert p["reference_budget"].iloc[0] != p["reference_budget"].iloc[1]


_births = st.dates(dt.date(1950, 1, 1), dt.date(2040, 12, 28))


@settings(max_examples=40, deadline=None)
@given(
    adults=st.lists(
        st.tuples(_births, st.sampled_from(["female", "male", None])), min_size=1, max_size=3
    ),
    children=st.lists(st.tuples(_births, st.sampled_from(["female", "male", None])), max_size=4),
    start=st.dates(dt.date(2023, 2, 1), dt.date(2030, 12, 1)),  # SIFO's first value: 2023-02
    own=st.sampled_from([None, {"monthly": 18_000}, {"items": {"food": 9_000}}]),
)
def test_the_path_equals_living_costs_month_by_month(
    params: ParameterSet,
    adults: list[tuple[dt.date, str | None]],
    children: list[tuple[dt.date, str | None]],
    start: dt.date,
    own: dict[str, object] | None,
) -> None:
    """living_costs_arrays computes each stretch of equal classes once (ages crossing SIFO
    bands, travel ages, the infant year, the guideline's child bands, rule changes): over 25
    years it must equal living_costs() called for every month."""

    oldest = min(born for born, _ in adults)
    assume(all(born > oldest.replace(year=oldest.year + 15) for born, _ in children))

    def person(born: dt.date, sex: str | None) -> dict[str, object]:
        return {"birth_date": born.isoformat(), **({"sex": sex} if sex else {})}

    h = Household.model_validate(
        {
            "adults": [person(*a) for a in adults],
            "children": [person(*c) for c in children],
            **({"living_costs": own} if own else {}),
        }
    )
    months = [
        dt.date(start.year + (start.month - 1 + k) // 12, (start.month - 1 + k) % 12 + 1, 1)
        for k in range(300)
    ]
    got = living_costs_arrays(h, months, params)
    for j, m in enumerate(months):
        lc = living_costs(h, m, params)
        assert got["living_costs"][j] == lc.total, m
        assert got["reference_budget"][j] == lc.reference_total, m
        assert got["floor"][j] == lc.floor_total, m
