"""Husbanken's grant for municipal rental housing (tilskudd til utleieboliger).

Three rules, each from dated parameters under ``husbanken.rental_grant``:

**Present-value model (grants committed about 2014–2017).** ::

    T = max(0, min(cap · P, P − PV(net rent)))
    net rent (yearly) = 12 · rent_monthly · (1 − vacancy) · (1 − rent_loss) − FDV − admin
    PV(net rent)      = net rent / annuity_factor(r, H, m)

``P`` approved project cost, ``cap`` = ``pv_model_cap`` (40 %), ``r`` the target return,
``H`` the horizon in years, ``m`` terms a year (12: the net rent arrives monthly and is
discounted at ``r/12``; 1: yearly at ``r``). Cash flows fall at the end of each term. Husbanken
deducted vacancy and FDV; rent loss and administration default to 0 and may be added. The
target return and horizon Husbanken used were **not found**: they are the user's inputs and
every result says so. The inverse (the rent a grant ``T`` makes cost-covering) is::

    rent_monthly = ((P − T) · annuity_factor(r, H, m) + FDV + admin) / (12 · (1 − v) · (1 − l))

which is exactly the annuity-method cost-covering rent of :mod:`housingcalc.calc.rent` on the
basis ``P − T`` over a life of ``H`` years at ``r``.

**Per-m² rule (grants committed from 1 Jan 2018).** ``T = rate(group) · min(area, max_area)``,
``rate`` from the group table (``group_rates``) in force at the commitment date, ``max_area`` =
``max_area_m2`` (80 m²). The present-value model applies while no group table is in force; the
per-m² rule from the first table's date.

**Write-down.** After ``k`` full years from payout the part still repayable is
``T · max(0, 1 − rate · k)``, and 0 from the end of the write-down period
``N = round(1 / rate)`` years (20 years at 5 %, 30 years at 3.3 %); the rate is the one in force
at the commitment date (``write_down_rate``). A pre-2018 grant below ``small_grant_writeoff``
(40 000 NOK) is written off at once. On a sale the repayable part is due.

>>> float(per_m2_grant(69, 12_700, 80))    # Drammen, 2023 table: 12 700 × 69
876300.0
>>> round(float(grant_repayable(876_300, 7, 0.033, 30)), 2)   # 876 300 × (1 − 0.033 × 7)
673874.7
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from housingcalc.calc.rent import (
    _fail_first,
    _nonneg,
    _num,
    _out,
    _positive,
    _rate,
    _share,
    _terms,
    annuity_factor,
    source_ref,
)
from housingcalc.errors import InputError, ParameterNotFound
from housingcalc.models.rent import (
    GroupMatch,
    PerM2GrantResult,
    PvGrantResult,
    PvRentResult,
    SaleRepayment,
    WriteDownResult,
    WriteDownTerms,
    WriteDownYear,
)

if TYPE_CHECKING:
    from housingcalc.parameters import ParameterSet, ResolvedValue

__all__ = [
    "GROUP_RATES",
    "MAX_AREA",
    "PV_CAP",
    "SMALL_GRANT",
    "WRITE_DOWN_RATE",
    "PvArrays",
    "completed_years",
    "find_group",
    "grant_repayable",
    "per_m2",
    "per_m2_grant",
    "pv_model",
    "pv_model_grant",
    "pv_model_rent",
    "repayable_on_sale",
    "write_down",
    "write_down_terms",
]

F64 = NDArray[np.float64]

PV_CAP = "husbanken.rental_grant.pv_model_cap"
GROUP_RATES = "husbanken.rental_grant.group_rates"
MAX_AREA = "husbanken.rental_grant.max_area_m2"
WRITE_DOWN_RATE = "husbanken.rental_grant.write_down_rate"
SMALL_GRANT = "husbanken.rental_grant.small_grant_writeoff"

NOT_FOUND_NOTE = (
    "Husbanken's target return and horizon for the present-value model were not found; the "
    "values used here are yours ({r} over {h:g} years, {terms})."
)


# -- present-value model (about 2014–2017) ------------------------------------------------------


def _pv_inputs(target_return: Any, horizon_years: Any, terms_per_year: int) -> tuple[F64, F64, int]:
    r = _num("target_return", target_return)
    _fail_first(
        "target_return", (r < 0) | (r > 1), r, "must be a yearly rate as a fraction between 0 and 1"
    )
    h = _num("horizon_years", horizon_years)
    _fail_first("horizon_years", h <= 0, h, "must be > 0")
    _fail_first("horizon_years", h > 100, h, "must be at most 100 years")
    m = _terms(terms_per_year)
    n = h * m
    _fail_first(
        "horizon_years",
        np.abs(n - np.round(n)) > 1e-9,
        h,
        f"must be a whole number of terms ({m} a year)",
    )
    return r, h, m


@dataclass(frozen=True)
class PvArrays:
    """Present-value model per project (NOK): net rent a year, its PV, grant before/after cap."""

    net_rent_yearly: Any
    pv_net_rent: Any
    uncapped_grant: Any
    cap_amount: Any
    grant: Any


def pv_model_grant(
    cost: Any,
    rent_monthly: Any,
    *,
    target_return: Any,
    horizon_years: Any,
    cap: Any,
    vacancy: Any = 0.0,
    rent_loss: Any = 0.0,
    fdv_yearly: Any = 0.0,
    admin_yearly: Any = 0.0,
    terms_per_year: int = 12,
) -> PvArrays:
    """``T = max(0, min(cap · P, P − PV(net rent)))`` for many projects at once.

    >>> p = pv_model_grant(2_000_000, 8_000, target_return=0.035, horizon_years=40, cap=0.40,
    ...                    vacancy=0.02, fdv_yearly=27_600)
    >>> round(float(p.net_rent_yearly), 2)   # 12 × 8 000 × 0.98 − 27 600
    66480.0
    >>> round(float(p.grant), 2)             # 2 000 000 − 66 480 / 0.04648692
    569920.17
    """
    p = _positive("cost", cost)
    rent = _nonneg("rent_monthly", rent_monthly)
    c = _num("cap", cap)
    _fail_first("cap", (c < 0) | (c > 1), c, "must be a fraction between 0 and 1")
    v = _share("vacancy", vacancy)
    lo = _share("rent_loss", rent_loss)
    fdv = _nonneg("fdv_yearly", fdv_yearly)
    admin = _nonneg("admin_yearly", admin_yearly)
    r, h, m = _pv_inputs(target_return, horizon_years, terms_per_year)
    net = 12.0 * rent * (1.0 - v) * (1.0 - lo) - fdv - admin
    pv = net / np.asarray(annuity_factor(r, h, m), dtype=np.float64)
    uncapped = p - pv
    cap_amount = c * p
    grant = np.maximum(0.0, np.minimum(cap_amount, uncapped))
    return PvArrays(
        net_rent_yearly=_out(np.asarray(net, dtype=np.float64)),
        pv_net_rent=_out(np.asarray(pv, dtype=np.float64)),
        uncapped_grant=_out(np.asarray(uncapped, dtype=np.float64)),
        cap_amount=_out(np.asarray(cap_amount, dtype=np.float64)),
        grant=_out(np.asarray(grant, dtype=np.float64)),
    )


def pv_model_rent(
    cost: Any,
    grant: Any,
    *,
    target_return: Any,
    horizon_years: Any,
    vacancy: Any = 0.0,
    rent_loss: Any = 0.0,
    fdv_yearly: Any = 0.0,
    admin_yearly: Any = 0.0,
    terms_per_year: int = 12,
) -> Any:
    """Monthly rent that a grant ``T`` makes cost-covering under the present-value model.

    The inverse of :func:`pv_model_grant` below the cap: ``P − PV(net rent) = T``.

    >>> round(float(pv_model_rent(2_000_000, 740_000, target_return=0.035, horizon_years=40,
    ...                           fdv_yearly=27_600)), 2)   # = annuity rent on 1 260 000
    7181.13
    """
    p = _positive("cost", cost)
    g = _nonneg("grant", grant)
    _fail_first(
        "grant", g > p, np.broadcast_to(g, np.broadcast(g, p).shape), "must not exceed the cost"
    )
    v = _share("vacancy", vacancy)
    lo = _share("rent_loss", rent_loss)
    fdv = _nonneg("fdv_yearly", fdv_yearly)
    admin = _nonneg("admin_yearly", admin_yearly)
    r, h, m = _pv_inputs(target_return, horizon_years, terms_per_year)
    net = (p - g) * np.asarray(annuity_factor(r, h, m), dtype=np.float64)
    return _out(np.asarray((net + fdv + admin) / (12.0 * (1.0 - v) * (1.0 - lo)), dtype=np.float64))


def _per_m2_start(params: ParameterSet, committed: dt.date) -> ResolvedValue | None:
    """The per-m² group table in force at ``committed``, or None before the first one."""
    try:
        return params.get(GROUP_RATES, committed)
    except ParameterNotFound:
        return None


def per_m2_rule_start(params: ParameterSet) -> dt.date:
    """The date the per-m² rule (and its 3.3 % write-down) took over from the present-value
    model: the effective date of the first per-m² group table (1 Jan 2018).

    >>> from housingcalc.parameters import load_parameters
    >>> per_m2_rule_start(load_parameters()).isoformat()
    '2018-01-01'
    """
    return params.series(GROUP_RATES).dates[0]


def pv_model(
    params: ParameterSet,
    committed: dt.date,
    *,
    cost: float,
    area_m2: float,
    fdv_per_m2: float,
    target_return: float,
    horizon_years: float,
    rent_monthly: float | None = None,
    grant: float | None = None,
    vacancy: float = 0.0,
    rent_loss: float = 0.0,
    admin_yearly: float = 0.0,
    terms_per_year: int = 12,
) -> PvGrantResult | PvRentResult:
    """The 2014–2017 present-value model for one project: the grant for a rent (``rent_monthly``)
    or the rent a grant makes cost-covering (``grant``). Give exactly one of them.

    ``committed`` must fall before the first per-m² table (1 Jan 2018); the cap is read there.
    FDV is ``fdv_per_m2 · area_m2`` a year.
    """
    if (rent_monthly is None) == (grant is None):
        raise InputError(
            "rent",
            rent_monthly,
            "give either the monthly rent (to get the grant) or the grant (to get the rent)",
        )
    table = _per_m2_start(params, committed)
    if table is not None:
        raise InputError(
            "committed",
            committed.isoformat(),
            f"the present-value model applies to grants committed before "
            f"{_first_table_date(params)}; from then the per-m² rule applies (grant per-m2)",
        )
    cap_rv = params.get(PV_CAP, committed)
    cap = float(cap_rv.value)
    area = float(_positive("area_m2", area_m2))
    fdv = float(_nonneg("fdv_per_m2", fdv_per_m2)) * area
    terms = "monthly" if terms_per_year == 12 else f"{terms_per_year} terms a year"
    r_text = f"{float(target_return) * 100:.2f} %"
    notes = [NOT_FOUND_NOTE.format(r=r_text, h=float(horizon_years), terms=terms)]
    if cap_rv.confidence != "confirmed" and cap_rv.notes:
        notes.append(f"{cap_rv.name}: {cap_rv.notes}")
    sources = [source_ref(cap_rv)]
    common: dict[str, Any] = {
        "committed": committed,
        "cost": float(cost),
        "vacancy": float(vacancy),
        "rent_loss": float(rent_loss),
        "fdv_yearly": round(fdv, 2),
        "admin_yearly": float(admin_yearly),
        "target_return": float(target_return),
        "horizon_years": float(horizon_years),
        "terms_per_year": terms_per_year,
        "notes": notes,
        "sources": sources,
    }
    if rent_monthly is not None:
        a = pv_model_grant(
            cost,
            rent_monthly,
            target_return=target_return,
            horizon_years=horizon_years,
            cap=cap,
            vacancy=vacancy,
            rent_loss=rent_loss,
            fdv_yearly=fdv,
            admin_yearly=admin_yearly,
            terms_per_year=terms_per_year,
        )
        grant_value = round(float(a.grant), 2)
        return PvGrantResult(
            **common,
            rent_monthly=float(rent_monthly),
            net_rent_yearly=round(float(a.net_rent_yearly), 2),
            pv_net_rent=round(float(a.pv_net_rent), 2),
            uncapped_grant=round(float(a.uncapped_grant), 2),
            cap=cap,
            cap_amount=round(float(a.cap_amount), 2),
            grant=grant_value,
            grant_share=grant_value / float(cost),
            capped=bool(float(a.uncapped_grant) > float(a.cap_amount)),
        )
    assert grant is not None
    monthly = float(
        pv_model_rent(
            cost,
            grant,
            target_return=target_return,
            horizon_years=horizon_years,
            vacancy=vacancy,
            rent_loss=rent_loss,
            fdv_yearly=fdv,
            admin_yearly=admin_yearly,
            terms_per_year=terms_per_year,
        )
    )
    above = float(grant) > cap * float(cost) + 0.005
    if above:
        notes.append(
            f"the grant is above the cap of {cap:.0%} of project cost "
            f"({cap * float(cost):,.0f} NOK); Husbanken would not have given it".replace(",", " ")
        )
    net = (float(cost) - float(grant)) * float(
        annuity_factor(target_return, horizon_years, terms_per_year)
    )
    return PvRentResult(
        **common,
        grant=float(grant),
        grant_share=float(grant) / float(cost),
        cap=cap,
        above_cap=above,
        net_rent_yearly=round(net, 2),
        yearly_rent=round(monthly * 12.0, 2),
        monthly_rent=round(monthly, 2),
    )


def _first_table_date(params: ParameterSet) -> str:
    return params.series(GROUP_RATES).dates[0].isoformat()


# -- per-m² rule (from 2018) --------------------------------------------------------------------


def per_m2_grant(area_m2: Any, rate_per_m2: Any, max_area_m2: Any) -> Any:
    """``rate_per_m2 · min(area, max_area)`` for many units at once.

    >>> per_m2_grant([60, 80, 95], 10_500, 80).tolist()   # 2018 table, group 3
    [630000.0, 840000.0, 840000.0]
    """
    area = _positive("area_m2", area_m2)
    rate = _nonneg("rate_per_m2", rate_per_m2)
    cap = _positive("max_area_m2", max_area_m2)
    return _out(np.asarray(rate * np.minimum(area, cap), dtype=np.float64))


_ALLOWED_PUNCT = set(" -'’.()–")


def _fold(name: str) -> str:
    """Compare municipality names without case, accents of ASCII spellings, or 'kommune'."""
    s = unicodedata.normalize("NFC", name).casefold().strip()
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"\s+(kommune|kommun)$", "", s)
    s = (
        s.replace("æ", "ae")
        .replace("ø", "o")
        .replace("ö", "o")
        .replace("å", "a")
        .replace("aa", "a")
    )
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if not unicodedata.combining(ch))


def _base(folded: str) -> str:
    return re.sub(r"\s*\(.*\)\s*$", "", folded).strip()


def _distance(a: str, b: str) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment)."""
    if abs(len(a) - len(b)) > 2:
        return 3
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def _looks_misspelled(user: str, listed: str) -> bool:
    d = _distance(user, listed)
    return (d == 1 and len(listed) >= 3) or (d == 2 and min(len(user), len(listed)) >= 8)


