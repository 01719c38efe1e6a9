"""A pytest plugin that shifts one parameter series' effective dates by whole years.

Not a test module and not loaded by the suite: ``tests/mutation/shift_dates.py`` loads it in a
child pytest (``-p tests.mutation.shift_plugin``) with ``HOUSINGCALC_SHIFT=name:+1`` in the
environment. Every ``load_parameters()`` in that run then sees the series with each value moved
by that many years, which is what a calc function reading the series one year off sees. A test
that still passes has not pinned the series' change dates.

With a shift forward the series' first value is also kept at its original date, so a lookup
that was valid before stays valid and the mutant is killed only by a wrong value, never by a
"no value in force" error.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

ENV = "HOUSINGCALC_SHIFT"


def shift_date(date: dt.date, years: int) -> dt.date:
    """``date`` moved by whole years (29 Feb → 28 Feb)."""
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


def shifted_values(values: list, years: int) -> list:  # type: ignore[type-arg]
    """The dated values with every date moved by ``years``; forward, the first value is also
    kept at its own date (see the module docstring)."""
    moved = [v.model_copy(update={"effective": shift_date(v.effective, years)}) for v in values]
    if years > 0:
        moved.insert(0, values[0])
    return moved


def install(name: str, years: int) -> None:
    """Replace the packaged series ``name`` by its shifted copy for this process."""
    import housingcalc.parameters as hp

    packaged = dict(hp._packaged())
    if name not in packaged:
        raise pytest.UsageError(f"{ENV}: no packaged series {name!r}")
    old = packaged[name]
    file = old.file.model_copy(update={"values": shifted_values(list(old.file.values), years)})
    packaged[name] = hp.Series(name, file, f"{old.origin} (shifted {years:+d} years)")
    hp._packaged = lambda: packaged  # type: ignore[assignment]


def pytest_configure(config: pytest.Config) -> None:
    spec = os.environ.get(ENV)
    if not spec:
        return
    name, _, years = spec.rpartition(":")
    install(name, int(years))
