"""The yearly projection: leie-til-eie sales, the municipality's loans and grants, book values,
reinvestment cohorts, the rent-law phase-in and stress scenarios, vectorised over units
(loops over years, cohorts and scenarios only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from housingcalc.errors import CollectedErrors

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from housingcalc.models.portfolio import PortfolioAssumptions
    from housingcalc.parameters import ParameterSet

from housingcalc.calc.portfolio.defaults import (
    DEPRECIATION_LIFE,
    F64,
    Units,
    grant_repayable,
    write_down_terms,
)
from housingcalc.calc.portfolio.tariff import portfolio_tariff

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
        for i, uid in zip(hits.tolist(), ids.iloc[hits].tolist(), strict=True):
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
        sub = f[["unit_id", "acquired", "market_value", "book_value"]].iloc[idx]
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
    each unit's balance at the end of year H (``closing_end``, shape ``(N,)``), and per-unit
    rows (shape ``(K, H)``) for the ``K`` units ``kept`` when amortising (every loan, or the
    units asked for, zeros for those without a loan; ``row``: the unit's row, −1 for a unit
    not kept)."""

    interest_sum: F64
    repayment_sum: F64
    closing_sum: F64
    row: np.ndarray
    interest: F64
    repayment: F64
    closing: F64
    closing_end: F64
    kept: np.ndarray
    _sold_last: list[Any] = field(default_factory=list, repr=False)

    def of(self, idx: np.ndarray) -> tuple[F64, F64, F64]:
        """Interest, repayment and closing balance of the units ``idx`` (zeros without a loan);
        ``idx`` must be among the units the rows were kept for (the rows themselves when
        ``idx`` is :attr:`kept`)."""
        if idx is self.kept:
            return self.interest, self.repayment, self.closing
        r = self.row[idx]
        has = r >= 0
        out = []
        for a in (self.interest, self.repayment, self.closing):
            m = np.zeros((len(idx), a.shape[1]))
            m[has] = a[r[has]]
            out.append(m)
        return out[0], out[1], out[2]

    def sold(self, st: _Stock) -> _SoldLoans:
        """The loans of the units ``st`` sells (:meth:`of`) and their part of the yearly sums;
        kept for the last stock asked for (the scenarios sharing these loans share it)."""
        last = self._sold_last
        if last and last[0] is st:
            kept: _SoldLoans = last[1]
            return kept
        interest, repayment, closing = self.of(st.sold)
        balance_end = np.where(st.kept, self.closing_end, 0.0)
        for a in (interest, repayment, closing, balance_end):
            a.flags.writeable = False
        result = _SoldLoans(
            interest,
            repayment,
            closing,
            (interest * st.before).sum(axis=0),
            (repayment * st.before).sum(axis=0),
            (closing * st.by_end).sum(axis=0),
            balance_end,
        )
        self._sold_last[:] = [st, result]
        return result


