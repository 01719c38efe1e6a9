"""Portfolio tariff: one rate per weighted m² that makes the whole stock's rents cover its cost.

Given many units (area, size class, standard class, yearly cost) and a weight table
(size class × standard class → weight), the tariff is built as follows::

    C    = Σ unit yearly cost + extra (stock-level) cost          NOK per year
    k    = (1 − vacancy) · (1 − rent_loss)                         share of billed rent collected
    T    = C / (12 · k)                                            monthly rent to bill, in total
    wa_i = area_i · weight(size_i, standard_i)                     weighted area of unit i
    q    = T / Σ wa_i                                   the rate, NOK per weighted m² a month
    x_i  = q · wa_i                                                unit i's exact monthly rent

Rounding rule (documented in ``docs/rent-and-grants.md``): rents are whole øre (or, with
``rounding="krone"``, whole kroner), allocated by **largest remainder over groups of identical
units**:

1. Units with the same size class, standard and area form a group; a group always gets one rent,
   so the same flat pays the same wherever it lies.
2. Every group starts at its exact rent rounded down, ``floor(x_i)``. The øre still missing from
   ``T`` (fewer than one per unit) are handed out one per unit, to whole groups, in order of the
   largest fraction dropped (ties: register order); a group that would overshoot what is left
   is skipped and the next one tried. If whole groups leave a gap (large groups of identical
   flats), groups of different sizes are exchanged (one rounded back down, another up) until
   the total is reached or cannot get closer.
3. So every rent is ``q · wa_i`` rounded down or up, by less than one øre (the per-unit column
   ``rounded_up`` says which), and ``Σ rent_i`` equals ``T`` to the øre, so the rent collected,
   ``12 · k · Σ rent_i``, equals ``C`` within ``12 · k · 0.005`` ≈ 0.06 NOK.

Only if no set of groups can hit ``T`` (e.g. hundreds of identical flats and nothing else) does a
larger residual remain; it is reported as ``residual_yearly`` and is at most 0.06 NOK per unit.
With whole-krone rents the collected total moves in steps of ``12 · k`` NOK per unit (≈ 11.64
NOK at 2 % vacancy and 1 % loss), so reproducing ``C`` to the krone is impossible in general; the
same allocation lands within half a step (about 6 NOK) in the usual case and reports it.

>>> import pandas as pd
>>> units = pd.DataFrame({"unit_id": ["a", "b", "c"], "area_m2": [40.0, 69.0, 90.0],
...                       "size_class": ["1", "3", "4"], "standard": ["A", "A", "B"],
...                       "yearly_cost": [60_000.0, 86_000.0, 100_000.0]})
>>> weights = {("1", "A"): 1.2, ("3", "A"): 1.0, ("4", "B"): 0.9}
>>> t = tariff(units, weights, vacancy=0.02, rent_loss=0.01)
>>> abs(t.residual_yearly) <= 1.0
True
>>> t.per_unit["tariff_rent_monthly"].tolist()
[5122.34, 7363.37, 8643.95]
>>> round(t.rate, 6)            # NOK per weighted m² a month: 48 × 106.715475 = 5 122.34
106.715475
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from housingcalc.calc.rent import (
    _nonneg,
    _share,
    cost_covering_rents,
    resolve_rate,
    source_ref,
)
from housingcalc.errors import CollectedErrors, InputError
from housingcalc.models.rent import RateBuild, SourceRef

if TYPE_CHECKING:
    from housingcalc.parameters import ParameterSet

__all__ = [
    "ROUNDING_STEP",
    "TariffResult",
    "stock_tariff",
    "tariff",
    "weight_table",
]

F64 = NDArray[np.float64]
Rounding = Literal["ore", "krone"]
#: Size of one rounding step of a monthly rent, in NOK.
ROUNDING_STEP: dict[str, float] = {"ore": 0.01, "krone": 1.0}
_MAX_ERROR_LINES = 50

WeightsLike = pd.DataFrame | Mapping[Any, Any]


# -- weights ------------------------------------------------------------------------------------


def _key(x: Any) -> str:
    """Class labels as text: ``2``, ``2.0`` and ``"2"`` are the same class."""
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x).strip()


def _typical_from_rows(sizes: list[str], raw: pd.Series) -> dict[str, float]:
    """Typical area per size class from a ``typical_area_m2`` column (one value per class)."""
    typical: dict[str, float] = {}
    field = "weights typical_area_m2"
    for s, a in zip(sizes, pd.to_numeric(raw, errors="coerce"), strict=True):
        if pd.isna(a):
            continue
        if a <= 0:
            raise InputError(f"{field} (size class {s})", float(a), "must be > 0")
        if s in typical and typical[s] != float(a):
            raise InputError(
                f"{field} (size class {s})",
                float(a),
                f"differs from {typical[s]:g} given on another row of the same class",
            )
        typical[s] = float(a)
    return typical


def _weights_from_frame(df: pd.DataFrame) -> tuple[list[str], list[str], F64, dict[str, float]]:
    df = df.copy()
    df.columns = [str(c).strip() for c in df.columns]
    if {"size_class", "standard", "weight"} <= set(df.columns):
        sizes = [_key(s) for s in df["size_class"]]
        stds = [_key(s) for s in df["standard"]]
        values = pd.to_numeric(df["weight"], errors="coerce").to_numpy(dtype=np.float64)
        typical = (
            _typical_from_rows(sizes, df["typical_area_m2"])
            if "typical_area_m2" in df.columns
            else {}
        )
        return sizes, stds, values, typical
    if "size_class" in df.columns:
        df = df.set_index("size_class")
    long = cast(pd.Series, df.stack(future_stack=True))
    sizes = [_key(i[0]) for i in long.index]
    stds = [_key(i[1]) for i in long.index]
    return sizes, stds, pd.to_numeric(long, errors="coerce").to_numpy(dtype=np.float64), {}


def _weights_from_mapping(weights: Mapping[Any, Any]) -> tuple[list[str], list[str], F64]:
    pairs: list[tuple[str, str, Any]] = []
    for k, v in weights.items():
        if isinstance(v, Mapping):
            pairs.extend((_key(k), _key(s), w) for s, w in v.items())
        elif isinstance(k, tuple) and len(k) == 2:
            pairs.append((_key(k[0]), _key(k[1]), v))
        else:
            raise InputError("weights", k, "keys must be (size_class, standard) pairs")
    values = pd.to_numeric(pd.Series([p[2] for p in pairs], dtype=object), errors="coerce")
    return [p[0] for p in pairs], [p[1] for p in pairs], values.to_numpy(dtype=np.float64)


def weight_table(weights: WeightsLike) -> tuple[pd.Series, dict[str, float]]:
    """Normalise a weight table to a Series indexed by (size_class, standard), as text.

    Accepts a long DataFrame (``size_class``, ``standard``, ``weight`` and optionally
    ``typical_area_m2``), a wide DataFrame (``size_class`` column or index, one column per
    standard), a mapping ``{(size, standard): weight}`` or a nested ``{size: {standard: w}}``.
    Returns the weights and the typical area per size class given in the table (if any).
    """
    typical: dict[str, float] = {}
    if isinstance(weights, pd.DataFrame):
        sizes, stds, values, typical = _weights_from_frame(weights)
    else:
        sizes, stds, values = _weights_from_mapping(weights)
    if not sizes:
        raise InputError("weights", "(empty)", "the weight table has no rows")
    errors = [
        f"size_class {s!r} × standard {st!r}: weight = {w}: must be a number > 0"
        for s, st, w in zip(sizes, stds, values, strict=True)
        if not np.isfinite(w) or w <= 0
    ]
    index = pd.MultiIndex.from_arrays([sizes, stds], names=["size_class", "standard"])
    if index.has_duplicates:
        dup = index[index.duplicated()][0]
        errors.append(f"size_class {dup[0]!r} × standard {dup[1]!r}: given more than once")
    if errors:
        raise CollectedErrors("weights", errors)
    return pd.Series(values, index=index, name="weight"), typical


# -- rounding -----------------------------------------------------------------------------------


def _round_half_up(x: F64, step: float) -> F64:
    """``x`` (NOK) rounded half up to a multiple of ``step``."""
    return np.floor(x / step + 0.5) * step


def _exchange(size: NDArray[np.intp], up: NDArray[np.bool_], remainder: F64, left: int) -> int:
    """Close the gap ``left`` (steps still to hand out; negative: too many) by moving whole
    groups: round one more group up, one fewer, or exchange a rounded-up group for one of
    another size. Each round takes the move that brings the total closest; ties go to the move
    that collects at least the cost. Returns the gap left (0 unless no move gets closer)."""
    for _ in range(64):
        if left == 0:
            break
        a = np.concatenate(([0], np.unique(size[up])))  # sizes we can round back down
        b = np.concatenate(([0], np.unique(size[~up])))  # sizes we can round up
        after = left - (b[None, :] - a[:, None])
        score = np.abs(after) * 2 + (after > 0)
        i, j = np.unravel_index(int(np.argmin(score)), score.shape)
        if abs(int(after[i, j])) >= abs(left):
            break
        if a[i]:
            pool = np.flatnonzero(up & (size == a[i]))
            up[pool[np.argmin(remainder[pool])]] = False
        if b[j]:
            pool = np.flatnonzero(~up & (size == b[j]))
            up[pool[np.argmax(remainder[pool])]] = True
        left = int(after[i, j])
    return left


def _allocate(exact: F64, groups: NDArray[np.intp], target: float) -> tuple[F64, NDArray[np.bool_]]:
    """Rents (in rounding steps) by largest remainder over groups; which units were rounded up.

    ``exact``: each unit's exact rent in steps; ``groups``: a group code per unit (identical
    units share one); ``target``: the total to reach, in steps. Vectorised: each round takes,
    in order of the largest remainder, the groups that fit in what is left; then
    :func:`_exchange` closes any gap that whole groups leave.
    """
    n_groups = int(groups.max()) + 1
    first = np.full(n_groups, exact.size, dtype=np.intp)
    np.minimum.at(first, groups, np.arange(exact.size))
    size = np.bincount(groups, minlength=n_groups)
    x = exact[first]
    base = np.floor(x + 1e-9)  # guard: 1234.9999999 from float error is 1235
    remainder = np.maximum(x - base, 0.0)
    left = round(target - float(np.dot(size, base)))
    up = np.zeros(n_groups, dtype=bool)
    order = np.lexsort((first, -remainder))  # largest remainder first, then register order
    while left > 0 and order.size:
        fit = order[size[order] <= left]
        if fit.size == 0:
            break
        taken = np.cumsum(size[fit])
        k = int(np.searchsorted(taken, left, side="right"))
        up[fit[:k]] = True
        left -= int(taken[k - 1])
        order = fit[k:]
    _exchange(size, up, remainder, left)
    return base[groups] + up[groups], up[groups]


# -- the tariff ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TariffResult:
    """A cost-covering tariff for a stock of units. Amounts NOK; rates NOK per weighted m².

    ``table``: one row per size class × standard of the weight table: ``weight``, ``units``,
    ``area_m2``, ``kr_per_m2_month``, ``kr_per_m2_year``, ``typical_area_m2``,
    ``typical_rent_monthly``. ``per_unit``: ``unit_id``, ``size_class``, ``standard``,
    ``area_m2``, ``weight``, ``weighted_area_m2``, ``tariff_rent_monthly``,
    ``tariff_rent_yearly``, ``rounded_up`` (the unit's group got the extra øre),
    ``capital_cost`` and ``yearly_cost`` (if known), and where current rents were given
    ``current_rent_monthly``, ``gap_monthly`` and ``gap_yearly`` (tariff − current: positive
    means today's rent is below cost-covering).
    """

    total_cost: float
    extra_cost: float
    vacancy: float
    rent_loss: float
    rounding: Rounding
    units: int
    weighted_area: float
    rate: float
    gross_rent_yearly: float
    collected_yearly: float
    residual_yearly: float
    collected_step_yearly: float
    current_rent_yearly: float | None
    gap_yearly: float | None
    table: pd.DataFrame
    per_unit: pd.DataFrame
    current_rent_units: int = 0
    rate_build: RateBuild | None = None
    method: str | None = None
    notes: list[str] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)

    @property
    def rate_yearly(self) -> float:
        """NOK per weighted m² a year (12 × the monthly rate)."""
        return 12.0 * self.rate

    def summary(self) -> dict[str, Any]:
        """Everything but the per-unit table, JSON-ready."""
        out: dict[str, Any] = {
            "units": self.units,
            "total_cost_yearly": round(self.total_cost, 2),
            "extra_cost_yearly": round(self.extra_cost, 2),
            "vacancy": self.vacancy,
            "rent_loss": self.rent_loss,
            "rounding": self.rounding,
            "weighted_area_m2": round(self.weighted_area, 4),
            "rate_per_weighted_m2_month": self.rate,
            "rate_per_weighted_m2_year": self.rate_yearly,
            "gross_rent_yearly": round(self.gross_rent_yearly, 2),
            "collected_yearly": round(self.collected_yearly, 2),
            "residual_yearly": round(self.residual_yearly, 2),
            "collected_step_yearly": round(self.collected_step_yearly, 4),
            "current_rent_yearly": None
            if self.current_rent_yearly is None
            else round(self.current_rent_yearly, 2),
            "gap_yearly": None if self.gap_yearly is None else round(self.gap_yearly, 2),
            "current_rent_units": self.current_rent_units,
            "method": self.method,
            "rate": None if self.rate_build is None else self.rate_build.model_dump(mode="json"),
            "table": _records(self.table),
            "notes": list(self.notes),
            "sources": [s.model_dump(mode="json") for s in self.sources],
        }
        return out


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in df.to_dict(orient="records"):
        out.append(
            {
                str(k): (None if isinstance(v, float) and not np.isfinite(v) else v)
                for k, v in row.items()
            }
        )
    return out


def _unit_labels(units: pd.DataFrame, id_column: str) -> Any:
    """Each unit's id as text (``row N`` without an id column), for messages and output: a
    pandas text array (not a numpy array of Python strings, which costs ~0.1 s a million
    units); indexed like a numpy array."""
    if id_column in units.columns:
        return units[id_column].astype(str).array
    return (pd.Series(np.arange(1, len(units) + 1)).astype(str).radd("row ")).array


def _class_codes(col: pd.Series) -> tuple[NDArray[np.object_], NDArray[np.intp], Any]:
    """The distinct class keys (``2`` and ``"2.0"`` are one key; "" for a missing label), each
    unit's code into them, and the keys as the per-unit table holds them (converted once per
    distinct key; no per-unit Python strings)."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    names = np.array([_key(u) for u in uniques] + [""], dtype=object)
    raw = np.where(codes < 0, len(uniques), codes)
    key_codes, keys = pd.factorize(names)
    per_unit = key_codes[raw].astype(np.intp)
    keys = np.asarray(keys, dtype=object)
    shown = pd.Series(keys).array.take(per_unit)
    return keys, per_unit, shown


def _combined_codes(codes: list[NDArray[Any]]) -> NDArray[np.intp]:
    """One code per distinct combination of several code columns, numbered in order of first
    appearance (as ``MultiIndex.factorize``), without building tuples."""
    key = np.zeros(len(codes[0]), dtype=np.int64)
    for c in codes:
        key = pd.factorize(key * (int(c.max(initial=0)) + 2) + (c.astype(np.int64) + 1))[0]
    return key.astype(np.intp)


def _collect(source: str, lines: list[str]) -> None:
    if lines:
        shown = lines[:_MAX_ERROR_LINES]
        if len(lines) > _MAX_ERROR_LINES:
            shown.append(f"… and {len(lines) - _MAX_ERROR_LINES} more")
        raise CollectedErrors(source, shown)


def _numeric_column(
    units: pd.DataFrame,
    column: str,
    labels: Any,
    errors: list[str],
    *,
    positive: bool,
    required: bool,
) -> F64:
    raw = units[column]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64)
    missing = raw.isna().to_numpy()
    bad_text = np.isnan(values) & ~missing
    for i in np.flatnonzero(bad_text):
        errors.append(f"unit {labels[i]}: {column} = {raw.iloc[i]!r}: must be a number")
    if required:
        for i in np.flatnonzero(missing):
            errors.append(f"unit {labels[i]}: {column} is missing")
    with np.errstate(invalid="ignore"):
        bad = (values <= 0) if positive else (values < 0)
        bad |= np.isinf(values)
    for i in np.flatnonzero(bad):
        errors.append(
            f"unit {labels[i]}: {column} = {values[i]:g}: must be {'> 0' if positive else '≥ 0'}"
        )
    return values


