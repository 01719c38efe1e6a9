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

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from housingcalc.errors import CollectedErrors

if TYPE_CHECKING:
    from housingcalc.calc.tariff import TariffResult
    from housingcalc.models.portfolio import PortfolioAssumptions
    from housingcalc.parameters import ParameterSet, ResolvedValue

F64 = np.ndarray[Any, np.dtype[np.float64]]

__all__ = [
    "BeregningsutvalgetResult",
    "DefaultApplied",
    "Units",
    "Valuation",
    "beregningsutvalget_cost",
    "complete_register",
    "value_portfolio",
    "whole_months",
]

DEPRECIATION_LIFE = "accounting.depreciation_life_years"
BU_CAPITAL = "beregningsutvalget.capital_rate"
BU_MAINTENANCE = "beregningsutvalget.maintenance_rate"
FLOATING_RATE = "husbanken.rates.floating"


@dataclass(frozen=True)
class DefaultApplied:
    """A default filled into ``count`` units' empty ``column`` by ``rule``."""

    column: str
    count: int
    rule: str

    def __str__(self) -> str:
        return f"{self.column} derived for {self.count} unit(s): {self.rule}"


@dataclass(frozen=True, eq=False)
class Units:
    """A complete register (no missing values left) ready for the calculations.

    ``frame`` has the register columns plus ``owned`` (bool), ``years_held`` (whole months /
    12 at ``at``), ``grant_rate`` / ``grant_period`` (write-down terms of each grant),
    ``grant_repayable`` (at ``at``) and ``depreciation_yearly``.
    """

    frame: pd.DataFrame
    at: dt.date
    defaults: tuple[DefaultApplied, ...]
    source: str = "register"
    notes: tuple[str, ...] = ()

    @property
    def owned(self) -> pd.DataFrame:
        return self.frame[self.frame["owned"].to_numpy()]


def whole_months(start: pd.Series, end: dt.date | pd.Series) -> pd.Series:
    """Completed months from ``start`` to ``end`` (negative if ``end`` is earlier).

    >>> start = pd.Series(pd.to_datetime(["2015-01-01", "2015-01-31"]))
    >>> whole_months(start, dt.date(2025, 1, 30)).tolist()
    [120, 119]
    """
    s = pd.to_datetime(start)
    ey: Any
    em: Any
    ed: Any
    if isinstance(end, pd.Series):
        e = pd.to_datetime(end)
        ey, em, ed = e.dt.year, e.dt.month, e.dt.day
    else:
        ey, em, ed = end.year, end.month, end.day
    months: pd.Series = (ey - s.dt.year) * 12 + (em - s.dt.month) - (ed < s.dt.day).astype("int64")
    return months


# -- completing the register ------------------------------------------------------------------


def _size_class(area: pd.Series, bands: Any) -> pd.Series:
    names = np.array([b.name for b in bands], dtype=object)
    bounds = np.array([b.max_area_m2 for b in bands[:-1]], dtype=np.float64)
    return pd.Series(
        names[np.searchsorted(bounds, area.to_numpy(), side="left")], index=area.index, dtype=object
    )


def rule_commitment_dates(params: ParameterSet) -> dict[str, dt.date]:
    """A commitment date representing each ``grant_rule``: the day before the first per-m² table
    (``pre2018``) and that table's first day (``2018``). The write-down terms in force then
    apply for the grant's whole life (see :func:`housingcalc.calc.grants.write_down_terms`)."""
    from housingcalc.calc.grants import per_m2_rule_start

    start = per_m2_rule_start(params)
    return {"pre2018": start - dt.timedelta(days=1), "2018": start}


def write_down_terms(params: ParameterSet) -> dict[str, tuple[float, float, float]]:
    """Write-down rule → (rate per full year, period in years, small-grant threshold)."""
    from housingcalc.calc import grants

    out = {}
    for rule, committed in rule_commitment_dates(params).items():
        t = grants.write_down_terms(params, committed)
        out[rule] = (t.rate, float(t.period_years), t.small_grant_threshold)
    return out


def grant_repayable(amount: F64, full_years: F64, rate: F64, period: F64, small: F64) -> F64:
    """The part of each grant not yet written down after ``full_years`` completed years
    (:func:`housingcalc.calc.grants.grant_repayable`, over arrays).

    >>> grant_repayable(np.array([740_000.0]), np.array([10.0]), np.array([0.05]),
    ...                 np.array([20.0]), np.array([40_000.0])).tolist()
    [370000.0]
    """
    from housingcalc.calc import grants

    years = np.maximum(np.floor(full_years), 0.0)
    shape = np.broadcast_shapes(*(np.shape(x) for x in (amount, years, rate, period, small)))
    return np.asarray(
        grants.grant_repayable(amount, years, rate, period, small), dtype=np.float64
    ).reshape(shape)


def _whole_months_at(dates: np.ndarray, at: dt.date) -> F64:
    """:func:`whole_months` from each date (``datetime64``) to ``at``, as float64 with NaN
    for an empty date, on numpy arrays (no per-unit Python)."""
    d = dates.astype("datetime64[D]")
    empty = np.isnat(d)
    month_start = d.astype("datetime64[M]")
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    month = month_start.astype(np.int64) % 12 + 1
    day = (d - month_start).astype(np.int64) + 1
    months = (at.year - year) * 12 + (at.month - month) - (at.day < day)
    return np.where(empty, np.nan, months.astype(np.float64))