def _groups(table: Any) -> dict[str, dict[str, Any]]:
    groups = table.get("groups") if isinstance(table, dict) else None
    if not isinstance(groups, dict) or not groups:
        raise InputError(
            GROUP_RATES, "(table)", "expected {groups: {id: {name, rate_per_m2, municipalities}}}"
        )
    return groups


def _group_rate(g: dict[str, Any], gid: str, name: str | None, table_label: str) -> float:
    """A group's rate; ``null`` in the table means the source did not give it: refused."""
    if g.get("rate_per_m2") is None:
        raise InputError(
            "municipality" if name is not None else "group",
            name if name is not None else gid,
            f"falls in {g.get('name', gid)!r} of {table_label}, whose rate per m² is not "
            f"packaged (not found in the source); give the rate with --params ({GROUP_RATES})",
        )
    return float(g["rate_per_m2"])


def find_group(
    table: Any,
    *,
    municipality: str | None = None,
    group: str | None = None,
    unlisted: bool = False,
    table_label: str = "the table",
) -> GroupMatch:
    """The group of a per-m² rate table that applies to a municipality, or the group named.

    Rules (documented in ``docs/rent-and-grants.md``):

    * ``group``: a group id of the table (``group_3``, or just ``3``, or ``other``); an unknown
      id is an error that lists the table's groups.
    * ``municipality``: matched without regard to case, a trailing "kommune", or ASCII spellings
      (Baerum, Tromso, Alesund). A name in a group's list → that group. A name listed in no group
      → the default group (the one with an empty list), *unless* it looks like a misspelling of
      a listed name (one edit or swap away; two for long names), which is an error suggesting
      the listed name; pass ``unlisted=True`` to confirm a different municipality. A bare name
      that the table lists only with a qualifier ("Nes" vs "Nes (Akershus)") is an error. An
      empty name or one with digits or symbols is an error.
    """
    groups = _groups(table)
    default = [gid for gid, g in groups.items() if not g.get("municipalities")]
    if len(default) != 1:
        raise InputError(
            GROUP_RATES, "(table)", "needs exactly one default group (empty municipality list)"
        )
    default_id = default[0]

    def match(gid: str, how: str, name: str | None) -> GroupMatch:
        g = groups[gid]
        return GroupMatch(
            group_id=gid,
            group_name=str(g.get("name", gid)),
            rate_per_m2=_group_rate(g, gid, name, table_label),
            municipality=name,
            matched=how,
        )

    if (municipality is None) == (group is None):
        raise InputError("municipality", municipality, "give either a municipality or a group")
    if group is not None:
        gid = group.strip()
        candidates = {gid, f"group_{gid}", gid.casefold()}
        for known in groups:
            if known in candidates or known.casefold() in candidates:
                return match(known, "group", None)
        raise InputError(
            "group", group, f"not a group of {table_label}; groups: {', '.join(groups)}"
        )
    assert municipality is not None
    name = " ".join(municipality.split())
    if not name:
        raise InputError("municipality", municipality, "is empty")
    if any(ch.isdigit() for ch in name) or not all(
        ch.isalpha() or ch in _ALLOWED_PUNCT for ch in name
    ):
        raise InputError(
            "municipality",
            municipality,
            "must be a municipality name (letters); to name a group use --group (e.g. group_3)",
        )
    folded = _fold(name)
    listed: dict[str, tuple[str, str]] = {}
    for gid, g in groups.items():
        for m in g.get("municipalities") or []:
            listed[_fold(str(m))] = (gid, str(m))
    if folded in listed:
        gid, _shown = listed[folded]
        return match(gid, "listed", name)
    if unlisted:
        return match(default_id, "default", name)
    qualified = [shown for f, (_gid, shown) in listed.items() if _base(f) == folded and f != folded]
    if qualified:
        raise InputError(
            "municipality",
            municipality,
            f"{table_label} lists {', '.join(repr(q) for q in qualified)}; write the name as "
            "listed, or confirm another municipality of that name with --unlisted "
            f"(group {default_id!r})",
        )
    near = sorted(
        (shown, gid)
        for f, (gid, shown) in listed.items()
        if _base(f) != _base(folded) and _looks_misspelled(_base(folded), _base(f))
    )
    if near:
        shown, gid = near[0]
        raise InputError(
            "municipality",
            municipality,
            f"not in {table_label}, but close to {shown!r} ({gid}); correct the name, or confirm "
            f"that it is another municipality with --unlisted (it then falls in {default_id!r})",
        )
    return match(default_id, "default", name)