def tariff(
    units: pd.DataFrame,
    weights: WeightsLike,
    *,
    vacancy: float = 0.0,
    rent_loss: float = 0.0,
    cost_column: str = "yearly_cost",
    total_cost: float | None = None,
    extra_cost: float = 0.0,
    rounding: str = "ore",
    typical_area: Mapping[Any, float] | None = None,
    current_rent_column: str = "rent_monthly",
    id_column: str = "unit_id",
) -> TariffResult:
    """The cost-covering tariff of a stock (see the module docstring for the rule).

    ``units`` needs ``area_m2``, ``size_class``, ``standard`` and, unless ``total_cost`` is
    given, ``cost_column`` (NOK per year per unit). ``extra_cost`` is a stock-level yearly cost
    (e.g. the housing office) added to the total. ``typical_area`` maps size class → m² for the
    tariff table's example rent (default: the median area of the units in that size class).
    A ``current_rent_column`` (NOK per month), where present, gives the gap to today's rent.
    Problems in the units are collected and raised together (:class:`CollectedErrors`).
    """
    if rounding not in ROUNDING_STEP:
        raise InputError("rounding", rounding, f"must be one of {', '.join(ROUNDING_STEP)}")
    step = ROUNDING_STEP[rounding]
    v = float(_share("vacancy", vacancy))
    lo = float(_share("rent_loss", rent_loss))
    extra = float(_nonneg("extra_cost", extra_cost))
    w_series, typical_from_table = weight_table(weights)
    if len(units) == 0:
        raise InputError("units", "(empty)", "no units to make a tariff for")
    needed = ["area_m2", "size_class", "standard"]
    if total_cost is None:
        needed.append(cost_column)
    missing_cols = [c for c in needed if c not in units.columns]
    if missing_cols:
        raise InputError("units", ", ".join(missing_cols), "missing column(s)")
    labels = _unit_labels(units, id_column)
    errors: list[str] = []
    area = _numeric_column(units, "area_m2", labels, errors, positive=True, required=True)
    costs = None
    if total_cost is None:
        costs = _numeric_column(units, cost_column, labels, errors, positive=False, required=True)
    size_keys, size_codes, sizes_shown = _class_codes(units["size_class"])
    std_keys, std_codes, stds_shown = _class_codes(units["standard"])
    no_class = (size_keys == "")[size_codes] | (std_keys == "")[std_codes]
    errors += [f"unit {u}: size_class and standard are both needed" for u in labels[no_class]]
    _collect("units", errors)
    # the weight of each distinct (size class, standard), looked up once per pair
    pair = _combined_codes([size_codes, std_codes])
    first = np.full(int(pair.max(initial=-1)) + 1, len(pair), dtype=np.intp)
    np.minimum.at(first, pair, np.arange(len(pair)))
    pair_keys = pd.MultiIndex.from_arrays(
        [size_keys[size_codes[first]], std_keys[std_codes[first]]],
        names=["size_class", "standard"],
    )
    weight = w_series.reindex(pair_keys).to_numpy(dtype=np.float64)[pair]
    if np.isnan(weight).any():
        bad = np.isnan(weight)
        miss = pd.DataFrame(
            {"s": size_keys[size_codes[bad]], "t": std_keys[std_codes[bad]], "u": labels[bad]}
        )
        lines = []
        for (s, st), grp in miss.groupby(["s", "t"], sort=True):
            eg = ", ".join(grp["u"].head(3))
            lines.append(
                f"size_class {s!r} × standard {st!r} ({len(grp)} unit(s), e.g. {eg}): "
                "no weight in the table"
            )
        _collect("weights", lines)

    if total_cost is not None:
        total = float(_nonneg("total_cost", total_cost))
    else:
        assert costs is not None
        total = float(np.sum(costs)) + extra
    k = (1.0 - v) * (1.0 - lo)
    wa = area * weight
    target_month = total / (12.0 * k)
    rate = target_month / float(wa.sum())
    groups = _combined_codes([pair, pd.factorize(area)[0]])
    steps, rounded_up = _allocate(rate * wa / step, groups, target_month / step)
    rents = np.round(steps * step, 2)
    gross = float(rents.sum()) * 12.0
    collected = gross * k

    per_unit = pd.DataFrame(
        {
            "unit_id": labels,
            "size_class": sizes_shown,
            "standard": stds_shown,
            "area_m2": area,
            "weight": weight,
            "weighted_area_m2": wa,
            "tariff_rent_monthly": rents,
            "tariff_rent_yearly": np.round(rents * 12.0, 2),
            "rounded_up": rounded_up,
        }
    )
    if costs is not None:
        per_unit["yearly_cost"] = costs
    current_total = gap_total = None
    current_units = 0
    if current_rent_column in units.columns:
        current = pd.to_numeric(units[current_rent_column], errors="coerce").to_numpy(
            dtype=np.float64
        )
        per_unit["current_rent_monthly"] = current
        per_unit["gap_monthly"] = np.round(rents - current, 2)
        per_unit["gap_yearly"] = np.round((rents - current) * 12.0, 2)
        known = ~np.isnan(current)
        current_units = int(known.sum())
        if known.any():
            current_total = float(np.sum(current[known]) * 12.0)
            gap_total = float(np.sum(rents[known]) * 12.0) - current_total

    # units and area per (size class, standard), and the median area per size class, grouped
    # by the integer codes (a group-by over the text columns costs ~0.25 s a million units)
    n_pairs = len(first)
    counts = pd.DataFrame(
        {
            "units": np.bincount(pair, minlength=n_pairs),
            # pandas' compensated sum, as a group-by over the text columns gave it
            "area_m2": pd.Series(area).groupby(pair).sum().reindex(range(n_pairs)).to_numpy(),
        },
        index=pair_keys,
    )
    medians = pd.Series(area).groupby(size_codes).median()
    median_area = {
        str(size_keys[c]): float(m)
        for c, m in zip(medians.index.to_numpy(np.intp), medians.to_numpy(), strict=True)
    }
    table = _tariff_table(
        w_series, counts, median_area, rate, step, typical_from_table, typical_area
    )
    return TariffResult(
        total_cost=total,
        extra_cost=extra if total_cost is None else 0.0,
        vacancy=v,
        rent_loss=lo,
        rounding=cast(Rounding, rounding),
        units=len(per_unit),
        weighted_area=float(wa.sum()),
        rate=rate,
        gross_rent_yearly=gross,
        collected_yearly=collected,
        residual_yearly=collected - total,
        collected_step_yearly=12.0 * k * step,
        current_rent_yearly=current_total,
        gap_yearly=gap_total,
        current_rent_units=current_units,
        table=table,
        per_unit=per_unit,
    )


