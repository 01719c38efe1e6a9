"""ParameterSet.along: the values and the trace of ``get`` at each date, for many dates at once."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from housingcalc.errors import ParameterNotFound
from housingcalc.parameters import load_parameters

PARAMS = load_parameters(as_of=dt.date(2026, 12, 1))
SERIES = ["nav.grunnbelop", "tax.bracket_tax", "husbanken.rates.floating", "sifo.reference_budget"]


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(SERIES),
    dates=st.lists(st.dates(dt.date(2015, 1, 1), dt.date(2040, 12, 31)), max_size=60),
    only=st.none() | st.sets(st.integers(0, 59)),
)
def test_along_equals_get_date_by_date(
    name: str, dates: list[dt.date], only: set[int] | None
) -> None:
    first = PARAMS.series_file(name).values[0].effective
    dates = [d for d in dates if d >= first]
    pos = None if only is None else sorted(i for i in only if i < len(dates))
    a, b = PARAMS.fresh(), PARAMS.fresh()
    got = a.along(name, dates, pos)
    want = [b.get(name, d) if pos is None or j in pos else None for j, d in enumerate(dates)]
    assert got == want
    assert a.used() == b.used()
    assert a.stale() == b.stale()  # the same latest read dates


def test_before_the_first_value() -> None:
    first = PARAMS.series_file("nav.grunnbelop").values[0].effective
    before, after = first - dt.timedelta(days=1), first
    ps = PARAMS.fresh()
    assert ps.along("nav.grunnbelop", [before, after], strict=False) == [
        None,
        ps.get("nav.grunnbelop", after),
    ]
    with pytest.raises(ParameterNotFound, match="no value in force"):
        ps.along("nav.grunnbelop", [after, before])
