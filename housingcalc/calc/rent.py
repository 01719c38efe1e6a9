"""Cost-covering rent (kostnadsdekkende husleie) of one dwelling or of many at once.

The rent covers the capital cost, FDV (management, operation, maintenance) and administration,
grossed up so that the rent actually collected after vacancy and rent loss covers that cost::

    cost           = capital_cost + fdv + admin                      (NOK per year)
    fdv            = fdv_per_m2 · area
    admin          = admin_per_unit + admin_share · (capital_cost + fdv)
    yearly_rent    = cost / ((1 − v) · (1 − l))                       v = vacancy, l = rent loss
    vacancy_allowance   = yearly_rent · v
    rent_loss_allowance = yearly_rent · (1 − v) · l
    monthly_rent   = yearly_rent / 12

so ``yearly_rent = cost + vacancy_allowance + rent_loss_allowance`` and the rent collected,
``yearly_rent · (1 − v) · (1 − l)``, equals ``cost`` exactly. Vacancy is the share of rent lost
to empty units; rent loss is the share of the rent *billed* (after vacancy) that is never paid.

Capital cost (NOK per year) by method, on a value basis ``B`` at a yearly rate ``r``:

``annuity``
    the level payment repaying ``B`` over an economic life of ``L`` years in ``m`` terms a year
    (12: monthly, 1: yearly), summed over a year: ``B · m·i / (1 − (1 + i)^−(m·L))`` with
    ``i = r/m`` (the nominal-rate convention of Norwegian loans); ``B / L`` at ``r = 0``.
    Default basis: acquisition cost net of grant (the net investment).
``return``
    ``r · B`` (return on value); default basis acquisition cost net of grant.
``beregningsutvalget``
    ``r_BU · market value`` with ``r_BU`` the dated parameter ``beregningsutvalget.capital_rate``
    (4 %, Bærum 2015 seed, unverified).

Value bases: ``acquisition_net`` (cost − grant), ``acquisition_gross`` (cost), ``book``,
``book_net`` (book value − grant), ``market``, ``market_net`` (market value − grant).

The rate is given, or built as ``reference yield + margin`` from a dated yield series
(:func:`reference_rate`; Drammen's rule: government bond + 2.0 pp).

Everything below the single-unit wrapper :func:`cost_covering_rent` takes numpy arrays (one value
per unit) or scalars and broadcasts them; there is no Python loop over units.

>>> round(float(capital_cost("return", rate=0.035, cost=2_000_000, grant=740_000)), 2)
44100.0
>>> r = cost_covering_rents("return", rate=0.035, cost=2_000_000, grant=740_000,
...                         area_m2=69, fdv_per_m2=400)
>>> round(float(r.monthly_rent), 2)   # (44 100 + 27 600) / 12
5975.0
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from housingcalc.errors import InputError, ParameterNotFound
from housingcalc.limits import MAX_MAGNITUDE
from housingcalc.models.rent import (
    Basis,
    CapitalMethod,
    RateBuild,
    RentComponents,
    RentResult,
    SourceRef,
)

if TYPE_CHECKING:
    from housingcalc.parameters import ParameterSet, ResolvedValue

__all__ = [
    "BASES",
    "BU_RATE_PARAMETER",
    "METHODS",
    "REFERENCE_SERIES",
    "TERMS_PER_YEAR",
    "GrossUp",
    "RentArrays",
    "annuity_factor",
    "beregningsutvalget_rate",
    "capital_basis",
    "capital_cost",
    "cost_covering_rent",
    "cost_covering_rents",
    "gross_up",
    "reference_rate",
    "resolve_rate",
    "source_ref",
]

F64 = NDArray[np.float64]

METHODS: tuple[CapitalMethod, ...] = ("annuity", "return", "beregningsutvalget")
BASES: tuple[Basis, ...] = (
    "acquisition_net",
    "acquisition_gross",
    "book",
    "book_net",
    "market",
    "market_net",
)
#: Terms per year allowed for annuity capital cost (as in the loan engine).
TERMS_PER_YEAR = (1, 2, 4, 12)
#: Reference yield series a rate may be built on: alias → parameter name.
REFERENCE_SERIES = {
    "bond3y": "norges_bank.gov_bond_yield_3y",
    "bond10y": "norges_bank.gov_bond_yield_10y",
}
#: The dated rate of the Beregningsutvalget method.
BU_RATE_PARAMETER = "beregningsutvalget.capital_rate"

_METHOD_ALIASES = {"return_on_value": "return", "bu": "beregningsutvalget"}
_DEFAULT_BASIS: dict[str, Basis] = {
    "annuity": "acquisition_net",
    "return": "acquisition_net",
    "beregningsutvalget": "market",
}


# -- validation helpers (shared with tariff, grants and sale) ---------------------------------


def _num(name: str, value: Any) -> F64:
    """``value`` as a float64 array; refuses text, NaN and infinities."""
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(name, value, "must be a number") from None
    if not np.isfinite(a).all():
        _fail_first(name, ~np.isfinite(a), a, "must be a finite number")
    if (np.abs(a) > MAX_MAGNITUDE).any():  # keeps overflow out of the arithmetic below
        _fail_first(name, np.abs(a) > MAX_MAGNITUDE, a, "implausibly large (limits.MAX_MAGNITUDE)")
    return a


def _fail_first(name: str, bad: Any, values: Any, rule: str) -> None:
    """Raise for the first True in ``bad``, naming the index when ``values`` is an array."""
    bad = np.asarray(bad)
    if not bad.any():
        return
    flat = np.ravel(bad)
    j = int(np.flatnonzero(flat)[0])
    shown = np.ravel(np.broadcast_to(np.asarray(values), bad.shape))[j]
    shown_value = shown.item() if hasattr(shown, "item") else shown
    if bad.ndim == 0:
        raise InputError(name, shown_value, rule)
    count = int(flat.sum())
    more = f" ({count} of {flat.size} values)" if count > 1 else ""
    raise InputError(f"{name}[{j}]", shown_value, rule + more)


def _nonneg(name: str, value: Any) -> F64:
    a = _num(name, value)
    _fail_first(name, a < 0, a, "must be ≥ 0")
    return a


def _positive(name: str, value: Any) -> F64:
    a = _num(name, value)
    _fail_first(name, a <= 0, a, "must be > 0")
    return a


def _share(name: str, value: Any) -> F64:
    """A share of rent in [0, 1): 1 or more would leave nothing to collect."""
    a = _num(name, value)
    _fail_first(name, (a < 0) | (a >= 1), a, "must be a fraction ≥ 0 and < 1 (e.g. 0.02 for 2 %)")
    return a


def _rate(name: str, value: Any) -> F64:
    a = _num(name, value)
    _fail_first(name, (a < 0) | (a > 1), a, "must be a yearly rate as a fraction between 0 and 1")
    return a


def _terms(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputError("terms_per_year", value, "must be one of 1, 2, 4, 12")
    if int(value) not in TERMS_PER_YEAR:
        raise InputError("terms_per_year", value, "must be one of 1, 2, 4, 12")
    return int(value)


def _out(a: F64) -> Any:
    """A 0-d array back to a numpy float scalar; arrays unchanged."""
    return a[()] if a.ndim == 0 else a


def source_ref(rv: ResolvedValue) -> SourceRef:
    """A parameter value as cited in a result (tables are cited without their value)."""
    value = (
        rv.value if isinstance(rv.value, (int, float)) and not isinstance(rv.value, bool) else None
    )
    return SourceRef(
        name=rv.name,
        value=value,
        effective=rv.effective,
        unit=rv.unit,
        confidence=rv.confidence,
        source=rv.source,
        notes=rv.notes,
    )


# -- capital cost -------------------------------------------------------------------------------


def annuity_factor(rate: Any, life_years: Any, terms_per_year: int = 12) -> Any:
    """Yearly payment per krone of principal of a level annuity (the capital recovery factor).

    ``m·i / (1 − (1 + i)^−(m·L))`` with ``i = rate/m``, ``m = terms_per_year``, ``L = life``;
    ``1/L`` at zero rate. The same PMT formula as the loan engine, unrounded.

    >>> round(float(annuity_factor(0.035, 40, 12)), 8)   # 12 × 0.00291667 / (1 − 1.00291667^−480)
    0.04648692
    >>> float(annuity_factor(0.0, 40))
    0.025
    """
    m = _terms(terms_per_year)
    r = _rate("rate", rate)
    life = _num("life_years", life_years)
    _fail_first("life_years", life <= 0, life, "must be > 0")
    _fail_first("life_years", life > 100, life, "must be at most 100 years")
    n = life * m
    _fail_first(
        "life_years",
        np.abs(n - np.round(n)) > 1e-9,
        life,
        f"must be a whole number of terms ({m} a year)",
    )
    n = np.round(n)
    i = r / m
    with np.errstate(divide="ignore", invalid="ignore"):
        level = np.where(i > 0, i / -np.expm1(-n * np.log1p(i)), 1.0 / n)
    return _out(np.asarray(level * m, dtype=np.float64))


def _method(method: str) -> CapitalMethod:
    m = _METHOD_ALIASES.get(method, method)
    if m not in METHODS:
        raise InputError("capital_method", method, f"must be one of {', '.join(METHODS)}")
    return m


def _basis(basis: str) -> Basis:
    b = basis.replace("-", "_")
    if b not in BASES:
        raise InputError("basis", basis, f"must be one of {', '.join(BASES)}")
    return b


def capital_basis(
    basis: str,
    *,
    cost: Any = None,
    grant: Any = 0.0,
    book_value: Any = None,
    market_value: Any = None,
) -> Any:
    """The value the capital cost is computed on, for each unit.

    ``acquisition_net`` = cost − grant, ``acquisition_gross`` = cost, ``book`` = book value,
    ``book_net`` = book value − grant, ``market`` = market value, ``market_net`` = market value −
    grant. The grant may not exceed the cost; a net basis may not be negative.

    >>> float(capital_basis("acquisition_net", cost=2_000_000, grant=740_000))
    1260000.0
    """
    b = _basis(basis)
    g = _nonneg("grant", grant)
    if cost is not None:
        c = _nonneg("cost", cost)
        _fail_first(
            "grant", g > c, np.broadcast_to(g, np.broadcast(g, c).shape), "must not exceed the cost"
        )
    kind, _, net = b.partition("_")
    field = {"acquisition": "cost", "book": "book_value", "market": "market_value"}[kind]
    raw = {"acquisition": cost, "book": book_value, "market": market_value}[kind]
    if raw is None:
        raise InputError(field, None, f"needed for the value basis {b!r}")
    v = _nonneg(field, raw)
    if net == "net":
        out = v - g
        _fail_first(
            "grant",
            out < 0,
            np.broadcast_to(g, out.shape),
            f"must not exceed {field} (basis {b!r})",
        )
        return _out(np.asarray(out, dtype=np.float64))
    return _out(np.asarray(v + 0.0 * g, dtype=np.float64))


def capital_cost(
    method: str,
    *,
    rate: Any,
    basis: str | None = None,
    basis_value: Any = None,
    cost: Any = None,
    grant: Any = 0.0,
    book_value: Any = None,
    market_value: Any = None,
    life_years: Any = None,
    terms_per_year: int = 12,
) -> Any:
    """Yearly capital cost of each unit by ``method`` (``annuity``, ``return``,
    ``beregningsutvalget``); see the module docstring for the formulas.

    Give either ``basis_value`` directly or the values the ``basis`` is computed from. The
    default basis is ``acquisition_net`` for ``annuity`` and ``return`` and ``market`` for
    ``beregningsutvalget`` (which accepts no other). ``rate`` is a fraction; for
    ``beregningsutvalget`` pass the dated parameter (:func:`beregningsutvalget_rate`).

    >>> round(float(capital_cost("annuity", rate=0.035, cost=2_000_000, grant=740_000,
    ...                          life_years=40)), 2)
    58573.51
    """
    m = _method(method)
    if m == "beregningsutvalget" and basis is not None and _basis(basis) != "market":
        raise InputError(
            "basis", basis, "the beregningsutvalget method uses market value (basis 'market')"
        )
    r = _rate("rate", rate)
    if basis_value is not None:
        value = _nonneg("basis_value", basis_value)
    else:
        value = np.asarray(
            capital_basis(
                basis or _DEFAULT_BASIS[m],
                cost=cost,
                grant=grant,
                book_value=book_value,
                market_value=market_value,
            ),
            dtype=np.float64,
        )
    if m == "annuity":
        if life_years is None:
            raise InputError("life_years", None, "needed for the annuity method")
        factor = np.asarray(annuity_factor(r, life_years, terms_per_year), dtype=np.float64)
        return _out(value * factor)
    return _out(np.asarray(value * r, dtype=np.float64))


# -- gross-up -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrossUp:
    """Yearly rent that collects ``cost`` after vacancy and rent loss, and the two allowances."""

    yearly_rent: Any
    vacancy_allowance: Any
    rent_loss_allowance: Any


def gross_up(cost: Any, vacancy: Any = 0.0, rent_loss: Any = 0.0) -> GrossUp:
    """``rent = cost / ((1 − vacancy)(1 − rent_loss))``, so the rent collected equals the cost.

    >>> g = gross_up(100_000, 0.02, 0.01)
    >>> round(float(g.yearly_rent), 2), round(float(g.vacancy_allowance), 2)
    (103071.53, 2061.43)
    """
    c = _nonneg("cost", cost)
    v = _share("vacancy", vacancy)
    lo = _share("rent_loss", rent_loss)
    rent = c / ((1.0 - v) * (1.0 - lo))
    return GrossUp(
        yearly_rent=_out(np.asarray(rent, dtype=np.float64)),
        vacancy_allowance=_out(np.asarray(rent * v, dtype=np.float64)),
        rent_loss_allowance=_out(np.asarray(rent * (1.0 - v) * lo, dtype=np.float64)),
    )


@dataclass(frozen=True)
class RentArrays:
    """Every component of the cost-covering rent, one value per unit (NOK; yearly unless named)."""

    capital_cost: Any
    fdv: Any
    admin: Any
    cost: Any
    vacancy_allowance: Any
    rent_loss_allowance: Any
    yearly_rent: Any
    monthly_rent: Any


def cost_covering_rents(
    method: str,
    *,
    rate: Any,
    area_m2: Any,
    fdv_per_m2: Any,
    basis: str | None = None,
    basis_value: Any = None,
    cost: Any = None,
    grant: Any = 0.0,
    book_value: Any = None,
    market_value: Any = None,
    life_years: Any = None,
    terms_per_year: int = 12,
    vacancy: Any = 0.0,
    rent_loss: Any = 0.0,
    admin_per_unit: Any = 0.0,
    admin_share: Any = 0.0,
) -> RentArrays:
    """Cost-covering rent of many units at once (arrays broadcast); components unrounded.

    ``admin = admin_per_unit + admin_share · (capital_cost + fdv)``; see the module docstring.
    """
    area = _positive("area_m2", area_m2)
    fdv_rate = _nonneg("fdv_per_m2", fdv_per_m2)
    admin_fixed = _nonneg("admin_per_unit", admin_per_unit)
    a_share = _num("admin_share", admin_share)
    _fail_first(
        "admin_share", (a_share < 0) | (a_share > 1), a_share, "must be a fraction between 0 and 1"
    )
    capital = np.asarray(
        capital_cost(
            method,
            rate=rate,
            basis=basis,
            basis_value=basis_value,
            cost=cost,
            grant=grant,
            book_value=book_value,
            market_value=market_value,
            life_years=life_years,
            terms_per_year=terms_per_year,
        ),
        dtype=np.float64,
    )
    fdv = fdv_rate * area
    admin = admin_fixed + a_share * (capital + fdv)
    total = capital + fdv + admin
    g = gross_up(total, vacancy, rent_loss)
    yearly = np.asarray(g.yearly_rent, dtype=np.float64)
    shape = np.broadcast(capital, fdv, admin, yearly).shape

    def b(x: Any) -> Any:
        return _out(np.asarray(np.broadcast_to(x, shape), dtype=np.float64).copy())

    return RentArrays(
        capital_cost=b(capital),
        fdv=b(fdv),
        admin=b(admin),
        cost=b(total),
        vacancy_allowance=b(g.vacancy_allowance),
        rent_loss_allowance=b(g.rent_loss_allowance),
        yearly_rent=b(yearly),
        monthly_rent=b(yearly / 12.0),
    )


# -- rates from parameters ------------------------------------------------------------------------


def reference_rate(
    params: ParameterSet,
    reference: str,
    margin: float,
    *,
    year: int | None = None,
    at: dt.date | None = None,
) -> tuple[RateBuild, ResolvedValue]:
    """``reference yield + margin`` from a dated yield series (``bond3y``, ``bond10y``).

    The series hold Norges Bank's annual averages, each dated 1 January of its year. With
    ``year`` the average of that calendar year is used and must exist; without it, the latest
    average in force at ``at`` is used and the result says which year that was.

    >>> from housingcalc.parameters import load_parameters
    >>> build, _ = reference_rate(load_parameters(), "bond3y", 0.02, year=2014)
    >>> build.rate   # Drammen 2014: 1.52 % + 2.0 pp
    0.0352
    """
    name = REFERENCE_SERIES.get(reference)
    if name is None:
        raise InputError("rate_from", reference, f"must be one of {', '.join(REFERENCE_SERIES)}")
    m = float(_num("margin", margin))
    note = None
    if year is not None:
        dates = params.series(name).dates
        years = [d.year for d in dates]
        try:
            rv = params.get(name, dt.date(year, 12, 31))
        except ParameterNotFound:
            rv = None
        if rv is None or rv.effective.year != year:
            raise InputError(
                "year",
                year,
                f"{name} has annual averages for {years[0]}–{years[-1]} only; "
                "add the year with --params",
            )
    else:
        if at is None:
            raise InputError("year", None, "give the year of the reference yield (or a date)")
        rv = params.get(name, at)
        if rv.effective.year != at.year:
            note = (
                f"{name}: the latest annual average in force at {at.isoformat()} is "
                f"{rv.effective.year}'s; give the year to choose another"
            )
    value = float(rv.value)
    rate = round(value + m, 12)
    if rate < 0:
        raise InputError("margin", m, f"gives a negative rate ({value:+.4f} + {m:+.4f})")
    build = RateBuild(
        rate=rate,
        origin="reference",
        parameter=name,
        reference=reference,
        year=rv.effective.year,
        reference_yield=value,
        margin=m,
        effective=rv.effective,
        note=note,
    )
    return build, rv


def beregningsutvalget_rate(params: ParameterSet, at: dt.date) -> tuple[RateBuild, ResolvedValue]:
    """The Beregningsutvalget capital rate in force at ``at`` (4 % of market value, seed)."""
    rv = params.get(BU_RATE_PARAMETER, at)
    return (
        RateBuild(
            rate=float(rv.value), origin="parameter", parameter=rv.name, effective=rv.effective
        ),
        rv,
    )


# -- the single-unit wrapper ----------------------------------------------------------------------


def resolve_rate(
    method: str,
    *,
    rate: float | None = None,
    rate_from: str | None = None,
    margin: float | None = None,
    year: int | None = None,
    params: ParameterSet | None = None,
    at: dt.date | None = None,
) -> tuple[RateBuild, list[ResolvedValue]]:
    """The rate for ``method``: given, built from a reference yield, or the BU parameter.

    Returns the rate and the parameter values read (for the result's sources).
    """
    m = _method(method)
    if m == "beregningsutvalget":
        if rate is not None or rate_from is not None:
            raise InputError(
                "rate",
                rate if rate is not None else rate_from,
                "the beregningsutvalget method uses the dated parameter "
                f"{BU_RATE_PARAMETER}; use --capital-method return --basis market for another rate",
            )
        if params is None or at is None:
            raise InputError("params", None, "needed (with a date) for the beregningsutvalget rate")
        build, rv = beregningsutvalget_rate(params, at)
        return build, [rv]
    if rate is not None and rate_from is not None:
        raise InputError(
            "rate", rate, "give either a rate or a reference to build it from, not both"
        )
    if rate_from is not None:
        if margin is None:
            raise InputError("margin", None, "needed with a reference yield (e.g. 2pp)")
        if params is None:
            raise InputError("params", None, "needed to read the reference yield")
        build, rv = reference_rate(params, rate_from, margin, year=year, at=at)
        return build, [rv]
    if rate is None:
        raise InputError("rate", None, "give a rate (e.g. 3.5%) or a reference yield and margin")
    if margin is not None or year is not None:
        raise InputError("margin", margin, "only used with a reference yield (rate_from)")
    r = float(_rate("rate", rate))
    return RateBuild(rate=r, origin="given"), []


def _oere(x: Any) -> float:
    return round(float(x), 2)


def _components(arrays: RentArrays, rent: float, divisor: float) -> RentComponents:
    """Components to the øre (per year, or per month with ``divisor`` 12). The øre lost or
    gained by rounding each part goes to an allowance (or, without any, to the largest part),
    so the parts add up to ``rent``."""
    parts = {
        "capital_cost": _oere(arrays.capital_cost / divisor),
        "fdv": _oere(arrays.fdv / divisor),
        "admin": _oere(arrays.admin / divisor),
        "vacancy_allowance": _oere(arrays.vacancy_allowance / divisor),
        "rent_loss_allowance": _oere(arrays.rent_loss_allowance / divisor),
    }
    diff = round(rent - sum(parts.values()), 2)
    if diff:
        # the allowances take the rounding where there are any, so the cost parts stay put
        allowances = [k for k in ("rent_loss_allowance", "vacancy_allowance") if parts[k]]
        target = allowances[0] if allowances else max(parts, key=lambda k: parts[k])
        parts[target] = round(parts[target] + diff, 2)
    cost = round(parts["capital_cost"] + parts["fdv"] + parts["admin"], 2)
    return RentComponents(cost=cost, **parts)


def cost_covering_rent(
    *,
    method: str,
    area_m2: float,
    fdv_per_m2: float,
    cost: float | None = None,
    grant: float = 0.0,
    book_value: float | None = None,
    market_value: float | None = None,
    basis: str | None = None,
    rate: float | None = None,
    rate_from: str | None = None,
    margin: float | None = None,
    year: int | None = None,
    life_years: float | None = None,
    terms_per_year: int | None = None,
    vacancy: float = 0.0,
    rent_loss: float = 0.0,
    admin_per_unit: float = 0.0,
    admin_share: float = 0.0,
    params: ParameterSet | None = None,
    at: dt.date | None = None,
) -> RentResult:
    """Cost-covering rent of one dwelling, every component separately (amounts to the øre).

    The rate is ``rate``, or ``rate_from`` (``bond3y``/``bond10y``) + ``margin`` for ``year``
    (or the latest year in force at ``at``); the ``beregningsutvalget`` method reads its rate
    from ``params`` at ``at``. ``life_years`` (and ``terms_per_year``, default 12) are for the
    annuity method only. Øre rounding of the parts is absorbed by an allowance (or the
    largest part), so the parts add up to the rent.

    Drammen 2014 seed, annuity on the net investment:

    >>> r = cost_covering_rent(method="annuity", cost=2_000_000, grant=740_000, area_m2=69,
    ...                        fdv_per_m2=400, rate=0.035, life_years=40)
    >>> r.components.capital_cost, r.components.fdv, r.monthly_rent
    (58573.51, 27600.0, 7181.13)
    """
    m = _method(method)
    b = _basis(basis) if basis is not None else _DEFAULT_BASIS[m]
    if m == "annuity":
        if life_years is None:
            raise InputError("life_years", None, "needed for the annuity method (e.g. 40)")
        tpy = _terms(12 if terms_per_year is None else terms_per_year)
    else:
        if life_years is not None:
            raise InputError(
                "life_years", life_years, f"only used by the annuity method, not {m!r}"
            )
        if terms_per_year is not None:
            raise InputError(
                "terms_per_year", terms_per_year, f"only used by the annuity method, not {m!r}"
            )
        tpy = 12
    if cost is not None:
        c = float(_nonneg("cost", cost))
        if float(_nonneg("grant", grant)) > c:
            shown = f"{c:,.0f}".replace(",", " ")
            raise InputError("grant", grant, f"must not exceed the cost ({shown})")
    build, used = resolve_rate(
        m, rate=rate, rate_from=rate_from, margin=margin, year=year, params=params, at=at
    )
    basis_value = float(
        capital_basis(b, cost=cost, grant=grant, book_value=book_value, market_value=market_value)
    )
    arrays = cost_covering_rents(
        m,
        rate=build.rate,
        basis_value=basis_value,
        area_m2=area_m2,
        fdv_per_m2=fdv_per_m2,
        life_years=life_years,
        terms_per_year=tpy,
        vacancy=vacancy,
        rent_loss=rent_loss,
        admin_per_unit=admin_per_unit,
        admin_share=admin_share,
    )
    notes: list[str] = []
    if build.note:
        notes.append(build.note)
    if grant and not b.endswith("_net"):
        notes.append(f"the grant does not reduce the capital cost on the {b!r} basis")
    for rv in used:
        if rv.confidence != "confirmed" and rv.notes:
            notes.append(f"{rv.name}: {rv.notes}")
    yearly = _oere(arrays.yearly_rent)
    monthly = _oere(arrays.monthly_rent)
    k = (1.0 - vacancy) * (1.0 - rent_loss)
    return RentResult(
        method=m,
        basis=b,
        basis_value=_oere(basis_value),
        rate=build,
        life_years=float(life_years) if m == "annuity" and life_years is not None else None,
        terms_per_year=tpy if m == "annuity" else None,
        area_m2=float(area_m2),
        fdv_per_m2=float(fdv_per_m2),
        vacancy=float(vacancy),
        rent_loss=float(rent_loss),
        admin_per_unit=float(admin_per_unit),
        admin_share=float(admin_share),
        components=_components(arrays, yearly, 1.0),
        components_monthly=_components(arrays, monthly, 12.0),
        yearly_rent=yearly,
        monthly_rent=monthly,
        collected_yearly=_oere(yearly * k),
        notes=notes,
        sources=[source_ref(rv) for rv in used],
    )
