"""Valuation, defaults, the Beregningsutvalget table and the tariff on a hand-computed register.

The register (tests/portfolio/conftest.py, valued 2025-01-01, depreciation life 40 years):

==  ======  ====  ==============================================================
A   owned   50 m²  cost 2 000 000 (2015-01-01), book and market empty; grant 500 000
                   (2015, pre2018); loan 1 000 000; let at 10 000/month
B   owned   80 m²  book 1 000 000, market 4 000 000; grant 840 000 (2018-06-01, rule
                   from the date: 2018); vacant (14 000/month listed)
C   owned   40 m²  book 600 000, market 1 800 000; grant 30 000 (2016, pre2018: below
                   the 40 000 small-grant limit); rent-to-own at 7 000/month
D   rented  60 m²  lease 120 000/yr, rent 9 000/month
==  ======  ====  ==============================================================
"""

from __future__ import annotations

import pandas as pd
import pytest

from housingcalc.calc.portfolio import (
    Units,
    beregningsutvalget_cost,
    beregningsutvalget_rates,
    complete_register,
    portfolio_tariff,
    value_portfolio,
)
from housingcalc.errors import CollectedErrors
from housingcalc.parameters import ParameterSet
from housingcalc.registers import frame_from_cells
from tests.portfolio.conftest import SMALL, small_assumptions


def test_defaults_are_applied_and_counted(small_units: Units) -> None:
    f = small_units.frame.set_index("unit_id")
    # A: book = 2 000 000 × (1 − 120 months / 480) = 1 500 000
    assert f.loc["A", "book_value"] == pytest.approx(1_500_000)
    # A: market = 50 m² × 50 000 kr/m² (Sentrum)
    assert f.loc["A", "market_value"] == pytest.approx(2_500_000)
    # C: maintenance 150 kr/m² × 40, other costs 250 kr/m² × 40
    assert f.loc["C", "maintenance_yearly"] == 6_000
    assert f.loc["C", "other_costs_yearly"] == 10_000
    assert f.loc["B", "grant_rule"] == "2018"
    counts = {d.column: d.count for d in small_units.defaults}
    assert counts == {
        "standard": 4,
        "size_class": 4,
        "book_value": 1,
        "market_value": 1,
        "grant_rule": 1,
        "loan_balance": 2,
        "maintenance_yearly": 1,
        "other_costs_yearly": 1,
    }
    assert str(small_units.defaults[2]).startswith(
        "book_value derived for 1 unit(s): acquisition_cost less straight-line"
    )


def test_valuation_matches_hand_computed_totals(small_units: Units) -> None:
    v = value_portfolio(small_units)
    t = v.totals
    assert t["units"] == 4 and t["units_owned"] == 3 and t["units_rented_in"] == 1
    assert t["book_value"] == pytest.approx(1_500_000 + 1_000_000 + 600_000)
    assert t["market_value"] == pytest.approx(2_500_000 + 4_000_000 + 1_800_000)
    assert t["hidden_value"] == pytest.approx(8_300_000 - 3_100_000)
    # A: 10 full years × 5 % → 50 % of 500 000; B: 6 full years × 3.3 % → 80.2 % of 840 000;
    # C: below the small-grant threshold → 0
    assert t["grant_repayable"] == pytest.approx(250_000 + 673_680 + 0)
    assert t["loan_balance"] == 1_000_000
    assert t["net_value"] == pytest.approx(8_300_000 - 1_000_000 - 923_680)
    by = v.by_district.set_index("district")
    assert by.loc["Øst", "units"] == 2  # the rented-in unit is not an asset
    assert by.loc["Øst", "market_value"] == pytest.approx(5_800_000)
    assert v.by_district["units"].sum() == 3