def _tariff_table(
    w_series: pd.Series,
    counts: pd.DataFrame,
    median_area: dict[str, float],
    rate: float,
    step: float,
    typical_from_table: dict[str, float],
    typical_area: Mapping[Any, float] | None,
) -> pd.DataFrame:
    """The weight table with its units, area, kr/m² and typical rents. ``counts``: units and
    area per (size class, standard); ``median_area``: the typical area of each size class
    where the table gives none."""
    typical = dict(median_area)
    typical.update(typical_from_table)
    if typical_area:
        for s, a in typical_area.items():
            if not (isinstance(a, (int, float)) and a > 0):
                raise InputError(f"typical_area[{s}]", a, "must be > 0")
            typical[_key(s)] = float(a)
    table = w_series.to_frame().join(counts, how="left").reset_index()
    table["units"] = table["units"].fillna(0).astype(int)
    table["area_m2"] = table["area_m2"].fillna(0.0)
    table["kr_per_m2_month"] = rate * table["weight"]
    table["kr_per_m2_year"] = 12.0 * rate * table["weight"]
    ta = table["size_class"].map(typical).astype(float)
    table["typical_area_m2"] = ta
    typical_exact = rate * (ta * table["weight"]).to_numpy(dtype=np.float64)
    table["typical_rent_monthly"] = np.round(_round_half_up(typical_exact, step), 2)
    return table


