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
    values: Annotated[list[DatedValueIn], Field(min_length=1)]

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, v: str) -> str:
        if v not in UNITS:
            raise ValueError(f"unknown unit {v!r}; use one of {', '.join(UNITS)}")
        return v

    @field_validator("last_verified", mode="before")
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
        return self
