"""The Arrow CSV reader (issue 16 §2: typed at parse time) reads every file as the pandas
reader it stands in front of (``_read_csv`` + ``_validate``, kept as its fallback) does: the
same frame, notes and columns, or the same error lines, on generated registers full of the
cells that trouble readers. Where it cannot be sure it says so and the old reader runs.
(Speed is measured in benchmarks/register_bench.py, not here.)"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from housingcalc import registers as R
from housingcalc.errors import CollectedErrors
from housingcalc.registers import read_register

NUMBER_CELLS = [
    "12", "62.5", "62,5", "1 234,50", "1.234,5", "1,234.5", "-5", "+5", " 5", "5 ", "0012",
    "0", "-0", "1e5", "5.", ".5", "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "abc",
    "True", "\u22125", "kr 100", "8 400,-", "3,5 %", "4.5%", "0.04", "", "",
]  # fmt: skip
DATE_CELLS = [
    "2014-03-01", "2016-02-29", "2014-02-30", "01.03.2014", "2014-3-1", " 2014-03-01",
    "2014-03-01 00:00:00", "1800-01-01", "1850-01-01", "2100-12-31", "2101-01-01",
    "20140301", "x", "", "",
]  # fmt: skip
ENUM_CELLS = [
    "owned", "Eid", " innleid ", "rented_in", "LEDIG", "let", "rent_to_own", "utleid",
    "pre2018", "2018", "ny", "bogus", "nan", "", "",
]  # fmt: skip
TEXT_CELLS = [
    "Sentrum", "Øst", "Tromsø", " spaced ", "  ", "0012", "True", "nan", 'say "hi"',
    "a;b", "a,b", "line\nbreak", "é", "\u00a0x", "",
]  # fmt: skip

#: Cells every rule accepts (in some separator or other: ``62,5`` is a number in a ``;``
#: file, and text in a ``,`` file read as a number cell by cell).
GOOD_CELLS = {
    "number": ["12", "62.5", "62,5", "1 234,50", "0012", "1e5", "+5", " 5", "900000", "", ""],
    "integer": ["1", "3", " 4", "+2", "02", "5.0", ""],
    "percent": ["4.5", "3,5", "4,5 %", "4.5%", "0", "", "12"],
    "date": ["2014-03-01", "2016-02-29", "01.03.2014", "2014-03-01 00:00:00", " 2014-03-01", ""],
    "enum": [],  # by column (below)
    "text": ["Sentrum", "Øst", "Tromsø", " spaced ", "0012", "True", "nan", 'say "hi"', "a;b", ""],
}
GOOD_ENUM = {
    "tenure": ["owned", "Eid", " eid ", "OWNED", ""],
    "status": ["let", "LEDIG", "utleid", "vacant", "leie-til-eie", ""],
    "grant_rule": ["pre2018", "2018", "ny", "gammel", ""],
}

KIND_CELLS = {
    "number": NUMBER_CELLS,
    "integer": NUMBER_CELLS,
    "percent": NUMBER_CELLS,
    "date": DATE_CELLS,
    "enum": ENUM_CELLS,
    "text": TEXT_CELLS,
}
OPTIONAL = [c.name for c in R.COLUMNS if c.name not in ("unit_id", "area_m2")]


def outcome(read: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        reg = read()
    except CollectedErrors as exc:
        return ("refused", exc.errors)
    return ("read", reg.frame, reg.notes, reg.provided)


def assert_same(fast: tuple[Any, ...], slow: tuple[Any, ...]) -> None:
    assert fast[0] == slow[0], (fast, slow)
    if fast[0] == "refused":
        assert fast[1] == slow[1]
        return
    pd.testing.assert_frame_equal(fast[1], slow[1], check_exact=True)
    assert fast[2:] == slow[2:]


def old_reader(path: Path) -> tuple[Any, ...]:
    return outcome(lambda: R._validate(R._read_csv(path, str(path)), str(path)))


def write(
    path: Path,
    header: list[str],
    rows: list[list[str]],
    *,
    sep: str = ",",
    encoding: str = "utf-8",
    title: bool = False,
    quote_all: bool = False,
    newline: str = "\n",
) -> Path:
    buf = io.StringIO()
    if title:
        buf.write("Boligregister 2026" + newline)
    if quote_all:
        writer = csv.writer(buf, delimiter=sep, lineterminator=newline, quoting=csv.QUOTE_ALL)
    else:
        writer = csv.writer(buf, delimiter=sep, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def both(path: Path) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """(``read_register``, the old reader) on one file."""
    return outcome(lambda: read_register(path)), old_reader(path)


def arrow_reads(path: Path) -> bool:
    """Whether the Arrow reader reads the file itself (rather than leaving it to the old)."""
    try:
        R._read_csv_arrow(path, str(path))
    except R._NotSure:
        return False
    except CollectedErrors:
        return True
    return True


# -- generated registers ---------------------------------------------------------------------


@st.composite
def registers(draw: st.DrawFn) -> dict[str, Any]:
    more = draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=8))
    columns = ["unit_id", "area_m2", *more]
    columns = draw(st.permutations(columns))
    if draw(st.booleans()):
        columns.append("merknad")  # not a register column: ignored
    n = draw(st.integers(1, 6))
    rows = []
    for i in range(n):
        row = []
        for name in columns:
            if name == "unit_id":
                row.append(draw(st.sampled_from([f"U{i:03d}", f"U{i:03d}", "U000", "0012", ""])))
            elif name == "area_m2":
                row.append(draw(st.sampled_from(["50", "62,5", "62.5", "", "0", "1 000", "x"])))
            elif name == "merknad":
                row.append(draw(st.sampled_from(["note", "", "a,b;c", "x\ny"])))
            else:
                row.append(draw(st.sampled_from(KIND_CELLS[R.SPEC[name].kind])))
        rows.append(row)
    if draw(st.booleans()):  # a blank row, or one of separators only
        rows.insert(draw(st.integers(0, len(rows))), [""] * len(columns))
    return {
        "header": columns,
        "rows": rows,
        "sep": draw(st.sampled_from([",", ";", "\t", "|"])),
        "encoding": draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252"])),
        "title": draw(st.booleans()),
        "quote_all": draw(st.booleans()),
        "newline": draw(st.sampled_from(["\n", "\r\n"])),
    }


@st.composite
def good_registers(draw: st.DrawFn) -> dict[str, Any]:
    """Registers every rule accepts (book values given), in any column order and spelling;
    now and then one cell from the troublesome lists."""
    more = draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=10))
    columns = ["unit_id", "area_m2", "book_value", *(n for n in more if n != "book_value")]
    columns = draw(st.permutations(columns))
    n = draw(st.integers(1, 8))
    rows = []
    for i in range(n):
        row = []
        for name in columns:
            spec = R.SPEC[name]
            if name == "unit_id":
                row.append(f"{draw(st.sampled_from(['U', '00', 'Bolig ']))}{i}")
            elif name in ("area_m2", "book_value"):
                row.append(draw(st.sampled_from(["50", "62.5", "62,5", "1 000", " 40"])))
            elif spec.kind == "enum":
                row.append(draw(st.sampled_from(GOOD_ENUM[name])))
            else:
                row.append(draw(st.sampled_from(GOOD_CELLS[spec.kind])))
        rows.append(row)
    if draw(st.integers(0, 3)) == 0:  # one troublesome cell
        r, c = draw(st.integers(0, n - 1)), draw(st.integers(0, len(columns) - 1))
        rows[r][c] = draw(st.sampled_from(KIND_CELLS[R.SPEC[columns[c]].kind]))
    return {
        "header": columns,
        "rows": rows,
        "sep": draw(st.sampled_from([",", ";", "\t", "|"])),
        "encoding": draw(st.sampled_from(["utf-8", "utf-8-sig"])),
        "title": draw(st.booleans()),
        "quote_all": draw(st.booleans()),
        "newline": draw(st.sampled_from(["\n", "\r\n"])),
    }


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(registers(), st.sampled_from([1 << 20, 64]))
def test_arrow_reader_reads_every_generated_register_as_the_pandas_reader(
    tmp_path: Path, case: dict[str, Any], block: int
) -> None:
    """A register of cells from the lists above, in every separator, encoding and quoting,
    with or without a title line and blank rows; Arrow's blocks as they come or 64 bytes
    (so that many rows, and quoted line breaks, straddle two blocks)."""
    header, rows = case.pop("header"), case.pop("rows")
    try:
        path = write(tmp_path / "r.csv", header, rows, **case)
    except UnicodeEncodeError:  # cp1252 has no U+2212 or U+00A0-free spelling of some cells
        return
    with mock.patch.object(R, "ARROW_BLOCK_BYTES", block):
        fast, slow = both(path)
    assert_same(fast, slow)


# -- the fallbacks, one by one ------------------------------------------------------------------


def test_a_number_column_arrow_cannot_type_is_read_again_as_text(tmp_path: Path) -> None:
    # "1 234,50" (space as thousands separator) is no float to Arrow: that column alone is
    # read again as text and converted cell by cell: 1 234,50 → 1234.5
    path = write(
        tmp_path / "r.csv",
        ["unit_id", "area_m2", "book_value", "market_value"],
        [["A1", "50,5", "1 234,50", "2000000"], ["A2", "61", "900 000", "2500000"]],
        sep=";",
    )
    assert arrow_reads(path)
    fast, slow = both(path)
    assert_same(fast, slow)
    frame = fast[1]
    assert frame["book_value"].tolist() == [1234.5, 900000.0]
    assert frame["area_m2"].tolist() == [50.5, 61.0]  # decimal comma in a ';' file


def test_three_columns_arrow_cannot_type_are_read_as_text_at_once(tmp_path: Path) -> None:
    # more untypable columns than TYPED_RETRIES: every typed column is read as text once
    path = write(
        tmp_path / "r.csv",
        ["unit_id", "area_m2", "book_value", "market_value", "acquired"],
        [["A1", "50", "1 000", "2 000 000", "01.03.2014"], ["A2", "61", "900", "2 500 000", ""]],
    )
    assert arrow_reads(path)
    fast, slow = both(path)
    assert_same(fast, slow)
    assert fast[1]["market_value"].tolist() == [2_000_000.0, 2_500_000.0]
    assert fast[1]["acquired"].tolist()[0] == pd.Timestamp("2014-03-01")


def test_ids_like_0012_stay_text(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.csv",
        ["unit_id", "area_m2", "book_value"],
        [["0012", "50", "1"], ["0013", "40", "1"]],
    )
    fast, slow = both(path)
    assert_same(fast, slow)
    assert fast[1]["unit_id"].tolist() == ["0012", "0013"]


def test_a_written_nan_is_an_error_not_a_blank(tmp_path: Path) -> None:
    # Arrow reads "nan" as a float NaN; the register takes it for what it is: not a number
    path = write(tmp_path / "r.csv", ["unit_id", "area_m2", "book_value"], [["A1", "50", "nan"]])
    fast, slow = both(path)
    assert_same(fast, slow)
    assert fast[1] == ["row 2, book_value = 'nan': must be a number"]


def test_byte_order_mark_and_a_title_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.csv",
        ["unit_id", "area_m2", "district", "book_value"],
        [["A1", "50", "Øst", "1"], ["A2", "40", "Tromsø", "1"]],
        sep=";",
        encoding="utf-8-sig",
        title=True,
        newline="\r\n",
    )
    assert arrow_reads(path)
    fast, slow = both(path)
    assert_same(fast, slow)
    assert fast[2] == (
        "UTF-8 with byte-order mark",
        "separator ';'",
        "1 line(s) above the header skipped",
    )
    assert fast[1].index.tolist() == [3, 4]  # the header is on line 2


def test_cp1252_and_binary_files_are_left_to_the_one_reader(tmp_path: Path) -> None:
    cp = write(
        tmp_path / "cp.csv",
        ["unit_id", "area_m2", "district", "book_value"],
        [["A1", "50", "Østre", "1"]],
        encoding="cp1252",
    )
    assert not arrow_reads(cp)
    fast, slow = both(cp)
    assert_same(fast, slow)
    assert "read as cp1252 text (not UTF-8)" in fast[2]
    # a cp1252 byte in an ignored column only: still the whole file read as cp1252
    note = write(
        tmp_path / "note.csv",
        ["unit_id", "area_m2", "merknad"],
        [["A1", "50", "Østre"]],
        encoding="cp1252",
    )
    assert not arrow_reads(note)
    binary = tmp_path / "nul.csv"
    binary.write_bytes(b"unit_id,area_m2\nA1,5\x000\n")
    assert not arrow_reads(binary)
    assert_same(*both(binary))


def test_ragged_rows_are_left_to_the_pandas_reader(tmp_path: Path) -> None:
    short = tmp_path / "short.csv"
    short.write_text("unit_id,area_m2,district\nA1,50\nA2,40,Øst\n", "utf-8")
    long = tmp_path / "long.csv"
    long.write_text("unit_id,area_m2\nA1,50,extra\nA2,40\n", "utf-8")
    for path in (short, long):
        assert not arrow_reads(path)
        assert_same(*both(path))


def test_blank_rows_are_dropped_and_row_numbers_kept(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("unit_id,area_m2\nA1,50\n\n,\nA2,40\n;\n", "utf-8")
    # the last line (";") is one cell, not two: ragged, so the pandas reader reads it
    assert_same(*both(path))
    clean = tmp_path / "clean.csv"
    clean.write_text("unit_id,area_m2,book_value\nA1,50,1\n\n,,\nA2,40,1\n", "utf-8")
    assert arrow_reads(clean)
    fast, slow = both(clean)
    assert_same(fast, slow)
    assert fast[1].index.tolist() == [2, 5]


def test_a_quoted_line_break_across_arrow_blocks(tmp_path: Path) -> None:
    rows = [
        [f"A{i}", "50", f"Gate {i}\nOppgang B" if i % 7 == 0 else f"Gate {i}", "1"]
        for i in range(300)
    ]
    path = write(tmp_path / "r.csv", ["unit_id", "area_m2", "address", "book_value"], rows)
    for block in (1 << 20, 100, 1000):
        with mock.patch.object(R, "ARROW_BLOCK_BYTES", block):
            fast, slow = both(path)
        assert_same(fast, slow)
    assert fast[1].loc[2 + 7, "address"] == "Gate 7\nOppgang B"


def test_errors_at_scale_are_grouped_as_before(tmp_path: Path) -> None:
    rows = [[f"A{i}", "50", "" if i % 3 else "x", "owned"] for i in range(60)]
    rows[5][3] = "sold"
    path = write(tmp_path / "r.csv", ["unit_id", "area_m2", "market_value", "tenure"], rows)
    fast, slow = both(path)
    assert_same(fast, slow)
    assert fast[1][0].startswith("market_value: must be a number: 20 row(s): 2, 5, 8, 11, 14, …")


def test_header_only_and_empty_files(tmp_path: Path) -> None:
    header = tmp_path / "h.csv"
    header.write_text("unit_id,area_m2\n", "utf-8")
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    blanks = tmp_path / "b.csv"
    blanks.write_text("unit_id,area_m2\n,\n\n", "utf-8")
    for path in (header, empty, blanks):
        fast, slow = both(path)
        assert_same(fast, slow)
        assert fast[0] == "refused"


@pytest.mark.parametrize("line_break", ["\r", "\x0c"])
def test_odd_line_breaks_above_the_header_are_left_to_the_pandas_reader(
    tmp_path: Path, line_break: str
) -> None:
    path = tmp_path / "r.csv"
    path.write_text(f"Register{line_break}Eksport\nunit_id,area_m2\nA1,50\n", "utf-8")
    assert not arrow_reads(path)
    assert_same(*both(path))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(good_registers(), st.sampled_from([1 << 20, 64]), st.sampled_from([1, 10**9]))
def test_arrow_reader_reads_every_generated_good_register_as_the_pandas_reader(
    tmp_path: Path, case: dict[str, Any], block: int, threads_from: int
) -> None:
    """Registers the rules accept (the frames are compared value by value, dtype by dtype),
    now and then with one troublesome cell; the columns converted on one thread or several."""
    header, rows = case.pop("header"), case.pop("rows")
    path = write(tmp_path / "r.csv", header, rows, **case)
    with (
        mock.patch.object(R, "ARROW_BLOCK_BYTES", block),
        mock.patch.object(R, "THREADS_FROM_ROWS", threads_from),
    ):
        fast, slow = both(path)
    assert_same(fast, slow)


def test_a_text_column_of_booleans_and_blanks_is_left_to_the_pandas_reader(
    tmp_path: Path,
) -> None:
    # pandas' C parser reads "true" beside a blank as the object True (written back "True");
    # the Arrow reader does not guess at that and lets the old reader read the file
    path = write(
        tmp_path / "r.csv",
        ["unit_id", "area_m2", "book_value", "standard"],
        [["A1", "50", "1", "true"], ["A2", "40", "1", ""]],
    )
    assert not arrow_reads(path)
    fast, slow = both(path)
    assert_same(fast, slow)
    assert fast[1]["standard"].tolist() == ["True", None]
    # the blank may be in a row that is dropped as blank: pandas saw it all the same
    dropped = write(
        tmp_path / "dropped.csv",
        ["address", "area_m2", "unit_id", "book_value"],
        [["", "", "", ""], ["True", "50", "U000", "12"]],
    )
    assert not arrow_reads(dropped)
    fast, slow = both(dropped)
    assert_same(fast, slow)
    assert fast[1]["address"].tolist() == ["True"]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet="aZ0 øØéß\u01ff\u07ff\u0800\t\u00a0\u0085\u2000\u3000", max_size=4),
            st.none(),
        ),
        max_size=20,
    ),
    st.integers(1, 4),
)
def test_text_cells_kept_as_read_only_when_stripping_changes_nothing(
    values: list[str | None], chunks: int
) -> None:
    """The shortcut of :func:`_to_text` (first and last byte of each cell: visible ASCII, or
    a letter from U+00C0 to U+07FF) against pandas' strip, on cells with Unicode whitespace
    (no-break space, NEL, en quad, ideographic space) and letters at both ends, in Arrow
    columns of one or more chunks."""
    import pyarrow as pa

    size = -(-len(values) // chunks) or 1
    parts = [values[i : i + size] for i in range(0, len(values), size)] or [[]]
    column = pa.chunked_array([pa.array(p, pa.large_string()) for p in parts], pa.large_string())
    s = pd.Series(column.to_pandas().array)
    stripped = s.str.strip()
    pd.testing.assert_series_equal(R._to_text(s), stripped.where(stripped != ""))
