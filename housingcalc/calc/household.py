"""Household income and living costs month by month: the contract the rent-to-own engine uses.

Public API (all pure; they read parameters only through the ``ParameterSet`` given). Each
``*_path`` function returns a ``DataFrame`` built on its ``*_arrays`` twin, which takes a list of
first-of-month ``datetime.date`` and returns plain numpy arrays by column name: the engines
(calc.rent_to_own) use those and so never import pandas (issue 12 §7).

``month_index(months)``
    Normalise months (a ``DatetimeIndex``, dates or ``YYYY-MM`` strings) to a first-of-month
    ``DatetimeIndex``; ``month_range(start, end)`` builds one.
``income_path(household, months, params, *, housing_interest_monthly=None)``
    ``DataFrame`` indexed by month with columns ``introduction_benefit``, ``wage``,
    ``benefit``, ``child_benefit``, ``other`` (amounts as paid: gross, or the household's own
    net figure), ``gross_income``, ``taxable_income``, ``tax_ordinary_income``,
    ``tax_bracket``, ``social_security``, ``interest_deduction`` (a reduction, ≥ 0), ``tax``
    and ``net_income`` (= ``gross_income − tax``). NOK per month.
``income_by_stream(household, months, params)``
    The same amounts one column per stream (``"0: introduction benefit"`` …).
``living_costs(household, at, params)`` → :class:`LivingCosts`
    The SIFO reference budget by item for the household's composition at ``at``, the
    household's own figures where given, and the floor at the state's guideline rates for
    social assistance; ``total`` is what the capacity test deducts.
``living_costs_path(household, months, params)``
    ``DataFrame`` with ``reference_budget``, ``own_figures``, ``floor`` and ``living_costs``.
``fixed_costs_path(household, months)``
    ``DataFrame`` with ``debt_payments``, ``childcare``, ``child_support``, ``other_fixed``
    and ``fixed_costs``.

The income tax is an **approximation** (see ``docs/household.md``): each adult's income in a
month is taken as if it ran for a whole year (× 12), taxed with the year's allowances, brackets
and rates, and divided by 12. The minimum standard deduction, personal allowance, trygdeavgift
with its lower limit and phase-in, trinnskatt, 22 % on ordinary income and the interest
deduction on housing loans are modelled; other deductions, wealth tax and special regions are
not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from housingcalc.calc._rows import group_rows
from housingcalc.errors import InputError
from housingcalc.models.household import Household, IncomeStream, Person, birth_date_of
from housingcalc.parameters import DatePath, ParameterSet, ResolvedValue

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "INCOME_KINDS",
    "LivingCosts",
    "age_months",
    "fixed_costs_arrays",
    "fixed_costs_path",
    "income_arrays",
    "income_by_stream",
    "income_by_stream_arrays",
    "income_path",
    "living_costs",
    "living_costs_arrays",
    "living_costs_path",
    "month_index",
    "month_range",
]

INCOME_KINDS = ("introduction_benefit", "wage", "benefit", "child_benefit", "other")
SIFO_INDIVIDUAL = ("food", "clothes", "personal_care", "play_media")
SIFO_HOUSEHOLD = ("other_daily_goods", "household_articles", "furniture", "media_leisure")

F64 = np.ndarray[Any, np.dtype[np.float64]]
I64 = np.ndarray[Any, np.dtype[np.int64]]


# -- months ---------------------------------------------------------------------------------


def month_index(
    months: pd.DatetimeIndex | Iterable[dt.date | str] | dt.date | str,
) -> pd.DatetimeIndex:
    """First-of-month ``DatetimeIndex`` from dates, ``YYYY-MM`` strings or an index.

    >>> list(month_index(["2026-04", "2026-05-17"]).strftime("%Y-%m-%d"))
    ['2026-04-01', '2026-05-01']
    """
    import pandas as pd

    if isinstance(months, (dt.date, str)):
        months = [months]
    if isinstance(months, pd.DatetimeIndex):
        idx = months
    else:
        idx = pd.DatetimeIndex([_timestamp(m) for m in months])
    return pd.DatetimeIndex(idx.to_period("M").to_timestamp(), name="month")


def _timestamp(m: Any) -> pd.Timestamp:
    import pandas as pd

    return pd.Timestamp(_parse_month(m) if isinstance(m, str) else m)


def _parse_month(m: str) -> dt.date:
    text = m.strip()
    try:
        return dt.date.fromisoformat(text + "-01" if len(text) == 7 else text).replace(day=1)
    except ValueError:
        raise InputError("months", m, "must be a month written YYYY-MM (or YYYY-MM-DD)") from None


def month_range(start: dt.date | str, end: dt.date | str) -> pd.DatetimeIndex:
    """Every month from ``start`` to ``end`` inclusive."""
    import pandas as pd

    a, b = month_index([start, end])
    return pd.DatetimeIndex(pd.date_range(a, b, freq="MS"), name="month")


def _mint(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


@dataclass(frozen=True, eq=False)
class _Months:
    """The array core's months: first-of-month dates and their month numbers."""

    dates: Sequence[dt.date]
    m: I64  # year × 12 + month − 1

    @classmethod
    def of(cls, dates: Sequence[dt.date]) -> _Months:
        for d in dates:
            if d.day != 1 or isinstance(d, dt.datetime):
                raise InputError("months", str(d), "must be first-of-month dates")
        path = dates if isinstance(dates, DatePath) else DatePath(dates)
        return cls(path, np.fromiter((_mint(d) for d in path), np.int64, len(path)))

    def __len__(self) -> int:
        return len(self.dates)