def _lookup(s: pd.Series, table: Any) -> F64:
    """``s.map(table)`` as float64 (NaN where absent), looked up once per distinct value."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    values = [table.get(u) for u in uniques]
    found = np.array([np.nan if v is None else float(v) for v in values] + [np.nan])
    return np.asarray(found[np.where(codes < 0, len(uniques), codes)], dtype=np.float64)


class _Defaults:
    def __init__(self) -> None:
        self.items: list[DefaultApplied] = []

    def _count(self, column: str, mask: np.ndarray, rule: str) -> bool:
        n = int(np.count_nonzero(mask))
        if n:
            self.items.append(DefaultApplied(column, n, rule))
        return n > 0

    def number(self, values: F64, column: str, mask: np.ndarray, fill: Any, rule: str) -> None:
        """Fill ``values[mask]`` (in place) with ``fill`` (a number or an array)."""
        if self._count(column, mask, rule):
            values[mask] = fill[mask] if isinstance(fill, np.ndarray) else fill

    def dates(
        self, values: np.ndarray, column: str, mask: np.ndarray, fill: Any, rule: str
    ) -> None:
        if self._count(column, mask, rule):
            values[mask] = fill[mask]

    def text(
        self, values: pd.Series, column: str, mask: np.ndarray, fill: Any, rule: str
    ) -> pd.Series:
        """``values`` with ``fill`` (a text, or one per unit) where ``mask``; dtype kept."""
        if not self._count(column, mask, rule):
            return values
        out = values.copy()
        out.loc[mask] = fill[mask] if isinstance(fill, (pd.Series, np.ndarray)) else fill
        return out


def complete_register(
    frame: pd.DataFrame,
    assumptions: PortfolioAssumptions,
    params: ParameterSet,
    *,
    source: str = "register",
) -> Units:
    """Fill every empty cell of a validated register with its documented default.

    Raises :class:`CollectedErrors` (row, column, reason) for rows a default cannot fix (a
    market value with no kr/m² for the district, an acquisition after the valuation date).
    Every default applied is counted in :attr:`Units.defaults`.

    Works on one numpy array per column (text columns stay pandas columns of their dtype);
    the frame is assembled once at the end.
    """
    at = assumptions.valuation_date
    d = assumptions.defaults
    index = frame.index
    filled = _Defaults()
    errors: list[tuple[int, str]] = []

    def err(mask: np.ndarray, text: str) -> None:
        errors.extend((int(r), f"row {r}, {text}") for r in index[mask])

    def number(column: str) -> F64:
        return frame[column].to_numpy(np.float64, copy=True)

    cols: dict[str, Any] = {c: frame[c] for c in frame.columns}
    tenure = filled.text(
        frame["tenure"], "tenure", frame["tenure"].isna().to_numpy(), "owned", "owned"
    )
    owned = (tenure == "owned").to_numpy(bool)
    rented = ~owned
    status = filled.text(frame["status"], "status", frame["status"].isna().to_numpy(), "let", "let")
    standard = filled.text(
        frame["standard"],
        "standard",
        frame["standard"].isna().to_numpy(),
        d.standard,
        f"the scenario's default standard {d.standard!r}",
    )
    area = number("area_m2")
    size_class = filled.text(
        frame["size_class"],
        "size_class",
        frame["size_class"].isna().to_numpy(),
        _size_class(frame["area_m2"], d.size_bands),
        "from area_m2 by the size bands "
        + ", ".join(
            f"{b.name} ≤ {b.max_area_m2:g} m²" if b.max_area_m2 else b.name for b in d.size_bands
        ),
    )
    district = frame["district"].where(frame["district"].notna(), "")
    address = frame["address"].where(frame["address"].notna(), "")

    acquired = frame["acquired"].to_numpy("datetime64[s]")
    grant_date = frame["grant_date"].to_numpy("datetime64[s]", copy=True)
    at64 = np.datetime64(at, "s")
    err(acquired > at64, f"acquired: after the valuation date {at.isoformat()}")
    err(grant_date > at64, f"grant_date: after the valuation date {at.isoformat()}")

    # book value: cost less straight-line depreciation over the accounting life
    life = params.number(DEPRECIATION_LIFE, at)
    years_held = _whole_months_at(acquired, at) / 12.0
    land = d.land_share
    cost_given = number("acquisition_cost")
    book = number("book_value")
    derived = cost_given * (land + (1 - land) * np.maximum(0.0, 1.0 - years_held / life))
    filled.number(
        book,
        "book_value",
        owned & np.isnan(book) & ~np.isnan(derived),
        derived,
        f"acquisition_cost less straight-line depreciation over {life:g} years "
        f"(whole months held; land share {land:.0%} not depreciated)",
    )

    # market value: area × kr/m² of the district
    price = _lookup(district, assumptions.market.price_per_m2)
    if assumptions.market.default_price_per_m2 is not None:
        price[np.isnan(price)] = assumptions.market.default_price_per_m2
    market = number("market_value")
    need = owned & np.isnan(market)
    no_price = need & np.isnan(price)
    if no_price.any():
        where = district.to_numpy(dtype=object)
        for name in sorted(set(where[no_price].tolist())):
            err(
                no_price & (where == name),
                f"market_value: empty, and district {name or '(empty)'!r} has no kr/m² in the "
                "scenario (market.price_per_m2) and there is no market.default_price_per_m2",
            )
    filled.number(
        market,
        "market_value",
        need & ~np.isnan(price),
        area * price,
        "area_m2 × the scenario's kr/m² for the district",
    )

    # units not owned carry no values
    cost = cost_given.copy()
    grant = number("grant_amount")
    loan = number("loan_balance")
    for values in (book, market, cost, grant, loan):
        values[rented & np.isnan(values)] = 0.0

    # grants
    filled.number(grant, "grant_amount", np.isnan(grant), 0.0, "0 (no grant)")
    has_grant = grant > 0
    filled.dates(
        grant_date,
        "grant_date",
        has_grant & np.isnat(grant_date) & ~np.isnat(acquired),
        acquired,
        "the acquired date",
    )
    per_m2_start = rule_commitment_dates(params)["2018"]
    rule_from_date = np.where(
        grant_date < np.datetime64(per_m2_start, "s"), "pre2018", "2018"
    ).astype(object)
    grant_rule = filled.text(
        frame["grant_rule"],
        "grant_rule",
        has_grant & frame["grant_rule"].isna().to_numpy() & ~np.isnat(grant_date),
        rule_from_date,
        f"from grant_date (before {per_m2_start.isoformat()}: pre2018, else 2018)",
    )
    err(
        has_grant & np.isnat(grant_date),
        "grant_date: needed to write the grant down; give grant_date or acquired",
    )
    grant_rule = grant_rule.where(has_grant, None)

    # loans
    filled.number(loan, "loan_balance", np.isnan(loan), 0.0, "0 (no loan)")
    has_loan = loan > 0
    loan_rate = number("loan_rate")
    need_rate = has_loan & np.isnan(loan_rate)
    if d.loan_rate is not None or not need_rate.any():
        rate = d.loan_rate or 0.0
        rule = f"the scenario's default loan rate {rate:.2%}"
    else:
        from housingcalc.parameters.rates import husbanken_rate

        rate = husbanken_rate(params, "floating", at)
        rule = (
            f"Husbanken's floating rate at {at.isoformat()} ({rate:.3%} nominal, monthly terms, "
            "as published)"
        )
    filled.number(loan_rate, "loan_rate", need_rate, rate, rule)
    years_left = number("loan_years_left")
    filled.number(
        years_left,
        "loan_years_left",
        has_loan & np.isnan(years_left),
        d.loan_years_left,
        f"the scenario's default remaining term {d.loan_years_left:g} years",
    )
    loan_rate[~has_loan] = 0.0
    years_left[~has_loan] = 0.0

    # rent and running costs
    rent = number("rent_monthly")
    filled.number(rent, "rent_monthly", np.isnan(rent), 0.0, "0 (no rent given)")
    maintenance = number("maintenance_yearly")
    filled.number(
        maintenance,
        "maintenance_yearly",
        np.isnan(maintenance),
        area * d.maintenance_per_m2,
        f"area_m2 × {d.maintenance_per_m2:g} kr/m² (scenario default)",
    )
    other = number("other_costs_yearly")
    filled.number(
        other,
        "other_costs_yearly",
        np.isnan(other),
        area * d.other_costs_per_m2,
        f"area_m2 × {d.other_costs_per_m2:g} kr/m² (scenario default)",
    )
    lease = number("lease_cost_yearly")
    filled.number(
        lease,
        "lease_cost_yearly",
        rented & np.isnan(lease),
        0.0,
        "0 (rented_in unit with no lease cost given)",
    )
    lease[np.isnan(lease)] = 0.0

    if errors:
        errors.sort()
        raise CollectedErrors(source, [e for _, e in errors])

    # write-down terms per grant and the part still repayable at the valuation date
    terms = write_down_terms(params)
    rules = grant_rule.fillna("2018")
    codes, uniques = pd.factorize(rules, use_na_sentinel=True)  # the rules found once
    at_code = np.where(codes < 0, len(uniques), codes)
    distinct = pd.Series([*uniques, None], dtype=object)
    grant_terms = [
        _lookup(distinct, {k: v[i] for k, v in terms.items()})[at_code] for i in range(3)
    ]
    grant_months = np.nan_to_num(_whole_months_at(grant_date, at), nan=0.0)
    repayable = grant_repayable(
        grant, np.floor(grant_months / 12.0), grant_terms[0], grant_terms[1], grant_terms[2]
    )
    # yearly depreciation from today on: the depreciable book value over the remaining life
    land_part = cost_given * land
    land_part = np.where(np.isnan(land_part), book * land, land_part)
    held = np.nan_to_num(years_held, nan=0.0)
    remaining_life = np.maximum(life - held, 1.0)
    land_value = np.where(owned, land_part, 0.0)
    dep = np.where(owned, np.maximum(book - land_value, 0.0) / remaining_life, 0.0)
    # fully depreciated units (held ≥ life) have nothing left to depreciate
    depreciation = np.where(held < life, dep, 0.0)
    cost = np.where(np.isnan(cost), book, cost)

    cols.update(
        tenure=tenure,
        status=status,
        standard=standard,
        size_class=size_class,
        district=district,
        address=address,
        acquisition_cost=cost,
        book_value=book,
        market_value=market,
        grant_amount=grant,
        grant_date=grant_date,
        grant_rule=grant_rule,
        loan_balance=loan,
        loan_rate=loan_rate,
        loan_years_left=years_left,
        rent_monthly=rent,
        maintenance_yearly=maintenance,
        other_costs_yearly=other,
        lease_cost_yearly=lease,
        years_held=years_held,
        owned=owned,
        grant_rate=grant_terms[0],
        grant_period=grant_terms[1],
        grant_small=grant_terms[2],
        grant_months=grant_months,
        grant_repayable=repayable,
        land_value=land_value,
        depreciation_yearly=depreciation,
    )
    f = pd.DataFrame(cols, index=index)  # text and date columns: Series of this index
    return Units(frame=f, at=at, defaults=tuple(filled.items), source=source)


# -- valuation --------------------------------------------------------------------------------

VALUE_COLUMNS = (
    "book_value",
    "market_value",
    "hidden_value",
    "grant_repayable",
    "loan_balance",
    "net_value",
)


@dataclass(frozen=True, eq=False)
class Valuation:
    """Book, market and hidden value, grants still repayable, loans and net value.

    ``per_unit``: one row per owned unit. ``by_district`` / ``by_size_class`` /
    ``by_standard``: the same sums per group, with a ``units`` count. ``totals``: the sums,
    ``units`` (all), ``units_owned`` and ``units_rented_in``.
    """

    at: dt.date
    per_unit: pd.DataFrame
    by_district: pd.DataFrame
    by_size_class: pd.DataFrame
    by_standard: pd.DataFrame
    totals: dict[str, float]


def _group(per_unit: pd.DataFrame, key: str) -> pd.DataFrame:
    grouped = per_unit.groupby(key, sort=True, dropna=False)  # the groups found once
    g = grouped[list(VALUE_COLUMNS)].sum()
    g.insert(0, "units", grouped.size())
    g.index.name = key
    return g.reset_index()


def value_portfolio(units: Units) -> Valuation:
    """Valuation of the owned units at the valuation date.

    ``hidden_value = market_value − book_value``;
    ``net_value = market_value − loan_balance − grant_repayable``.
    """
    frame = units.frame
    own = frame["owned"].to_numpy(bool)
    # only the columns needed, each filtered once (not the whole frame)
    f: dict[str, Any] = {
        c: frame[c][own] for c in ("unit_id", "district", "size_class", "standard")
    }
    for c in ("area_m2", "book_value", "market_value", "grant_amount", "grant_repayable"):
        f[c] = frame[c].to_numpy(np.float64)[own]
    f["loan_balance"] = frame["loan_balance"].to_numpy(np.float64)[own]
    per = pd.DataFrame(
        {
            "unit_id": f["unit_id"],
            "district": f["district"],
            "size_class": f["size_class"],
            "standard": f["standard"],
            "area_m2": f["area_m2"],
            "book_value": f["book_value"],
            "market_value": f["market_value"],
            "hidden_value": f["market_value"] - f["book_value"],
            "grant_amount": f["grant_amount"],
            "grant_repayable": f["grant_repayable"],
            "loan_balance": f["loan_balance"],
            "net_value": f["market_value"] - f["loan_balance"] - f["grant_repayable"],
        },
        index=frame.index[own],
    )
    totals: dict[str, float] = {c: float(per[c].sum()) for c in VALUE_COLUMNS}
    totals["grant_amount"] = float(per["grant_amount"].sum())
    totals["area_m2"] = float(per["area_m2"].sum())
    totals["units"] = float(len(units.frame))
    totals["units_owned"] = float(len(per))
    totals["units_rented_in"] = float(len(units.frame) - len(per))
    return Valuation(
        at=units.at,
        per_unit=per,
        by_district=_group(per, "district"),
        by_size_class=_group(per, "size_class"),
        by_standard=_group(per, "standard"),
        totals=totals,
    )


# -- the Beregningsutvalget method -------------------------------------------------------------

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


# -- projection -------------------------------------------------------------------------------

YEARLY_COLUMNS = (
    "year",
    "units",
    "units_sold",
    "units_bought",
    "units_sold_cumulative",
    "units_bought_cumulative",
    "market_value",
    "book_value",
    "hidden_value",
    "loan_balance",
    "grant_repayable",
    "net_value",
    "rent_income",
    "fdv_costs",
    "lease_costs",
    "administration",
    "interest_paid",
    "principal_paid",
    "depreciation",
    "capital_cost",
    "sale_price",
    "loans_repaid_on_sale",
    "grants_repaid_on_sale",
    "sale_costs",
    "sale_net_cash",
    "sale_gain",
    "reinvested",
    "net_result",
    "cash_flow",
    "cash_cumulative",
)

#: The columns of :data:`YEARLY_COLUMNS` that are flows over the year (they add up over
#: years); the rest are stocks at the year's end or running totals.
YEARLY_FLOWS = frozenset(
    YEARLY_COLUMNS[YEARLY_COLUMNS.index("rent_income") : YEARLY_COLUMNS.index("cash_flow") + 1]
) | {"units_sold", "units_bought"}
#: Flows (NaN in the year-0 row, which holds the starting stock).
FLOW_COLUMNS = YEARLY_COLUMNS[YEARLY_COLUMNS.index("rent_income") :]


@dataclass(frozen=True)
class StressSpec:
    """How a named stress scenario changes the base assumptions."""

    name: str
    loan_rate_add: float = 0.0
    price_shock: float = 0.0
    vacancy_factor: float = 1.0
    price_growth_add: float = 0.0


BASE = StressSpec("base")


@dataclass(frozen=True, eq=False)
class Projection:
    """One scenario's projection.

    ``yearly``: one row per year ``0 … H`` (year 0 is the starting stock; its flow columns are
    NaN). ``per_unit``: each register unit's end state (sold or kept). ``sales``: one row per
    unit sold. ``cohorts``: units bought by reinvestment, one row per purchase year.
    """

    name: str
    yearly: pd.DataFrame
    per_unit: pd.DataFrame
    sales: pd.DataFrame
    cohorts: pd.DataFrame
    npv_cash_flow: float
    discount_rate: float


@dataclass(frozen=True, eq=False)
class ProjectionSet:
    """The base projection, the stress scenarios, and their key figures side by side."""

    base: Projection
    stress: tuple[Projection, ...]
    comparison: pd.DataFrame
    #: calc.rent_law.PhaseIn when ``rent_law.phase_in`` (and ``phase_in_units``, per unit)
    phase_in: Any = None
    phase_in_units: pd.DataFrame | None = None

    @property
    def all(self) -> tuple[Projection, ...]:
        return (self.base, *self.stress)


def sale_years(units: Units, assumptions: PortfolioAssumptions) -> np.ndarray:
    """The projection year each unit is sold in (0: not sold), from the plan and the share.

    Planned sales come first. Then, with ``share_per_year = s`` and ``N`` eligible units
    (owned, status in ``eligible_status``, not planned), ``round(s × t × N)`` units (at most N)
    are sold by the end of year ``t``, taken in ``order``: ``oldest_first`` (earliest
    ``acquired`` first, empty dates last), ``largest_hidden_value_first`` or
    ``register_order``; ties broken by ``unit_id``.
    """
    s = assumptions.sales
    horizon = assumptions.projection.years
    f = units.frame
    n = len(f)
    out = np.zeros(n, dtype=np.int64)
    if s.plan:
        wanted = [p.unit_id for p in s.plan]
        ids = f["unit_id"]
        hits = np.flatnonzero(ids.isin(wanted).to_numpy(bool))  # Arrow/hash look-up, no copy
        first: dict[str, int] = {}
        for i, uid in zip(hits.tolist(), ids.to_numpy()[hits].tolist(), strict=True):
            first.setdefault(uid, i)
        pos = np.array([first.get(uid, -1) for uid in wanted], dtype=np.int64)
        years = np.array([p.year for p in s.plan], dtype=np.int64)
        years = np.where(years >= 1900, years - assumptions.valuation_date.year + 1, years)
        errors = []
        seen: set[str] = set()
        for i, (uid, p, y) in enumerate(zip(wanted, pos, years, strict=True)):
            where = f"sales.plan[{i}]"
            if p < 0:
                errors.append(f"{where}: unit_id {uid!r} is not in the register")
            elif not bool(f["owned"].iloc[p]):
                errors.append(f"{where}: unit_id {uid!r} is rented_in and cannot be sold")
            elif uid in seen:
                errors.append(f"{where}: unit_id {uid!r} is planned twice")
            elif not 1 <= y <= horizon:
                errors.append(
                    f"{where}: year {s.plan[i].year} is outside the projection "
                    f"(years 1–{horizon}, or {assumptions.valuation_date.year}–"
                    f"{assumptions.valuation_date.year + horizon - 1})"
                )
            seen.add(uid)
        if errors:
            raise CollectedErrors("scenario", errors)
        out[pos] = years
    if s.share_per_year > 0:
        eligible = (
            f["owned"].to_numpy(bool) & f["status"].isin(s.eligible_status).to_numpy() & (out == 0)
        )
        idx = np.flatnonzero(eligible)
        sub = f.iloc[idx]
        if s.order == "oldest_first":
            key = sub["acquired"].fillna(pd.Timestamp.max).to_numpy()
        elif s.order == "largest_hidden_value_first":
            key = -(sub["market_value"] - sub["book_value"]).to_numpy()
        else:
            key = np.arange(len(sub))
        order = np.lexsort((_text_rank(sub["unit_id"]), key))
        n0 = len(idx)
        t = np.arange(1, horizon + 1)
        cum = np.minimum(n0, np.floor(s.share_per_year * t * n0 + 0.5)).astype(np.int64)
        year_of_rank = np.searchsorted(cum, np.arange(n0), side="right") + 1
        year_of_rank[year_of_rank > horizon] = 0
        out[idx[order]] = year_of_rank
    return out


def _shown_text(s: pd.Series) -> Any:
    """A text column as a new table built from its values would hold it (an object column's
    type inferred as the DataFrame constructor does), converted once per distinct value."""
    if s.dtype != object:
        return s.array
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    inferred = pd.Series(np.asarray(uniques, dtype=object)).array
    return inferred.take(codes, allow_fill=True)


def _text_rank(s: pd.Series) -> np.ndarray:
    """Each text's rank in code-point order (the order Python sorts ``str`` in), by Arrow's
    sort (UTF-8 byte order is code-point order) instead of a per-value conversion."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    arr = pa.array(s.array, type=pa.large_string())
    return np.asarray(pc.rank(arr, sort_keys="ascending", tiebreaker="dense"), dtype=np.int64)