def test_beregningsutvalget_table_matches_hand_computation(
    small_units: Units, params: ParameterSet
) -> None:
    cap, mnt, origin = beregningsutvalget_rates(small_assumptions(), params)
    assert (cap, mnt) == (0.04, 0.015)  # the seed parameters
    assert origin == {"capital_rate": "parameter", "maintenance_rate": "parameter"}
    r = beregningsutvalget_cost(
        small_units, capital_rate=cap, maintenance_rate=mnt, administration_per_unit=3000
    )
    t = r.table["total"]
    assert t["capital_cost"] == pytest.approx(100_000 + 160_000 + 72_000)  # 4 % × market
    # max(10 000, 37 500) + max(70 000, 60 000) + max(6 000, 27 000)
    assert t["maintenance_calculated"] == pytest.approx(37_500 + 70_000 + 27_000)
    assert t["other_costs"] == pytest.approx(15_000 + 20_000 + 10_000)
    assert t["rent_income"] == pytest.approx(-(120_000 + 0 + 84_000))  # B is vacant
    assert t["net_cost_owned"] == pytest.approx(332_000 + 134_500 + 45_000 - 204_000)
    assert t["rented_in_costs"] == pytest.approx(120_000 + 6_000 + 12_000)
    assert t["net_cost_rented_in"] == pytest.approx(138_000 - 108_000)
    assert t["administration"] == 12_000
    assert r.total == pytest.approx(307_500 + 30_000 + 12_000)
    # per unit by the units each line covers (A, B, C owned; D rented in)
    per_unit = r.table["per_unit"]
    assert r.table.loc["capital_cost", "units"] == 3
    assert per_unit["capital_cost"] == pytest.approx(332_000 / 3)
    assert per_unit["net_cost_owned"] == pytest.approx(307_500 / 3)
    assert r.table.loc["net_cost_rented_in", "units"] == 1
    assert per_unit["net_cost_rented_in"] == pytest.approx(30_000 / 1)
    assert per_unit["administration"] == pytest.approx(3_000)  # 12 000 over the 4 units served
    assert per_unit["total"] == pytest.approx(349_500 / 4)
    # memo: before capital, actual maintenance + other − rent of the owned units (not in total)
    # A 10 000 + 15 000 − 120 000; B 70 000 + 20 000 − 0 (vacant); C 6 000 + 10 000 − 84 000
    before = (10_000 + 15_000 - 120_000) + (70_000 + 20_000) + (6_000 + 10_000 - 84_000)
    assert t["net_operating_before_capital"] == pytest.approx(before)
    assert per_unit["net_operating_before_capital"] == pytest.approx(before / 3)
    assert r.total == pytest.approx(
        t["net_cost_owned"] + t["net_cost_rented_in"] + t["administration"]
    )
    per = r.per_unit_frame.set_index("unit_id")
    assert per.loc["A", "net_cost"] == pytest.approx(100_000 + 37_500 + 15_000 - 120_000)


def test_administration_and_rented_in_as_lump_sums(small_units: Units) -> None:
    r = beregningsutvalget_cost(
        small_units,
        capital_rate=0.04,
        maintenance_rate=0.015,
        administration_total=50_000,
        administration_units=10,
        rented_in_net_cost_total=240_000,
        rented_in_units=8,
    )
    t, per_unit, units = r.table["total"], r.table["per_unit"], r.table["units"]
    assert t["administration"] == 50_000 and units["administration"] == 10
    assert per_unit["administration"] == pytest.approx(5_000)
    # the lump sum replaces the register's rented-in unit (D)
    assert t["net_cost_rented_in"] == 240_000 and units["net_cost_rented_in"] == 8
    assert per_unit["net_cost_rented_in"] == pytest.approx(30_000)
    assert units["total"] == 3 + 8
    assert r.total == pytest.approx(307_500 + 240_000 + 50_000)
    assert per_unit["total"] == pytest.approx((307_500 + 240_000 + 50_000) / 11)


def test_lump_sums_need_their_counterparts() -> None:
    from housingcalc.errors import InputError

    with pytest.raises((ValueError, InputError)):
        small_assumptions(beregningsutvalget={"administration_total": 1, "rented_in_units": 2})


