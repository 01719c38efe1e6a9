"""The code paths added for registers at national scale (issue 16 §2) give what the plain
pandas / numpy paths they replace give: each is checked against that path, cell by cell or
to the last bit, on generated inputs. (Speed is measured in benchmarks/, not here.)"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from housingcalc.calc import portfolio as P
from housingcalc.calc.loans import LoanBatch, amortize_yearly
from housingcalc.calc.portfolio import defaults as D
from housingcalc.calc.portfolio import projection as PR
from housingcalc.calc.tariff import _combined_codes
from housingcalc.errors import CollectedErrors
from housingcalc.models.portfolio import PortfolioAssumptions, load_assumptions
from housingcalc.parameters import load_parameters
from housingcalc.registers import _all_distinct, _iso_dates, frame_from_cells, read_register
from housingcalc.resources import example

ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# -- dates ------------------------------------------------------------------------------------

digits = st.text(alphabet="0123456789", min_size=1, max_size=4)
iso_like = st.builds(
    lambda y, m, d: f"{y}-{m}-{d}",
    st.integers(0, 9999).map(lambda y: f"{y:04d}"),
    st.integers(0, 19).map(lambda m: f"{m:02d}"),
    st.integers(0, 39).map(lambda d: f"{d:02d}"),
)
cells = st.one_of(
    iso_like,
    st.builds(lambda a, b, c: f"{a}-{b}-{c}", digits, digits, digits),  # 2014-3-1 and the like
    st.builds(lambda d: d.strftime("%d.%m.%Y"), st.dates()),
    st.text(alphabet="0123456789-./: Tx", max_size=12),
    st.none(),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(cells, min_size=1, max_size=40))
def test_iso_dates_equal_pandas_on_every_cell_they_read(values: list[str | None]) -> None:
    s = pd.Series(values, dtype="str")
    got, ok = _iso_dates(s)
    expected = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    for cell, value, read, exp in zip(values, got, ok, expected, strict=True):
        if read:
            assert pd.Timestamp(value) == exp, cell
        elif cell is not None and ISO.fullmatch(cell) and not pd.isna(exp):
            pytest.fail(f"{cell!r} is a plain ISO date pandas reads, but was left to pandas")


def test_iso_dates_month_lengths_and_leap_years() -> None:
    cells = ["2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29", "2014-04-31", "2014-12-31"]
    _, ok = _iso_dates(pd.Series(cells, dtype="str"))
    # leap years: divisible by 4, centuries only when divisible by 400; April has 30 days
    assert ok.tolist() == [True, False, False, True, False, True]


def test_register_date_enum_and_number_cells_read_as_the_object_path_reads_them(
    tmp_path: Path,
) -> None:
    """The CSV path (Arrow text, typed numbers, the fast date and enum paths) against
    :func:`frame_from_cells` on the same cells as Python strings (the cell-by-cell path)."""
    rows = [
        ("A1", "50", "Eid", "2014-03-01", "utleid", "pre2018", "1000000"),
        ("A2", "61.5", " innleid ", "01.03.2014", "LEDIG", "", ""),
        ("A3", "40", "", "2014-03-01 00:00:00", "", "ny", "250000"),
        ("A4", "75", "owned", "", "rent_to_own", "2018", "0"),
        ("A5", "33", "owned", " 2016-02-29", "let", "2018", "3e5"),
    ]
    header = "unit_id,area_m2,tenure,acquired,status,grant_rule,book_value\n"
    path = tmp_path / "register.csv"
    path.write_text(header + "".join(",".join(r) + "\n" for r in rows), "utf-8")
    fast = read_register(path).frame
    cells = pd.DataFrame(
        [[c if c else None for c in r] for r in rows],
        columns=header.strip().split(","),
        index=pd.RangeIndex(2, 2 + len(rows), name="row"),
        dtype=object,
    )
    slow = frame_from_cells(cells, "cells").frame
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False)
    assert fast["acquired"].tolist()[:3] == [pd.Timestamp("2014-03-01")] * 3
    # coded columns are text like the other text columns: an empty cell is missing (NaN)
    assert fast["tenure"].tolist()[:2] == ["owned", "rented_in"]
    assert pd.isna(fast["tenure"].iloc[2])
    assert isinstance(fast["tenure"].dtype, pd.StringDtype)


def test_register_with_a_bad_date_and_a_bad_code_reports_as_before(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_text(
        "unit_id,area_m2,acquired,status,book_value\n"
        "A1,50,2014-02-30,let,1000\nA2,50,2014-03-01,sold,1000\n",
        "utf-8",
    )
    with pytest.raises(CollectedErrors) as caught:
        read_register(path)
    assert caught.value.errors == [
        "row 2, acquired = '2014-02-30': must be a date written YYYY-MM-DD or DD.MM.YYYY "
        "(years 1850–2100)",
        "row 3, status = 'sold': must be one of let, vacant, rent_to_own",
    ]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=3), st.none()), max_size=30))
def test_all_distinct_agrees_with_duplicated(values: list[str | None]) -> None:
    s = pd.Series(values, dtype="str")
    assert _all_distinct(s) == (not (s.duplicated() & s.notna()).any())


# -- completing the register, the projection ---------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.dates(dt.date(1850, 1, 1), dt.date(2100, 12, 31)), st.none())))
def test_whole_months_on_arrays_equals_whole_months(dates: list[dt.date | None]) -> None:
    at = dt.date(2025, 1, 30)  # a day 30 (shorter months end before it)
    s = pd.Series(pd.to_datetime(pd.Series(dates, dtype=object)), dtype="datetime64[s]")
    expected = P.whole_months(s, at).astype("float64").to_numpy()
    got = D._whole_months_at(s.to_numpy(), at)
    np.testing.assert_array_equal(got, expected)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abc"), st.sampled_from(["x", "y"]), st.sampled_from([1.0, 2.5])),
        min_size=1,
        max_size=40,
    )
)
def test_combined_codes_equal_multiindex_factorize(rows: list[tuple[str, str, float]]) -> None:
    cols = list(zip(*rows, strict=True))
    expected = pd.MultiIndex.from_arrays([list(c) for c in cols]).factorize()[0]
    got = _combined_codes([pd.factorize(pd.Series(c))[0] for c in cols])
    np.testing.assert_array_equal(got, expected)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="aAbØé0 -", max_size=4), min_size=1, max_size=30, unique=True))
def test_text_rank_sorts_as_python_sorts(ids: list[str]) -> None:
    rank = PR._text_rank(pd.Series(ids, dtype="str"))
    assert [ids[i] for i in np.argsort(rank, kind="stable")] == sorted(ids)


def _example_units() -> tuple[P.Units, PortfolioAssumptions]:
    a = load_assumptions(example("portfolio-example.yaml"))
    frame = read_register(example("portfolio-example-register.csv")).frame
    return P.complete_register(frame, a, load_parameters()), a


def test_book_sums_block_by_block_equal_one_array_to_the_last_bit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """_stock sums the book values block by block; the sums are those of the whole
    (units × years) array added row by row (numpy's order for axis 0), bit for bit."""
    units, a = _example_units()
    horizon = a.projection.years
    f = units.frame
    own = f["owned"].to_numpy(bool)
    t = np.arange(horizon + 1, dtype=np.float64)
    book0 = f["book_value"].to_numpy(np.float64) * own
    land = np.minimum(f["land_value"].to_numpy(np.float64), book0)
    dep = f["depreciation_yearly"].to_numpy(np.float64)
    whole = np.maximum(book0[:, None] - dep[:, None] * t[None, :], land[:, None])
    sale_year = P.sale_years(units, a)
    for block in (1, 7, 64, 10_000):
        monkeypatch.setattr(PR, "_BLOCK", block)
        st_ = PR._stock(units, sale_year, horizon)
        np.testing.assert_array_equal(st_.book_sum, whole.sum(axis=0))
        np.testing.assert_array_equal(st_.book_end, whole[:, -1])
        np.testing.assert_array_equal(st_.book, whole[st_.sold])


def test_loan_rows_kept_for_some_units_and_totals_in_whole_oere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(7)
    n, horizon = 40, 30
    principal = np.where(rng.random(n) < 0.7, rng.uniform(1e5, 3e6, n).round(2), 0.0)
    rate = rng.uniform(0.01, 0.06, n)
    years_left = rng.uniform(1, 40, n).round(1)
    keep = np.array([0, 3, 5, 11, 39])
    full = PR._loan_years(principal, rate, years_left, horizon)
    part = PR._loan_years(principal, rate, years_left, horizon, keep)
    for a_, b_ in zip(full.of(keep), part.of(keep), strict=True):
        np.testing.assert_array_equal(a_, b_)
    for name in ("interest_sum", "repayment_sum", "closing_sum", "closing_end"):
        np.testing.assert_array_equal(getattr(full, name), getattr(part, name))
    monkeypatch.setattr(PR, "_LOAN_BLOCK", 6)  # the loans amortised six at a time: the same
    blocks = PR._loan_years(principal, rate, years_left, horizon, keep)
    for name in ("interest_sum", "repayment_sum", "closing_sum", "closing_end", "interest"):
        np.testing.assert_array_equal(getattr(blocks, name), getattr(part, name))
    monkeypatch.undo()
    # the totals are the engine's øre summed exactly, then turned into NOK
    idx = np.flatnonzero(principal > 0)
    terms = np.maximum(np.rint(years_left[idx] * 12), 1).astype(np.int64)
    y = amortize_yearly(LoanBatch.from_arrays(principal[idx], rate[idx], terms))
    k = min(horizon, y.interest.shape[1])
    interest = [sum(int(v) for v in y.interest[:, j]) / 100 for j in range(k)]
    closing = [sum(int(v) for v in y.closing_balance[:, j]) / 100 for j in range(k)]
    assert full.interest_sum[:k].tolist() == interest
    assert full.closing_sum[:k].tolist() == closing
    # each unit's balance at the end of year H (0 when its loan has ended or it has none)
    end = np.zeros(n)
    if y.closing_balance.shape[1] >= horizon:
        end[idx] = y.closing_balance[:, horizon - 1] / 100
    np.testing.assert_array_equal(full.closing_end, end)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet="ab æ\t\u00a0-", max_size=4), st.none()), max_size=20))
def test_text_cells_as_pandas_strips_them(values: list[str | None]) -> None:
    from housingcalc.registers import _to_text

    s = pd.Series(values, dtype="str")
    stripped = s.str.strip()
    pd.testing.assert_series_equal(_to_text(s), stripped.where(stripped != ""))