@dataclass(frozen=True, eq=False)
class _LoanYears:
    """Yearly loan figures over the horizon (NOK): totals over every loan (shape ``(H,)``),
    each unit's balance at the end of year H (``closing_end``, shape ``(N,)``), and per-loan
    rows (shape ``(K, H)``) for the ``K`` units asked for when amortising (``row``: the unit's
    row, −1 for a unit without a loan or not asked for)."""

    interest_sum: F64
    repayment_sum: F64
    closing_sum: F64
    row: np.ndarray
    interest: F64
    repayment: F64
    closing: F64
    closing_end: F64

    def of(self, idx: np.ndarray) -> tuple[F64, F64, F64]:
        """Interest, repayment and closing balance of the units ``idx`` (zeros without a loan);
        ``idx`` must be among the units the rows were kept for."""
        r = self.row[idx]
        has = r >= 0
        out = []
        for a in (self.interest, self.repayment, self.closing):
            m = np.zeros((len(idx), a.shape[1]))
            m[has] = a[r[has]]
            out.append(m)
        return out[0], out[1], out[2]


#: Loans amortised per call of the loan engine in :func:`_loan_years`.
_LOAN_BLOCK = 131_072


def _loan_years(
    principal: F64,
    rate: F64,
    years_left: F64,
    horizon: int,
    keep: np.ndarray | None = None,
) -> _LoanYears:
    """Amortise every loan with the loan engine (:func:`calc.loans.amortize_yearly`), in blocks
    of :data:`_LOAN_BLOCK` loans.

    The yearly totals are summed in whole øre (exact int64 sums) and then turned into NOK.
    Per-loan rows are kept only for the units ``keep`` (default: every loan), so a register of
    a million units does not hold three loans × years float arrays.
    """
    from housingcalc.calc.loans import LoanBatch, amortize_yearly

    n = len(principal)
    idx = np.flatnonzero(principal > 0)
    pos = np.full(n, -1, dtype=np.int64)  # unit → position among the loans
    pos[idx] = np.arange(len(idx))
    if keep is None:
        kept = idx
    else:
        kept = np.asarray(keep, dtype=np.int64)
        kept = kept[pos[kept] >= 0]
    row = np.full(n, -1, dtype=np.int64)
    row[kept] = np.arange(len(kept))
    arrays: list[F64] = [np.zeros((len(kept), horizon)) for _ in range(3)]
    closing_end = np.zeros(n)
    interest_oere = np.zeros(horizon, dtype=np.int64)
    closing_oere = np.zeros(horizon, dtype=np.int64)
    principal_oere = 0
    terms = np.maximum(np.rint(years_left[idx] * 12), 1).astype(np.int64)
    # blocks of loans: each loan is amortised on its own, so the blocks' whole-øre sums add up
    # to the same totals, and the engine's (years × loans) arrays stay a block's size
    for s in range(0, len(idx), _LOAN_BLOCK):
        part = idx[s : s + _LOAN_BLOCK]
        # two threads: chunks of loans are independent (numpy releases the GIL), so the
        # figures are the same as with one; the engine's advice for portfolio runs
        y = amortize_yearly(
            LoanBatch.from_arrays(principal[part], rate[part], terms[s : s + _LOAN_BLOCK]),
            workers=2,
        )
        k = min(horizon, y.interest.shape[1])
        # year-major (Y, L) storage: each year's loans are contiguous; int64 øre sums are exact
        interest_oere[:k] += y.interest.T[:k].sum(axis=1)
        closing_oere[:k] += y.closing_balance.T[:k].sum(axis=1)
        principal_oere += int(y.principal.sum())
        if y.interest.shape[1] >= horizon:
            closing_end[part] = y.closing_balance[:, horizon - 1] / 100.0
        r = row[part]
        local = np.flatnonzero(r >= 0)
        if local.size:
            closing = y.closing_balance[local, :k]
            opening = np.concatenate((y.principal[local, None], closing[:, :-1]), axis=1)
            for out, src in zip(
                arrays, (y.interest[local, :k], opening - closing, closing), strict=True
            ):
                out[r[local], :k] = src / 100.0
    opening_oere = np.concatenate(([principal_oere], closing_oere[:-1]))
    sums = [tot / 100.0 for tot in (interest_oere, opening_oere - closing_oere, closing_oere)]
    return _LoanYears(sums[0], sums[1], sums[2], row, arrays[0], arrays[1], arrays[2], closing_end)


