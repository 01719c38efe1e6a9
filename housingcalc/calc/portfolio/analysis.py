"""Everything at once: :func:`analyse_portfolio` runs the parts asked for on one completed
register."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from housingcalc.calc.tariff import TariffResult
    from housingcalc.models.portfolio import PortfolioAssumptions
    from housingcalc.parameters import ParameterSet, ResolvedValue

from housingcalc.calc.portfolio.cost import (
    BeregningsutvalgetResult,
    beregningsutvalget_cost,
    beregningsutvalget_rates,
)
from housingcalc.calc.portfolio.defaults import Units, complete_register
from housingcalc.calc.portfolio.projection import Background, ProjectionSet, project_all
from housingcalc.calc.portfolio.tariff import portfolio_tariff
from housingcalc.calc.portfolio.valuation import Valuation, value_portfolio


@dataclass(frozen=True, eq=False)
class PortfolioResult:
    """Every part of the portfolio analysis (``None`` where a part was not asked for)."""

    units: Units
    assumptions: PortfolioAssumptions
    valuation: Valuation
    cost: BeregningsutvalgetResult | None
    tariff: TariffResult | None
    projection: ProjectionSet | None
    sources: tuple[ResolvedValue, ...]
    notes: tuple[str, ...] = ()


PARTS = ("value", "cost", "tariff", "project")


def analyse_portfolio(
    frame: pd.DataFrame,
    assumptions: PortfolioAssumptions,
    params: ParameterSet,
    *,
    parts: tuple[str, ...] = PARTS,
    source: str = "register",
    notes: tuple[str, ...] = (),
) -> PortfolioResult:
    """Complete the register, then value, cost, tariff and project it (the parts asked for).

    ``frame`` is a validated register (:attr:`housingcalc.registers.Register.frame`). The
    parameter values read are returned in ``sources`` (read on a fresh trace).
    """
    ps = params.fresh()
    units = complete_register(frame, assumptions, ps, source=source)
    # the projection's loans are amortised on the other core meanwhile (they need no rule
    # values, so the trace of the values used is the same as run one after the other)
    shared = Background(units, assumptions) if "project" in parts else None
    valuation = value_portfolio(units)
    cost = None
    if "cost" in parts:
        cap, mnt, origin = beregningsutvalget_rates(assumptions, ps)
        cost = beregningsutvalget_cost(
            units,
            capital_rate=cap,
            maintenance_rate=mnt,
            administration_per_unit=assumptions.beregningsutvalget.administration_per_unit,
            administration_total=assumptions.beregningsutvalget.administration_total,
            administration_units=assumptions.beregningsutvalget.administration_units,
            rented_in_net_cost_total=assumptions.beregningsutvalget.rented_in_net_cost_total,
            rented_in_units=assumptions.beregningsutvalget.rented_in_units,
        )
        cost = BeregningsutvalgetResult(
            cost.table, cost.per_unit_frame, cap, mnt, cost.administration_per_unit, origin
        )
    tariff = portfolio_tariff(units, assumptions, ps) if "tariff" in parts else None
    projection = project_all(units, assumptions, ps, shared=shared) if shared else None
    return PortfolioResult(
        units,
        assumptions,
        valuation,
        cost,
        tariff,
        projection,
        tuple(ps.used()),
        tuple(notes) + units.notes,
    )