@dataclass(frozen=True, eq=False)
class _SoldLoans:
    """Interest, repayment and closing balance of the sold units (sold units × years 1 … H),
    and per year the interest and repayment of those sold before it and the balance of those
    sold by its end."""

    interest: F64
    repayment: F64
    closing: F64
    interest_before: F64
    repayment_before: F64
    closing_by_end: F64
    #: each unit's balance at the end of year H where kept, else 0 (read-only)
    balance_end: F64


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
    # every unit asked for keeps a row (zeros without a loan), so the rows are the units' own
    kept = idx if keep is None else keep
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
            chunk=_LOAN_BLOCK // 2,
            workers=2,
            years=horizon,  # the years after the horizon are not shown
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
    return _LoanYears(
        sums[0], sums[1], sums[2], row, arrays[0], arrays[1], arrays[2], closing_end, kept
    )


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
    kept: np.ndarray  # owned and not sold
    #: unit_id, tenure and status as the per-unit tables show them (converted once)
    labels: pd.DataFrame

    @cached_property
    def before(self) -> F64:
        """Sold units × years 1 … H: 1 where the unit was sold before year t (inactive)."""
        t = np.arange(1, len(self.book_sum))
        return (self.year[:, None] < t[None, :]).astype(np.float64)

    @cached_property
    def by_end(self) -> F64:
        """Sold units × years 1 … H: 1 where the unit was sold by the end of year t."""
        t = np.arange(1, len(self.book_sum))
        return (self.year[:, None] <= t[None, :]).astype(np.float64)

    @cached_property
    def unit_end(self) -> dict[str, np.ndarray]:
        """The per-unit end-state columns that do not depend on the scenario (read-only, so
        the scenarios' tables can share them): sold, sale year, book value at the sale or
        the end of year H, grant still repayable at the end of year H if kept."""
        book = self.book_end.copy()
        book[self.sold] = self.book[np.arange(len(self.sold)), self.year]
        out = {
            "sold": self.sale_year > 0,
            "sale_year": self.sale_year.copy(),
            "book_value_end": book,
            "grant_repayable_end": np.where(self.kept, self.grant_end, 0.0),
        }
        for a in out.values():
            a.flags.writeable = False
        return out

    @cached_property
    def sold_sums(self) -> dict[str, F64]:
        """Per year 1 … H, the sold units' part of the register's sums (the same in every
        scenario, so worked out once): rent, running costs, count and depreciation of the
        units sold before the year; market value, book value and grant of those sold by its
        end (the market value at today's prices)."""
        before, by_end = self.before, self.by_end
        return {
            "rent": self.rent @ before,
            "running": self.running @ before,
            "count": before.sum(axis=0),
            "depreciation": ((self.book[:, :-1] - self.book[:, 1:]) * before).sum(axis=0),
            "market": self.market @ by_end,
            "book_end": (self.book[:, 1:] * by_end).sum(axis=0),
            "grant_end": (self.grant[:, 1:] * by_end).sum(axis=0),
        }


#: Units per block where a units × years array is summed block by block.
_BLOCK = 65_536


def _sold_order(sale_year: np.ndarray) -> np.ndarray:
    """The units sold, in the order of their sale years (stable)."""
    sold = np.flatnonzero(sale_year > 0)
    return sold[np.argsort(sale_year[sold], kind="stable")]


