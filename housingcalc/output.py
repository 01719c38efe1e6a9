"""One way out of the library: results to JSON, terminal tables and CSV.

``calc`` returns numbers and typed records (pydantic models, dataclasses, pandas frames,
numpy arrays) at full precision and without prose. This module is the one place that turns
them into rounded, labelled output; the CLI, the reports and the browser workspace call it
instead of shaping output themselves. It imports nothing heavy at module level.

Public functions
----------------

Generic (any result):

- ``jsonable(obj)``: plain JSON-ready Python data: dates → ISO text, numpy scalars and arrays
  → Python numbers and lists, pydantic models → ``model_dump(mode="json")``, dataclasses →
  dicts, non-finite floats → ``None``. Values are not rounded.
- ``rounded(obj, places=2)``: the same, with every float rounded to ``places`` (money to the
  øre); whole numbers stay ``int``.
- ``to_json(obj)``: ``jsonable(obj)`` as indented UTF-8 JSON text (what ``--format json``
  prints and report JSON files hold).
- ``records(frame, places=2)``: a pandas frame (or a mapping of equal-length columns) as a list
  of row dicts, floats rounded, NaN → ``None``.
- ``csv_text(frame, places=2)``: the same rows as CSV text (header first, ``\\n`` line ends,
  floats with ``places`` decimals, no index).
- ``Table(headers, rows, title=None, right_align_from=1)`` and ``render_table(table)``: a plain
  text table (the layout the CLI has always printed: a title, a blank line, the header, a rule,
  the rows; text left, numbers right); ``table_text(...)`` for both in one call.
- ``money(value)``: ``1234567.891`` → ``1 234 567.89`` (terminal tables; machine-friendly:
  a point, a plain space); ``kr(value)``: whole kroner, ``–`` for a missing value;
  ``pct(value, places=2)``: a fraction as ``3.50 %``.

Result-specific (the JSON the CLI prints; keys are a public interface, see docs/):

- ``loan_schedule(loan, yearly=False)``: ``{"summary": …, "schedule": [rows]}``, and
  ``loan_rows(loan, yearly)`` → ``(headers, rows)`` of the schedule for a table or CSV;
- ``portfolio_value(result, by)``, ``portfolio_cost(result)``, ``portfolio_tariff(result)``,
  ``portfolio_projection(result)``: ``housingcalc portfolio value|cost|tariff|project``;
- ``cost_warning(cost)``: the one-line note on the unverified Beregningsutvalget rates;
- ``stock_tariff(result)``: ``housingcalc rent tariff``.

Rounding rule: money to the øre (2 decimals) in JSON and CSV, whole kroner in the portfolio's
terminal tables; rates are left as fractions at full precision.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import math
import textwrap
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from housingcalc.tabular import neutralise_cell

if TYPE_CHECKING:
    from housingcalc.calc.loans import Loan
    from housingcalc.calc.portfolio import PortfolioResult
    from housingcalc.calc.tariff import TariffResult

__all__ = [
    "Table",
    "cost_warning",
    "csv_text",
    "jsonable",
    "kr",
    "loan_rows",
    "loan_schedule",
    "money",
    "pct",
    "portfolio_cost",
    "portfolio_projection",
    "portfolio_tariff",
    "portfolio_value",
    "records",
    "render_table",
    "rounded",
    "stock_tariff",
    "table_text",
    "to_json",
]

# -- generic --------------------------------------------------------------------------------


def _scalar(obj: Any) -> Any:
    """One value as plain Python (no rounding), or the object itself if it is a container."""
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if type(obj).__name__ == "NaTType":  # pandas' missing date (a datetime subclass)
        return None
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    if isinstance(obj, Path):
        return str(obj)
    isoformat = getattr(obj, "isoformat", None)  # pandas Timestamp, numpy datetime64 via item
    if callable(isoformat) and not isinstance(obj, type):
        return isoformat()
    item = getattr(obj, "item", None)  # numpy scalars
    if callable(item) and getattr(obj, "ndim", 1) == 0:
        return _scalar(item())
    return obj


def _walk(obj: Any, places: int | None) -> Any:
    obj = _scalar(obj)
    if isinstance(obj, float):
        return round(obj, places) if places is not None else obj
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, Mapping):
        return {str(k): _walk(v, places) for k, v in obj.items()}
    model_dump = getattr(obj, "model_dump", None)
    if callable(model_dump):
        return _walk(model_dump(mode="json"), places)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _walk(getattr(obj, f.name), places) for f in dataclasses.fields(obj)}
    to_dict = getattr(obj, "to_dict", None)  # a pandas frame: its rows
    if callable(to_dict) and hasattr(obj, "columns"):
        return [_walk(r, places) for r in to_dict(orient="records")]
    tolist = getattr(obj, "tolist", None)  # numpy arrays, pandas series
    if callable(tolist):
        return _walk(tolist(), places)
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [_walk(v, places) for v in obj]
    raise TypeError(f"cannot write {type(obj).__name__} as JSON")


def jsonable(obj: Any) -> Any:
    """``obj`` as plain JSON-ready data, values unrounded (see the module docstring).

    >>> jsonable({"at": dt.date(2027, 3, 1), "x": float("nan"), "n": (1, 2.5)})
    {'at': '2027-03-01', 'x': None, 'n': [1, 2.5]}
    """
    return _walk(obj, None)


def rounded(obj: Any, places: int = 2) -> Any:
    """``jsonable(obj)`` with every float rounded to ``places`` decimals.

    >>> rounded({"rent": 7181.134999, "units": 3, "rate": None})
    {'rent': 7181.13, 'units': 3, 'rate': None}
    """
    return _walk(obj, places)


def _json_default(obj: Any) -> Any:
    out = _walk(obj, None)
    if out is obj:
        raise TypeError(f"cannot write {type(obj).__name__} as JSON")
    return out


def to_json(obj: Any) -> str:
    """Indented UTF-8 JSON text of ``obj`` (non-finite floats become ``null``).

    >>> print(to_json({"a": dt.date(2026, 12, 1)}))
    {
      "a": "2026-12-01"
    }
    """
    return json.dumps(
        _nan_to_none(obj), ensure_ascii=False, indent=2, default=_json_default, allow_nan=False
    )


def _nan_to_none(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _nan_to_none(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_nan_to_none(v) for v in obj]
    return obj


def records(frame: Any, places: int = 2) -> list[dict[str, Any]]:
    """Rows of a pandas frame (or a mapping of columns) as dicts; floats rounded, NaN → None.

    >>> records({"unit": ["A", "B"], "rent": [7181.134, float("nan")]})
    [{'unit': 'A', 'rent': 7181.13}, {'unit': 'B', 'rent': None}]
    """
    if isinstance(frame, Mapping):
        names = list(frame)
        columns = [list(frame[n]) for n in names]
        rows = [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]
    else:
        rows = frame.to_dict(orient="records")
    return [{str(k): _walk(v, places) for k, v in row.items()} for row in rows]


def csv_text(frame: Any, places: int = 2) -> str:
    """Rows as CSV text: header first, floats with ``places`` decimals, empty for missing.

    >>> print(csv_text({"term": [1, 2], "interest": [60.0, 55.1449]}), end="")
    term,interest
    1,60.00
    2,55.14
    """
    if isinstance(frame, Mapping):
        names = [str(n) for n in frame]
        columns = [list(frame[n]) for n in frame]
    else:
        names = [str(c) for c in frame.columns]
        columns = [frame[c].tolist() for c in frame.columns]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([neutralise_cell(n) for n in names])
    for values in zip(*columns, strict=True):
        writer.writerow([_csv_cell(v, places) for v in values])
    return buf.getvalue()


def _csv_cell(value: Any, places: int) -> Any:
    if value is None or (not isinstance(value, str) and value != value):  # None, NaN, NaT
        return ""
    to_pydatetime = getattr(value, "to_pydatetime", None)  # a pandas Timestamp, as pandas
    if callable(to_pydatetime):  # writes it: the date alone at midnight
        stamp = to_pydatetime()
        return stamp.date().isoformat() if stamp.time() == dt.time() else stamp.isoformat(" ")
    value = _scalar(value)
    if isinstance(value, float):
        return f"{value:.{places}f}"
    return neutralise_cell(value)  # text a spreadsheet would run stays text (issue 11)


# -- terminal text ----------------------------------------------------------------------------


def money(value: float) -> str:
    """Plain machine-friendly money for terminal tables.

    >>> money(1234567.891)
    '1 234 567.89'
    """
    return f"{value:,.2f}".replace(",", " ")


def kr(value: float | None) -> str:
    """Whole kroner with a space between thousands; ``–`` for a missing value.

    >>> kr(1553871.6), kr(None), kr(float("nan"))
    ('1 553 872', '–', '–')
    """
    if value is None or value != value:
        return "–"
    return f"{value:,.0f}".replace(",", " ")


def pct(value: float | None, places: int = 2) -> str:
    """A fraction as a percentage: ``0.035`` → ``3.50 %``."""
    if value is None:
        return "-"
    return f"{value * 100:.{places}f} %"


@dataclass(frozen=True)
class Table:
    """A plain text table: columns from ``right_align_from`` on are right-aligned."""

    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    title: str | None = None
    right_align_from: int = 1


def _width(text: str) -> int:
    """Terminal cells ``text`` takes (wide East Asian characters count two)."""
    if not text or max(text) < "\u0300":  # Latin letters, digits, spaces: one cell each
        return len(text)
    return sum(
        0
        if unicodedata.combining(ch)
        else 2
        if unicodedata.east_asian_width(ch) in ("W", "F")
        else 1
        for ch in text
    )


def _fit(text: str, width: int, right: bool) -> str:
    pad = " " * max(width - _width(text), 0)
    return pad + text if right else text + pad


def render_table(table: Table) -> str:
    """The table as text, one line per row, every line as wide as the table: an edge space,
    the columns 3 spaces apart, an edge space (1 + 4 + 3 + 5 + 1 = 14 below).

    >>> text = render_table(Table(["item", "kr"], [["rent", "7 181"]], title="Rent"))
    >>> print(text.replace(" ", "."), end="")
    Rent..........
    ..............
    .item......kr.
    .────────────.
    .rent...7.181.
    ..............
    """
    cells = [["" if c is None else str(c) for c in row] for row in table.rows]
    n = len(table.headers)
    widths = [
        max([_width(str(table.headers[i])), *(_width(r[i]) for r in cells if i < len(r))])
        for i in range(n)
    ]
    total = 2 + sum(widths) + 3 * (n - 1)

    def line(values: Sequence[str]) -> str:
        parts = [
            _fit(values[i] if i < len(values) else "", widths[i], i >= table.right_align_from)
            for i in range(n)
        ]
        return " " + "   ".join(parts) + " "

    out: list[str] = []
    if table.title:
        for part in textwrap.wrap(table.title, total) or [""]:
            out.append(_fit(part, total, False))
    out.append(" " * total)
    out.append(line([str(h) for h in table.headers]))
    out.append(" " + "─" * (total - 2) + " ")
    out += [line(r) for r in cells]
    out.append(" " * total)
    return "\n".join(out) + "\n"


def table_text(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    right_align_from: int = 1,
) -> str:
    """``render_table(Table(...))`` in one call."""
    return render_table(Table(headers, rows, title, right_align_from))


# -- loans ------------------------------------------------------------------------------------


def loan_rows(loan: Loan, yearly: bool = False) -> dict[str, list[Any]]:
    """The schedule as columns (``term`` or ``year`` first; NOK to the øre)."""
    from housingcalc.calc.loans import schedule_columns, yearly_columns

    return yearly_columns(loan) if yearly else schedule_columns(loan)


def loan_schedule(loan: Loan, yearly: bool = False) -> dict[str, Any]:
    """``housingcalc loan --format json``: ``{"summary": {...}, "schedule": [rows]}``."""
    from housingcalc.calc.loans import summary_dict

    return {"summary": summary_dict(loan), "schedule": records(loan_rows(loan, yearly))}


# -- portfolio --------------------------------------------------------------------------------


def portfolio_value(res: PortfolioResult, by: str) -> dict[str, Any]:
    """``housingcalc portfolio value --format json``."""
    from housingcalc.calc.portfolio import VALUE_COLUMNS

    v = res.valuation
    t = v.totals
    return {
        "valuation_date": v.at,
        "units": int(t["units"]),
        "units_owned": int(t["units_owned"]),
        "units_rented_in": int(t["units_rented_in"]),
        **{k: round(t[k], 2) for k in VALUE_COLUMNS},
        "defaults": [
            {"column": d.column, "units": d.count, "rule": d.rule} for d in res.units.defaults
        ],
        f"by_{by}": records(getattr(v, f"by_{by}")),
    }


def cost_warning(c: Any) -> str:
    """The one-line warning every Beregningsutvalget cost output carries."""
    where = {"parameter": "parameter file", "scenario": "set in the scenario"}
    return (
        f"capital rate {c.capital_rate:.2%} ({where[c.rates_from['capital_rate']]}) and "
        f"maintenance floor {c.maintenance_rate:.2%} ({where[c.rates_from['maintenance_rate']]}) "
        "of market value; the method's 4 % and 1.5 % are seed values from Bærum 2015, not "
        "verified against a primary source"
    )


def portfolio_cost(res: PortfolioResult) -> dict[str, Any]:
    """``housingcalc portfolio cost --format json``."""
    c = res.cost
    assert c is not None
    return {
        "valuation_date": res.units.at,
        "capital_rate": c.capital_rate,
        "maintenance_rate": c.maintenance_rate,
        "rates_from": c.rates_from,
        "unverified": cost_warning(c),
        "lines": [
            {"line": k, **{kk: _round_float(vv) for kk, vv in row.items()}}
            for k, row in c.table.to_dict(orient="index").items()
        ],
    }


def _round_float(v: Any, places: int = 2) -> Any:
    if isinstance(v, float) and v != v:  # NaN: a line covering no units has no per-unit value
        return None
    return round(v, places) if isinstance(v, float) else v


def portfolio_tariff(res: PortfolioResult) -> dict[str, Any]:
    """``housingcalc portfolio tariff --format json``."""
    from housingcalc.calc.portfolio import rent_gap_table

    tr = res.tariff
    assert tr is not None
    return {**tr.summary(), "gap_by_class": records(rent_gap_table(tr))}


def portfolio_projection(res: PortfolioResult) -> dict[str, Any]:
    """``housingcalc portfolio project --format json``."""
    ps = res.projection
    assert ps is not None
    phase = (
        None
        if ps.phase_in is None
        else {**ps.phase_in.summary(), "units_by_years_to_close": ps.phase_in.by_years()}
    )
    return {
        "rent_phase_in": phase,
        "valuation_date": res.units.at,
        "scenarios": {
            pr.name: {"yearly": records(pr.yearly), "npv_cash_flow": round(pr.npv_cash_flow, 2)}
            for pr in ps.all
        },
        "comparison": {
            name: {k: round(float(v), 2) for k, v in col.items()}
            for name, col in ps.comparison.to_dict().items()
        },
    }


# -- rent tariff of a stock -------------------------------------------------------------------


def stock_tariff(t: TariffResult) -> dict[str, Any]:
    """``housingcalc rent tariff --format json``: the summary and every unit (unrounded)."""
    out = t.summary()
    out["per_unit"] = (
        t.per_unit.astype(object).where(t.per_unit.notna(), None).to_dict(orient="records")
    )
    return out
