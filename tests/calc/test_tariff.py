"""Portfolio tariff: the rate per weighted m², rents that reproduce the total cost to the krone,
the same rent for the same class and area, the gap to current rents, and bad registers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from housingcalc.calc.rent import cost_covering_rents
from housingcalc.calc.tariff import stock_tariff, tariff, weight_table
from housingcalc.errors import CollectedErrors, InputError

WEIGHTS = {
    ("1", "A"): 1.2,
    ("1", "B"): 1.05,
    ("2", "A"): 1.1,
    ("2", "B"): 1.0,
    ("3", "A"): 1.0,
    ("3", "B"): 0.9,
    ("4", "A"): 0.95,
    ("4", "B"): 0.85,
}


def _units(**cols: object) -> pd.DataFrame:
    return pd.DataFrame(cols)


def _round_half_up(x: float) -> float:
    return math.floor(x * 100 + 0.5) / 100


def _floor_oere(x: float) -> float:
    return math.floor(x * 100 + 1e-7) / 100


def test_three_unit_stock_worked_example() -> None:
    # total cost C = 60 000 + 86 000 + 100 000 = 246 000 a year
    # collected share k = (1 − 0.02)(1 − 0.01) = 0.9702
    # monthly rent to bill T = 246 000 / (12 × 0.9702) = 21 129.664…, i.e. 21 129.66 in øre
    # weighted areas: 40 × 1.2 = 48, 69 × 1.0 = 69, 90 × 0.85 = 76.5; Σ = 193.5
    # rate q = 21 129.664 / 193.5 = 109.197230 kr per weighted m² a month
    # exact rents 5 241.467 / 7 534.609 / 8 353.588 → floors 5 241.46 + 7 534.60 + 8 353.58
    #   = 21 129.64; 2 øre left → to the two largest fractions (0.9 øre, 0.8 øre): b and c
    units = _units(
        unit_id=["a", "b", "c"],
        area_m2=[40.0, 69.0, 90.0],
        size_class=["1", "3", "4"],
        standard=["A", "A", "B"],
        yearly_cost=[60_000.0, 86_000.0, 100_000.0],
    )
    t = tariff(units, WEIGHTS, vacancy=0.02, rent_loss=0.01)
    target = 246_000 / (12 * 0.9702)
    assert t.rate == pytest.approx(target / 193.5, rel=1e-12)
    assert t.rate == pytest.approx(109.197230, abs=1e-6)
    assert t.weighted_area == pytest.approx(193.5)
    assert t.per_unit["tariff_rent_monthly"].tolist() == [5_241.46, 7_534.61, 8_353.59]
    assert t.per_unit["rounded_up"].tolist() == [False, True, True]
    # Σ rents = 21 129.66 = T to the øre; collected = 12 × 0.9702 × 21 129.66 = 245 999.96
    assert t.collected_yearly == pytest.approx(12 * 0.9702 * 21_129.66)
    assert abs(t.residual_yearly) <= 0.06
    assert t.total_cost == 246_000


def test_same_class_and_area_same_rent_wherever_it_lies() -> None:
    units = _units(
        unit_id=list("abcdef"),
        area_m2=[69, 69, 69, 50, 50, 80],
        size_class=["3", "3", "3", "2", "2", "3"],
        standard=["A", "A", "B", "A", "A", "A"],
        district=["sentrum", "Konnerud", "sentrum", "Fjell", "Åssiden", "sentrum"],
        yearly_cost=[90e3, 70e3, 80e3, 60e3, 65e3, 99e3],
    )
    t = tariff(units, WEIGHTS, vacancy=0.03)
    r = t.per_unit.set_index("unit_id")["tariff_rent_monthly"]
    assert r["a"] == r["b"]  # same 3-room A, 69 m², different districts and costs
    assert r["d"] == r["e"]
    assert r["c"] < r["a"]  # standard B weighs less


def test_table_gives_kr_per_m2_and_a_typical_rent() -> None:
    units = _units(
        area_m2=[40.0, 60.0, 69.0, 71.0, 95.0],
        size_class=["1", "2", "3", "3", "4"],
        standard=["A", "A", "A", "B", "B"],
        yearly_cost=[6e4, 7e4, 8.6e4, 8e4, 1e5],
    )
    t = tariff(units, WEIGHTS)
    table = t.table.set_index(["size_class", "standard"])
    assert table.loc[("3", "B"), "kr_per_m2_month"] == pytest.approx(t.rate * 0.9)
    assert table.loc[("3", "B"), "kr_per_m2_year"] == pytest.approx(12 * t.rate * 0.9)
    # typical area of size class 3 = median(69, 71) = 70 m²
    assert table.loc[("3", "A"), "typical_area_m2"] == 70
    assert table.loc[("3", "A"), "typical_rent_monthly"] == pytest.approx(
        _round_half_up(t.rate * 70 * 1.0)
    )
    assert table.loc[("2", "B"), "units"] == 0
    assert len(t.table) == len(WEIGHTS)


def test_gap_to_current_rent() -> None:
    units = _units(
        unit_id=["a", "b", "c"],
        area_m2=[50, 69, 80],
        size_class=["2", "3", "3"],
        standard=["A", "A", "A"],
        yearly_cost=[7e4, 9e4, 1e5],
        rent_monthly=[6_000, 7_500, None],
    )
    t = tariff(units, WEIGHTS)
    pu = t.per_unit.set_index("unit_id")
    assert pu.loc["a", "gap_monthly"] == pytest.approx(pu.loc["a", "tariff_rent_monthly"] - 6_000)
    assert pu.loc["a", "gap_yearly"] == pytest.approx(12 * pu.loc["a", "gap_monthly"])
    assert np.isnan(pu.loc["c", "gap_monthly"])
    assert t.current_rent_units == 2
    assert t.current_rent_yearly == 12 * 13_500
    assert t.gap_yearly == pytest.approx(
        12 * (pu.loc["a", "tariff_rent_monthly"] + pu.loc["b", "tariff_rent_monthly"]) - 162_000
    )


def test_total_cost_and_extra_cost() -> None:
    units = _units(
        area_m2=[50, 69], size_class=["2", "3"], standard=["A", "A"], yearly_cost=[7e4, 9e4]
    )
    with_extra = tariff(units, WEIGHTS, extra_cost=20_000)
    assert with_extra.total_cost == 180_000
    given = tariff(units[["area_m2", "size_class", "standard"]], WEIGHTS, total_cost=180_000)
    assert given.rate == pytest.approx(with_extra.rate)
    assert (
        given.per_unit["tariff_rent_monthly"].tolist()
        == with_extra.per_unit["tariff_rent_monthly"].tolist()
    )


def test_many_identical_units_report_the_residual() -> None:
    # 200 identical flats must pay one rent; the collected total then moves in steps of
    # 200 × 12 × 0.01 = 24 kr, so the best is within 12 kr of the cost, 0.06 kr per unit
    units = _units(
        area_m2=[69.0] * 200,
        size_class=["3"] * 200,
        standard=["A"] * 200,
        yearly_cost=[86_173.51] * 199 + [86_173.50],
    )
    t = tariff(units, WEIGHTS)
    assert t.per_unit["tariff_rent_monthly"].nunique() == 1
    assert abs(t.residual_yearly) <= 0.5 * 200 * 12 * 0.01 + 1e-6
    assert abs(t.residual_yearly) / 200 <= 0.06


def test_large_groups_of_identical_flats_are_exchanged_to_hit_the_cost() -> None:
    # whole-m² areas: every (class, area) group has ~40 identical flats, so one øre on a group
    # moves the total by ~40 øre; exchanging groups of different sizes still lands to the krone
    rng = np.random.default_rng(3)
    n = 4_000
    units = _units(
        area_m2=rng.integers(40, 90, n).astype(float),
        size_class=["3"] * n,
        standard=rng.choice(["A", "B"], n),
        yearly_cost=rng.uniform(6e4, 1.2e5, n),
    )
    t = tariff(units, WEIGHTS, vacancy=0.02, rent_loss=0.01)
    assert abs(t.residual_yearly) <= 1.0
    same = t.per_unit.groupby(["standard", "area_m2"])["tariff_rent_monthly"].nunique()
    assert (same == 1).all()


def test_whole_krone_rents() -> None:
    # with whole-krone rents the collected total moves in steps of 12 × 0.9702 = 11.64 kr
    units = _units(
        area_m2=[40.0, 55.5, 69.0, 71.2, 95.0],
        size_class=["1", "2", "3", "3", "4"],
        standard=["A", "B", "A", "B", "B"],
        yearly_cost=[6e4, 7e4, 8.6e4, 8e4, 1e5],
    )
    t = tariff(units, WEIGHTS, vacancy=0.02, rent_loss=0.01, rounding="krone")
    rents = t.per_unit["tariff_rent_monthly"]
    assert (rents == rents.round(0)).all()
    assert t.collected_step_yearly == pytest.approx(12 * 0.9702)
    assert abs(t.residual_yearly) <= t.collected_step_yearly / 2 + 1e-6
    exact = t.rate * t.per_unit["weighted_area_m2"]
    assert ((rents - np.floor(exact)).isin([0, 1])).all()


def test_weight_table_forms_agree() -> None:
    long = pd.DataFrame(
        {
            "size_class": ["1", "1", "2", "2"],
            "standard": ["A", "B", "A", "B"],
            "weight": [1.2, 1.05, 1.1, 1.0],
        }
    )
    wide = pd.DataFrame({"size_class": [1, 2], "A": [1.2, 1.1], "B": [1.05, 1.0]})
    nested = {"1": {"A": 1.2, "B": 1.05}, "2": {"A": 1.1, "B": 1.0}}
    a, _ = weight_table(long)
    b, _ = weight_table(wide)
    c, _ = weight_table(nested)
    assert a.sort_index().equals(b.sort_index()) and a.sort_index().equals(c.sort_index())


def test_stock_tariff_computes_each_units_cost() -> None:
    units = _units(
        unit_id=["a", "b"],
        area_m2=[69.0, 50.0],
        size_class=["3", "2"],
        standard=["A", "A"],
        acquisition_cost=[2e6, 1.6e6],
        grant_amount=[740_000, None],
    )
    t = stock_tariff(
        units, WEIGHTS, method="annuity", rate=0.035, life_years=40, fdv_per_m2=400, vacancy=0.02
    )
    expected = cost_covering_rents(
        "annuity",
        rate=0.035,
        cost=[2e6, 1.6e6],
        grant=[740_000, 0],
        area_m2=[69, 50],
        fdv_per_m2=400,
        life_years=40,
    )
    assert t.total_cost == pytest.approx(float(np.sum(expected.cost)))
    assert t.per_unit["capital_cost"].tolist() == pytest.approx(list(expected.capital_cost))
    assert t.rate_build is not None and t.rate_build.rate == 0.035
    assert abs(t.residual_yearly) <= 1


# -- bad registers ---------------------------------------------------------------------------------


def test_units_without_a_weight_are_collected() -> None:
    units = _units(
        unit_id=["a", "b", "c"],
        area_m2=[50, 69, 80],
        size_class=["2", "5", "5"],
        standard=["A", "A", "A"],
        yearly_cost=[7e4, 9e4, 1e5],
    )
    with pytest.raises(CollectedErrors) as exc:
        tariff(units, WEIGHTS)
    assert exc.value.errors == [
        "size_class '5' × standard 'A' (2 unit(s), e.g. b, c): no weight in the table"
    ]


def test_bad_rows_are_collected_all_at_once() -> None:
    units = _units(
        unit_id=["a", "b", "c", "d"],
        area_m2=[-5, "tjue", 69, None],
        size_class=["2", "2", None, "3"],
        standard=["A", "A", "A", "A"],
        yearly_cost=[7e4, 9e4, 1e5, -1],
    )
    with pytest.raises(CollectedErrors) as exc:
        tariff(units, WEIGHTS)
    lines = exc.value.errors
    assert "unit a: area_m2 = -5: must be > 0" in lines
    assert "unit b: area_m2 = 'tjue': must be a number" in lines
    assert "unit d: area_m2 is missing" in lines
    assert "unit d: yearly_cost = -1: must be ≥ 0" in lines
    assert "unit c: size_class and standard are both needed" in lines


def test_missing_columns_and_empty_stock() -> None:
    with pytest.raises(InputError, match="yearly_cost"):
        tariff(_units(area_m2=[50], size_class=["2"], standard=["A"]), WEIGHTS)
    with pytest.raises(InputError, match="no units"):
        tariff(_units(area_m2=[], size_class=[], standard=[], yearly_cost=[]), WEIGHTS)


def test_bad_weights() -> None:
    with pytest.raises(CollectedErrors, match=r"weight = -1\.0: must be a number > 0"):
        weight_table({("1", "A"): -1.0})
    dup = pd.DataFrame({"size_class": ["1", "1"], "standard": ["A", "A"], "weight": [1.0, 1.1]})
    with pytest.raises(CollectedErrors, match="given more than once"):
        weight_table(dup)


# -- invariants ----------------------------------------------------------------------------------

classes = list(WEIGHTS)


@st.composite
def stocks(draw: st.DrawFn) -> tuple[pd.DataFrame, float, float]:
    n = draw(st.integers(1, 60))
    areas = draw(st.lists(st.integers(2000, 15000), min_size=n, max_size=n, unique=True))
    cls = draw(st.lists(st.sampled_from(classes), min_size=n, max_size=n))
    costs = draw(st.lists(st.floats(20_000, 250_000), min_size=n, max_size=n))
    v = draw(st.floats(0, 0.1))
    loss = draw(st.floats(0, 0.05))
    units = _units(
        area_m2=[a / 100 for a in areas],
        size_class=[c[0] for c in cls],
        standard=[c[1] for c in cls],
        yearly_cost=costs,
    )
    return units, v, loss


@settings(max_examples=40, deadline=None)
@given(stocks())
def test_tariff_reproduces_total_cost_to_the_krone(
    stock: tuple[pd.DataFrame, float, float],
) -> None:
    units, v, loss = stock
    t = tariff(units, WEIGHTS, vacancy=v, rent_loss=loss)
    rents = t.per_unit["tariff_rent_monthly"]
    assert abs(t.residual_yearly) <= 1.0
    assert t.collected_yearly == pytest.approx(12 * (1 - v) * (1 - loss) * rents.sum())
    # every rent is the rate × weighted area, rounded down, or up by one øre where flagged
    floor = [_floor_oere(t.rate * w) for w in t.per_unit["weighted_area_m2"]]
    expected = [
        round(f + 0.01 * up, 2) for f, up in zip(floor, t.per_unit["rounded_up"], strict=True)
    ]
    assert rents.tolist() == pytest.approx(expected, abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(stocks(), st.integers(2, 6))
def test_copies_of_a_unit_pay_the_same_rent(
    stock: tuple[pd.DataFrame, float, float], copies: int
) -> None:
    units, v, loss = stock
    doubled = pd.concat([units] + [units.iloc[[0]]] * copies, ignore_index=True)
    t = tariff(doubled, WEIGHTS, vacancy=v, rent_loss=loss)
    first = t.per_unit["tariff_rent_monthly"].iloc[0]
    assert (t.per_unit["tariff_rent_monthly"].iloc[-copies:] == first).all()
    assert abs(t.residual_yearly) <= max(1.0, 0.06 * (copies + 1))


def test_national_size_stock_is_exact() -> None:
    # 20 000 units with areas to 0.1 m²: exact to the krone (and fast: no loop over units)
    rng = np.random.default_rng(7)
    n = 20_000
    cls = rng.integers(0, len(classes), n)
    units = _units(
        area_m2=rng.integers(250, 1200, n) / 10,
        size_class=[classes[i][0] for i in cls],
        standard=[classes[i][1] for i in cls],
        yearly_cost=rng.uniform(5e4, 2e5, n),
    )
    t = tariff(units, WEIGHTS, vacancy=0.02, rent_loss=0.01)
    assert abs(t.residual_yearly) <= 1.0