def per_m2(
    params: ParameterSet,
    committed: dt.date,
    *,
    area_m2: float,
    municipality: str | None = None,
    group: str | None = None,
    unlisted: bool = False,
) -> PerM2GrantResult:
    """The per-m² grant for one unit committed on ``committed`` (see :func:`find_group`)."""
    table_rv = _per_m2_start(params, committed)
    if table_rv is None:
        raise InputError(
            "committed",
            committed.isoformat(),
            f"the per-m² rule applies to grants committed from {_first_table_date(params)}; "
            "before that use the present-value model (grant pv-model)",
        )
    area_rv = params.get(MAX_AREA, committed)
    label = f"the {table_rv.effective.isoformat()} table"
    g = find_group(
        table_rv.value, municipality=municipality, group=group, unlisted=unlisted, table_label=label
    )
    area = float(_positive("area_m2", area_m2))
    max_area = float(area_rv.value)
    grant = float(per_m2_grant(area, g.rate_per_m2, max_area))
    notes = []
    if g.matched == "default":
        notes.append(
            f"{g.municipality} is not listed in {label}, "
            f"so the default group {g.group_id!r} applies"
        )
    for rv in (table_rv, area_rv):
        if rv.confidence != "confirmed" and rv.notes:
            notes.append(f"{rv.name} ({rv.effective.isoformat()}): {rv.notes}")
    return PerM2GrantResult(
        committed=committed,
        table_effective=table_rv.effective,
        group=g,
        area_m2=area,
        max_area_m2=max_area,
        counted_area_m2=min(area, max_area),
        grant=round(grant, 2),
        max_grant=round(g.rate_per_m2 * max_area, 2),
        notes=notes,
        sources=[source_ref(table_rv), source_ref(area_rv)],
    )