def _sale_cash(price: F64, costs: F64, loan: F64, grant: F64, book: F64) -> tuple[F64, F64]:
    """Net cash and accounting gain of sales (:func:`housingcalc.calc.sale.sale_proceeds`):
    ``price − loan − grant − costs`` and ``price − book``."""
    from housingcalc.calc.sale import sale_proceeds

    if price.size == 0:
        return price.copy(), price.copy()
    s = sale_proceeds(price, loan_balance=loan, grant_repayable=grant, costs=costs, book_value=book)
    return (
        np.asarray(s.cash, dtype=np.float64).reshape(price.shape),
        np.asarray(s.gain, dtype=np.float64).reshape(price.shape),
    )


def _index(path: F64) -> F64:
    """Index at the END of each year 1..H (index 0 = 1 at the start): shape (H + 1,)."""
    return np.concatenate(([1.0], np.cumprod(1.0 + path)))


@dataclass(frozen=True, eq=False)
class _Stock:
    """What the projection needs of the register, the same in every scenario.

    Sums over all units (per year where they change), and the same figures for the units
    that are sold (``sold``: unit indices, ``year``: their sale years), so that a scenario
    subtracts the sold units instead of summing over the kept ones each year.
    ``book``/``grant`` columns are years 0 … H (the end of each year).
    """

    n: int
    sale_year: np.ndarray
    sold: np.ndarray
    year: np.ndarray
    rent_sum: float
    running_sum: float
    lease_sum: float
    market_sum: float
    book_sum: F64
    grant_sum: F64
    rent: F64
    running: F64
    market: F64
    book: F64
    grant: F64
    book_end: F64  # every unit's book value at the end of year H (0 if not owned)
    grant_end: F64
    #: unit_id, tenure and status as the per-unit tables show them (converted once)
    labels: pd.DataFrame


