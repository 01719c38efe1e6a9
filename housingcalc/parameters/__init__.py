"""Dated, sourced rule values.

Every rule value housingcalc uses lives in a YAML file under ``parameters/data/`` with its
effective date, unit, reference and last-verified date. ``load_parameters()`` reads and validates
them all; ``ParameterSet.get(name, at)`` returns the value in force at a date, and records the
read so a report can list the source of every parameter it used.

>>> ps = load_parameters()
>>> ps.value("nav.grunnbelop", "2025-06-01")
130160
>>> ps.get("nav.grunnbelop", "2025-04-30").effective.isoformat()
'2024-05-01'
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from housingcalc.errors import ParameterNotFound
from housingcalc.parameters.loader import read_folder, read_packaged
from housingcalc.parameters.schema import Confidence, DatedValueIn, ParameterFile, Reference

__all__ = [
    "ParameterSet",
    "ParameterView",
    "ResolvedValue",
    "Series",
    "StaleValue",
    "load_parameters",
]


@dataclass(frozen=True)
class ResolvedValue:
    """One value in force, with everything needed to cite it."""

    name: str
    value: Any
    effective: dt.date
    unit: str
    label_nb: str
    label_en: str
    references: tuple[Reference, ...]
    last_verified: dt.date
    confidence: Confidence
    notes: str | None
    origin: str
    #: the date a newer value would normally apply (None: the series has no regular cadence)
    expected_update: dt.date | None = None
    #: the series' cadence in words ("yearly on 1 May")
    cadence: str | None = None
    #: set by ``ParameterSet.used()``: read at or after ``expected_update`` (probably stale)
    stale: bool = False

    @property
    def source(self) -> str:
        """``title <url>`` of each reference, joined by ``; ``."""
        return "; ".join(f"{r.title} <{r.href}>" for r in self.references)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "effective": self.effective.isoformat(),
            "unit": self.unit,
            "label": {"nb": self.label_nb, "en": self.label_en},
            "references": [{"title": r.title, "href": str(r.href)} for r in self.references],
            "last_verified": self.last_verified.isoformat(),
            "confidence": self.confidence,
            "notes": self.notes,
            "origin": self.origin,
            "cadence": self.cadence,
            "expected_update": self.expected_update.isoformat() if self.expected_update else None,
            "stale": self.stale,
        }


@dataclass(frozen=True)
class StaleValue:
    """A value used although a newer one would normally exist by then."""

    series: str
    label_en: str
    label_nb: str
    value: Any
    unit: str
    in_force_since: dt.date
    expected_update: dt.date
    cadence: str
    read_at: dt.date

    def as_dict(self) -> dict[str, Any]:
        return {
            "series": self.series,
            "value": self.value,
            "unit": self.unit,
            "in_force_since": self.in_force_since.isoformat(),
            "expected_update": self.expected_update.isoformat(),
            "cadence": self.cadence,
        }

    def message(self) -> str:
        """One line for a terminal: what is used and why it may be out of date."""
        return (
            f"{self.series}: using {_short_value(self.value)} {self.unit} in force since "
            f"{self.in_force_since.isoformat()}; a newer value normally applies from "
            f"{self.expected_update.isoformat()} ({self.cadence}); check it and override it with "
            "--params"
        )


def _short_value(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(list(map(str, value))[:3]) + (", …}" if len(value) > 3 else "}")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class Series:
    """A whole parameter series (for lookups at many dates at once)."""

    name: str
    file: ParameterFile
    origin: str

    def resolve(self, item: DatedValueIn) -> ResolvedValue:
        f = self.file
        refs = tuple(item.reference or f.reference or ())
        verified = item.last_verified or f.last_verified
        assert verified is not None  # guaranteed by the schema
        return ResolvedValue(
            name=self.name,
            value=item.value,
            effective=item.effective,
            unit=f.unit,
            label_nb=f.label.nb,
            label_en=f.label.en,
            references=refs,
            last_verified=verified,
            confidence=item.confidence or f.confidence,
            notes=item.notes or f.notes,
            origin=self.origin,
            expected_update=self.expected_update(item),
            cadence=f.cadence.text if f.cadence else None,
        )

    def expected_update(self, item: DatedValueIn) -> dt.date | None:
        """When a newer value than ``item`` would normally apply, if the series has a cadence
        and ``item`` is its latest value (an older value has a known successor)."""
        f = self.file
        if f.cadence is None or item is not f.values[-1]:
            return None
        base = item.effective
        if f.checked_through is not None and f.checked_through > base:
            base = f.checked_through
        return f.cadence.next_after(base)

    @property
    def dates(self) -> list[dt.date]:
        return [v.effective for v in self.file.values]

    # The file is frozen (pydantic ``frozen=True``), so its dates and resolved values are
    # computed once per series and shared by every ``ParameterSet`` built on it (issue 12 §7:
    # one run reads ~19 000 values; building a ``ResolvedValue`` for each was most of it).
    @cached_property
    def _dates(self) -> tuple[dt.date, ...]:
        return tuple(v.effective for v in self.file.values)

    @cached_property
    def _ordinals(self) -> Any:
        import numpy as np

        return np.array([d.toordinal() for d in self._dates], np.int64)

    @cached_property
    def _resolved_or_none(self) -> Any:
        """The resolved values and a trailing ``None``, as a numpy object array."""
        import numpy as np

        out = np.empty(len(self._resolved) + 1, dtype=object)
        out[:-1] = self._resolved
        return out

    @cached_property
    def _resolved(self) -> tuple[ResolvedValue, ...]:
        return tuple(self.resolve(v) for v in self.file.values)

    def all(self) -> list[ResolvedValue]:
        return list(self._resolved)

    def at(self, date: dt.date) -> ResolvedValue:
        # the value with the latest effective date on or before ``date`` (dates are ascending
        # and unique: the schema checks it)
        i = bisect_right(self._dates, date)
        if i == 0:
            first = self.file.values[0].effective
            raise ParameterNotFound(
                f"{self.name}: no value in force at {date.isoformat()} "
                f"(the first value is from {first.isoformat()})"
            )
        return self._resolved[i - 1]


def _as_date(at: dt.date | str) -> dt.date:
    if isinstance(at, dt.datetime):
        return at.date()
    if isinstance(at, dt.date):
        return at
    try:
        return dt.date.fromisoformat(at)
    except ValueError:
        raise ParameterNotFound(f"date {at!r} is not an ISO date (YYYY-MM-DD)") from None


_ABSENT: Any = object()


class DatePath(tuple[dt.date, ...]):
    """Dates of a path (e.g. every month of a rent-to-own timeline) whose ordinals are
    computed once, however many series :meth:`ParameterSet.along` reads along it."""

    @cached_property
    def ordinals(self) -> Any:
        import numpy as np

        return np.fromiter((d.toordinal() for d in self), np.int64, len(self))


class ParameterSet:
    """All parameter series, packaged plus any user overrides, with a record of reads."""

    def __init__(
        self,
        series: dict[str, Series],
        *,
        as_of: dt.date | None = None,
        _log: dict[tuple[str, dt.date], dt.date | None] | None = None,
        _memo: dict[tuple[str, object], tuple[str, dt.date, ResolvedValue]] | None = None,
    ) -> None:
        self._series = dict(sorted(series.items()))
        self._used: dict[tuple[str, dt.date], ResolvedValue] = {}
        # (name as asked, date as given) → (full name, date, value): a run reads the same few
        # values for every month of a path (issue 12 §7: ~18 000 reads for one `housingcalc run`)
        # values only, no trace: shared with every ``fresh()`` copy (the server makes one per
        # request), so a warm server resolves no name or date twice
        self._memo: dict[tuple[str, object], tuple[str, dt.date, ResolvedValue]] = (
            {} if _memo is None else _memo
        )
        #: latest date each value was read at (None: read as a whole series)
        self._read_at: dict[tuple[str, dt.date], dt.date | None] = {}
        #: the same, shared with every ``fresh()`` copy (the CLI warns from it)
        self._log: dict[tuple[str, dt.date], dt.date | None] = {} if _log is None else _log
        #: today, for staleness: a value read at a later date is judged as at ``as_of``
        self.as_of = as_of

    def _note_read(self, key: tuple[str, dt.date], at: dt.date | None) -> None:
        # on the path of every lookup: one dict probe per log, no ``max`` call
        for log in (self._read_at, self._log):
            old = log.get(key, _ABSENT)
            if old is _ABSENT or (old is not None and (at is None or at > old)):
                log[key] = at

    # -- lookup -----------------------------------------------------------------------------
    def names(self) -> list[str]:
        return list(self._series)

    def resolve_name(self, name: str) -> str:
        """Accept a full dotted name or a unique last component (``grunnbelop``)."""
        if name in self._series:
            return name
        matches = [
            n for n in self._series if n.rsplit(".", 1)[-1] == name or n.endswith("." + name)
        ]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ParameterNotFound(f"no parameter named {name!r} (see `housingcalc params list`)")
        raise ParameterNotFound(f"parameter name {name!r} is ambiguous: {', '.join(matches)}")

    def series(self, name: str) -> Series:
        full = self.resolve_name(name)
        s = self._series[full]
        for v in s.all():
            self._used.setdefault((full, v.effective), v)
        # a whole-series read (lookups at many dates) can only be stale in its latest value
        self._note_read((full, s.file.values[-1].effective), None)
        return s

    def series_file(self, name: str) -> ParameterFile:
        """A series' file (metadata and values) without recording a read."""
        return self._series[self.resolve_name(name)].file

    def get(self, name: str, at: dt.date | str) -> ResolvedValue:
        hit = self._memo.get((name, at))
        if hit is None:
            full = self.resolve_name(name)
            date = _as_date(at)
            hit = self._memo[(name, at)] = (full, date, self._series[full].at(date))
        full, date, resolved = hit
        key = (full, resolved.effective)
        if key not in self._used:
            self._used[key] = resolved
        self._note_read(key, date)
        return resolved

    def along(
        self,
        name: str,
        dates: Sequence[dt.date],
        only: Iterable[int] | None = None,
        *,
        strict: bool = True,
    ) -> list[ResolvedValue | None]:
        """The value in force at each of ``dates`` (``None`` at positions not in ``only``, and,
        with ``strict=False``, before the series' first value; else that raises).

        The same values and the same trace as :meth:`get` at each date, for a path of months
        at once: one name lookup, one vectorised search, and one trace entry per value served
        (with the latest date it was read at).
        """
        import numpy as np

        full = self.resolve_name(name)
        series = self._series[full]
        ords = (dates if isinstance(dates, DatePath) else DatePath(dates)).ordinals
        at = np.arange(len(dates)) if only is None else np.fromiter(only, np.int64)
        k = np.searchsorted(series._ordinals, ords[at], side="right")  # values in force by then
        if strict and not k.all():
            series.at(dates[int(at[np.argmin(k)])])  # raises ParameterNotFound (its message)
        resolved = series._resolved
        served = np.full(len(dates), None, dtype=object)
        served[at] = series._resolved_or_none[k - 1]  # k = 0 → the trailing None
        out: list[ResolvedValue | None] = served.tolist()
        for i in (np.flatnonzero(np.bincount(k)[1:]) + 1).tolist():  # the values served
            v = resolved[i - 1]
            key = (full, v.effective)
            if key not in self._used:
                self._used[key] = v
            self._note_read(key, dt.date.fromordinal(int(ords[at][k == i].max())))
        return out

    def value(self, name: str, at: dt.date | str) -> Any:
        return self.get(name, at).value

    def number(self, name: str, at: dt.date | str) -> float:
        v = self.get(name, at)
        if isinstance(v.value, bool) or not isinstance(v.value, (int, float)):
            raise ParameterNotFound(f"{v.name}: value at {v.effective} is not a number")
        return float(v.value)

    def at(self, date: dt.date | str) -> ParameterView:
        return ParameterView(self, _as_date(date))

    # -- tracing ----------------------------------------------------------------------------
    def used(self) -> list[ResolvedValue]:
        """Every value read since creation (or the last ``reset_trace``), sorted by name;
        a value that ``stale()`` lists is marked ``stale=True``."""
        from dataclasses import replace

        stale = {(v.series, v.in_force_since) for v in self.stale()}
        return [
            replace(self._used[k], stale=True) if k in stale else self._used[k]
            for k in sorted(self._used)
        ]

    def reset_trace(self) -> None:
        self._used.clear()
        self._read_at.clear()

    def fresh(self) -> ParameterSet:
        """The same values with an empty trace (for one report)."""
        return ParameterSet(self._series, as_of=self.as_of, _log=self._log, _memo=self._memo)

    # -- staleness --------------------------------------------------------------------------
    def stale(self, *, everything: bool = False) -> list[StaleValue]:
        """The values this set served that are probably out of date, one per series.

        A value is stale when the date it was read at (capped at ``as_of``, today, so that a
        projection into the future is judged by what should be known today) is on or after
        the date a newer value would normally apply (its series' cadence, counted from the
        value's date or the series' ``checked_through``). A read of a whole series counts as
        a read at ``as_of``. ``everything``: all reads since the set was loaded, including
        those of ``fresh()`` copies (what the CLI warns about).
        """
        log = self._log if everything else self._read_at
        found: dict[str, StaleValue] = {}
        for (name, effective), at in sorted(log.items()):
            when = at if at is not None else self.as_of
            if when is None:
                continue
            if self.as_of is not None and when > self.as_of:
                when = self.as_of
            v = self._series[name].at(effective)
            if v.expected_update is None or when < v.expected_update:
                continue
            old = found.get(name)
            if old is None or old.in_force_since <= v.effective:
                found[name] = StaleValue(
                    series=name,
                    label_en=v.label_en,
                    label_nb=v.label_nb,
                    value=v.value,
                    unit=v.unit,
                    in_force_since=v.effective,
                    expected_update=v.expected_update,
                    cadence=v.cadence or "",
                    read_at=when,
                )
        return [found[k] for k in sorted(found)]

    def check(self, at: dt.date) -> list[dict[str, Any]]:
        """Every series' latest value and whether it is stale at ``at`` (``params check``)."""
        rows = []
        for name, s in self._series.items():
            latest = s.resolve(s.file.values[-1])
            due = latest.expected_update
            rows.append(
                {
                    "name": name,
                    "value": latest.value,
                    "unit": latest.unit,
                    "effective": latest.effective.isoformat(),
                    "cadence": latest.cadence or "not declared",
                    "checked_through": (
                        s.file.checked_through.isoformat() if s.file.checked_through else None
                    ),
                    "expected_update": due.isoformat() if due else None,
                    "stale": bool(due is not None and at >= due),
                    "last_verified": latest.last_verified.isoformat(),
                    "origin": latest.origin,
                }
            )
        return rows


