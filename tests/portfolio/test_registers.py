"""Reading registers: the broken-file corpus gives exactly the expected collected errors, and
Norwegian exports (BOM, semicolons, decimal commas, cp1252, XLSX with extra sheets) read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from housingcalc.errors import CollectedErrors, InputError
from housingcalc.registers import (
    COLUMNS,
    RegisterErrors,
    read_register,
    template_rows,
    write_template,
)

BROKEN = Path(__file__).parent / "broken"
DATE_RULE = "must be a date written YYYY-MM-DD or DD.MM.YYYY (years 1850–2100)"
NO_HEADER = (
    "no header row found in the first 20 {what}: a register needs at least the columns "
    "unit_id (or boenhet_id, …) and area_m2 (or areal_m2, …); `housingcalc portfolio "
    "template` writes an empty register"
)
NO_BOOK = "missing, and cannot be derived: give book_value, or acquisition_cost and acquired"

#: file → every error line expected, in order (row numbers as in the file; header = row 1).
EXPECTED: dict[str, list[str]] = {
    "duplicate_ids.csv": [
        "row 4, unit_id = 'A-1': duplicate of row 2",
        "row 6, unit_id = 'A-2': duplicate of row 3",
    ],
    "text_in_numeric.csv": [
        "row 3, area_m2 = 'sixty': must be a number",
        "row 4, rooms = 'two': must be a number",
        "row 4, market_value = 'ukjent': must be a number",
        "row 5, rent_monthly = 'n/a': must be a number",
    ],
    "negative_area.csv": [
        "row 2, area_m2 = '-5': must be > 0 and ≤ 1000",
        "row 3, area_m2 = '0': must be > 0 and ≤ 1000",
        "row 4, book_value = '-1': must be ≥ 0",
        "row 5, area_m2 = '1500': must be > 0 and ≤ 1000 (implausible value)",
    ],
    "unknown_status.csv": [
        "row 3, status = 'sold': must be one of let, vacant, rent_to_own",
        "row 5, status = 'rent_to_own': a rented_in unit cannot be sold through rent_to_own",
        "row 6, tenure = 'borettslag': must be one of owned, rented_in",
    ],
    "wrong_dates.csv": [
        f"row 3, acquired = '2014-13-01': {DATE_RULE}",
        f"row 4, acquired = '31.02.2015': {DATE_RULE}",
        f"row 5, acquired = '01/03/2014': {DATE_RULE}",
        f"row 6, acquired = '1799-01-01': {DATE_RULE}",
        f"row 7, grant_date = 'next year': {DATE_RULE}",
    ],
    "empty.csv": ["file is empty"],
    "header_only.csv": ["the register has a header but no units"],
    "no_header.csv": [NO_HEADER.format(what="lines")],
    "missing_required_column.csv": [
        "header: required column area_m2 is missing (accepted names: area_m2, areal_m2, "
        "areal, bra, bra_m2, …)"
    ],
    "ambiguous_rate.csv": [
        "row 3, loan_rate = '0.045': looks like a fraction; give rates in percent, e.g. 4.5 "
        "or 4.5 %",
        "row 5, loan_rate = '45': must be ≥ 0 and ≤ 25 (implausible value)",
    ],
    "missing_book_value.csv": [
        f"row 2, book_value = '': {NO_BOOK}",
        f"row 3, book_value = '': {NO_BOOK}",
        "row 3, grant_date = '': required when grant_amount > 0 and acquired is empty",
    ],
    # title line, BOM, ';', decimal commas, Norwegian headers; two bad cells
    "bom_semicolon_decimal_comma.csv": [
        "row 4, area_m2 = '-48,0': must be > 0 and ≤ 1000",
        f"row 5, acquired = '01.13.2016': {DATE_RULE}",
    ],
    # Windows-1252 with ø in headers and values; one bad cell
    "cp1252.csv": ["row 3, market_value = 'abc': must be a number"],
    # notes sheet first, title row, register on sheet 2, a pivot sheet; bool in a number column
    "extra_sheets.xlsx": [
        "row 4, area_m2 = 'femti': must be a number",
        "row 6, status = 'solgt': must be one of let, vacant, rent_to_own",
        "row 7, book_value = 'True': must be a number",
    ],
    "no_header.xlsx": [NO_HEADER.format(what="rows of any sheet")],
    "empty.xlsx": ["file is empty"],
    "not_a_workbook.xlsx": ["not a readable XLSX workbook (BadZipFile)"],
}


def test_every_file_of_the_corpus_has_expectations() -> None:
    files = sorted(p.name for p in BROKEN.iterdir() if p.is_file())
    assert files == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_register_gives_all_its_errors_at_once(name: str) -> None:
    path = BROKEN / name
    with pytest.raises(CollectedErrors) as info:
        read_register(path)
    assert info.value.source == str(path)
    assert info.value.errors == EXPECTED[name]
    # every line the CLI prints names the file
    assert all(line.startswith(f"{path}: ") for line in info.value.lines())


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_norwegian_csv_values_are_read_with_decimal_commas(tmp_path: Path) -> None:
    text = (
        "\ufeffEksport 02.01.2025\r\n"
        "Boenhet ID;Areal (m2);Bokført verdi;Markedsverdi;Husleie mnd;Anskaffet;Rente;"
        "Status;Lån\r\n"
        "NO-1;62,5;1 650 000;2 900 000,50;9 800,-;01.03.2014;4,5 %;utleid;1.234.567,89\r\n"
        "NO-2;48;1\u00a0200\u00a0000;2.400.000;kr 8 900;2014-03-01;3,9;leie-til-eie;\r\n"
        ";;;;;;;;\r\n"
    )
    reg = read_register(_write(tmp_path, "no.csv", text.encode("utf-8")))
    f = reg.frame
    assert list(f.index) == [3, 4]  # the file's line numbers; the empty line is dropped
    assert f.loc[3, "area_m2"] == 62.5
    assert f.loc[3, "book_value"] == 1_650_000
    assert f.loc[3, "market_value"] == 2_900_000.5
    assert f.loc[3, "rent_monthly"] == 9_800
    assert f.loc[3, "loan_balance"] == pytest.approx(1_234_567.89)
    assert f.loc[4, "book_value"] == 1_200_000
    assert f.loc[4, "market_value"] == 2_400_000  # several dots: thousands separators
    assert f.loc[4, "rent_monthly"] == 8_900
    assert f.loc[3, "loan_rate"] == pytest.approx(0.045)
    assert f.loc[4, "loan_rate"] == pytest.approx(0.039)
    assert f.loc[3, "acquired"] == pd.Timestamp(2014, 3, 1) == f.loc[4, "acquired"]
    assert list(f["status"]) == ["let", "rent_to_own"]
    assert "UTF-8 with byte-order mark" in reg.notes
    assert "separator ';'" in reg.notes
    assert "1 line(s) above the header skipped" in reg.notes


def test_cp1252_and_latin1_fall_back_and_say_so(tmp_path: Path) -> None:
    text = "bolignr;areal;bokført verdi;markedsverdi;bydel\r\nL-1;50;1000000;2000000;Sør\r\n"
    reg = read_register(_write(tmp_path, "w.csv", text.encode("cp1252")))
    assert reg.frame["district"].tolist() == ["Sør"]
    assert "read as cp1252 text (not UTF-8)" in reg.notes


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")],
)
def test_a_register_with_a_byte_order_mark_reads_as_plain_utf8(
    tmp_path: Path, encoding: str, bom: bytes
) -> None:
    # Excel's "CSV UTF-8" and "Unicode text" exports: the same register as plain UTF-8, cell for
    # cell (the typed CSV reader once handed pandas the reader's description of the encoding)
    text = "bolignr;areal;bokført verdi;markedsverdi;bydel\r\nL-1;50,5;1000000;2000000;Sør\r\n"
    plain = read_register(_write(tmp_path, "plain.csv", text.encode("utf-8")))
    marked = read_register(_write(tmp_path, "bom.csv", bom + text.encode(encoding)))
    pd.testing.assert_frame_equal(marked.frame, plain.frame)
    assert marked.frame["area_m2"].tolist() == [50.5]
    assert marked.frame["district"].tolist() == ["Sør"]


def test_tab_separated_and_comma_decimal_in_quotes(tmp_path: Path) -> None:
    text = 'unit_id\tarea_m2\tbook_value\tmarket_value\n"T 1"\t"50,5"\t1000\t2000\n'
    reg = read_register(_write(tmp_path, "t.txt", text.encode()))
    assert reg.frame["unit_id"].tolist() == ["T 1"]
    assert reg.frame["area_m2"].tolist() == [50.5]


def test_xlsx_reads_the_first_sheet_with_a_header_and_percent_cells(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Les meg"
    wb.active.append(["Dette arket er notater"])
    ws = wb.create_sheet("Boliger")
    ws.append(["Tittel"])
    ws.append(
        [
            "Bolignr",
            "Areal",
            "Bokført verdi",
            "Markedsverdi",
            "Rente",
            "Anskaffet",
            "Lån",
            "Løpetid igjen",
        ]
    )
    ws.append([1001, 50, 1_000_000, 2_000_000, 0.045, dt.datetime(2014, 3, 1), 500_000, 20])
    ws.append(["X-2", 60.5, 1_100_000, 2_100_000, 4.5, "01.06.2015", 600_000, 25])
    ws.cell(row=3, column=5).number_format = "0.00%"
    wb.create_sheet("Pivot").append(["bydel", "sum"])
    path = tmp_path / "user.xlsx"
    wb.save(path)
    reg = read_register(path)
    f = reg.frame
    assert list(f.index) == [3, 4]
    assert f["unit_id"].tolist() == ["1001", "X-2"]  # a numeric id cell becomes text
    assert f["loan_rate"].tolist() == pytest.approx([0.045, 0.045])
    assert f["acquired"].tolist() == [pd.Timestamp(2014, 3, 1), pd.Timestamp(2015, 6, 1)]
    assert "sheet 'Boliger'" in reg.notes
    assert "other sheets ignored: 'Les meg', 'Pivot'" in reg.notes


def test_header_aliases_of_every_column_are_distinct() -> None:
    from housingcalc.registers import ALIASES

    names = {c.name for c in COLUMNS}
    assert set(ALIASES.values()) == names
    for c in COLUMNS:
        for alias in c.aliases:
            from housingcalc.registers import _fold

            assert ALIASES[_fold(alias)] == c.name, alias


def test_two_headers_for_one_column_is_an_error(tmp_path: Path) -> None:
    p = _write(tmp_path, "d.csv", b"unit_id,area_m2,areal,book_value\nA,50,50,1\n")
    with pytest.raises(CollectedErrors) as info:
        read_register(p)
    assert info.value.errors == [
        "header: columns 'area_m2' and 'areal' both mean area_m2; keep one"
    ]


def test_errors_at_scale_are_grouped_one_line_per_rule(tmp_path: Path) -> None:
    # 1500 rows: area 'x' in every row; book value missing (not derivable) in the 750 odd
    # rows, where area is fine; one duplicate id
    rows = (
        "".join(f"U{i},x,1,1\n" if i % 2 == 0 else f"U{i},50,,1\n" for i in range(1500))
        + "U0,50,1,1\n"
    )
    p = _write(tmp_path, "many.csv", ("unit_id,area_m2,book_value,market_value\n" + rows).encode())
    with pytest.raises(RegisterErrors) as info:
        read_register(p)
    # row 2 is U0 (area 'x'), row 3 is U1 (no book value), row 1502 the duplicate of U0
    assert info.value.errors == [
        "area_m2: must be a number: 750 row(s): 2, 4, 6, 8, 10, … (row 2: area_m2 = 'x')",
        f"book_value: {NO_BOOK}: 750 row(s): 3, 5, 7, 9, 11, … (row 3: book_value = '')",
        "unit_id: duplicate of an earlier row: 1 row(s): 1502 (row 1502: unit_id = 'U0')",
        "1501 error(s) in 1501 row(s) in all",
    ]
    assert info.value.grouped
    details = info.value.details()
    assert len(details) == 1501
    assert details[0] == "row 2, area_m2 = 'x': must be a number"
    assert details[1] == f"row 3, book_value = '': {NO_BOOK}"
    assert details[-1] == "row 1502, unit_id = 'U0': duplicate of row 2"
    assert info.value.records[-1] == (1502, "unit_id", "U0", "duplicate of row 2")


def test_old_xls_and_parquet_without_pyarrow_are_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"old \.xls workbooks are not supported"):
        read_register(_write(tmp_path, "a.xls", b"x"))
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        with pytest.raises(InputError, match="reading Parquet needs pyarrow"):
            read_register(_write(tmp_path, "a.parquet", b"x"))


def test_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_register(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    ("suffix", "lang"), [("csv", "en"), ("csv", "nb"), ("xlsx", "en"), ("xlsx", "nb")]
)
def test_template_reads_back_with_every_column(tmp_path: Path, suffix: str, lang: str) -> None:
    path = write_template(tmp_path / f"t.{suffix}", lang=lang)
    headers = [r["column"] for r in template_rows(lang)]
    if suffix == "csv":
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") == (lang == "nb")
        body = raw.decode("utf-8-sig").splitlines()
        assert body[0].split(";" if lang == "nb" else ",") == headers
        sep = ";" if lang == "nb" else ","
        # unit_id, address, district, area_m2, then every other column empty
        row = sep.join(["T-1", "", "", "50"] + [""] * (len(headers) - 4))
        path.write_text(f"{body[0]}\n{row}\n", "utf-8")
        # area given, book value missing and not derivable: one error, on the right row
        with pytest.raises(CollectedErrors) as info:
            read_register(path)
        assert info.value.errors == [f"row 2, book_value = '': {NO_BOOK}"]
    else:
        from openpyxl import load_workbook

        wb = load_workbook(path)
        assert [c.value for c in wb.worksheets[0][3]] == headers  # title, example, header
        assert wb.worksheets[1].max_row == len(COLUMNS) + 1  # the column sheet
        with pytest.raises(CollectedErrors, match="header but no units"):
            read_register(path)


def test_numeric_columns_are_float_and_missing_stays_missing() -> None:
    reg = read_register(
        BROKEN.parent.parent.parent / "scenarios" / "portfolio-example-register.csv"
    )
    f = reg.frame
    assert reg.units == 300
    for c in COLUMNS:
        if c.kind in ("number", "integer", "percent"):
            assert f[c.name].dtype == np.float64, c.name
    assert f["book_value"].isna().sum() > 0  # left for the defaults
    assert f["unit_id"].str.startswith("DEMO-").all()
    assert "ignored columns: note" in reg.notes