# -- write-down --------------------------------------------------------------------------------


def _dates(name: str, value: Any) -> NDArray[np.datetime64]:
    try:
        return np.asarray(value, dtype="datetime64[D]")
    except (TypeError, ValueError):
        raise InputError(name, value, "must be a date (YYYY-MM-DD)") from None


def completed_years(start: Any, end: Any) -> Any:
    """Full years from ``start`` to ``end`` (anniversaries passed), for many dates at once.

    A year is complete on the anniversary (a 29 Feb start completes on 1 Mar in other years).

    >>> int(completed_years("2018-03-15", "2025-03-14"))
    6
    >>> int(completed_years("2018-03-15", "2025-03-15"))
    7
    """
    s = _dates("start", start)
    e = _dates("end", end)
    _fail_first(
        "end",
        e < s,
        np.broadcast_to(e, np.broadcast(s, e).shape).astype(str),
        "must not be before the start date",
    )

    def ymd(d: NDArray[np.datetime64]) -> tuple[Any, Any]:
        y = d.astype("datetime64[Y]").astype(np.int64) + 1970
        month_start = d.astype("datetime64[M]")
        m = month_start.astype(np.int64) % 12 + 1
        day = (d - month_start.astype("datetime64[D]")).astype(np.int64) + 1
        return y, m * 100 + day

    ys, mds = ymd(s)
    ye, mde = ymd(e)
    years = ye - ys - (mde < mds).astype(np.int64)
    out = np.asarray(years, dtype=np.int64)
    return out[()] if out.ndim == 0 else out