@dataclass(frozen=True)
class ParameterView:
    """A parameter set read as at one date."""

    params: ParameterSet
    date: dt.date

    def get(self, name: str) -> ResolvedValue:
        return self.params.get(name, self.date)

    def value(self, name: str) -> Any:
        return self.params.value(name, self.date)

    def number(self, name: str) -> float:
        return self.params.number(name, self.date)


def _merge(base: Series, override: Series) -> Series:
    """User values replace packaged values at the same date and add new dates."""
    by_date = {v.effective: v for v in base.file.values}
    for v in override.file.values:
        # a user's value inherits the user's series metadata, not the packaged one
        by_date[v.effective] = v.model_copy(
            update={
                "reference": v.reference or override.file.reference,
                "last_verified": v.last_verified or override.file.last_verified,
                "confidence": v.confidence or override.file.confidence,
                "notes": v.notes or override.file.notes or f"user override from {override.origin}",
            }
        )
    merged = base.file.model_copy(update={"values": [by_date[d] for d in sorted(by_date)]})
    return Series(base.name, merged, f"{base.origin} + {override.origin}")


@lru_cache(maxsize=1)
def _packaged() -> dict[str, Series]:
    return {name: Series(name, f, origin) for name, (f, origin) in read_packaged().items()}


def load_parameters(
    user_dir: Path | str | None = None, *, as_of: dt.date | None = None
) -> ParameterSet:
    """Load the packaged parameters, merged with a user's folder if given.

    A user file with the same relative path as a packaged one adds or replaces dated values;
    a file with a new path adds a new parameter.
    """
    series = dict(_packaged())
    if user_dir is not None:
        packaged_files = {name: s.file for name, s in series.items()}
        for name, (f, origin) in read_folder(Path(user_dir), packaged_files).items():
            user = Series(name, f, origin)
            series[name] = _merge(series[name], user) if name in series else user
    return ParameterSet(series, as_of=as_of)
