"""The stock's tariff (calc.tariff over the completed register) and the gap between today's
rents and it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from housingcalc.calc.tariff import TariffResult
    from housingcalc.models.portfolio import PortfolioAssumptions
    from housingcalc.parameters import ParameterSet

from housingcalc.calc.portfolio.defaults import Units

#: The register columns :func:`calc.tariff.stock_tariff` reads.
_TARIFF_COLUMNS = (
    "unit_id",
    "area_m2",
    "size_class",
    "standard",
    "acquisition_cost",
    "grant_amount",
    "book_value",
    "market_value",
    "rent_monthly",
)


def portfolio_tariff(
    units: Units, assumptions: PortfolioAssumptions, params: ParameterSet
) -> TariffResult:
    """The cost-covering tariff over the whole register (:func:`calc.tariff.stock_tariff`).

    Each unit's FDV is its own maintenance + other costs (+ lease for rented-in units) from the
    register, unless the scenario gives ``tariff.fdv_per_m2``; then the leases are added as a
    stock-level cost. Rented-in units carry no capital cost (their values are 0). The gap is
    tariff − current rent, per unit and in total.
    """
    from housingcalc.calc.tariff import stock_tariff

    t = assumptions.tariff
    f = units.frame
    area = f["area_m2"].to_numpy(np.float64)
    lease = f["lease_cost_yearly"].to_numpy(np.float64)
    extra = 0.0
    if t.fdv_per_m2 is None:
        own_fdv = (
            f["maintenance_yearly"].to_numpy(np.float64)
            + f["other_costs_yearly"].to_numpy(np.float64)
            + lease
        )
        fdv: Any = own_fdv / area
    else:
        fdv = t.fdv_per_m2
        extra = float(lease.sum())
    life = t.economic_life_years if t.capital_method == "annuity" else None
    # only the columns the tariff reads (it adds its cost column to the frame it is given)
    needed = [c for c in _TARIFF_COLUMNS if c in f.columns]
    return stock_tariff(
        f[needed],
        t.weights,
        method=t.capital_method,
        rate=t.capital_rate,
        rate_from=t.capital_rate_from,
        margin=t.capital_margin,
        year=t.capital_rate_year,
        basis=t.basis,
        life_years=life,
        fdv_per_m2=fdv,
        admin_per_unit=t.administration_per_unit,
        vacancy=t.vacancy_rate,
        rent_loss=t.rent_loss_rate,
        extra_cost=extra,
        rounding=t.rounding,
        params=params,
        at=assumptions.valuation_date,
    )


def rent_gap_table(tariff: TariffResult) -> pd.DataFrame:
    """Tariff against today's rents by size class × standard (yearly sums, NOK).

    ``gap_yearly = tariff − current``: positive where today's rents are below cost-covering.
    """
    u = tariff.per_unit
    current = (
        u["current_rent_monthly"] if "current_rent_monthly" in u else pd.Series(0.0, index=u.index)
    )
    df = pd.DataFrame(
        {
            "size_class": u["size_class"],
            "standard": u["standard"],
            "current_rent_yearly": 12.0 * current.fillna(0.0),
            "tariff_rent_yearly": u["tariff_rent_yearly"],
        }
    )
    df["gap_yearly"] = df["tariff_rent_yearly"] - df["current_rent_yearly"]
    g = df.groupby(["size_class", "standard"], sort=True)
    out = g[["current_rent_yearly", "tariff_rent_yearly", "gap_yearly"]].sum()
    out.insert(0, "units", g.size())
    out["gap_monthly_per_unit"] = out["gap_yearly"] / 12.0 / out["units"]
    return out.reset_index()