def _frame_months(months: Any) -> tuple[pd.DatetimeIndex, _Months]:
    """The pandas functions' months: the index, and the same months for the array core."""
    idx = month_index(months)
    return idx, _Months.of(list(idx.date))


def age_months(birth: dt.date, months: pd.DatetimeIndex | Sequence[dt.date]) -> I64:
    """Completed months of age on the first day of each month (negative before birth)."""
    return _age(birth, _Months.of(list(_dates_of(months))))


def _age(birth: dt.date, mo: _Months) -> I64:
    return mo.m - _mint(birth) - (1 if birth.day > 1 else 0)


def _dates_of(months: Any) -> Sequence[dt.date]:
    if hasattr(months, "to_period"):  # a pandas DatetimeIndex
        return list(months.to_period("M").to_timestamp().date)
    return [dt.date(d.year, d.month, 1) for d in months]


def _active(mo: _Months, start: dt.date | None, end: dt.date | None) -> np.ndarray:
    ok = np.ones(len(mo), dtype=bool)
    if start is not None:
        ok &= mo.m >= _mint(start)
    if end is not None:
        ok &= mo.m <= _mint(end)
    return ok


def _resolve(
    params: ParameterSet, name: str, mo: _Months, mask: np.ndarray | None = None
) -> list[ResolvedValue | None]:
    """The value in force at each month (``None`` where ``mask`` is false)."""
    return params.along(name, mo.dates, None if mask is None else np.flatnonzero(mask).tolist())


def _numbers(params: ParameterSet, name: str, mo: _Months, mask: np.ndarray | None = None) -> F64:
    vals = _resolve(params, name, mo, mask)
    return np.array([float(v.value) if v is not None else 0.0 for v in vals], dtype=np.float64)


def _numbers_if_in_force(params: ParameterSet, name: str, mo: _Months, mask: np.ndarray) -> F64:
    """Like :func:`_numbers`, with NaN for months before the rule's first value."""
    first = params.series_file(name).values[0].effective
    in_force = mask & np.array([d >= first for d in mo.dates], dtype=bool)
    return np.where(in_force, _numbers(params, name, mo, in_force), np.nan)


# -- income streams ---------------------------------------------------------------------------


def _introduction_benefit(h: Household, s: IncomeStream, mo: _Months, params: ParameterSet) -> F64:
    """2 G a year / 12 in each month, × 2/3 (or 1/3 with parents) while under 25."""
    active = _active(mo, s.start, s.end)
    out = np.zeros(len(mo))
    if not active.any():
        return out
    assert s.adult is not None
    adult = h.adults[s.adult]
    g = _numbers(params, "nav.grunnbelop", mo, active)
    factor = _numbers(params, "integration.introduction_benefit_g_factor", mo, active)
    years = _age(birth_date_of(adult, h.reference_date), mo) // 12
    young = active & (years < 25)
    if young.any():
        young_factor = _numbers(
            params, "integration.introduction_benefit_under25_factor", mo, young
        )
        if adult.lives_with_parents and s.integration_act:
            with_parents = _numbers_if_in_force(
                params, "integration.introduction_benefit_under25_with_parents_factor", mo, young
            )
            young_factor = np.where(np.isnan(with_parents), young_factor, with_parents)
        factor = np.where(young, factor * young_factor, factor)
    out[active] = (g * factor / 12.0 * s.share)[active]
    return out


