"""The per-unit sheets of the portfolio workbook: one row per unit, fast at national scale.

What each sheet holds is data, not code: ``templates/workbook/unit_columns.csv`` lists, per
sheet, each column's key (the calc frame's column), its English header (the message id), its
number format (a kind of :data:`housingcalc.reports.portfolio.EXCEL_FORMATS`, ``text`` or
``bool``), its width, and either nothing (the value is written) or a formula over the same
row's cells (``{market_value}``) and the Inputs sheet's defined names (``CapitalRate``). A
formula is written only when every name it uses is defined and every column it refers to is on
the sheet; its cached value is calc's own figure. Headers are translated by the gettext
catalogue ``templates/locales/<lang>/LC_MESSAGES/workbook.po`` (over the portfolio report's).

How the rows are written. xlsxwriter writes the whole workbook, the per-unit sheets included
(header row, column widths and formats, frozen header, autofilter, A4 landscape), but not their
data rows. After it has closed the file, :func:`splice` copies the package and inserts the data
rows into those sheets' ``<sheetData>``, made here a block of rows at a time with vectorised
string operations over whole columns (numpy object arrays): one pass per column instead of
xlsxwriter's dozen Python calls per cell and 29 regular expressions per formula, which is what
made 115 000 units take minutes (measured in ``benchmarks/workbook_bench.py``). The cells are
SpreadsheetML as xlsxwriter writes them in constant-memory mode (inline strings, ``s`` = the
column's style index read from the ``<cols>`` xlsxwriter wrote, formulas with cached values).
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from housingcalc.tabular import looks_like_formula

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray

    from housingcalc.reports.i18n import Translator

__all__ = [
    "CATALOGUE",
    "PendingSheet",
    "UnitColumn",
    "formula_names",
    "sheet_columns",
    "splice",
    "unit_columns",
    "workbook_translator",
]

#: the gettext catalogue of the per-unit headers (over ``portfolio.po``)
CATALOGUE = "workbook"
#: number-format kinds besides those of ``EXCEL_FORMATS``
PLAIN_KINDS = ("text", "bool")
#: rows serialised at a time (bounds the memory of the strings being built)
CHUNK_ROWS = 16_384
#: zlib level of the spliced sheets: 1 compresses ~3× faster than the default 6 and the file
#: is about a fifth larger
COMPRESS_LEVEL = 1

_REF = re.compile(r"\{(\w+)\}")
#: a defined name in a formula: an identifier not followed by "(" (a function) nor part of a
#: number
_NAME = re.compile(r"(?<![\w.])([A-Za-z_][A-Za-z0-9_.]*)(?![\w.(])")
#: text → XML: the markup characters and the control characters XML 1.0 does not allow
#: (written as Excel's ``_xHHHH_`` escapes, as xlsxwriter does)
_XML_TEXT = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        **{chr(c): f"_x{c:04X}_" for c in range(32) if c not in (9, 10, 13)},
    }
)


@dataclass(frozen=True)
class UnitColumn:
    """One column of a per-unit sheet (a row of ``unit_columns.csv``)."""

    key: str
    header: str
    kind: str
    width: float
    formula: str = ""

    def refs(self) -> list[str]:
        """The columns of the same row the formula refers to."""
        return _REF.findall(self.formula)


def formula_names(formula: str) -> set[str]:
    """The defined names a spec formula uses (``=MAX({a},Rate*{b})`` → ``{"Rate"}``)."""
    return set(_NAME.findall(_REF.sub("", formula.lstrip("="))))


@lru_cache(maxsize=1)
def unit_columns() -> dict[str, tuple[UnitColumn, ...]]:
    """The column spec by sheet (the per-unit frame's key, e.g. ``"Units - tariff"``)."""
    from housingcalc.reports.portfolio import EXCEL_FORMATS
    from housingcalc.resources import templates_dir

    path = Path(str(templates_dir())) / "workbook" / "unit_columns.csv"
    out: dict[str, list[UnitColumn]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            kind = row["format"]
            if kind not in EXCEL_FORMATS and kind not in PLAIN_KINDS:
                raise ValueError(f"{path}:{n}: format {kind!r} is not a known kind")
            formula = row["formula"].strip()
            if formula and not formula.startswith("="):
                raise ValueError(f"{path}:{n}: a formula starts with '='")
            out.setdefault(row["sheet"], []).append(
                UnitColumn(row["key"], row["header"], kind, float(row["width"]), formula)
            )
    return {k: tuple(v) for k, v in out.items()}


def sheet_columns(sheet: str, frame: pd.DataFrame) -> list[UnitColumn]:
    """The columns written for ``frame`` on ``sheet``: the spec's, in its order, for the
    frame's columns; a frame column the spec does not list comes last under its own name."""
    spec = [c for c in unit_columns().get(sheet, ()) if c.key in frame.columns]
    listed = {c.key for c in spec}
    for key in frame.columns:
        if key not in listed:
            dtype = frame[key].dtype.kind
            kind = "bool" if dtype == "b" else "number" if dtype in "fiu" else "text"
            spec.append(UnitColumn(str(key), str(key), kind, 14.0))
    return spec


def workbook_translator(lang: str, templates: Path | None = None) -> Translator:
    """The portfolio report's translator with the workbook's own catalogue merged over it."""
    from babel.messages.pofile import read_po

    from housingcalc.reports.i18n import Translator, catalogue_path
    from housingcalc.reports.portfolio import portfolio_translator
    from housingcalc.resources import templates_dir

    base = portfolio_translator(lang, templates)
    messages = dict(base.messages)
    roots = [Path(str(templates_dir()))] + ([templates] if templates is not None else [])
    for root in roots:
        path = catalogue_path(root, base.lang).with_name(f"{CATALOGUE}.po")
        if path.is_file():
            with path.open("rb") as fh:
                for m in read_po(fh):
                    if m.id and m.string and not m.fuzzy and isinstance(m.id, str):
                        messages[m.id] = str(m.string)
    return Translator(base.lang, messages, base.plural_rule)


@dataclass
class PendingSheet:
    """A per-unit sheet xlsxwriter has set up (header, widths, formats) whose rows are
    spliced in after it closes the file. ``formulas``: column key → the formula used."""

    name: str
    frame: pd.DataFrame
    columns: list[UnitColumn]
    formulas: dict[str, str] = field(default_factory=dict)

    @property
    def letters(self) -> dict[str, str]:
        from xlsxwriter.utility import xl_col_to_name

        return {c.key: str(xl_col_to_name(j)) for j, c in enumerate(self.columns)}


def _obj(values: Sequence[str]) -> NDArray[np.object_]:
    import numpy as np

    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _numbers(values: NDArray[np.float64], kind: str) -> list[str]:
    """Each finite value as the shortest text that reads back as the same double (whole
    numbers through ``int``, three times faster); money to the øre (the format rounds the
    display to the krone)."""
    import numpy as np

    x = np.round(values, 2) if kind == "nok" else values
    whole = np.trunc(x)
    if bool(np.all(whole == x)) and bool(np.all(np.abs(x) < 2**53)):
        return list(map(int.__repr__, x.astype(np.int64).tolist()))
    return list(map(float.__repr__, x.tolist()))


#: a character that needs escaping in XML text, or a line starting as a formula would
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f]|^[=+\-@\t\r]", re.MULTILINE)


def _safe_text(s: str) -> str:
    return ("'" + s if looks_like_formula(s) else s).translate(_XML_TEXT)


def _texts(series: pd.Series) -> tuple[list[str], NDArray[np.bool_], bool]:
    """Each cell's text escaped for XML (and neutralised: text a spreadsheet would run as a
    formula gets an apostrophe, see :func:`housingcalc.tabular.neutralise_cell`); where a
    value is present; whether any needs ``xml:space="preserve"`` (spaces at either end).
    Distinct values are escaped once each (districts, classes: a handful)."""
    import pandas as pd

    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    words = [str(u) for u in uniques.to_numpy(dtype=object).tolist()]
    if _SPECIAL.search("\n".join(words)):
        words = [_safe_text(w) for w in words]
    spaces = any(w != w.strip() for w in words)
    words.append("")  # code -1: no value
    return [words[c] for c in codes.tolist()], codes >= 0, spaces


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _column(
    sheet: PendingSheet, col: UnitColumn, letter: str, style: int, start: int, stop: int, k: int
) -> tuple[str, list[str]] | None:
    """One column's part of the row template (``{0}`` = the row number, ``{k}`` = this
    column's field) and the field's text for rows ``start:stop``; None: no value at all.

    Where every row has a value the template holds the whole cell, formula included (its
    references are ``{0}``, the row); a column with gaps puts the cell's contents in the
    field, empty where there is no value (an empty, formatted cell)."""
    import numpy as np

    s = f' s="{style}"' if style else ""
    cell = f'<c r="{letter}{{0}}"{s}'
    series = sheet.frame[col.key].iloc[start:stop]
    if col.kind == "text" or series.dtype.kind not in "biuf":
        text, present, spaces = _texts(series)
        t = '<t xml:space="preserve">' if spaces else "<t>"
        if bool(present.all()):
            return f'{cell} t="inlineStr"><is>{t}{{{k}}}</t></is></c>', text
        inner = [f"<is>{t}{w}</t></is>" if w else "" for w in text]
        return f'{cell} t="inlineStr">{{{k}}}</c>', inner
    if series.dtype.kind == "b" or col.kind == "bool":
        flags = ["1" if f else "0" for f in series.to_numpy(dtype=bool).tolist()]
        return f'{cell} t="b"><v>{{{k}}}</v></c>', flags
    x = series.to_numpy(dtype=np.float64)
    finite = np.isfinite(x)
    if not finite.any():
        return None
    formula = sheet.formulas.get(col.key)
    f = ""
    if formula:
        parts = _REF.split(formula.lstrip("="))
        for n in range(0, len(parts), 2):  # text between the references
            parts[n] = _braces(parts[n].translate(_XML_TEXT))
        for n in range(1, len(parts), 2):  # a reference: that column, this row
            parts[n] = sheet.letters[parts[n]] + "{0}"
        f = "<f>" + "".join(parts) + "</f>"
    if bool(finite.all()):
        return f"{cell}>{f}<v>{{{k}}}</v></c>", _numbers(x, col.kind)
    value = iter(_numbers(x[finite], col.kind))
    rows = range(start + 2, stop + 2)
    if f:
        inner = [
            f.format(r) + f"<v>{next(value)}</v>" if ok else ""
            for r, ok in zip(rows, finite.tolist(), strict=True)
        ]
    else:
        inner = [f"<v>{next(value)}</v>" if ok else "" for ok in finite.tolist()]
    return f"{cell}>{{{k}}}</c>", inner


def rows_xml(sheet: PendingSheet, styles: Sequence[int], start: int, stop: int) -> str:
    """The ``<row>`` elements of the frame's rows ``start:stop`` (spreadsheet rows
    ``start + 2`` on: the header is row 1), by one row template filled per row."""
    letters = sheet.letters
    template = ['<row r="{0}">']
    fields: list[list[str]] = [[str(r) for r in range(start + 2, stop + 2)]]
    for col, style in zip(sheet.columns, styles, strict=True):
        part = _column(sheet, col, letters[col.key], style, start, stop, len(fields))
        if part is not None:
            template.append(part[0])
            fields.append(part[1])
    template.append("</row>")
    return "".join(map("".join(template).format, *fields))


_COL = re.compile(r"<col ([^>]*)/>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def _styles(head: str, width: int) -> list[int]:
    """Each column's style index from the ``<cols>`` xlsxwriter wrote (0 = none)."""
    styles = [0] * width
    for m in _COL.finditer(head):
        a = dict(_ATTR.findall(m.group(1)))
        lo, hi, style = int(a["min"]), int(a["max"]), int(a.get("style", 0))
        for j in range(lo - 1, min(hi, width)):
            styles[j] = style
    return styles


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in the package (``xl/worksheets/sheetN.xml``)."""
    import xml.etree.ElementTree as ET

    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "p": "http://schemas.openxmlformats.org/package/2006/relationships",
    }
    book = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): str(r.get("Target")) for r in rels.findall("p:Relationship", ns)}
    out = {}
    for s in book.findall("m:sheets/m:sheet", ns):
        t = target[s.get(f"{{{ns['r']}}}id")]
        out[str(s.get("name"))] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    return out


def splice(
    source: Path,
    target: Path,
    sheets: Sequence[PendingSheet],
    progress: Callable[[str], None] = lambda _: None,
) -> None:
    """Copy the package ``source`` (xlsxwriter's output) to ``target``, with the data rows of
    ``sheets`` inserted into their (header-only) sheets."""
    from xlsxwriter.utility import xl_col_to_name

    with zipfile.ZipFile(source) as zin:
        parts = _sheet_parts(zin)
        by_part = {parts[s.name]: s for s in sheets}
        with zipfile.ZipFile(
            target, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
        ) as zout:
            for info in zin.infolist():
                data = zin.read(info)
                sheet = by_part.get(info.filename)
                if sheet is None:
                    zout.writestr(info, data)
                    continue
                text = data.decode("utf-8")
                head, tail = text.split("</sheetData>", 1)
                n, width = len(sheet.frame), len(sheet.columns)
                last = f"{xl_col_to_name(max(width - 1, 0))}{n + 1}"
                head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', head)
                styles = _styles(head, width)
                big = n * width * 64 > 1_500_000_000  # past 2 GiB uncompressed: ZIP64
                # zlib compresses a block (in a second thread: it lets go of the GIL) while
                # the next block is made here
                with (
                    zout.open(info.filename, "w", force_zip64=big) as fh,
                    ThreadPoolExecutor(1) as pool,
                ):
                    writing = pool.submit(fh.write, head.encode("utf-8"))
                    for start in range(0, n, CHUNK_ROWS):
                        stop = min(n, start + CHUNK_ROWS)
                        block = rows_xml(sheet, styles, start, stop).encode("utf-8")
                        writing.result()
                        writing = pool.submit(fh.write, block)
                        if n > CHUNK_ROWS:
                            done, total = f"{stop:,}".replace(",", " "), f"{n:,}".replace(",", " ")
                            progress(f"sheet {sheet.name!r}: {done} of {total} rows")
                    writing.result()
                    fh.write(("</sheetData>" + tail).encode("utf-8"))
