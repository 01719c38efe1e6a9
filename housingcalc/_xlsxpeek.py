"""A look at the top of an XLSX workbook without reading it all (standard library only).

:func:`peek` streams each sheet's first rows out of the zip (``xml.etree.iterparse``, stopping
early) and gives, per sheet: the first rows as text by column number, the sheet row each is
on, and the number format of each cell (percent or not). The register reader uses it to find
the header row and the percent-formatted rate cells; the data itself is then read by
fastexcel (calamine), which gives values but neither row numbers of the sheet nor formats.

Shared strings are read only up to the highest index the peeked rows use.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, iterparse

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: built-in number formats that show a percentage (ECMA-376 §18.8.30: 9 = 0%, 10 = 0.00%)
BUILTIN_PERCENT = {9, 10}

_CELL = re.compile(r"([A-Z]+)(\d+)")


@dataclass
class PeekRow:
    number: int  # the sheet's row number (1-based, as a spreadsheet shows it)
    values: dict[int, str]  # column (0-based) → text of the cell ('' for an empty text)
    percent: dict[int, bool]  # number cells: column → its number format shows a percentage


@dataclass
class PeekSheet:
    name: str
    rows: list[PeekRow] = field(default_factory=list)
    complete: bool = False  # every row of the sheet was read


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _text(el: Element) -> str:
    return "".join(t.text or "" for t in el.iter(f"{NS}t"))


def _percent_formats(z: zipfile.ZipFile, path: str | None) -> set[int]:
    """The cell style indices (``s``) whose number format shows a percentage."""
    if path is None or path not in z.namelist():
        return set()
    custom: dict[int, str] = {}
    styles: set[int] = set()
    with z.open(path) as fh:
        index = 0
        in_xfs = False
        for event, el in iterparse(fh, events=("start", "end")):
            if event == "start" and el.tag == f"{NS}cellXfs":
                in_xfs = True
            elif event == "end" and el.tag == f"{NS}cellXfs":
                in_xfs = False
            elif event == "end" and el.tag == f"{NS}numFmt":
                code = el.get("formatCode", "")
                unquoted = re.sub(r'"[^"]*"|\\.', "", code)
                custom[int(el.get("numFmtId", "0"))] = unquoted
            elif event == "end" and el.tag == f"{NS}xf" and in_xfs:
                fmt = int(el.get("numFmtId", "0"))
                if fmt in BUILTIN_PERCENT or "%" in custom.get(fmt, ""):
                    styles.add(index)
                index += 1
    return styles


def _parts(z: zipfile.ZipFile) -> tuple[list[tuple[str, str]], str | None, str | None]:
    """(sheet name, part path) in workbook order; the shared strings and styles parts."""
    rels: dict[str, tuple[str, str]] = {}
    with z.open("xl/_rels/workbook.xml.rels") as fh:
        for _, el in iterparse(fh):
            if el.tag == f"{PKG}Relationship":
                target = el.get("Target", "")
                path = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join("xl", target))
                )
                rels[el.get("Id", "")] = (el.get("Type", "").rsplit("/", 1)[-1], path)
    sheets = []
    with z.open("xl/workbook.xml") as fh:
        for _, el in iterparse(fh):
            if el.tag == f"{NS}sheet":
                kind, path = rels.get(el.get(f"{REL}id", ""), ("", ""))
                if kind == "worksheet":
                    sheets.append((el.get("name", ""), path))
    shared = next((p for k, p in rels.values() if k == "sharedStrings"), None)
    styles = next((p for k, p in rels.values() if k == "styles"), None)
    return sheets, shared, styles


def _rows(fh: IO[bytes], percent: set[int]) -> Iterator[tuple[int, list[tuple[int, str, str]]]]:
    """(row number, [(column, type, raw value)]) for each row with cells."""
    number = 0
    for _, el in iterparse(fh):
        if el.tag != f"{NS}row":
            continue
        number = int(el.get("r") or number + 1)
        cells = []
        col = -1
        for c in el.iter(f"{NS}c"):
            ref = c.get("r")
            m = _CELL.match(ref) if ref else None
            col = _col(m.group(1)) if m else col + 1
            kind = c.get("t", "n")
            if kind == "inlineStr":
                is_ = c.find(f"{NS}is")
                value = None if is_ is None else _text(is_)
            else:
                v = c.find(f"{NS}v")
                value = None if v is None else (v.text or "")
            if value is None:
                continue
            style = int(c.get("s", "0"))
            cells.append((col, kind + ("%" if style in percent else ""), value))
        el.clear()
        if cells:
            yield number, cells


def _shared_strings(z: zipfile.ZipFile, path: str | None, upto: int) -> list[str]:
    out: list[str] = []
    if path is None or upto < 0:
        return out
    with z.open(path) as fh:
        for _, el in iterparse(fh):
            if el.tag == f"{NS}si":
                out.append(_text(el))
                el.clear()
                if len(out) > upto:
                    break
    return out


def peek(path: Path, rows: int) -> list[PeekSheet]:
    """The first ``rows`` non-empty rows of every worksheet (raises on a broken workbook)."""
    with zipfile.ZipFile(path) as z:
        sheets, shared_path, styles_path = _parts(z)
        percent = _percent_formats(z, styles_path)
        raw: list[tuple[str, list[tuple[int, list[tuple[int, str, str]]]], bool]] = []
        need = -1
        for name, part in sheets:
            got: list[tuple[int, list[tuple[int, str, str]]]] = []
            complete = True
            with z.open(part) as fh:
                for row in _rows(fh, percent):
                    if len(got) == rows:
                        complete = False
                        break
                    got.append(row)
            for _, cells in got:
                for _, kind, value in cells:
                    if kind.rstrip("%") == "s":
                        need = max(need, int(value))
            raw.append((name, got, complete))
        strings = _shared_strings(z, shared_path, need)
    out = []
    for name, got, complete in raw:
        sheet = PeekSheet(name, complete=complete)
        for number, cells in got:
            values: dict[int, str] = {}
            pct: dict[int, bool] = {}
            for col, kind, value in cells:
                base = kind.rstrip("%")
                if base == "s":
                    i = int(value)
                    values[col] = strings[i] if i < len(strings) else ""
                else:
                    values[col] = value
                if base == "n":  # a number cell (text cells say their own % sign)
                    pct[col] = kind.endswith("%")
            sheet.rows.append(PeekRow(number, values, pct))
        out.append(sheet)
    return out


def sheet_part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        sheets, _, _ = _parts(z)
    return dict(sheets)[name]


def has_boolean_cells(path: Path, part: str) -> bool:
    """Whether the sheet holds a TRUE/FALSE cell (fastexcel would read it as 1/0 in a number
    column). Streams the part through zlib and searches the bytes: no XML parsing."""
    marker = b't="b"'
    with zipfile.ZipFile(path) as z, z.open(part) as fh:
        tail = b""
        while chunk := fh.read(1 << 22):
            if marker in tail + chunk[: len(marker)] or marker in chunk:
                return True
            tail = chunk[-len(marker) :]
    return False