def _child_benefit(h: Household, s: IncomeStream, mo: _Months, params: ParameterSet) -> F64:
    """Per child: the under-6 rate to the month before the 6th birthday, then the from-6 rate;
    from the month after birth to the month before the 18th birthday."""
    active = _active(mo, s.start, s.end)
    given = s.amount_monthly
    if given is not None:
        return np.where(active, given, 0.0)
    out = np.zeros(len(mo))
    if not active.any() or not h.children:
        return out
    m = mo.m
    paid = np.zeros((len(h.children), len(mo)), dtype=bool)
    under6 = np.zeros_like(paid)
    for k, c in enumerate(h.children):
        bm = _mint(birth_date_of(c, h.reference_date))
        paid[k] = active & (m > bm) & (m < bm + 18 * 12)
        under6[k] = m < bm + 6 * 12
    any_paid = np.asarray(paid.any(axis=0), dtype=bool)
    rates = _resolve(params, "nav.child_benefit", mo, any_paid)
    lo = np.array([float(r.value["under_6"]) if r is not None else 0.0 for r in rates])
    hi = np.array([float(r.value["from_6"]) if r is not None else 0.0 for r in rates])
    return np.asarray((paid * np.where(under6, lo, hi)).sum(axis=0), dtype=np.float64)


def _stream_amount(h: Household, s: IncomeStream, mo: _Months, params: ParameterSet) -> F64:
    if s.kind == "introduction_benefit":
        return _introduction_benefit(h, s, mo, params)
    if s.kind == "child_benefit":
        return _child_benefit(h, s, mo, params)
    amount = s.amount_monthly
    assert amount is not None
    return np.where(_active(mo, s.start, s.end), amount, 0.0)


def _stream_label(i: int, s: IncomeStream) -> str:
    who = f" (adult {s.adult})" if s.adult is not None else ""
    return f"{i}: {s.title}{who}"


def income_by_stream(household: Household, months: Any, params: ParameterSet) -> pd.DataFrame:
    """One column per income stream (NOK per month, as paid), indexed by month."""
    import pandas as pd

    idx, mo = _frame_months(months)
    return pd.DataFrame(income_by_stream_arrays(household, mo.dates, params), index=idx)


def income_by_stream_arrays(
    household: Household, months: Sequence[dt.date], params: ParameterSet
) -> dict[str, F64]:
    """:func:`income_by_stream`'s columns as numpy arrays, for first-of-month ``months``."""
    mo = _Months.of(months)
    return {
        _stream_label(i, s): _stream_amount(household, s, mo, params)
        for i, s in enumerate(household.income)
    }


# -- tax ----------------------------------------------------------------------------------------


@dataclass
class _TaxBases:
    ordinary: F64
    min_deduction_base: F64
    social_security: F64
    bracket: F64


def _is_taxed(s: IncomeStream, treatment: dict[str, dict[str, bool]]) -> bool:
    if s.net:
        return False
    if s.taxable is not None:
        return s.taxable
    return bool(treatment[s.kind]["ordinary_income"])


def _bracket_tax(base: F64, steps: Sequence[dict[str, float]]) -> F64:
    tax = np.zeros_like(base)
    for k, step in enumerate(steps):
        lo = float(step["threshold"])
        hi = float(steps[k + 1]["threshold"]) if k + 1 < len(steps) else np.inf
        tax += float(step["rate"]) * np.clip(base - lo, 0.0, hi - lo)
    return tax


def _treatment_default(
    params: ParameterSet, mo: _Months, mask: np.ndarray
) -> dict[str, dict[str, bool]]:
    """The income-treatment table (one value is expected over a path; the latest is used)."""
    vals = [v for v in _resolve(params, "tax.income_treatment", mo, mask) if v is not None]
    table: dict[str, dict[str, bool]] = vals[-1].value if vals else {}
    return table