def stock_tariff(
    units: pd.DataFrame,
    weights: WeightsLike,
    *,
    method: str | None = None,
    rate: float | None = None,
    rate_from: str | None = None,
    margin: float | None = None,
    year: int | None = None,
    basis: str | None = None,
    life_years: float | None = None,
    terms_per_year: int | None = None,
    fdv_per_m2: Any = None,
    admin_per_unit: Any = 0.0,
    admin_share: Any = 0.0,
    vacancy: float = 0.0,
    rent_loss: float = 0.0,
    extra_cost: float = 0.0,
    rounding: str = "ore",
    typical_area: Mapping[Any, float] | None = None,
    params: ParameterSet | None = None,
    at: dt.date | None = None,
) -> TariffResult:
    """Tariff for a register of units: each unit's yearly cost, then :func:`tariff`.

    Without ``method`` the units must carry a ``yearly_cost`` column. With ``method``
    (``annuity``, ``return``, ``beregningsutvalget``) each unit's cost is capital cost + FDV +
    administration (:func:`housingcalc.calc.rent.cost_covering_rents`), from the columns
    ``acquisition_cost``, ``grant_amount``, ``book_value``, ``market_value`` and ``area_m2``
    as the basis needs; the rate is resolved once for the whole stock. ``fdv_per_m2``,
    ``admin_per_unit`` and ``admin_share`` may be one number or one value per unit.
    """
    if method is None:
        if any(x is not None for x in (rate, rate_from, basis, life_years, fdv_per_m2)):
            raise InputError("capital_method", None, "needed when cost options are given")
        return tariff(
            units,
            weights,
            vacancy=vacancy,
            rent_loss=rent_loss,
            extra_cost=extra_cost,
            rounding=rounding,
            typical_area=typical_area,
        )
    if fdv_per_m2 is None:
        raise InputError("fdv_per_m2", None, "needed to compute each unit's cost")
    build, used = resolve_rate(
        method, rate=rate, rate_from=rate_from, margin=margin, year=year, params=params, at=at
    )
    labels = _unit_labels(units, "unit_id")
    errors: list[str] = []
    if "area_m2" not in units.columns:
        raise InputError("units", "area_m2", "missing column(s)")
    area = _numeric_column(units, "area_m2", labels, errors, positive=True, required=True)
    columns = {
        "cost": "acquisition_cost",
        "grant": "grant_amount",
        "book_value": "book_value",
        "market_value": "market_value",
    }
    values: dict[str, Any] = {}
    for arg, col in columns.items():
        if col in units.columns:
            values[arg] = _numeric_column(
                units, col, labels, errors, positive=False, required=arg != "grant"
            )
    _collect("units", errors)
    if "grant" in values:
        values["grant"] = np.nan_to_num(values["grant"], nan=0.0)
    else:
        values["grant"] = 0.0
    terms = 12 if terms_per_year is None else terms_per_year
    try:
        arrays = cost_covering_rents(
            method,
            rate=build.rate,
            area_m2=area,
            fdv_per_m2=fdv_per_m2,
            basis=basis,
            life_years=life_years,
            terms_per_year=terms,
            admin_per_unit=admin_per_unit,
            admin_share=admin_share,
            **values,
        )
    except InputError as exc:
        field_name, _, index = exc.field.partition("[")
        if index:
            i = int(index.rstrip("]"))
            col = columns.get(field_name, field_name)
            raise InputError(f"unit {labels[i]}: {col}", exc.value, exc.rule) from None
        if exc.field in columns and exc.value is None:
            raise InputError(
                "units", columns[exc.field], exc.rule.replace("needed", "column needed")
            ) from None
        raise
    frame = units.assign(yearly_cost=np.asarray(arrays.cost, dtype=np.float64))  # no copy
    result = tariff(
        frame,
        weights,
        vacancy=vacancy,
        rent_loss=rent_loss,
        extra_cost=extra_cost,
        rounding=rounding,
        typical_area=typical_area,
    )
    notes = [build.note] if build.note else []
    notes += [f"{rv.name}: {rv.notes}" for rv in used if rv.confidence != "confirmed" and rv.notes]
    per_unit = result.per_unit
    per_unit.insert(
        list(per_unit.columns).index("yearly_cost"),
        "capital_cost",
        np.asarray(arrays.capital_cost, dtype=np.float64),
    )
    return TariffResult(
        **{
            **{f: getattr(result, f) for f in result.__dataclass_fields__},
            "per_unit": per_unit,
            "rate_build": build,
            "method": method,
            "notes": notes,
            "sources": [source_ref(rv) for rv in used],
        }
    )