def test_scenario_overrides_the_seed_rates(params: ParameterSet) -> None:
    a = small_assumptions(beregningsutvalget={"capital_rate": "3%", "maintenance_rate": 1})
    cap, mnt, origin = beregningsutvalget_rates(a, params)
    assert (cap, mnt) == (0.03, 0.01)
    assert origin == {"capital_rate": "scenario", "maintenance_rate": "scenario"}


def test_tariff_covers_the_cost_and_reports_the_gap(
    small_units: Units, params: ParameterSet
) -> None:
    t = portfolio_tariff(small_units, small_assumptions(), params)
    # cost: 3.5 % × market (owned) + each unit's own maintenance, other costs and lease
    capital = 0.035 * (2_500_000 + 4_000_000 + 1_800_000)
    running = (10_000 + 15_000) + (70_000 + 20_000) + (6_000 + 10_000) + (120_000 + 6_000 + 12_000)
    assert t.total_cost == pytest.approx(capital + running)
    assert abs(t.residual_yearly) <= 1.0
    per = t.per_unit.set_index("unit_id")
    assert per.loc["D", "capital_cost"] == 0  # a rented-in unit has no capital cost
    assert t.current_rent_yearly == pytest.approx(12 * (10_000 + 14_000 + 7_000 + 9_000))
    assert t.gap_yearly == pytest.approx(per["tariff_rent_yearly"].sum() - t.current_rent_yearly)


def test_a_market_value_without_a_price_is_a_collected_error(params: ParameterSet) -> None:
    cells = SMALL.copy()
    cells.loc[3, "market_value"] = None  # B, in Øst: no kr/m² for Øst
    cells.loc[5, "tenure"] = "owned"
    cells.loc[5, "book_value"] = 1_000_000
    reg = frame_from_cells(cells, "small")
    with pytest.raises(CollectedErrors) as info:
        complete_register(reg.frame, small_assumptions(), params, source="small")
    assert info.value.errors == [
        "row 3, market_value: empty, and district 'Øst' has no kr/m² in the scenario "
        "(market.price_per_m2) and there is no market.default_price_per_m2",
        "row 5, market_value: empty, and district 'Øst' has no kr/m² in the scenario "
        "(market.price_per_m2) and there is no market.default_price_per_m2",
    ]


def test_an_acquisition_after_the_valuation_date_is_an_error(params: ParameterSet) -> None:
    cells = SMALL.copy()
    cells.loc[2, "acquired"] = "2026-01-01"
    reg = frame_from_cells(cells, "small")
    with pytest.raises(CollectedErrors, match="row 2, acquired: after the valuation date"):
        complete_register(reg.frame, small_assumptions(), params)


def test_land_share_is_not_depreciated(params: ParameterSet) -> None:
    reg = frame_from_cells(SMALL, "small")
    u = complete_register(reg.frame, small_assumptions(defaults={"land_share": "20%"}), params)
    a = u.frame.set_index("unit_id").loc["A"]
    # 2 000 000 × (0.2 + 0.8 × 0.75) = 1 600 000; then (1 600 000 − 400 000) / 30 years a year
    assert a["book_value"] == pytest.approx(1_600_000)
    assert a["depreciation_yearly"] == pytest.approx(40_000)


def test_valuation_groups_add_up_on_the_example(params: ParameterSet) -> None:
    from housingcalc.models.portfolio import load_assumptions
    from housingcalc.registers import read_register
    from housingcalc.resources import example

    reg = read_register(str(example("portfolio-example-register.csv")))
    a = load_assumptions(str(example("portfolio-example.yaml")))
    v = value_portfolio(complete_register(reg.frame, a, params))
    for table in (v.by_district, v.by_size_class, v.by_standard):
        sums = table.drop(columns=table.columns[0]).sum()
        assert sums["units"] == v.totals["units_owned"]
        for col in ("book_value", "market_value", "hidden_value", "net_value"):
            assert sums[col] == pytest.approx(v.totals[col])
    assert (v.per_unit["market_value"] > 0).all()
    assert isinstance(v.per_unit, pd.DataFrame)