def income_path(
    household: Household,
    months: Any,
    params: ParameterSet,
    *,
    housing_interest_monthly: float | Sequence[float] | F64 | None = None,
) -> pd.DataFrame:
    """Income by kind, the tax approximation and net income, month by month.

    ``housing_interest_monthly`` (a number or one value per month) is the interest paid on
    housing loans; its tax value (``tax.interest_deduction_rate``, 22 % from 2019) is
    deducted from tax, limited to the tax on the household's ordinary income after the
    personal allowances (spouses may split the deduction freely; the household total is used).
    """
    import pandas as pd

    idx, mo = _frame_months(months)
    cols = _income(household, mo, params, housing_interest_monthly)
    return pd.DataFrame(cols, index=idx)


def income_arrays(
    household: Household,
    months: Sequence[dt.date],
    params: ParameterSet,
    *,
    housing_interest_monthly: float | Sequence[float] | F64 | None = None,
) -> dict[str, F64]:
    """:func:`income_path`'s columns as numpy arrays, for first-of-month ``months``."""
    return _income(household, _Months.of(months), params, housing_interest_monthly)


def _income(
    household: Household,
    mo: _Months,
    params: ParameterSet,
    housing_interest_monthly: float | Sequence[float] | F64 | None,
) -> dict[str, F64]:
    n = len(mo)
    amounts = [_stream_amount(household, s, mo, params) for s in household.income]
    frame: dict[str, F64] = {kind: np.zeros(n) for kind in INCOME_KINDS}
    for s, a in zip(household.income, amounts, strict=True):
        frame[s.kind] = frame[s.kind] + a
    gross = frame[INCOME_KINDS[0]].copy()
    for kind in INCOME_KINDS[1:]:
        gross += frame[kind]
    frame["gross_income"] = gross

    # which streams are taxed (needs the treatment table only if any stream might be)
    any_amount = np.zeros(n, dtype=bool)
    for a in amounts:
        any_amount |= a > 0
    treatment = (
        _treatment_default(params, mo, any_amount) if household.income and any_amount.any() else {}
    )
    taxed = [
        _is_taxed(s, treatment) if treatment or s.taxable is not None else False
        for s in household.income
    ]
    n_adults = len(household.adults)
    bases = [_TaxBases(np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)) for _ in range(n_adults)]
    taxable_total = np.zeros(n)
    for s, a, t in zip(household.income, amounts, taxed, strict=True):
        if not t:
            continue
        flags = treatment.get(
            s.kind,
            {
                "ordinary_income": True,
                "minimum_deduction": False,
                "social_security": False,
                "bracket_tax": False,
            },
        )
        b = bases[s.adult if s.adult is not None else 0]
        yearly = 12.0 * a
        taxable_total += a
        b.ordinary += yearly
        if flags.get("minimum_deduction"):
            b.min_deduction_base += yearly
        if flags.get("social_security"):
            b.social_security += yearly
        if flags.get("bracket_tax"):
            b.bracket += yearly
    frame["taxable_income"] = taxable_total

    need = taxable_total > 0
    ordinary_tax = np.zeros(n)
    bracket = np.zeros(n)
    social = np.zeros(n)
    room_total = np.zeros(n)
    if need.any():
        rate = _numbers(params, "tax.ordinary_income_rate", mo, need)
        allowance = _numbers(params, "tax.personal_allowance", mo, need)
        md_rate = _numbers(params, "tax.minimum_deduction_rate", mo, need)
        md_max = _numbers(params, "tax.minimum_deduction_max", mo, need)
        ss_rate = _numbers(params, "tax.social_security_rate", mo, need)
        ss_thr = _numbers(params, "tax.social_security_threshold", mo, need)
        ss_phase = _numbers(params, "tax.social_security_phase_in_rate", mo, need)
        steps = _resolve(params, "tax.bracket_tax", mo, need)
        for b in bases:
            md = np.minimum(md_rate * b.min_deduction_base, md_max)
            base = np.maximum(b.ordinary - md, 0.0)
            room = np.maximum(base - allowance, 0.0)
            room_total += room
            ordinary_tax += rate * room
            ss = np.where(
                b.social_security > ss_thr,
                np.minimum(ss_rate * b.social_security, ss_phase * (b.social_security - ss_thr)),
                0.0,
            )
            social += ss
            for eff in {v.effective for v in steps if v is not None}:
                sel = np.array([v is not None and v.effective == eff for v in steps])
                table = next(v for v in steps if v is not None and v.effective == eff).value
                bracket += np.where(sel, _bracket_tax(b.bracket, table), 0.0)
    interest = _per_month(housing_interest_monthly, n, "housing_interest_monthly")
    deduction = np.zeros(n)
    has_interest = interest > 0
    if has_interest.any():
        ded_rate = _numbers(params, "tax.interest_deduction_rate", mo, has_interest)
        deduction = ded_rate * np.minimum(12.0 * interest, room_total)
    frame["tax_ordinary_income"] = ordinary_tax / 12.0
    frame["tax_bracket"] = bracket / 12.0
    frame["social_security"] = social / 12.0
    frame["interest_deduction"] = deduction / 12.0
    frame["tax"] = (
        frame["tax_ordinary_income"]
        + frame["tax_bracket"]
        + frame["social_security"]
        - frame["interest_deduction"]
    )
    frame["net_income"] = frame["gross_income"] - frame["tax"]
    return frame