def _stock(
    units: Units, sale_year: np.ndarray, horizon: int, sold: np.ndarray | None = None
) -> _Stock:
    """The register's sums per year and the sold units' rows (``sold``: :func:`_sold_order`,
    made here when not given), without any units × years array over the whole register."""
    f = units.frame
    own = f["owned"].to_numpy(bool)
    t = np.arange(horizon + 1, dtype=np.float64)
    market0 = f["market_value"].to_numpy(np.float64) * own
    book0 = f["book_value"].to_numpy(np.float64) * own
    land = np.minimum(f["land_value"].to_numpy(np.float64), book0)
    dep = f["depreciation_yearly"].to_numpy(np.float64)
    if sold is None:
        sold = _sold_order(sale_year)
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
    # grant still repayable at the end of each year (completed years from payout), summed
    # over blocks of grants the same way as the book value
    amount = f["grant_amount"].to_numpy(np.float64) * own
    months = f["grant_months"].to_numpy(np.float64)
    terms = [f[c].to_numpy(np.float64) for c in ("grant_rate", "grant_period", "grant_small")]

    def repayable(rows: np.ndarray) -> F64:
        years = np.floor((months[rows, None] + 12.0 * t[None, :]) / 12.0)
        return grant_repayable(amount[rows, None], years, *(c[rows, None] for c in terms))

    g = np.flatnonzero(amount > 0)
    grant_sum = np.zeros(horizon + 1)
    grant_end = np.zeros(len(f))
    for s in range(0, len(g), _BLOCK):
        rows = g[s : s + _BLOCK]
        blk = np.empty((len(rows) + 1, horizon + 1))
        blk[0] = grant_sum
        blk[1:] = repayable(rows)
        grant_sum = blk.sum(axis=0)
        grant_end[rows] = blk[1:, -1]
    grant = np.zeros((len(sold), horizon + 1))
    with_grant = amount[sold] > 0
    grant[with_grant] = repayable(sold[with_grant])
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
        kept=own & (sale_year == 0),
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
    # (the sums over the sold units are the same in scenarios that share the stock and loans)
    t = np.arange(1, horizon + 1)
    y = st.year
    sold = st.sold_sums
    ls = loans.sold(st)
    closing_s = ls.closing
    if _phase is None:
        rent = cpi * collect * (st.rent_sum - sold["rent"])
    else:  # rents phased in to the tariff as husleieloven allows (calc.rent_law)
        from housingcalc.calc.rent_law import phased_rent_sums

        rent = cpi * collect * phased_rent_sums(_phase, st.sold, st.before, horizon)
    running = cpi * (st.running_sum - sold["running"])
    lease = cpi * st.lease_sum
    active_units = st.n - sold["count"]
    dep_all = st.book_sum[:-1] - st.book_sum[1:]
    depreciation = dep_all - sold["depreciation"]
    interest = loans.interest_sum - ls.interest_before
    principal = loans.repayment_sum - ls.repayment_before
    market_end = price_idx[1:] * (st.market_sum - sold["market"])
    book_end = st.book_sum[1:] - sold["book_end"]
    loan_end = loans.closing_sum - ls.closing_by_end
    grant_end = st.grant_sum[1:] - sold["grant_end"]

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
    market_end_unit = f["market_value"].to_numpy(np.float64) * own * price_idx[horizon]
    market_end_unit[st.sold] = sale_price / a.sales.price_factor
    shared = st.unit_end  # the same arrays in every scenario (read-only)
    sale_cols = {c: np.zeros(st.n) for c in ("sale_price", "sale_net_cash", "sale_gain")}
    for c, v in zip(sale_cols, (sale_price, net_cash, gain), strict=True):
        sale_cols[c][st.sold] = v
    per_unit = pd.DataFrame(
        {
            **{c: st.labels[c].array for c in st.labels.columns},
            "sold": shared["sold"],
            "sale_year": shared["sale_year"],
            "market_value_end": market_end_unit,
            "book_value_end": shared["book_value_end"],
            "loan_balance_end": ls.balance_end,
            "grant_repayable_end": shared["grant_repayable_end"],
            **sale_cols,
        },
        index=f.index,
        copy=False,  # arrays of this call: not copied into one block
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


@dataclass(frozen=True, eq=False)
class Shared:
    """What every scenario of a projection shares, made before the scenarios are run: the
    sale selection with the stock's sums (``stock``) and the register's loans amortised once
    per distinct loan-rate addition (``loans``). Uses no rule values (no parameters)."""

    stock: _Stock
    loans: dict[float, _LoanYears]


def _rate_adds(assumptions: PortfolioAssumptions) -> list[float]:
    """The distinct loan-rate additions of the scenarios, base (0) first, in scenario order."""
    adds: list[float] = []
    for add in (0.0, *(spec.loan_rate_add for spec in stress_specs(assumptions))):
        if add not in adds:
            adds.append(add)
    return adds


def _shared_steps(
    units: Units, assumptions: PortfolioAssumptions
) -> Iterator[tuple[float | None, Any]]:
    """The sale selection (key ``None``: each unit's sale year and the units sold in order),
    then the loans of each rate addition (:func:`_rate_adds`), kept for the units sold."""
    horizon = assumptions.projection.years
    f = units.frame
    own = f["owned"].to_numpy(bool)
    sale_year = sale_years(units, assumptions)
    sold = _sold_order(sale_year)
    yield None, (sale_year, sold)
    principal = f["loan_balance"].to_numpy(np.float64) * own
    years_left = f["loan_years_left"].to_numpy(np.float64)
    rate = f["loan_rate"].to_numpy(np.float64)
    for add in _rate_adds(assumptions):
        r = rate if add == 0.0 else np.maximum(rate + add, 0.0)
        yield add, _loan_years(principal, r, years_left, horizon, sold)


def shared_inputs(units: Units, assumptions: PortfolioAssumptions) -> Shared:
    """:class:`Shared` for ``units`` (the sale selection, the stock, the loans)."""
    steps = _shared_steps(units, assumptions)
    _, (sale_year, sold) = next(steps)
    stock = _stock(units, sale_year, assumptions.projection.years, sold)
    return Shared(stock, {float(add or 0.0): loans for add, loans in steps})


class Background:
    """The sale selection and the loans of :func:`shared_inputs` made in a background thread
    while the caller goes on (the loan engine's work, about half the projection, then overlaps
    the valuation, the tariff and the stock's sums on the machine's other core).
    :meth:`sale` and :meth:`loans` wait for their part (so the scenarios on the base loans can
    run while the stressed rates are still being amortised); each raises what the thread
    raised. If nobody asks (the caller failed first), the thread ends on its own, silently:
    it is a daemon and keeps its exception."""

    def __init__(self, units: Units, assumptions: PortfolioAssumptions) -> None:
        import threading

        self._parts: dict[float | None, Any] = {}
        self._error: BaseException | None = None
        self._done = threading.Condition()

        def run() -> None:
            try:
                for key, value in _shared_steps(units, assumptions):
                    with self._done:
                        self._parts[key] = value
                        self._done.notify_all()
            except BaseException as exc:  # handed to the caller, never printed here
                with self._done:
                    self._error = exc
                    self._done.notify_all()

        self._thread = threading.Thread(target=run, name="housingcalc-projection", daemon=True)
        self._thread.start()

    def _part(self, key: float | None) -> Any:
        with self._done:
            self._done.wait_for(lambda: key in self._parts or self._error is not None)
            if key in self._parts:
                return self._parts[key]
            assert self._error is not None
            raise self._error

    def sale(self) -> tuple[np.ndarray, np.ndarray]:
        """Each unit's sale year (0: kept) and the units sold, in order."""
        sale: tuple[np.ndarray, np.ndarray] = self._part(None)
        return sale

    def loans(self, add: float) -> _LoanYears:
        loans: _LoanYears = self._part(add)
        return loans


def project_all(
    units: Units,
    assumptions: PortfolioAssumptions,
    params: ParameterSet,
    *,
    shared: Shared | Background | None = None,
) -> ProjectionSet:
    """The base projection and every stress scenario, with a side-by-side comparison.

    The sale selection is made once (on today's register) and kept in every scenario; the
    loans are amortised once and again only for scenarios that change the rates
    (:func:`shared_inputs`; pass ``shared`` when it was made already, or is being made in the
    :class:`Background`).
    """
    f = units.frame
    if shared is None:
        shared = shared_inputs(units, assumptions)
    loans_of: Callable[[float], _LoanYears]
    if isinstance(shared, Background):  # the stock's sums here, while the loans are made
        sale_year, sold = shared.sale()
        stock, loans_of = _stock(units, sale_year, assumptions.projection.years, sold), shared.loans
    else:
        stock, loans_of = shared.stock, shared.loans.__getitem__
    phase = _phase_in(units, assumptions, params) if assumptions.rent_law.phase_in else None
    specs = (BASE, *stress_specs(assumptions))
    # run in the order the loans are amortised (the base's first; they are given in the
    # scenarios' order): the scenarios on the base loans need not wait for stressed rates
    adds = _rate_adds(assumptions)
    done: dict[int, Projection] = {}
    for i in sorted(range(len(specs)), key=lambda i: (adds.index(specs[i].loan_rate_add), i)):
        spec = specs[i]
        done[i] = project(
            units,
            assumptions,
            params,
            spec,
            _stock=stock,
            _loans=loans_of(spec.loan_rate_add),
            _phase=phase,
        )
    out = [done[i] for i in range(len(specs))]
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