def grant_repayable(
    grant: Any,
    years: Any,
    rate: Any,
    period_years: Any,
    small_grant_threshold: Any = 0.0,
) -> Any:
    """Part of a grant still repayable after ``years`` full years from payout.

    ``grant · max(0, 1 − rate · years)``, 0 once ``years ≥ period_years``, and 0 at once for a
    grant below ``small_grant_threshold``. Non-increasing in ``years``.
    """
    g = _nonneg("grant", grant)
    k = _num("years", years)
    _fail_first("years", (k < 0) | (k != np.round(k)), k, "must be a whole number ≥ 0")
    r = _rate("rate", rate)
    period = _num("period_years", period_years)
    _fail_first("period_years", period <= 0, period, "must be > 0")
    small = _nonneg("small_grant_threshold", small_grant_threshold)
    left = np.where(k >= period, 0.0, np.maximum(0.0, 1.0 - r * k))
    out = np.where(g < small, 0.0, g * left)
    return _out(np.asarray(out, dtype=np.float64))


def write_down_terms(params: ParameterSet, committed: dt.date) -> WriteDownTerms:
    """The write-down rule fixed by the commitment date: rate, period, small-grant threshold.

    ``pre2018`` while no per-m² table is in force (5 %, 20 years, grants below 40 000 written off
    at once), ``2018`` from the first table (3.3 %, 30 years, no small-grant rule).
    """
    rate_rv = params.get(WRITE_DOWN_RATE, committed)
    rate = float(rate_rv.value)
    if rate <= 0:
        raise InputError(WRITE_DOWN_RATE, rate, "must be > 0")
    sources = [source_ref(rate_rv)]
    if _per_m2_start(params, committed) is None:
        small_rv = params.get(SMALL_GRANT, committed)
        sources.append(source_ref(small_rv))
        rule, small = "pre2018", float(small_rv.value)
    else:
        rule, small = "2018", 0.0
    return WriteDownTerms(
        committed=committed,
        rule=rule,
        rate=rate,
        period_years=round(1.0 / rate),
        small_grant_threshold=small,
        sources=sources,
    )