def _per_month(v: float | Sequence[float] | F64 | None, n: int, name: str) -> F64:
    if v is None:
        return np.zeros(n)
    a = np.asarray(v, dtype=np.float64)
    if a.ndim == 0:
        a = np.full(n, float(a))
    if a.shape != (n,):
        raise InputError(
            name, f"{a.shape[0]} values", f"must be one number or one value per month ({n})"
        )
    if (a < 0).any() or not np.isfinite(a).all():
        raise InputError(name, float(a[np.argmin(a)]), "must be ≥ 0")
    return a


# -- living costs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LivingCosts:
    """Living costs at one date, NOK per month, with every intermediate figure.

    ``reference_items`` are the SIFO items for the household's composition (with any item the
    household replaced); ``reference_total`` their sum; ``own_total`` the household's own total
    if given; ``floor_items`` and ``floor_total`` the state guideline rates for social
    assistance; ``total`` = max(own or reference, floor), and ``basis`` says which applied.
    """

    date: dt.date
    reference_items: dict[str, float]
    reference_total: float
    own_total: float | None
    floor_items: dict[str, float]
    floor_total: float
    total: float
    basis: str
    replaced_items: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "reference_items": {k: round(v, 2) for k, v in self.reference_items.items()},
            "reference_total": round(self.reference_total, 2),
            "own_total": None if self.own_total is None else round(self.own_total, 2),
            "replaced_items": list(self.replaced_items),
            "floor_items": {k: round(v, 2) for k, v in self.floor_items.items()},
            "floor_total": round(self.floor_total, 2),
            "total": round(self.total, 2),
            "basis": self.basis,
        }


def _age_years(person: Person, reference: dt.date | None, at: dt.date) -> float:
    """Completed months of age on the first of ``at``'s month, in years."""
    birth = birth_date_of(person, reference)
    months = _mint(at) - _mint(birth) - (1 if birth.day > 1 else 0)
    return months / 12.0


def _band(table: list[dict[str, Any]], age: float) -> dict[str, Any]:
    chosen = table[0]
    for row in table:
        if float(row["min_age"]) <= age:
            chosen = row
    return chosen


def _person_items(row: dict[str, Any], sex: str | None) -> dict[str, float]:
    if sex in ("female", "male"):
        return {k: float(row[sex][k]) for k in SIFO_INDIVIDUAL}
    return {k: (float(row["female"][k]) + float(row["male"][k])) / 2.0 for k in SIFO_INDIVIDUAL}


