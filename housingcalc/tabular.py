"""Cells for spreadsheets: the one place text is made safe before a CSV or XLSX file is written.

A spreadsheet runs a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(and Excel also after a leading tab or carriage return): a unit id ``=HYPERLINK(...)`` or
``+cmd|' /C calc'!A0`` copied from a register into a report would run on the reader's
machine ("CSV injection", OWASP). Every CSV and XLSX writer in housingcalc passes its text
cells through :func:`neutralise_cell` (or a whole table through :func:`neutralise_frame`);
numbers stay numbers.

Writers: ``portfolio value|cost|project -f csv``, ``rent tariff --units-out``, ``loan -f csv``,
the portfolio Excel report (:mod:`housingcalc.reports.portfolio`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FORMULA_PREFIXES", "looks_like_formula", "neutralise_cell", "neutralise_frame"]

#: The first characters that make a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# A plain signed number (``-1200``, ``+4.5``, ``-12,5 %``) or a dash placeholder (``-``, ``--``)
# is text a spreadsheet shows as it is: left alone, so tables stay readable.
_HARMLESS = re.compile(r"[+-]?\d[\d \u00a0.,]*%?|[-\u2013\u2014 ]+")

T = TypeVar("T")


def looks_like_formula(text: str) -> bool:
    """True if a spreadsheet would run ``text`` (see the module notes).

    >>> looks_like_formula("=HYPERLINK(\\"http://x\\")"), looks_like_formula("-1200")
    (True, False)
    """
    return text.startswith(FORMULA_PREFIXES) and _HARMLESS.fullmatch(text) is None


def neutralise_cell(value: T) -> T | str:
    """A cell value safe to write into a CSV or XLSX file.

    Text a spreadsheet would run as a formula gets an apostrophe in front (the spreadsheet
    convention for "this is text"); every other value (numbers, dates, ``None``, other text) is
    returned unchanged.

    >>> neutralise_cell("=1+2"), neutralise_cell("+cmd|' /C calc'!A0"), neutralise_cell("@SUM(A1)")
    ("'=1+2", "'+cmd|' /C calc'!A0", "'@SUM(A1)")
    >>> neutralise_cell("Storgata 1"), neutralise_cell(-5.0), neutralise_cell("-5")
    ('Storgata 1', -5.0, '-5')
    """
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) have passed
    :func:`neutralise_cell`; numeric and date columns are untouched."""
    import pandas as pd

    out = frame.copy()
    for name in out.columns:
        col = out[name]
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            out[name] = col.map(neutralise_cell, na_action="ignore")
    out.columns = [neutralise_cell(c) for c in out.columns]
    return out


def neutralise_row(row: list[Any]) -> list[Any]:
    """One row of cells through :func:`neutralise_cell`."""
    return [neutralise_cell(v) for v in row]