def repayable_on_sale(grant: Any, paid_out: Any, sold: Any, terms: WriteDownTerms) -> Any:
    """Grant due for repayment on a sale on ``sold`` (vectorised over grants and dates)."""
    years = completed_years(paid_out, sold)
    return grant_repayable(
        grant, years, terms.rate, terms.period_years, terms.small_grant_threshold
    )


def _anniversary(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 Feb → 1 Mar
        return dt.date(d.year + years, 3, 1)


def write_down(
    params: ParameterSet,
    *,
    grant: float,
    committed: dt.date,
    paid_out: dt.date | None = None,
    sold: dt.date | None = None,
) -> WriteDownResult:
    """A grant's yearly write-down schedule, and the repayment due on a sale on ``sold``."""
    g = float(_nonneg("grant", grant))
    paid = paid_out or committed
    if paid < committed:
        raise InputError(
            "paid_out",
            paid.isoformat(),
            f"must not be before the commitment date {committed.isoformat()}",
        )
    terms = write_down_terms(params, committed)
    at_once = g < terms.small_grant_threshold
    schedule = []
    for k in range(terms.period_years + 1):
        rep = round(
            float(
                grant_repayable(g, k, terms.rate, terms.period_years, terms.small_grant_threshold)
            ),
            2,
        )
        schedule.append(
            WriteDownYear(
                years=k, date=_anniversary(paid, k), written_down=round(g - rep, 2), repayable=rep
            )
        )
    sale = None
    if sold is not None:
        if sold < paid:
            raise InputError(
                "sold", sold.isoformat(), f"must not be before the payout date {paid.isoformat()}"
            )
        k = int(completed_years(paid, sold))
        rep = round(
            float(
                grant_repayable(g, k, terms.rate, terms.period_years, terms.small_grant_threshold)
            ),
            2,
        )
        sale = SaleRepayment(sold=sold, full_years=k, written_down=round(g - rep, 2), repayable=rep)
    notes = []
    if at_once:
        threshold = f"{terms.small_grant_threshold:,.0f}".replace(",", " ")
        notes.append(f"a {terms.rule} grant below {threshold} NOK is written off at once")
    if terms.rule == "2018":
        covered = terms.rate * terms.period_years
        notes.append(
            f"{terms.rate:.1%} × {terms.period_years} years = {covered:.0%}: the rest is taken as "
            "written off at the end of the period; how Husbanken rounds the last year was not "
            "confirmed"
        )
    return WriteDownResult(
        grant=g,
        paid_out=paid,
        terms=terms,
        written_off_at_once=at_once,
        schedule=schedule,
        sale=sale,
        notes=notes,
    )