def reference_budget(household: Household, at: dt.date, params: ParameterSet) -> dict[str, float]:
    """SIFO reference budget by item for the household at ``at`` (NOK per month)."""
    sifo: dict[str, Any] = params.value("sifo.reference_budget", at)
    ref = household.reference_date
    people = [(p, _age_years(p, ref, at)) for _, p in household.persons()]
    people = [(p, a) for p, a in people if a >= 0]  # not yet born
    items = dict.fromkeys(SIFO_INDIVIDUAL, 0.0)
    for p, age in people:
        for k, v in _person_items(_band(sifo["individual"], age), p.sex).items():
            items[k] += v
    disc = sifo.get("food_scale_discount")
    n_children = sum(1 for c in household.children if _age_years(c, ref, at) >= 0)
    if (
        disc
        and len(household.adults) >= int(disc["min_adults"])
        and n_children >= int(disc["min_children"])
    ):
        items["food"] *= 1.0 - float(disc["rate"])
    travel = sifo["travel"]
    items["travel"] = sum(
        float(travel["pensioner"])
        if age >= float(travel["pensioner_from_age"])
        else float(travel["adult"])
        if age >= float(travel["adult_from_age"])
        else 0.0
        for _, age in people
    )
    items["infant_equipment"] = (
        float(sifo["infant_equipment_under_1"])
        if any(age < _INFANT_AGE for _, age in people)
        else 0.0
    )
    size = max(1, min(len(people), max(int(k) for k in sifo["household"])))
    hh = {int(k): v for k, v in sifo["household"].items()}[size]
    for k in SIFO_HOUSEHOLD:
        items[k] = float(hh[k])
    car = household.car
    items["car"] = (
        0.0
        if car == "none"
        else float(sifo["car"][car]["up_to_4" if len(people) <= 4 else "from_5"])
    )
    return items


#: SIFO's infant equipment is for children under this age (years).
_INFANT_AGE = 1.0
#: The guideline rates' child bands end at these ages (0–5, 6–10, 11–17); from
#: ``_ADULT_AGE`` a child counts as a further adult (``shared_housing``).
_CHILD_BAND_ENDS = (6.0, 11.0)
_ADULT_AGE = 18.0
#: Ages (years) at which :func:`guideline_floor` and :func:`reference_budget` change a person's
#: class other than the SIFO bands and travel ages (``living_costs_arrays`` groups months by them).
_FIXED_AGES = (0.0, _INFANT_AGE, *_CHILD_BAND_ENDS, _ADULT_AGE)


def _sifo_ages(sifo: ResolvedValue | None) -> F64:
    """Every age the living-cost rules compare a person's age with, ascending."""
    assert sifo is not None
    table = sifo.value
    travel = table["travel"]
    ages = {float(r["min_age"]) for r in table["individual"]}
    ages |= {float(travel["pensioner_from_age"]), float(travel["adult_from_age"]), *_FIXED_AGES}
    return np.array(sorted(ages), np.float64)


def _by_identity(values: list[ResolvedValue | None]) -> list[tuple[ResolvedValue | None, I64]]:
    """Each distinct value (by identity) with the positions it is served at."""
    ids = np.array([id(v) for v in values], np.int64)
    out = []
    for i in dict.fromkeys(ids.tolist()):
        at = np.flatnonzero(ids == i)
        out.append((values[int(at[0])], at))
    return out


def guideline_floor(household: Household, at: dt.date, params: ParameterSet) -> dict[str, float]:
    """State guideline rates for social assistance for the household (NOK per month).

    One adult counts as ``single``, two as one ``couple``, each further adult (and each child
    aged 18 or more) as ``shared_housing``; children by age band.
    """
    rates: dict[str, float] = params.value("social_assistance.guideline_rates", at)
    ref = household.reference_date
    out: dict[str, float] = {}
    n_adults = len(household.adults)
    if n_adults == 1:
        out["single"] = float(rates["single"])
    else:
        out["couple"] = float(rates["couple"])
    extra = max(0, n_adults - 2)
    bands = {"child_0_5": 0.0, "child_6_10": 0.0, "child_11_17": 0.0}
    for c in household.children:
        age = _age_years(c, ref, at)
        if age < 0:
            continue
        if age >= _ADULT_AGE:
            extra += 1
        else:
            six, eleven = _CHILD_BAND_ENDS
            key = "child_0_5" if age < six else "child_6_10" if age < eleven else "child_11_17"
            bands[key] += float(rates[key])
    if extra:
        out["shared_housing"] = extra * float(rates["shared_housing"])
    out.update({k: v for k, v in bands.items() if v})
    return out


