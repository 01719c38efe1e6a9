"""The schema of a parameter file: one dated value series per file.

A file ``data/husbanken/startlan/stress_rate.yaml`` holds the series named
``husbanken.startlan.stress_rate``. See ``docs/parameters.md`` for the format.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

Confidence = Literal["confirmed", "likely", "unconfirmed"]

#: Units a parameter may declare. Rates and shares are fractions (0.025 = 2.5 %).
UNITS = (
    "NOK",
    "NOK/year",
    "NOK/month",
    "NOK/m2",
    "NOK/m2/year",
    "NOK/document",
    "fraction",
    "fraction/year",
    "factor",
    "years",
    "months",
    "m2",
    "count",
    "index",
    "table",
)


class Reference(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Annotated[str, Field(min_length=3)]
    href: HttpUrl


class Label(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    nb: Annotated[str, Field(min_length=1)]
    en: Annotated[str, Field(min_length=1)]


CadenceKind = Literal["yearly", "months", "irregular"]


class Cadence(BaseModel):
    """How often a series normally gets a new value (used to flag stale values).

    * ``{kind: yearly, day: "05-01"}``: a new value normally applies every year on 1 May;
    * ``{kind: months, every: 2}``: a new value can apply every 2 months (Husbanken's floating
      rate), or at Norges Bank's meetings (about every 6 weeks: ``every: 2`` with a ``text``);
    * ``{kind: irregular}``: changes only when the rule changes; never flagged as stale.

    ``text`` says it in words for reports (``"yearly on 1 May"``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: CadenceKind
    day: str | None = None
    every: Annotated[int, Field(ge=1, le=120)] | None = None
    text: Annotated[str, Field(min_length=3)]

    @model_validator(mode="after")
    def _shape(self) -> Cadence:
        if self.kind == "yearly":
            if self.day is None:
                raise ValueError("a yearly cadence needs `day: MM-DD`")
            try:
                dt.date.fromisoformat(f"2001-{self.day}")
            except ValueError:
                raise ValueError(f"day = {self.day!r}: not a MM-DD date") from None
        if self.kind == "months" and self.every is None:
            raise ValueError("a `months` cadence needs `every: N`")
        return self

    def next_after(self, date: dt.date) -> dt.date | None:
        """The first date after ``date`` when a new value would normally apply."""
        if self.kind == "yearly":
            assert self.day is not None
            month, day = (int(x) for x in self.day.split("-"))
            candidate = dt.date(date.year, month, day)
            return candidate if candidate > date else dt.date(date.year + 1, month, day)
        if self.kind == "months":
            assert self.every is not None
            total = date.month - 1 + self.every
            year, month = date.year + total // 12, total % 12 + 1
            day = min(date.day, 28)
            return dt.date(year, month, day)
        return None


class PlausibleRange(BaseModel):
    """Bounds every number in a series must lie within (for tables: every number in them)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> PlausibleRange:
        if self.min > self.max:
            raise ValueError(f"range: min {self.min:g} is above max {self.max:g}")
        return self


RateBasis = Literal["nominal_monthly", "effective"]


class DatedValueIn(BaseModel):
    """One value as written in a file; missing metadata is inherited from the series."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)

    effective: dt.date
    value: Any
    reference: list[Reference] | None = None
    last_verified: dt.date | None = None
    confidence: Confidence | None = None
    notes: str | None = None

    @field_validator("effective", "last_verified", mode="before")
    @classmethod
    def _iso_date(cls, v: object) -> object:
        if isinstance(v, dt.datetime):
            raise ValueError("must be a date (YYYY-MM-DD), not a timestamp")
        if isinstance(v, str):
            try:
                return dt.date.fromisoformat(v)
            except ValueError:
                raise ValueError(f"{v!r} is not an ISO date (YYYY-MM-DD)") from None
        return v

    @field_validator("value")
    @classmethod
    def _value_type(cls, v: object) -> object:
        if v is None:
            raise ValueError("value is missing")
        if isinstance(v, (dt.date, dt.datetime)):
            raise ValueError("a value may not be a date")
        return v


class ParameterFile(BaseModel):
    """A whole parameter file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: Annotated[str, Field(min_length=10)]
    label: Label
    unit: str
    reference: list[Reference] | None = None
    last_verified: dt.date | None = None
    confidence: Confidence = "confirmed"
    notes: str | None = None
    #: how often a new value normally applies (for staleness); packaged files all declare it
    cadence: Cadence | None = None
    #: the series was checked to be complete up to this date (e.g. a policy-rate decision that
    #: kept the rate unchanged); staleness counts from here when it is later than the value
    checked_through: dt.date | None = None
    #: plausibility bounds for every number in the series (packaged files all declare it)
    range: PlausibleRange | None = None
    #: for interest rates: what the stored number is (``nominal_monthly``: the nominal annual
    #: rate for monthly terms as published; ``effective``: the annual effective rate)
    rate_basis: RateBasis | None = None
    values: Annotated[list[DatedValueIn], Field(min_length=1)]

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, v: str) -> str:
        if v not in UNITS:
            raise ValueError(f"unknown unit {v!r}; use one of {', '.join(UNITS)}")
        return v

    @field_validator("last_verified", "checked_through", mode="before")
    @classmethod
    def _iso_date(cls, v: object) -> object:
        return DatedValueIn._iso_date(v)

    @model_validator(mode="after")
    def _complete(self) -> ParameterFile:
        seen: set[dt.date] = set()
        previous: dt.date | None = None
        for i, item in enumerate(self.values):
            where = f"values[{i}] (effective {item.effective})"
            if item.effective in seen:
                raise ValueError(f"{where}: duplicate effective date")
            if previous is not None and item.effective < previous:
                raise ValueError(f"{where}: dates must be in ascending order")
            seen.add(item.effective)
            previous = item.effective
            if not (item.reference or self.reference):
                raise ValueError(f"{where}: no reference (give one on the value or the series)")
            if (item.last_verified or self.last_verified) is None:
                raise ValueError(f"{where}: no last_verified date")
            confidence = item.confidence or self.confidence
            if confidence != "confirmed" and not (item.notes or self.notes):
                raise ValueError(f"{where}: confidence {confidence!r} needs a note saying why")
            problem = check_value(item.value, self.unit, self.range)
            if problem:
                raise ValueError(f"{where}: value {problem}")
        return self


def numbers_in(value: Any) -> list[tuple[str, Any]]:
    """Every leaf of a value with its path (``groups.group_1.rate_per_m2``)."""
    out: list[tuple[str, Any]] = []

    def walk(v: Any, path: str) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, f"{path}.{k}" if path else str(k))
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, f"{path}[{i}]")
        else:
            out.append((path, v))

    walk(value, "")
    return out


#: keys of a table whose leaves are text (names, methods), not numbers
_TEXT_KEYS = ("name", "municipalities", "method")


def check_value(value: Any, unit: str, bounds: PlausibleRange | None) -> str | None:
    """Why ``value`` is not plausible for a series of ``unit`` within ``bounds`` (or None).

    A number series (every unit but ``table``) must hold a number, or a mapping/list of
    numbers; text is refused. With ``bounds``, every number must lie within them.
    """
    if unit != "table" and isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return f"{value[:40]!r} is text; a {unit} series holds numbers"
        return (
            f"{value[:40]!r} is read as text, not a number (YAML needs a decimal point in an "
            "exponent: 1.0e6)"
        )
    for path, leaf in numbers_in(value):
        textual = any(part.split("[")[0] in _TEXT_KEYS for part in path.split("."))
        if leaf is None:
            continue
        if isinstance(leaf, bool) or not isinstance(leaf, (int, float)):
            if textual or unit == "table":
                continue
            where = f" at {path}" if path else ""
            return f"{str(leaf)[:40]!r}{where} is not a number"
        if bounds is not None and not textual and not (bounds.min <= leaf <= bounds.max):
            where = f" at {path}" if path else ""
            return (
                f"{leaf:g}{where} is outside the plausible range {bounds.min:g} … {bounds.max:g} "
                f"for this series ({unit})"
            )
    return None
