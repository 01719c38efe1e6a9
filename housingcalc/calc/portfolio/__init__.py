"""The municipal stock as a portfolio: defaults, valuation, Beregningsutvalget cost, tariff
and a yearly projection with leie-til-eie sales, reinvestment and stress scenarios.

Pure: no files, clock, environment or printing. Every function works on whole columns of the
register (numpy / pandas); the only Python loops are over projection years (≤ 30), over
stress scenarios and over reinvestment cohorts (≤ 30), never over units.

Conventions: money in NOK (float64), rates as fractions, amounts the municipality pays are
positive and named so (``interest_paid``); "year t" of a projection is the t-th 12-month
period after the valuation date; sales happen at the end of their year.

Rules and defaults are documented in ``docs/portfolio.md``. In short:

- **book value** (when empty): ``cost × (land + (1 − land) × max(0, 1 − months held / (12 ×
  life)))``, ``life`` = ``accounting.depreciation_life_years``;
- **market value** (when empty): ``area × kr/m²`` of the district in the scenario;
- **hidden value** = market − book; **net value** = market − loan − grant still repayable;
- **Beregningsutvalget** (seed, unverified): capital = ``capital_rate × market``,
  calculated maintenance = ``max(actual, maintenance_rate × market)``, net cost of owned units =
  capital + calculated maintenance + other costs − rent income; plus net cost of rented-in
  units (lease + maintenance + other − rent income); plus administration.
"""

from __future__ import annotations

from housingcalc.calc.portfolio.analysis import (
    PARTS,
    PortfolioResult,
    analyse_portfolio,
)
from housingcalc.calc.portfolio.cost import (
    BU_CAPITAL,
    BU_LINES,
    BU_MAINTENANCE,
    BU_MEMO_LINES,
    BeregningsutvalgetResult,
    beregningsutvalget_cost,
    beregningsutvalget_rates,
)
from housingcalc.calc.portfolio.defaults import (
    DEPRECIATION_LIFE,
    FLOATING_RATE,
    DefaultApplied,
    Units,
    complete_register,
    grant_repayable,
    rule_commitment_dates,
    whole_months,
    write_down_terms,
)
from housingcalc.calc.portfolio.projection import (
    BASE,
    COMPARISON_ROWS,
    FLOW_COLUMNS,
    YEARLY_COLUMNS,
    YEARLY_FLOWS,
    Projection,
    ProjectionSet,
    StressSpec,
    growth_path_array,
    project,
    project_all,
    sale_years,
    stress_specs,
)
from housingcalc.calc.portfolio.tariff import (
    portfolio_tariff,
    rent_gap_table,
)
from housingcalc.calc.portfolio.valuation import (
    VALUE_COLUMNS,
    Valuation,
    value_portfolio,
)

__all__ = [
    "BASE",
    "BU_CAPITAL",
    "BU_LINES",
    "BU_MAINTENANCE",
    "BU_MEMO_LINES",
    "COMPARISON_ROWS",
    "DEPRECIATION_LIFE",
    "FLOATING_RATE",
    "FLOW_COLUMNS",
    "PARTS",
    "VALUE_COLUMNS",
    "YEARLY_COLUMNS",
    "YEARLY_FLOWS",
    "BeregningsutvalgetResult",
    "DefaultApplied",
    "PortfolioResult",
    "Projection",
    "ProjectionSet",
    "StressSpec",
    "Units",
    "Valuation",
    "analyse_portfolio",
    "beregningsutvalget_cost",
    "beregningsutvalget_rates",
    "complete_register",
    "grant_repayable",
    "growth_path_array",
    "portfolio_tariff",
    "project",
    "project_all",
    "rent_gap_table",
    "rule_commitment_dates",
    "sale_years",
    "stress_specs",
    "value_portfolio",
    "whole_months",
    "write_down_terms",
]