#: Units per block where a units × years array is summed block by block.
_BLOCK = 65_536


def _stock(units: Units, sale_year: np.ndarray, horizon: int) -> _Stock:
    """The register's sums per year and the sold units' rows, without any units × years
    array over the whole register."""
    f = units.frame
    own = f["owned"].to_numpy(bool)
    t = np.arange(horizon + 1, dtype=np.float64)
    market0 = f["market_value"].to_numpy(np.float64) * own
    book0 = f["book_value"].to_numpy(np.float64) * own
    land = np.minimum(f["land_value"].to_numpy(np.float64), book0)
    dep = f["depreciation_yearly"].to_numpy(np.float64)
    sold = np.flatnonzero(sale_year > 0)
    sold = sold[np.argsort(sale_year[sold], kind="stable")]
    # book value at the end of each year: straight line down to the land value. Summed over
    # blocks of units, each block's rows added after the running total, so the sums are those
    # of one (units × years) array added row by row, without holding that array.
    book_sum = np.zeros(horizon + 1)
    for s in range(0, len(f), _BLOCK):
        e = min(s + _BLOCK, len(f))
        blk = np.empty((e - s + 1, horizon + 1))
        blk[0] = book_sum
        np.maximum(book0[s:e, None] - dep[s:e, None] * t[None, :], land[s:e, None], out=blk[1:])
        book_sum = blk.sum(axis=0)
    book_end = np.maximum(book0 - dep * t[-1], land)  # the end of year H
    book = np.maximum(book0[sold, None] - dep[sold, None] * t[None, :], land[sold, None])
    # grant still repayable at the end of each year (completed years from payout)
    amount = f["grant_amount"].to_numpy(np.float64) * own
    g = np.flatnonzero(amount > 0)
    grant_sum = np.zeros(horizon + 1)
    grant = np.zeros((len(sold), horizon + 1))
    grant_end = np.zeros(len(f))
    if len(g):
        months = f["grant_months"].to_numpy(np.float64)[g]
        years = np.floor((months[:, None] + 12.0 * t[None, :]) / 12.0)
        cols = [
            f[c].to_numpy(np.float64)[g][:, None]
            for c in ("grant_rate", "grant_period", "grant_small")
        ]
        grant_g = grant_repayable(amount[g][:, None], years, cols[0], cols[1], cols[2])
        grant_sum = grant_g.sum(axis=0)
        grant_end[g] = grant_g[:, -1]
        at_g = np.full(len(f), -1, dtype=np.int64)
        at_g[g] = np.arange(len(g))
        r = at_g[sold]
        grant[r >= 0] = grant_g[r[r >= 0]]
    rent = 12.0 * f["rent_monthly"].to_numpy(np.float64)
    running = f["maintenance_yearly"].to_numpy(np.float64) + f["other_costs_yearly"].to_numpy(
        np.float64
    )
    lease = f["lease_cost_yearly"].to_numpy(np.float64) * ~own
    return _Stock(
        n=len(f),
        sale_year=sale_year,
        sold=sold,
        year=sale_year[sold],
        rent_sum=float(rent.sum()),
        running_sum=float(running.sum()),
        lease_sum=float(lease.sum()),
        market_sum=float(market0.sum()),
        book_sum=book_sum,
        grant_sum=grant_sum,
        rent=rent[sold],
        running=running[sold],
        market=market0[sold],
        book=book,
        grant=grant,
        book_end=book_end,
        grant_end=grant_end,
        labels=pd.DataFrame(
            {c: _shown_text(f[c]) for c in ("unit_id", "tenure", "status")}, index=f.index
        ),
    )


