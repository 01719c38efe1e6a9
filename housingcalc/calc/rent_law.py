"""Rent as the tenancy act lets it move: KPI indexation (§ 4-2) and prevailing rent (§ 4-3).

Husleieloven (LOV-1999-03-26-17) chapter 4, as encoded here (the rule values are the dated
parameters ``husleieloven.*``; see ``docs/rent-law.md``):

- **§ 4-2, indexation.** Either party may, with written notice
  (``husleieloven.indexation_notice_months``, 1), demand the rent changed by the change in the
  consumer price index (KPI) since the rent was last fixed, at the earliest
  ``husleieloven.indexation_interval_months`` (12) after the last fixing. The change may not be
  larger than KPI's. A tenancy's rent therefore moves at most once a year, on the anniversary
  of its last fixing.
- **§ 4-3, prevailing rent (gjengs leie).** When the rent has not changed other than by § 4-2
  for ``husleieloven.prevailing_rent_unchanged_months`` (30, 2½ years), either party may
  demand it set to the prevailing rent with ``husleieloven.prevailing_rent_notice_months`` (6)
  written notice: the new rent applies 36 months after the last fixing at the earliest. The
  adjustment is itself a fixing: the next indexation is 12 months after it.

Which KPI change: the twelve-month change of the KPI month that was the newest published when
the notice was given, ``lag = notice + ssb.cpi_publication_lag_months`` months before the month
the new rent applies (an indexation from 1 September 2026 with one month's notice given by
1 August uses the June 2026 index, published about 10 July). The changes are read from the
dated series ``ssb.cpi_12_month_change`` for exactly that month; a month the series does not
hold is never filled from a neighbour: the scenario's CPI assumption applies instead and the
step is labelled ``assumption``.

Two uses:

- :func:`rent_path`: one tenancy's rent month by month from the contract start (the
  rent-to-own path), with every step listed (:class:`RentStep`).
- :func:`phase_in`: a stock of units, vectorised over units: how soon the law lets today's
  rents reach a cost-covering tariff (KPI indexation keeps a rent's ratio to a tariff that
  grows with KPI; only a § 4-3 step closes the gap, to the prevailing rent at most).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import NDArray

from housingcalc.errors import InputError

if TYPE_CHECKING:
    from housingcalc.parameters import ParameterSet

__all__ = [
    "KPI_SERIES",
    "LawTerms",
    "PhaseIn",
    "RentPath",
    "RentStep",
    "check_prevailing_from",
    "law_terms",
    "phase_in",
    "phase_in_frame",
    "phased_rent_sums",
    "rent_path",
]

F64 = NDArray[np.float64]

#: the dated KPI series (twelve-month change, one value per month)
KPI_SERIES = "ssb.cpi_12_month_change"

StepKind = Literal["kpi", "assumption", "kpi+assumption", "prevailing"]


@dataclass(frozen=True)
class LawTerms:
    """The rule values in force at a date, in months."""

    index_every: int  # § 4-2: at most once per this many months
    kpi_lag: int  # months from the KPI month used to the month the new rent applies
    prevailing_after: int  # § 4-3: earliest month (after the last fixing) a new rent applies

    @property
    def prevailing_after_years(self) -> float:
        return self.prevailing_after / 12.0


def law_terms(ps: ParameterSet, at: dt.date) -> LawTerms:
    """Read the husleieloven rule values (and SSB's publication lag) in force at ``at``."""

    def months(name: str) -> int:
        return round(ps.number(name, at))

    return LawTerms(
        index_every=months("husleieloven.indexation_interval_months"),
        kpi_lag=months("husleieloven.indexation_notice_months")
        + months("ssb.cpi_publication_lag_months"),
        prevailing_after=months("husleieloven.prevailing_rent_unchanged_months")
        + months("husleieloven.prevailing_rent_notice_months"),
    )


def _add_months(d: dt.date, k: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 + k, 12)
    return dt.date(y, m + 1, 1)


def _months_between(a: dt.date, b: dt.date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def check_prevailing_from(field: str, value: dt.date, last_fixed: dt.date, terms: LawTerms) -> None:
    """Refuse a prevailing-rent date earlier than § 4-3 allows (one line, naming the rule)."""
    earliest = _add_months(last_fixed, terms.prevailing_after)
    if _months_between(last_fixed, value) < terms.prevailing_after:
        raise InputError(
            field,
            value.strftime("%Y-%m"),
            f"husleieloven § 4-3 (2½ years unchanged + 6 months' notice): at the earliest "
            f"{terms.prevailing_after} months after the rent was last fixed "
            f"({last_fixed.strftime('%Y-%m')}), i.e. {earliest.strftime('%Y-%m')}",
        )


# -- one tenancy --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RentStep:
    """One change of a tenancy's rent."""

    month: int  # months from the contract start (the first month at the new rent)
    date: dt.date
    kind: StepKind
    change: float  # the relative change (0.035 = +3.5 %)
    rent_month: float  # the monthly rent from this month
    kpi_months: tuple[dt.date, ...] = ()  # the KPI months whose 12-month change was used

    def as_dict(self) -> dict[str, object]:
        return {
            "month": self.month,
            "date": self.date.isoformat(),
            "kind": self.kind,
            "change": round(self.change, 6),
            "rent_month": round(self.rent_month, 2),
            "kpi_months": [m.strftime("%Y-%m") for m in self.kpi_months],
        }


@dataclass(frozen=True)
class RentPath:
    """A tenancy's monthly rent from the contract start and the steps that made it."""

    rent: F64
    steps: tuple[RentStep, ...]
    terms: LawTerms


def _kpi_change(
    ps: ParameterSet, applies: dt.date, span: int, lag: int, assumption: float
) -> tuple[float, StepKind, tuple[dt.date, ...]]:
    """KPI's change over ``span`` months up to the month ``lag`` before ``applies``: chained
    published 12-month changes where the series holds the month, else the assumption."""
    held = {v.effective for v in ps.series_file(KPI_SERIES).values}
    factor = 1.0
    used: list[dt.date] = []
    assumed = 0
    full, rest = divmod(span, 12)
    for j in range(full):
        month = _add_months(applies, -lag - 12 * j)
        if month in held:
            factor *= 1.0 + ps.number(KPI_SERIES, month)
            used.append(month)
        else:
            factor *= 1.0 + assumption
            assumed += 1
    if rest:
        factor *= (1.0 + assumption) ** (rest / 12.0)
        assumed += 1
    kind: StepKind = "kpi" if not assumed else ("assumption" if not used else "kpi+assumption")
    return factor - 1.0, kind, tuple(sorted(used))


def rent_path(
    ps: ParameterSet,
    rent0: float,
    start: dt.date,
    n: int,
    *,
    indexation: Literal["cpi", "none"],
    cpi_assumption: float,
    prevailing_rent: float | None = None,
    prevailing_from: dt.date | None = None,
) -> RentPath:
    """The monthly rent for ``n`` months from ``start`` (month 0, the contract's fixing).

    ``indexation="cpi"``: indexed on each anniversary of the last fixing by KPI (§ 4-2).
    ``prevailing_rent`` from ``prevailing_from``: the rent is set to that level (§ 4-3; the
    date is checked against the rule) and indexed yearly from then on. The loop is over the
    tenancy's rent changes (one a year), not over months or units.
    """
    terms = law_terms(ps, start)
    prev_at: int | None = None
    if prevailing_rent is not None and prevailing_from is not None:
        check_prevailing_from("rent.prevailing_from", prevailing_from, start, terms)
        prev_at = _months_between(start, prevailing_from)
    rent = np.empty(n, np.float64)
    steps: list[RentStep] = []
    level, fixed, m = float(rent0), 0, 0
    never = n + 1
    while True:
        next_index = fixed + terms.index_every if indexation == "cpi" else never
        next_prev = prev_at if prev_at is not None else never
        nxt = min(next_index, next_prev)
        if nxt >= n:
            break
        rent[m:nxt] = level
        date = _add_months(start, nxt)
        if nxt == next_prev:  # § 4-3 (replaces an indexation due the same month)
            assert prevailing_rent is not None
            change = prevailing_rent / level - 1.0 if level else 0.0
            level = float(prevailing_rent)
            steps.append(RentStep(nxt, date, "prevailing", change, level))
            prev_at = None
        else:  # § 4-2
            change, kind, used = _kpi_change(ps, date, nxt - fixed, terms.kpi_lag, cpi_assumption)
            level *= 1.0 + change
            steps.append(RentStep(nxt, date, kind, change, level, used))
        fixed = m = nxt
    rent[m:] = level
    return RentPath(rent, tuple(steps), terms)


# -- a stock of units ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PhaseIn:
    """How soon the law lets each unit's rent reach the tariff (arrays over units).

    ``step_year``: the first projection year (1 = the year after the valuation date) whose
    rent is the unit's ``level_after`` (today's money, NOK/month), ``horizon + 1`` if not
    within the projection. ``years_to_close``: whole years until the rent covers the tariff
    (0: already at or above it; NaN: never, the prevailing rent caps it below the tariff).
    """

    current: F64
    tariff: F64
    prevailing: F64  # NaN where no prevailing level was given
    level_after: F64
    step_year: NDArray[np.int64]
    years_to_close: F64
    first_step_months: F64  # months from the valuation date to the first § 4-3 step
    terms: LawTerms

    def summary(self) -> dict[str, float | int | None]:
        """Units below the tariff, the monthly gap, and years to close it (those closing)."""
        below = self.current < self.tariff
        y = self.years_to_close[below]
        closing = y[~np.isnan(y)]
        gap = np.maximum(self.tariff - self.current, 0.0)
        return {
            "units": len(self.current),
            "units_below_tariff": int(below.sum()),
            "gap_monthly_total": round(float(gap.sum()), 2),
            "units_closing": len(closing),
            "units_never_closing": int(np.isnan(y).sum()),
            "years_to_close_max": None if not len(closing) else float(closing.max()),
            "years_to_close_median": None if not len(closing) else float(np.median(closing)),
            "years_to_close_mean": None if not len(closing) else round(float(closing.mean()), 4),
            "prevailing_after_months": self.terms.prevailing_after,
            "index_every_months": self.terms.index_every,
        }

    def by_years(self) -> dict[str, int]:
        """Units by whole years until their rent covers the tariff ("never": capped below
        it by the prevailing rent); units already at or above it count under "0"."""
        y = self.years_to_close
        keys, counts = np.unique(y[~np.isnan(y)].astype(np.int64), return_counts=True)
        out = {str(int(k)): int(c) for k, c in zip(keys, counts, strict=True)}
        never = int(np.isnan(y).sum())
        if never:
            out["never"] = never
        return out


def phase_in(
    current: F64,
    tariff: F64,
    *,
    terms: LawTerms,
    months_since_fixed: F64 | float = 0.0,
    prevailing: F64 | float | None = None,
    horizon: int = 30,
) -> PhaseIn:
    """Phase today's rents in to the cost-covering tariff at the pace the law allows.

    All amounts NOK/month in today's money; the projection grows rent, tariff and prevailing
    level alike with KPI (§ 4-2 indexation on each anniversary), so KPI indexation keeps each
    unit's ratio to its tariff and only a § 4-3 step moves it:

    - a unit at or above its tariff, or with no rent (vacant: a new tenancy is let at the
      tariff), has the tariff from year 1 (lowering a rent needs no notice): 0 years;
    - a unit below its tariff keeps its rent (indexed) until the first § 4-3 step,
      ``terms.prevailing_after − months_since_fixed`` months from the valuation date (at the
      earliest at once), and from the first projection year starting at or after it has
      ``min(tariff, prevailing)`` (no prevailing level given: assumed at or above the tariff).
      Years to close = that step's year − 1 if the tariff is reached, NaN if the prevailing rent
      caps it below (later § 4-3 steps, every 3 years, reach the same capped level).

    Vectorised over units: no loop.
    """
    cur = np.asarray(current, np.float64)
    tar = np.asarray(tariff, np.float64)
    n = len(cur)
    since = np.broadcast_to(np.asarray(months_since_fixed, np.float64), (n,))
    prev = (
        np.full(n, np.nan)
        if prevailing is None
        else np.broadcast_to(np.asarray(prevailing, np.float64), (n,)).astype(np.float64)
    )
    cap = np.where(np.isnan(prev), tar, np.minimum(tar, prev))
    first = np.maximum(terms.prevailing_after - since, 0.0)
    at_once = (cur >= tar) | (cur <= 0.0)
    # the first projection year starting at or after the step: year t covers months 12(t-1)…
    step_year = np.where(at_once, 1, np.ceil(first / 12.0) + 1).astype(np.int64)
    step_year = np.minimum(step_year, horizon + 1)
    level_after = np.where(at_once, tar, cap)
    reaches = at_once | (cap >= tar)
    years = np.where(at_once, 0.0, np.ceil(first / 12.0))
    years = np.where(reaches, years, np.nan)
    return PhaseIn(cur, tar, prev, level_after, step_year, years, first, terms)


def phased_rent_sums(ph: PhaseIn, sold: NDArray[np.intp], before: F64, horizon: int) -> F64:
    """The yearly rent of the units still let in each year 1 … H, today's money, NOK/year:
    each unit's current rent until its ``step_year``, ``level_after`` from then on, less the
    units sold before the year (``before``: sold units × years, 1 = sold before that year).

    Sums over all units once (a ``bincount`` of the step changes by year), then subtracts the
    sold units' own paths: no loop over units.
    """
    cur = 12.0 * ph.current
    after = 12.0 * ph.level_after
    within = ph.step_year <= horizon
    change = np.bincount(
        ph.step_year[within], weights=(after - cur)[within], minlength=horizon + 1
    )[1 : horizon + 1]
    every = cur.sum() + np.cumsum(change)
    t = np.arange(1, horizon + 1)
    stepped = t[None, :] >= ph.step_year[sold][:, None]
    sold_path = np.where(stepped, after[sold][:, None], cur[sold][:, None])
    return np.asarray(every - (sold_path * before).sum(axis=0), np.float64)


def phase_in_frame(ph: PhaseIn, unit_id: NDArray[np.object_]) -> dict[str, object]:
    """Per-unit columns of a phase-in (for a DataFrame), NOK/month, today's money."""
    return {
        "unit_id": unit_id,
        "current_rent_monthly": ph.current,
        "tariff_rent_monthly": ph.tariff,
        "prevailing_rent_monthly": ph.prevailing,
        "gap_monthly": ph.tariff - ph.current,
        "rent_after_step_monthly": ph.level_after,
        "step_year": ph.step_year,
        "years_to_close": ph.years_to_close,
    }