def living_costs(household: Household, at: dt.date | str, params: ParameterSet) -> LivingCosts:
    """Living costs for the capacity test at ``at`` (see :class:`LivingCosts`)."""
    date = _parse_month(at) if isinstance(at, str) else at
    items = reference_budget(household, date, params)
    replaced: tuple[str, ...] = ()
    own_total: float | None = None
    if household.living_costs is not None:
        for k, v in household.living_costs.items.items():
            items[k] = float(v)
        replaced = tuple(household.living_costs.items)
        if household.living_costs.monthly is not None:
            own_total = float(household.living_costs.monthly)
    ref_total = float(sum(items.values()))
    floor = guideline_floor(household, date, params)
    floor_total = float(sum(floor.values()))
    chosen = own_total if own_total is not None else ref_total
    basis = (
        "household's own figures"
        if own_total is not None
        else (
            "SIFO reference budget with the household's own items"
            if replaced
            else "SIFO reference budget"
        )
    )
    if floor_total > chosen:
        chosen, basis = floor_total, "floor: state guideline rates for social assistance"
    return LivingCosts(
        date, items, ref_total, own_total, floor, floor_total, chosen, basis, replaced
    )


def living_costs_path(household: Household, months: Any, params: ParameterSet) -> pd.DataFrame:
    """``reference_budget``, ``own_figures``, ``floor`` and ``living_costs`` per month."""
    import pandas as pd

    idx, mo = _frame_months(months)
    return pd.DataFrame(living_costs_arrays(household, mo.dates, params), index=idx)


def living_costs_arrays(
    household: Household, months: Sequence[dt.date], params: ParameterSet
) -> dict[str, F64]:
    """:func:`living_costs_path`'s columns as numpy arrays, for first-of-month ``months``.

    Living costs change only when a rule value changes or a person crosses an age the rules
    compare with (a SIFO band, the travel ages, the infant year, the guideline's child bands),
    so :func:`living_costs` is computed once per such stretch of months and repeated (a
    30-year path has a few dozen stretches, not 400 months).
    """
    mo = _Months.of(months)
    sifo = params.along("sifo.reference_budget", mo.dates)
    floor = params.along("social_assistance.guideline_rates", mo.dates)
    ref = household.reference_date
    ages = [_age(birth_date_of(p, ref), mo) / 12.0 for _, p in household.persons()]
    key = np.zeros((len(mo), 2 + len(ages)), np.int64)
    for j, (value, classes) in enumerate(_by_identity(sifo)):
        key[classes, 0] = j
        for k, age in enumerate(ages):
            key[classes, 2 + k] = np.searchsorted(_sifo_ages(value), age[classes], side="right")
    key[:, 1] = [id(v) for v in floor]
    first, group = group_rows(key)
    rows = [living_costs(household, mo.dates[j], params) for j in first]
    rows = [rows[i] for i in group.tolist()]
    return {
        "reference_budget": np.array([r.reference_total for r in rows], np.float64),
        "own_figures": np.array(
            [np.nan if r.own_total is None else r.own_total for r in rows], np.float64
        ),
        "floor": np.array([r.floor_total for r in rows], np.float64),
        "living_costs": np.array([r.total for r in rows], np.float64),
    }


def fixed_costs_path(household: Household, months: Any) -> pd.DataFrame:
    """Existing debt payments and fixed costs per month (NOK)."""
    import pandas as pd

    idx, mo = _frame_months(months)
    return pd.DataFrame(fixed_costs_arrays(household, mo.dates), index=idx)


def fixed_costs_arrays(household: Household, months: Sequence[dt.date]) -> dict[str, F64]:
    """:func:`fixed_costs_path`'s columns as numpy arrays, for first-of-month ``months``."""
    mo = _Months.of(months)
    n = len(mo)
    debts = np.zeros(n)
    for d in household.debts:
        debts += np.where(_active(mo, None, d.end), float(d.monthly_payment), 0.0)
    kinds = {"childcare": np.zeros(n), "child_support": np.zeros(n), "other": np.zeros(n)}
    for c in household.fixed_costs:
        kinds[c.kind] += np.where(_active(mo, c.start, c.end), float(c.monthly), 0.0)
    return {
        "debt_payments": debts,
        "childcare": kinds["childcare"],
        "child_support": kinds["child_support"],
        "other_fixed": kinds["other"],
        "fixed_costs": debts + kinds["childcare"] + kinds["child_support"] + kinds["other"],
    }
