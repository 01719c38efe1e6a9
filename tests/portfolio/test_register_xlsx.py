"""The fast XLSX reader (fastexcel) gives the same register as the cell-by-cell reader
(openpyxl), and falls back to it where it could not be sure."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

import housingcalc.registers as R


def _workbook(path: Path, *, mixed_percent: bool = False, boolean: bool = False) -> Path:
    wb = Workbook()
    wb.active.title = "Les meg"
    wb.active.append(["notater"])
    ws = wb.create_sheet("Boliger")
    ws.append(["Eksport 01.12.2026"])
    ws.append([])  # an empty row above the header
    ws.append(
        [None, "Bolignr", "Areal", "Bokført verdi", "Rente", "Anskaffet", "Kommentar", "Bydel"]
    )
    rows = [
        ["A-1", 50, 1_000_000, 0.045, dt.datetime(2014, 3, 1), "x", "Nord"],
        [1001, "62,5", "1 234 567,5", 0.039, "01.06.2015", None, "Sør"],
        [None, None, None, None, None, None, None],  # a blank row in the middle
        ["A-3", 41.5, 900_000, "4,5 %", dt.datetime(2016, 1, 2, 12, 30), None, None],
        ["A-4", 70, True if boolean else 800_000, 4.1 if mixed_percent else 0.041, None, 1, "Øst"],
    ]
    for r in rows:
        ws.append([None, *r])
    for row in (4, 5, 7, 8):  # rate cells formatted as percent (one written as text)
        ws.cell(row=row, column=5).number_format = "0.00%"
    if mixed_percent:
        ws.cell(row=8, column=5).number_format = "General"
    wb.save(path)
    return path


def _slow(path: Path) -> R.Register:
    return R._validate(R._read_xlsx_openpyxl(path, str(path)), str(path))


def test_fast_reader_gives_what_the_cell_by_cell_reader_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _workbook(tmp_path / "reg.xlsx")
    expected = _slow(path)

    def no_fallback(*_: object) -> None:
        raise AssertionError("fell back to openpyxl")

    monkeypatch.setattr(R, "_read_xlsx_openpyxl", no_fallback)
    got = R.read_register(path)
    assert list(got.frame.index) == [4, 5, 7, 8]  # the sheet's rows (header on row 3)
    pd.testing.assert_frame_equal(
        got.frame.astype(object).where(got.frame.notna(), None),
        expected.frame.astype(object).where(expected.frame.notna(), None),
        check_dtype=False,
    )
    f = got.frame
    # hand-read from the sheet: percent cells as shown, '4,5 %' as text, dates to the day
    assert f["loan_rate"].tolist() == pytest.approx([0.045, 0.039, 0.045, 0.041])
    assert f["area_m2"].tolist() == [50, 62.5, 41.5, 70]
    assert f.loc[5, "book_value"] == 1_234_567.5
    assert f["unit_id"].tolist() == ["A-1", "1001", "A-3", "A-4"]
    assert f.loc[8, "acquired"] is pd.NaT or pd.isna(f.loc[8, "acquired"])
    assert f.loc[7, "acquired"] == pd.Timestamp(2016, 1, 2)
    assert got.notes == expected.notes


@pytest.mark.parametrize("case", ["boolean", "mixed_percent"])
def test_where_unsure_it_reads_cell_by_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    path = _workbook(tmp_path / "reg.xlsx", **{case: True})
    calls = []
    slow = R._read_xlsx_openpyxl

    def counted(p: Path, source: str) -> R._Raw:
        calls.append(p)
        return slow(p, source)

    monkeypatch.setattr(R, "_read_xlsx_openpyxl", counted)
    if case == "boolean":  # TRUE is not read as 1
        with pytest.raises(R.RegisterErrors) as info:
            R.read_register(path)
        assert info.value.errors == ["row 8, book_value = 'True': must be a number"]
    else:  # 4.1 in a cell not formatted as percent, below cells that are: 4.1 %
        reg = R.read_register(path)
        assert reg.frame["loan_rate"].tolist() == pytest.approx([0.045, 0.039, 0.045, 0.041])
    assert calls == [path]
