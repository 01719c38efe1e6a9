"""A small hand-computed register and its scenario, shared by the portfolio tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from housingcalc.calc.portfolio import Units, complete_register
from housingcalc.models.portfolio import PortfolioAssumptions
from housingcalc.parameters import ParameterSet, load_parameters
from housingcalc.registers import frame_from_cells

#: Four units valued at 2025-01-01 (see test_valuation.py for the arithmetic).
SMALL = pd.DataFrame(
    {
        "unit_id": ["A", "B", "C", "D"],
        "district": ["Sentrum", "Øst", "Øst", "Øst"],
        "area_m2": [50, 80, 40, 60],
        "tenure": ["owned", "owned", "owned", "rented_in"],
        "status": ["let", "vacant", "rent_to_own", "let"],
        "acquired": ["2015-01-01", "2018-06-01", "2016-01-01", ""],
        "acquisition_cost": [2_000_000, 1_100_000, 700_000, None],
        "book_value": [None, 1_000_000, 600_000, None],
        "market_value": [None, 4_000_000, 1_800_000, None],
        "grant_amount": [500_000, 840_000, 30_000, None],
        "grant_date": ["2015-01-01", "2018-06-01", "2016-01-01", ""],
        "grant_rule": ["pre2018", "", "pre2018", ""],
        "loan_balance": [1_000_000, None, None, None],
        "loan_rate": ["4.5", "", "", ""],
        "loan_years_left": [20, None, None, None],
        "rent_monthly": [10_000, 14_000, 7_000, 9_000],
        "maintenance_yearly": [10_000, 70_000, None, 6_000],
        "other_costs_yearly": [15_000, 20_000, None, 12_000],
        "lease_cost_yearly": [None, None, None, 120_000],
    },
    index=pd.RangeIndex(2, 6, name="row"),
)


def small_assumptions(**update: Any) -> PortfolioAssumptions:
    base: dict[str, Any] = {
        "valuation_date": "2025-01-01",
        "market": {"price_per_m2": {"Sentrum": 50_000}, "price_growth": 0},
        "beregningsutvalget": {"administration_per_unit": 3000},
        "projection": {"years": 10, "cpi": 0, "vacancy_rate": 0, "stress": []},
        "tariff": {
            "capital_method": "return",
            "basis": "market",
            "capital_rate": "3.5%",
            "vacancy_rate": 0,
            "rent_loss_rate": 0,
            "rounding": "ore",
        },
    }
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return PortfolioAssumptions.model_validate(base)


@pytest.fixture(scope="session")
def params() -> ParameterSet:
    return load_parameters()


@pytest.fixture()
def small_units(params: ParameterSet) -> Units:
    reg = frame_from_cells(SMALL, "small")
    return complete_register(reg.frame, small_assumptions(), params)


AT = dt.date(2025, 1, 1)
