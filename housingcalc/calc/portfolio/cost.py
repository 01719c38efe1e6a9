"""The cost methods: the Beregningsutvalget method (capital, calculated maintenance, net
operating cost before capital, rented-in units, administration), per unit by the units each
line covers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from housingcalc.models.portfolio import PortfolioAssumptions
    from housingcalc.parameters import ParameterSet

from housingcalc.calc.portfolio.defaults import Units

BU_CAPITAL = "beregningsutvalget.capital_rate"


BU_MAINTENANCE = "beregningsutvalget.maintenance_rate"


BU_LINES = (
    "capital_cost",
    "maintenance_calculated",
    "other_costs",
    "rent_income",
    "net_cost_owned",
    "rented_in_costs",
    "rented_in_rent_income",
    "net_cost_rented_in",
    "administration",
    "total",
    "net_operating_before_capital",
)


#: Lines that are not part of the total (a memo line below it).
BU_MEMO_LINES = ("net_operating_before_capital",)


@dataclass(frozen=True, eq=False)
class BeregningsutvalgetResult:
    """The Beregningsutvalget cost table, in total and per unit.

    ``table``: one row per line of :data:`BU_LINES` with ``total`` (NOK/year, costs positive,
    income negative), ``units`` (the units the line covers) and ``per_unit`` (total ÷ the
    units that line covers, as the method's publications report it: owned-unit lines by the
    owned units, rented-in lines by the rented-in units, administration by the units it
    serves, the total by all units; NaN for a line covering no units). So the per-unit column
    does not add up like the total once any unit is rented in. ``net_operating_before_capital``
    (actual maintenance + other costs − rent income of the owned units) is a memo line, not part
    of the total: the figure municipalities quote ("before capital costs the stock runs a
    surplus"). ``per_unit_frame``: each owned unit's
    capital cost, calculated maintenance, other costs, rent income and net cost.
    ``capital_rate`` / ``maintenance_rate``: the rates used; ``rates_from``: "parameter" or
    "scenario" for each.
    """

    table: pd.DataFrame
    per_unit_frame: pd.DataFrame
    capital_rate: float
    maintenance_rate: float
    administration_per_unit: float
    rates_from: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return float(self.table["total"].to_numpy(np.float64)[self.table.index.get_loc("total")])


def beregningsutvalget_cost(
    units: Units,
    *,
    capital_rate: float,
    maintenance_rate: float,
    administration_per_unit: float = 0.0,
    administration_total: float | None = None,
    administration_units: int | None = None,
    rented_in_net_cost_total: float | None = None,
    rented_in_units: int | None = None,
) -> BeregningsutvalgetResult:
    """Cost of the stock by the Beregningsutvalget method (Bærum 2015 seed, unverified).

    Owned unit: ``capital = capital_rate × market``; ``maintenance = max(actual,
    maintenance_rate × market)``; ``net = capital + maintenance + other − 12 × rent``, with rent
    counted for units that are let or in rent-to-own (a vacant unit earns nothing). Rented-in
    unit: ``lease + maintenance + other − rent income``, or ``rented_in_net_cost_total`` as a
    lump sum covering ``rented_in_units`` (then the register's rented-in units are not
    counted). Administration = ``administration_total`` (a lump sum), else
    ``administration_per_unit × administration_units`` (default: all units).

    >>> import datetime as dt
    >>> import pandas as pd
    >>> f = pd.DataFrame({"unit_id": ["A"], "owned": [True], "market_value": [3_000_000.0],
    ...     "maintenance_yearly": [20_000.0], "other_costs_yearly": [15_000.0],
    ...     "rent_monthly": [10_000.0], "status": ["let"], "lease_cost_yearly": [0.0]})
    >>> r = beregningsutvalget_cost(Units(f, dt.date(2025, 1, 1), ()), capital_rate=0.04,
    ...                             maintenance_rate=0.015)
    >>> # 120 000 + max(20 000, 45 000) + 15 000 − 120 000 = 60 000
    >>> r.total
    60000.0
    """
    f = units.frame
    owned = f["owned"].to_numpy(bool)
    earning = (f["status"] != "vacant").to_numpy(bool)
    market = f["market_value"].to_numpy(np.float64)
    actual = f["maintenance_yearly"].to_numpy(np.float64)
    other = f["other_costs_yearly"].to_numpy(np.float64)
    rent = 12.0 * f["rent_monthly"].to_numpy(np.float64) * earning
    lease = f["lease_cost_yearly"].to_numpy(np.float64)

    capital = capital_rate * market
    maint_calc = np.maximum(actual, maintenance_rate * market)
    net_owned = capital + maint_calc + other - rent
    net_rented = lease + actual + other - rent
    n_own = int(owned.sum())
    o, r = owned, ~owned
    if rented_in_net_cost_total is not None:
        n_rent = int(rented_in_units or 0)
        rented = (float("nan"), float("nan"), float(rented_in_net_cost_total))
    else:
        n_rent = int(r.sum())
        rented = ((lease + actual + other)[r].sum(), -rent[r].sum(), net_rented[r].sum())
    n_all = n_own + n_rent
    n_admin = administration_units if administration_units is not None else n_all
    admin = (
        float(administration_total)
        if administration_total is not None
        else administration_per_unit * n_admin
    )
    lines = {
        "capital_cost": (capital[o].sum(), n_own),
        "maintenance_calculated": (maint_calc[o].sum(), n_own),
        "other_costs": (other[o].sum(), n_own),
        "rent_income": (-rent[o].sum(), n_own),
        "net_cost_owned": (net_owned[o].sum(), n_own),
        "rented_in_costs": (rented[0], n_rent),
        "rented_in_rent_income": (rented[1], n_rent),
        "net_cost_rented_in": (rented[2], n_rent),
        "administration": (admin, n_admin),
    }
    total = lines["net_cost_owned"][0] + lines["net_cost_rented_in"][0] + lines["administration"][0]
    lines["total"] = (total, n_all)
    lines["net_operating_before_capital"] = ((actual + other - rent)[o].sum(), n_own)
    table = pd.DataFrame(
        {"total": [float(v) for v, _ in lines.values()], "units": [n for _, n in lines.values()]},
        index=pd.Index(list(lines), name="line"),
    )
    units_col = table["units"].to_numpy(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["per_unit"] = np.where(
            units_col > 0, table["total"].to_numpy(np.float64) / units_col, np.nan
        )
    per = pd.DataFrame(
        {
            "unit_id": f["unit_id"],
            "capital_cost": capital,
            "maintenance_actual": actual,
            "maintenance_calculated": maint_calc,
            "other_costs": other,
            "rent_income": rent,
            "net_cost": net_owned,
        },
        index=f.index,
    )[owned]
    return BeregningsutvalgetResult(
        table=table,
        per_unit_frame=per,
        capital_rate=capital_rate,
        maintenance_rate=maintenance_rate,
        administration_per_unit=administration_per_unit,
    )


def beregningsutvalget_rates(
    assumptions: PortfolioAssumptions, params: ParameterSet
) -> tuple[float, float, dict[str, str]]:
    """The two rates: the scenario's overrides, else the (seed, unverified) parameters."""
    b = assumptions.beregningsutvalget
    at = assumptions.valuation_date
    origin = {}
    if b.capital_rate is not None:
        cap, origin["capital_rate"] = b.capital_rate, "scenario"
    else:
        cap, origin["capital_rate"] = params.number(BU_CAPITAL, at), "parameter"
    if b.maintenance_rate is not None:
        mnt, origin["maintenance_rate"] = b.maintenance_rate, "scenario"
    else:
        mnt, origin["maintenance_rate"] = params.number(BU_MAINTENANCE, at), "parameter"
    return cap, mnt, origin