@dataclass(frozen=True)
class _Reinvest:
    """Per possible purchase year b = 1..H (arrays of length H + 1, index b)."""

    price: F64
    cost: F64  # price + document duty (capitalised: the book value at purchase)
    grant: F64
    loan: F64
    equity: F64
    loans: _LoanYears | None


def _cohort_stock(
    rv: _Reinvest | None,
    count: F64,
    t: int,
    price_idx: F64,
    life: float,
    terms: tuple[float, float, float],
) -> tuple[float, float, float, float]:
    """Market, book, loan and grant still repayable of the units bought up to the end of
    year ``t`` (cohort ``b`` was bought at the end of year ``b`` and is ``t − b`` years old)."""
    if rv is None or t < 1:
        return 0.0, 0.0, 0.0, 0.0
    b = np.arange(1, t + 1)
    nb = count[1 : t + 1]
    age = (t - b).astype(np.float64)
    market = float((nb * rv.price[b] / price_idx[b] * price_idx[t]).sum())
    book = float((nb * rv.cost[b] * np.maximum(0.0, 1 - age / life)).sum())
    loan = float(nb[-1] * rv.loan[t])
    if rv.loans is not None and t > 1:
        older = b[:-1]
        loan += float((nb[:-1] * rv.loans.closing[rv.loans.row[older], t - older - 1]).sum())
    rate, period, small = terms
    grant = float(
        (
            nb
            * grant_repayable(
                rv.grant[b], age, np.full(t, rate), np.full(t, period), np.full(t, small)
            )
        ).sum()
    )
    return market, book, loan, grant


def _reinvest_terms(
    a: PortfolioAssumptions, params: ParameterSet, price_idx: F64, rate_add: float
) -> _Reinvest | None:
    r = a.reinvestment
    if not r.enabled:
        return None
    from housingcalc.errors import ScenarioError

    horizon = a.projection.years
    at = a.valuation_date
    kr_m2 = r.price_per_m2
    if kr_m2 is None:
        kr_m2 = a.market.price_per_m2.get(r.district or "", a.market.default_price_per_m2)
    assert kr_m2 is not None  # the model validator guarantees one
    price = r.area_m2 * kr_m2 * price_idx  # bought at the end of year b at that year's prices
    grant_per_unit = 0.0
    if r.grant_municipality is not None:
        from housingcalc.calc.grants import per_m2

        # the table in force at the valuation date (future tables are unknown), not indexed
        grant_per_unit = per_m2(
            params, at, area_m2=r.area_m2, municipality=r.grant_municipality
        ).grant
    grant = np.full(horizon + 1, grant_per_unit)
    loan = r.loan_share * price
    duty = params.number("tax.document_duty_rate", at)
    cost = price * (1 + duty)
    equity = cost - grant - loan
    if (equity[1:] <= 0).any():
        year = int(np.flatnonzero(equity[1:] <= 0)[0]) + 1
        raise ScenarioError(
            "reinvestment",
            f"year {year}",
            f"the grant ({grant_per_unit:,.0f}) and loan ({r.loan_share:.0%}) cover the whole "
            f"price of a new unit ({cost[year]:,.0f} with document duty): nothing limits the "
            "number bought; lower loan_share or raise price_per_m2",
        )
    loans = None
    if (loan > 0).any():
        lr = r.loan_rate if r.loan_rate is not None else a.defaults.loan_rate
        if lr is None:
            from housingcalc.parameters.rates import husbanken_rate

            lr = husbanken_rate(params, "floating", at)
        loans = _loan_years(
            loan,
            np.full(horizon + 1, lr + rate_add),
            np.full(horizon + 1, float(r.loan_years)),
            horizon,
        )
    return _Reinvest(price, cost, grant, loan, equity, loans)


def _by_year(years: np.ndarray, horizon: int, weights: F64 | None = None) -> F64:
    """Sum of ``weights`` (or a count) per year 1 … H."""
    return np.bincount(years, weights=weights, minlength=horizon + 1)[1 : horizon + 1].astype(
        np.float64
    )


