"""The mutation check's own parts: the date shift and the series it installs."""

from __future__ import annotations

import datetime as dt

import pytest

import housingcalc.parameters as hp
from tests.mutation.shift_dates import dated_series
from tests.mutation.shift_plugin import install, shift_date


def test_shift_date_moves_whole_years_and_29_february_to_the_28th() -> None:
    assert shift_date(dt.date(2025, 5, 1), 1) == dt.date(2026, 5, 1)
    assert shift_date(dt.date(2025, 5, 1), -1) == dt.date(2024, 5, 1)
    assert shift_date(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)


def test_installed_shift_moves_one_series_and_no_other(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hp, "_packaged", hp._packaged)  # restored after the test
    before = hp.load_parameters()
    install("nav.grunnbelop", 1)
    after = hp.load_parameters()
    # NAV: G 124 028 from 1 May 2024, 130 160 from 1 May 2025; shifted forward a year, 1 May
    # 2025 still reads 124 028 and the first value (1 May 2009) still answers at its own date
    assert before.value("nav.grunnbelop", "2025-05-01") == 130_160
    assert after.value("nav.grunnbelop", "2025-05-01") == 124_028
    first = before.series_file("nav.grunnbelop").values[0]
    assert after.value("nav.grunnbelop", first.effective) == first.value
    assert after.series_file("tax.personal_allowance") == before.series_file(
        "tax.personal_allowance"
    )


def test_series_whose_values_never_change_are_marked_equivalent() -> None:
    series = dated_series()
    # Husbanken: 30 years both before and from 1 Jan 2020 (re-confirmed, not changed)
    assert series["husbanken.startlan.max_term_years"] is False
    assert series["tax.interest_deduction_rate"] is True
    assert "tax.ordinary_income_rate" not in series  # one value: nothing to shift