def project(
    units: Units,
    assumptions: PortfolioAssumptions,
    params: ParameterSet,
    stress: StressSpec = BASE,
    *,
    _stock: _Stock | None = None,
    _loans: _LoanYears | None = None,
    _phase: Any = None,
) -> Projection:
    """Project the portfolio yearly over ``projection.years`` years.

    Sums over all units are taken once; each year the units sold so far are subtracted
    (arrays of sold units × years), so the cost grows with the number sold, not with the
    register. The only loop is over years, for reinvestment (the cash from one year's sales
    buys the next cohort). See ``docs/portfolio.md`` for every rule.
    """
    a = assumptions
    p = a.projection
    horizon = p.years
    f = units.frame
    own = f["owned"].to_numpy(bool)
    st = _stock if _stock is not None else _stock_of(units, a)
    loans = _loans
    if loans is None:
        rate = np.maximum(f["loan_rate"].to_numpy(np.float64) + stress.loan_rate_add, 0.0)
        loans = _loan_years(
            f["loan_balance"].to_numpy(np.float64) * own,
            rate,
            f["loan_years_left"].to_numpy(np.float64),
            horizon,
            keep=st.sold,
        )

    growth = growth_path_array(a.market.price_growth, horizon) + stress.price_growth_add
    price_idx = _index(growth)
    price_idx[1:] *= 1.0 + stress.price_shock
    cpi = _index(growth_path_array(p.cpi, horizon))[:-1]  # year t uses the index at its start
    vacancy = min(1.0, p.vacancy_rate * stress.vacancy_factor)
    collect = (1.0 - vacancy) * (1.0 - p.rent_loss_rate)

    # the register's units: sums over all, less the units sold (before year t / by its end)
    t = np.arange(1, horizon + 1)
    y = st.year
    before = (y[:, None] < t[None, :]).astype(np.float64)  # sold before year t: inactive
    by_end = (y[:, None] <= t[None, :]).astype(np.float64)  # sold by the end of year t
    interest_s, repayment_s, closing_s = loans.of(st.sold)
    if _phase is None:
        rent = cpi * collect * (st.rent_sum - st.rent @ before)
    else:  # rents phased in to the tariff as husleieloven allows (calc.rent_law)
        from housingcalc.calc.rent_law import phased_rent_sums

        rent = cpi * collect * phased_rent_sums(_phase, st.sold, before, horizon)
    running = cpi * (st.running_sum - st.running @ before)
    lease = cpi * st.lease_sum
    active_units = st.n - before.sum(axis=0)
    dep_all = st.book_sum[:-1] - st.book_sum[1:]
    depreciation = dep_all - ((st.book[:, :-1] - st.book[:, 1:]) * before).sum(axis=0)
    interest = loans.interest_sum - (interest_s * before).sum(axis=0)
    principal = loans.repayment_sum - (repayment_s * before).sum(axis=0)
    market_end = price_idx[1:] * (st.market_sum - st.market @ by_end)
    book_end = st.book_sum[1:] - (st.book[:, 1:] * by_end).sum(axis=0)
    loan_end = loans.closing_sum - (closing_s * by_end).sum(axis=0)
    grant_end = st.grant_sum[1:] - (st.grant[:, 1:] * by_end).sum(axis=0)

    # sales at the end of their year
    k = np.arange(len(y))
    sale_price = st.market * price_idx[y] * a.sales.price_factor
    costs = np.full(len(y), a.sales.costs_per_sale)
    loan_repaid = closing_s[k, y - 1]
    grant_repaid = st.grant[k, y]
    book_sold = st.book[k, y]
    net_cash, gain = _sale_cash(sale_price, costs, loan_repaid, grant_repaid, book_sold)
    sales = pd.DataFrame(
        {
            "unit_id": st.labels["unit_id"].array.take(st.sold),
            "year": y,
            "sale_price": sale_price,
            "sale_costs": costs,
            "loan_repaid": loan_repaid,
            "grant_repaid": grant_repaid,
            "book_value": book_sold,
            "sale_net_cash": net_cash,
            "sale_gain": gain,
        }
    )
    sold_n = _by_year(y, horizon)
    sale_net = _by_year(y, horizon, net_cash)

    # reinvestment: cohorts bought at the end of year b with that year's net sale cash
    rv = _reinvest_terms(a, params, price_idx, stress.loan_rate_add)
    r = a.reinvestment
    life = params.number(DEPRECIATION_LIFE, a.valuation_date)
    new_terms = write_down_terms(params)["2018"]
    new_running = r.area_m2 * (a.defaults.maintenance_per_m2 + a.defaults.other_costs_per_m2)
    new_rent = 12.0 * r.rent_monthly_per_m2 * r.area_m2
    count = np.zeros(horizon + 1)
    spent = np.zeros(horizon)
    # the cohorts' rent, running costs, depreciation, interest, principal, then their market,
    # book, loan and grant at the end of each year
    new = np.zeros((9, horizon))
    pool = 0.0
    if rv is not None:
        for i, year in enumerate(t):
            b = np.arange(1, year)
            nb = count[1:year]
            if nb.sum():
                age = year - b
                new[0, i] = nb.sum() * new_rent * cpi[i] * collect
                new[1, i] = nb.sum() * new_running * cpi[i]
                new[2, i] = (
                    nb * rv.cost[b] * (np.minimum(1, age / life) - np.minimum(1, (age - 1) / life))
                ).sum()
                if rv.loans is not None:
                    rows = rv.loans.row[b]
                    new[3, i] = (nb * rv.loans.interest[rows, age - 1]).sum()
                    new[4, i] = (nb * rv.loans.repayment[rows, age - 1]).sum()
            pool = max(0.0, pool + r.share_of_proceeds * sale_net[i])
            count[year] = np.floor(pool / rv.equity[year] + 1e-9)
            spent[i] = count[year] * rv.equity[year]
            pool -= spent[i]
            new[5:, i] = _cohort_stock(rv, count, int(year), price_idx, life, new_terms)
    bought = count[1:]
    units_bought_cum = np.cumsum(bought)
    admin = p.administration_per_unit * cpi * (active_units + units_bought_cum - bought)
    rent = rent + new[0]
    running = running + new[1]
    depreciation = depreciation + new[2]
    interest = interest + new[3]
    principal = principal + new[4]
    sale_gain = _by_year(y, horizon, gain)
    operating = rent - running - lease - admin
    flows = {
        "rent_income": rent,
        "fdv_costs": running,
        "lease_costs": lease,
        "administration": admin,
        "interest_paid": interest,
        "principal_paid": principal,
        "depreciation": depreciation,
        "capital_cost": interest + depreciation,
        "sale_price": _by_year(y, horizon, sale_price),
        "loans_repaid_on_sale": _by_year(y, horizon, loan_repaid),
        "grants_repaid_on_sale": _by_year(y, horizon, grant_repaid),
        "sale_costs": _by_year(y, horizon, costs),
        "sale_net_cash": sale_net,
        "sale_gain": sale_gain,
        "reinvested": spent,
        "net_result": operating - interest - depreciation + sale_gain,
        "cash_flow": operating - interest - principal + sale_net - spent,
    }
    sold_cum = np.cumsum(sold_n)
    stocks = {
        "units": st.n - sold_cum + units_bought_cum,
        "units_sold": sold_n,
        "units_bought": bought,
        "units_sold_cumulative": sold_cum,
        "units_bought_cumulative": units_bought_cum,
        "market_value": market_end + new[5],
        "book_value": book_end + new[6],
        "loan_balance": loan_end + new[7],
        "grant_repayable": grant_end + new[8],
    }
    start = {
        "units": st.n,
        "market_value": st.market_sum,
        "book_value": st.book_sum[0],
        "loan_balance": float(f["loan_balance"].to_numpy(np.float64)[own].sum()),
        "grant_repayable": st.grant_sum[0],
    }
    yearly = pd.DataFrame({"year": np.arange(horizon + 1)})
    for col, values in stocks.items():
        yearly[col] = np.concatenate(([start.get(col, 0.0)], values))
    for col, values in flows.items():
        yearly[col] = np.concatenate(([np.nan], values))
    yearly["hidden_value"] = yearly["market_value"] - yearly["book_value"]
    yearly["net_value"] = (
        yearly["market_value"] - yearly["loan_balance"] - yearly["grant_repayable"]
    )
    yearly["cash_cumulative"] = yearly["cash_flow"].cumsum()
    yearly = yearly[list(YEARLY_COLUMNS)]
    for col in (
        "units",
        "units_sold",
        "units_bought",
        "units_sold_cumulative",
        "units_bought_cumulative",
    ):
        yearly[col] = yearly[col].astype("int64")
    disc = (1.0 + p.discount_rate) ** -yearly["year"].to_numpy(np.float64)
    npv = float(np.nansum(yearly["cash_flow"].to_numpy() * disc))

    # each register unit's end state: at its sale, or at the end of year H
    kept = own & (st.sale_year == 0)
    market_end_unit = f["market_value"].to_numpy(np.float64) * own * price_idx[horizon]
    book_end_unit = st.book_end.copy()
    market_end_unit[st.sold] = sale_price / a.sales.price_factor
    book_end_unit[st.sold] = book_sold
    loan_last = loans.closing_end
    sale_cols = {c: np.zeros(st.n) for c in ("sale_price", "sale_net_cash", "sale_gain")}
    for c, v in zip(sale_cols, (sale_price, net_cash, gain), strict=True):
        sale_cols[c][st.sold] = v
    per_unit = pd.DataFrame(
        {
            **{c: st.labels[c].array for c in st.labels.columns},
            "sold": st.sale_year > 0,
            "sale_year": st.sale_year,
            "market_value_end": market_end_unit,
            "book_value_end": book_end_unit,
            "loan_balance_end": np.where(kept, loan_last, 0.0),
            "grant_repayable_end": np.where(kept, st.grant_end, 0.0),
            **sale_cols,
        },
        index=f.index,
    )
    years_b = np.flatnonzero(count > 0)
    cohorts = pd.DataFrame(
        {
            "year": years_b,
            "units": count[years_b].astype(np.int64),
            **{
                name: (getattr(rv, attr)[years_b] if rv is not None else np.zeros(0))
                for name, attr in (
                    ("price_per_unit", "price"),
                    ("grant_per_unit", "grant"),
                    ("loan_per_unit", "loan"),
                    ("equity_per_unit", "equity"),
                )
            },
        }
    )
    return Projection(stress.name, yearly, per_unit, sales, cohorts, npv, p.discount_rate)


def _stock_of(units: Units, assumptions: PortfolioAssumptions) -> _Stock:
    return _stock(units, sale_years(units, assumptions), assumptions.projection.years)


def growth_path_array(path: Any, years: int) -> F64:
    from housingcalc.models.portfolio import growth_path

    return np.asarray(growth_path(path, years), dtype=np.float64)


COMPARISON_ROWS = (
    "units_end",
    "units_sold",
    "units_bought",
    "market_value_end",
    "book_value_end",
    "hidden_value_end",
    "loan_balance_end",
    "grant_repayable_end",
    "net_value_end",
    "rent_income_total",
    "net_result_total",
    "sale_gain_total",
    "cash_cumulative_end",
    "npv_cash_flow",
    "worst_year_cash_flow",
)


def _key_figures(pr: Projection) -> dict[str, float]:
    y = pr.yearly
    end = y.iloc[-1]
    flows = y.iloc[1:]
    return {
        "units_end": float(end["units"]),
        "units_sold": float(end["units_sold_cumulative"]),
        "units_bought": float(end["units_bought_cumulative"]),
        "market_value_end": float(end["market_value"]),
        "book_value_end": float(end["book_value"]),
        "hidden_value_end": float(end["hidden_value"]),
        "loan_balance_end": float(end["loan_balance"]),
        "grant_repayable_end": float(end["grant_repayable"]),
        "net_value_end": float(end["net_value"]),
        "rent_income_total": float(flows["rent_income"].sum()),
        "net_result_total": float(flows["net_result"].sum()),
        "sale_gain_total": float(flows["sale_gain"].sum()),
        "cash_cumulative_end": float(end["cash_cumulative"]),
        "npv_cash_flow": pr.npv_cash_flow,
        "worst_year_cash_flow": float(flows["cash_flow"].min()),
    }


def stress_specs(assumptions: PortfolioAssumptions) -> tuple[StressSpec, ...]:
    return tuple(
        StressSpec(s.name, s.loan_rate_add, s.price_shock, s.vacancy_factor, s.price_growth_add)
        for s in assumptions.projection.stress
    )


def project_all(
    units: Units, assumptions: PortfolioAssumptions, params: ParameterSet
) -> ProjectionSet:
    """The base projection and every stress scenario, with a side-by-side comparison.

    The sale selection is made once (on today's register) and kept in every scenario; the
    loans are amortised once and again only for scenarios that change the rates.
    """
    horizon = assumptions.projection.years
    f = units.frame
    own = f["owned"].to_numpy(bool)
    stock = _stock_of(units, assumptions)
    principal = f["loan_balance"].to_numpy(np.float64) * own
    years_left = f["loan_years_left"].to_numpy(np.float64)
    rate = f["loan_rate"].to_numpy(np.float64)
    keep = stock.sold
    loans = {0.0: _loan_years(principal, rate, years_left, horizon, keep)}
    phase = _phase_in(units, assumptions, params) if assumptions.rent_law.phase_in else None
    out = []
    for spec in (BASE, *stress_specs(assumptions)):
        if spec.loan_rate_add not in loans:
            loans[spec.loan_rate_add] = _loan_years(
                principal, np.maximum(rate + spec.loan_rate_add, 0.0), years_left, horizon, keep
            )
        out.append(
            project(
                units,
                assumptions,
                params,
                spec,
                _stock=stock,
                _loans=loans[spec.loan_rate_add],
                _phase=phase,
            )
        )
    comparison = pd.DataFrame(
        {pr.name: _key_figures(pr) for pr in out},
        index=pd.Index(list(COMPARISON_ROWS), name="figure"),
    )
    if phase is None:
        return ProjectionSet(out[0], tuple(out[1:]), comparison)
    from housingcalc.calc.rent_law import phase_in_frame

    frame = pd.DataFrame(phase_in_frame(phase, f["unit_id"].to_numpy()), index=f.index)
    return ProjectionSet(out[0], tuple(out[1:]), comparison, phase, frame)


def _phase_in(units: Units, assumptions: PortfolioAssumptions, params: ParameterSet) -> Any:
    """Today's rents against the cost-covering tariff, phased in as husleieloven allows
    (calc.rent_law.phase_in; the tariff from the ``tariff`` section)."""
    from housingcalc.calc.rent_law import law_terms, phase_in

    rl = assumptions.rent_law
    f = units.frame
    tariff = portfolio_tariff(units, assumptions, params).per_unit
    at = assumptions.valuation_date
    fixed = rl.last_fixed or at
    since = (at.year - fixed.year) * 12 + at.month - fixed.month
    area = f["area_m2"].to_numpy(np.float64)
    prevailing = (
        None if rl.prevailing_rent_per_m2_month is None else rl.prevailing_rent_per_m2_month * area
    )
    return phase_in(
        f["rent_monthly"].to_numpy(np.float64),
        tariff["tariff_rent_monthly"].to_numpy(np.float64),
        terms=law_terms(params, at),
        months_since_fixed=float(since),
        prevailing=prevailing,
        horizon=assumptions.projection.years,
    )


# -- tariff -----------------------------------------------------------------------------------


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
    # only the columns the tariff reads (it copies the frame it is given)
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


# -- everything at once -----------------------------------------------------------------------


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
    projection = project_all(units, assumptions, ps) if "project" in parts else None
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
