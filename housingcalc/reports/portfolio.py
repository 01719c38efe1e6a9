"""The portfolio report: a typed context, rendered to HTML, an Excel workbook and JSON.

:func:`build_report` turns a :class:`~housingcalc.calc.portfolio.PortfolioResult` into a
:class:`PortfolioReport` (small: summary tables only, already translated). Then:

- :func:`render_html` renders ``templates/portfolio.html.j2`` (self-contained: inline CSS and
  SVG charts; the sources of every parameter at the end);
- :func:`write_workbook` writes one sheet per table, numbers as numbers with number formats,
  plus the assumptions, the defaults applied and the sources; per-unit sheets (valuation,
  cost, tariff, end state, sales) are optional because a 115 000-unit stock makes them large;
- :func:`report_json` gives the same content as a JSON-ready dict.

Text comes from the gettext catalogues: the shared ``housingcalc.po`` and this report's own
``portfolio.po`` (``templates/locales/<lang>/LC_MESSAGES/``); message ids are English.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from housingcalc.reports.household import SourceRow
from housingcalc.tabular import neutralise_cell

if TYPE_CHECKING:
    import pandas as pd

    from housingcalc.calc.portfolio import PortfolioResult, Projection
    from housingcalc.parameters import ResolvedValue
    from housingcalc.reports.i18n import Translator
    from housingcalc.reports.render import Formatter
    from housingcalc.reports.workbook_units import PendingSheet

__all__ = [
    "Column",
    "Figure",
    "PortfolioReport",
    "Table",
    "build_report",
    "per_unit_frames",
    "portfolio_translator",
    "render_html",
    "report_json",
    "write_workbook",
]

ColumnKind = Literal["text", "int", "year", "nok", "number", "pct", "area"]
Cell = str | float | int | None

TEMPLATE = "portfolio.html.j2"
CATALOGUE = "portfolio"

#: Excel number formats by column kind.
EXCEL_FORMATS: dict[str, str] = {
    "int": "#,##0",
    "year": "0",
    "nok": "#,##0",
    "number": "#,##0.00",
    "pct": "0.0%",
    "area": "#,##0.0",
}

_FROZEN = ConfigDict(extra="forbid", frozen=True)


class Column(BaseModel):
    model_config = _FROZEN

    key: str
    label: str
    kind: ColumnKind = "nok"


class Table(BaseModel):
    """A table of the report (a sheet in the workbook). ``total``: an optional last row.

    A cell is formatted by its column's ``kind``; with ``row_kinds`` (one per row), the
    non-text cells of a row take the row's kind instead (a table of mixed figures).
    """

    model_config = _FROZEN

    key: str
    title: str
    sheet: str
    columns: list[Column]
    rows: list[list[Cell]]
    total: list[Cell] | None = None
    note: str = ""
    row_kinds: list[ColumnKind] | None = None
    #: a key per row (e.g. the Beregningsutvalget line), for the workbook's formulas
    row_keys: list[str] | None = None

    def kind(self, row: int, column: int) -> ColumnKind:
        kind = self.columns[column].kind
        if self.row_kinds is not None and kind != "text" and row < len(self.row_kinds):
            return self.row_kinds[row]
        return kind


class Figure(BaseModel):
    """One labelled value (a key figure or an assumption)."""

    model_config = _FROZEN

    key: str
    label: str
    value: Cell
    kind: ColumnKind = "nok"
    section: str = ""


class Chart(BaseModel):
    model_config = _FROZEN

    key: str
    title: str
    svg: str


class PortfolioReport(BaseModel):
    """The template context of ``portfolio.html.j2`` (documented in ``docs/portfolio.md``)."""

    model_config = _FROZEN

    lang: str
    title: str
    scenario: str
    description: str
    municipality: str | None
    valuation_date: dt.date
    register_source: str
    units: int
    register_notes: list[str]
    defaults: list[str]
    key_figures: list[Figure]
    valuation_tables: list[Table]
    cost_table: Table | None
    cost_figures: list[Figure]
    cost_unverified: list[str]
    tariff_figures: list[Figure]
    tariff_tables: list[Table]
    tariff_notes: list[str]
    #: what the workbook's tariff formulas refer to (Inputs sheet): stock-level cost,
    #: vacancy, rent loss
    tariff_inputs: list[Figure] = []
    projection_figures: list[Figure]
    projection_table: Table | None
    comparison_table: Table | None
    stress_tables: list[Table]
    cohort_table: Table | None
    charts: list[Chart]
    assumptions: list[Figure]
    assumption_tables: list[Table]
    #: the household report's source rows, rendered by the shared ``_sources.html.j2``
    sources: list[SourceRow]
    notes: list[str]


# -- text --------------------------------------------------------------------------------------


def portfolio_translator(lang: str, templates: Path | None = None) -> Translator:
    """The shared catalogue merged over this report's own ``portfolio.po``."""
    from babel.messages.pofile import read_po

    from housingcalc.reports.i18n import Translator, catalogue_path, check_lang, translator
    from housingcalc.resources import templates_dir

    code = check_lang(lang)
    base = translator(code, templates)
    messages: dict[str, str | tuple[str, ...]] = {}
    roots = [Path(str(templates_dir()))] + ([templates] if templates is not None else [])
    for root in roots:
        path = catalogue_path(root, code).with_name(f"{CATALOGUE}.po")
        if path.is_file():
            with path.open("rb") as fh:
                for m in read_po(fh):
                    if m.id and m.string and not m.fuzzy and isinstance(m.id, str):
                        messages[m.id] = str(m.string)
    messages.update(base.messages)
    return Translator(code, messages, base.plural_rule)


# -- building the context ----------------------------------------------------------------------

VALUE_COLS: tuple[tuple[str, str, ColumnKind], ...] = (
    ("units", "Units", "int"),
    ("book_value", "Book value", "nok"),
    ("market_value", "Market value", "nok"),
    ("hidden_value", "Hidden value", "nok"),
    ("grant_repayable", "Grant still repayable", "nok"),
    ("loan_balance", "Loans outstanding", "nok"),
    ("net_value", "Net value", "nok"),
)

BU_LABELS = {
    "capital_cost": "Capital cost ({rate} of market value)",
    "maintenance_calculated": (
        "Calculated maintenance (larger of actual and {rate} of market value)"
    ),
    "other_costs": "Other costs",
    "rent_income": "Rent income (deducted)",
    "net_cost_owned": "Net cost, owned units",
    "rented_in_costs": "Costs of rented-in units (lease, maintenance, other)",
    "rented_in_rent_income": "Rent income of rented-in units (deducted)",
    "net_cost_rented_in": "Net cost, rented-in units",
    "administration": "Administration",
    "total": "Total",
    "net_operating_before_capital": (
        "Memo: net operating cost before capital (actual maintenance + other costs − rent "
        "income, owned units)"
    ),
}

YEARLY_LABELS: dict[str, tuple[str, ColumnKind]] = {
    "year": ("Year", "int"),
    "units": ("Units", "int"),
    "units_sold": ("Sold", "int"),
    "units_bought": ("Bought", "int"),
    "units_sold_cumulative": ("Sold so far", "int"),
    "units_bought_cumulative": ("Bought so far", "int"),
    "market_value": ("Market value", "nok"),
    "book_value": ("Book value", "nok"),
    "hidden_value": ("Hidden value", "nok"),
    "loan_balance": ("Loans outstanding", "nok"),
    "grant_repayable": ("Grant still repayable", "nok"),
    "net_value": ("Net value", "nok"),
    "rent_income": ("Rent income", "nok"),
    "fdv_costs": ("Maintenance and other costs", "nok"),
    "lease_costs": ("Lease of rented-in units", "nok"),
    "administration": ("Administration", "nok"),
    "interest_paid": ("Interest paid", "nok"),
    "principal_paid": ("Principal repaid", "nok"),
    "depreciation": ("Depreciation", "nok"),
    "capital_cost": ("Capital cost (interest + depreciation)", "nok"),
    "sale_price": ("Sale prices", "nok"),
    "loans_repaid_on_sale": ("Loans repaid on sale", "nok"),
    "grants_repaid_on_sale": ("Grants repaid on sale", "nok"),
    "sale_costs": ("Sale costs", "nok"),
    "sale_net_cash": ("Net cash from sales", "nok"),
    "sale_gain": ("Gain on sales", "nok"),
    "reinvested": ("Reinvested", "nok"),
    "net_result": ("Net result", "nok"),
    "cash_flow": ("Cash flow", "nok"),
    "cash_cumulative": ("Cash, cumulative", "nok"),
}


#: Columns of the yearly table shown in the HTML report (the workbook has them all).
HTML_YEARLY = (
    "year",
    "units",
    "units_sold",
    "units_bought",
    "market_value",
    "book_value",
    "loan_balance",
    "grant_repayable",
    "rent_income",
    "fdv_costs",
    "capital_cost",
    "sale_gain",
    "net_result",
    "cash_flow",
    "cash_cumulative",
)

COMPARISON_LABELS: dict[str, tuple[str, ColumnKind]] = {
    "units_end": ("Units at the end", "int"),
    "units_sold": ("Units sold", "int"),
    "units_bought": ("Units bought", "int"),
    "market_value_end": ("Market value at the end", "nok"),
    "book_value_end": ("Book value at the end", "nok"),
    "hidden_value_end": ("Hidden value at the end", "nok"),
    "loan_balance_end": ("Loans at the end", "nok"),
    "grant_repayable_end": ("Grant still repayable at the end", "nok"),
    "net_value_end": ("Net value at the end", "nok"),
    "rent_income_total": ("Rent income, all years", "nok"),
    "net_result_total": ("Net result, all years", "nok"),
    "sale_gain_total": ("Gain on sales, all years", "nok"),
    "cash_cumulative_end": ("Cash, cumulative at the end", "nok"),
    "npv_cash_flow": ("Present value of the cash flows", "nok"),
    "worst_year_cash_flow": ("Weakest year's cash flow", "nok"),
}

TARIFF_COLS: tuple[tuple[str, str, ColumnKind], ...] = (
    ("size_class", "Size class", "text"),
    ("standard", "Standard", "text"),
    ("weight", "Weight", "number"),
    ("units", "Units", "int"),
    ("area_m2", "Area (m²)", "area"),
    ("kr_per_m2_month", "kr per m² a month", "number"),
    ("kr_per_m2_year", "kr per m² a year", "nok"),
    ("typical_area_m2", "Typical area (m²)", "area"),
    ("typical_rent_monthly", "Rent a month, typical unit", "nok"),
)

GAP_COLS: tuple[tuple[str, str, ColumnKind], ...] = (
    ("size_class", "Size class", "text"),
    ("standard", "Standard", "text"),
    ("units", "Units", "int"),
    ("current_rent_yearly", "Current rent a year", "nok"),
    ("tariff_rent_yearly", "Tariff rent a year", "nok"),
    ("gap_yearly", "Gap a year", "nok"),
    ("gap_monthly_per_unit", "Gap a month per unit", "nok"),
)


def _cell(v: Any) -> Cell:
    import math

    if v is None:
        return None
    if isinstance(v, bool):
        return int(v)
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, (int, float, str)):
        return v
    return str(v)


def _table(
    key: str,
    title: str,
    sheet: str,
    frame: pd.DataFrame,
    cols: Sequence[tuple[str, str, ColumnKind]],
    gt: Callable[[str], str],
    total: Sequence[Any] | None = None,
    note: str = "",
    translated: bool = False,
) -> Table:
    """A report table from a frame; ``title``/``sheet`` are message ids unless ``translated``."""
    columns = [Column(key=k, label=gt(label), kind=kind) for k, label, kind in cols]
    keys = [k for k, _, _ in cols]
    rows = [[_cell(v) for v in row] for row in frame[keys].itertuples(index=False, name=None)]
    return Table(
        key=key,
        title=title if translated else gt(title),
        sheet=(sheet if translated else gt(sheet))[:31],
        columns=columns,
        rows=rows,
        total=None if total is None else [_cell(v) for v in total],
        note=note,
    )


def _sources(used: Sequence[ResolvedValue], lang: str) -> list[SourceRow]:
    """Source rows as the household report makes them (the shared sources partial)."""
    from housingcalc.reports.household import _sources as source_rows

    return source_rows(used, lang)


def _key_figures(res: PortfolioResult, gt: Callable[[str], str]) -> list[Figure]:
    t = res.valuation.totals
    figs = [
        Figure(key="units", label=gt("Units"), value=int(t["units"]), kind="int"),
        Figure(key="units_owned", label=gt("Owned"), value=int(t["units_owned"]), kind="int"),
        Figure(
            key="units_rented_in",
            label=gt("Rented in"),
            value=int(t["units_rented_in"]),
            kind="int",
        ),
    ]
    for k, label, kind in VALUE_COLS[1:]:
        figs.append(Figure(key=k, label=gt(label), value=t[k], kind=kind))
    return figs


def _cost(
    res: PortfolioResult, fmt: Formatter, gt: Callable[[str], str]
) -> tuple[Table | None, list[Figure], list[str]]:
    c = res.cost
    if c is None:
        return None, [], []
    table = c.table.reset_index()
    rates = {"capital_cost": c.capital_rate, "maintenance_calculated": c.maintenance_rate}
    table["label"] = [
        gt(BU_LABELS[k]).format(rate=fmt.pct(rates.get(k, 0.0))) for k in table["line"]
    ]
    tab = _table(
        "cost",
        "Cost by the Beregningsutvalget method",
        "Beregningsutvalget",
        table,
        (
            ("label", "Line", "text"),
            ("units", "Units", "int"),
            ("total", "Total a year", "nok"),
            ("per_unit", "Per unit a year", "nok"),
        ),
        gt,
    ).model_copy(update={"row_keys": [str(k) for k in table["line"]]})
    owned = res.units.frame["owned"].to_numpy(bool)
    basis = float(res.units.frame["market_value"].to_numpy("float64")[owned].sum())
    figs = [
        Figure(
            key="capital_rate",
            label=gt("Capital rate (share of market value)"),
            value=c.capital_rate,
            kind="pct",
        ),
        Figure(
            key="maintenance_rate",
            label=gt("Maintenance floor (share of market value)"),
            value=c.maintenance_rate,
            kind="pct",
        ),
        Figure(
            key="capital_basis",
            label=gt("Market value of the owned units (basis)"),
            value=basis,
            kind="nok",
        ),
        Figure(
            key="administration_per_unit",
            label=gt("Administration per unit a year"),
            value=c.administration_per_unit,
            kind="nok",
        ),
        Figure(key="total", label=gt("Total cost a year"), value=c.total, kind="nok"),
        Figure(
            key="per_unit",
            label=gt("Per unit a year"),
            value=float(
                c.table["per_unit"].to_numpy("float64")[list(c.table.index).index("total")]
            ),
            kind="nok",
        ),
    ]
    warn = []
    for name, key in (
        ("beregningsutvalget.capital_rate", "capital_rate"),
        ("beregningsutvalget.maintenance_rate", "maintenance_rate"),
    ):
        if c.rates_from.get(key) == "scenario":
            warn.append(
                gt("{name}: set in the scenario file ({value}).").format(
                    name=name, value=fmt.pct(getattr(c, key))
                )
            )
        else:
            warn.append(
                gt(
                    "{name} = {value}: a seed value from Bærum 2015 that could not be "
                    "verified against a primary source (confidence: unconfirmed). Set "
                    "your council's own rate with --params or in the scenario."
                ).format(name=name, value=fmt.pct(getattr(c, key)))
            )
    return tab, figs, warn


def _tariff(
    res: PortfolioResult, gt: Callable[[str], str]
) -> tuple[list[Figure], list[Table], list[str]]:
    tr = res.tariff
    if tr is None:
        return [], [], []
    from housingcalc.calc.portfolio import rent_gap_table

    figs = [
        Figure(key="total_cost", label=gt("Cost to cover a year"), value=tr.total_cost),
        Figure(
            key="rate", label=gt("Tariff, kr per weighted m² a month"), value=tr.rate, kind="number"
        ),
        Figure(
            key="collected",
            label=gt("Rent collected a year (after vacancy and loss)"),
            value=tr.collected_yearly,
        ),
        Figure(
            key="residual",
            label=gt("Difference from the cost (rounding)"),
            value=tr.residual_yearly,
            kind="number",
        ),
        Figure(
            key="capital_rate",
            label=gt("Capital rate"),
            value=tr.rate_build.rate if tr.rate_build else None,
            kind="pct",
        ),
        Figure(key="current", label=gt("Current rents a year"), value=tr.current_rent_yearly),
        Figure(
            key="gap",
            label=gt("Gap to current rents a year (tariff − current)"),
            value=tr.gap_yearly,
        ),
    ]
    gap = rent_gap_table(tr)
    totals = [
        "",
        gt("Total"),
        int(gap["units"].sum()),
        float(gap["current_rent_yearly"].sum()),
        float(gap["tariff_rent_yearly"].sum()),
        float(gap["gap_yearly"].sum()),
        float(gap["gap_yearly"].sum()) / 12.0 / max(int(gap["units"].sum()), 1),
    ]
    tables = [
        _table(
            "tariff",
            "Cost-covering tariff by size and standard",
            "Tariff",
            tr.table,
            TARIFF_COLS,
            gt,
        ),
        _table(
            "rent_gap", "Tariff against current rents", "Rent gap", gap, GAP_COLS, gt, total=totals
        ),
    ]
    return figs, tables, list(tr.notes)


def _tariff_inputs(res: PortfolioResult, gt: Callable[[str], str]) -> list[Figure]:
    from housingcalc.calc.tariff import ROUNDING_STEP

    tr = res.tariff
    if tr is None:
        return []
    return [
        Figure(
            key="tariff_extra_cost",
            label=gt("Tariff: stock-level cost a year"),
            value=tr.extra_cost,
        ),
        Figure(key="tariff_vacancy", label=gt("Tariff: vacancy"), value=tr.vacancy, kind="pct"),
        Figure(
            key="tariff_rent_loss", label=gt("Tariff: rent loss"), value=tr.rent_loss, kind="pct"
        ),
        Figure(
            key="tariff_total_cost", label=gt("Tariff: cost to cover a year"), value=tr.total_cost
        ),
        Figure(
            key="tariff_weighted_area",
            label=gt("Tariff: weighted area (m²)"),
            value=tr.weighted_area,
            kind="area",
        ),
        Figure(
            key="tariff_rate",
            label=gt("Tariff, kr per weighted m² a month"),
            value=tr.rate,
            kind="number",
        ),
        Figure(
            key="tariff_step",
            label=gt("Tariff: rents rounded to (kr)"),
            value=ROUNDING_STEP[tr.rounding],
            kind="number",
        ),
    ]


def _scenario_label(name: str, res: PortfolioResult, lang: str, gt: Callable[[str], str]) -> str:
    if name == "base":
        return gt("Base")
    for s in res.assumptions.projection.stress:
        if s.name == name:
            return (s.label_nb if lang == "nb" else s.label_en) or name
    return name


def _yearly_table(
    pr: Projection,
    key: str,
    title: str,
    sheet: str,
    cols: Sequence[str],
    gt: Callable[[str], str],
    start_year: int,
    translated: bool = False,
) -> Table:
    y = pr.yearly.copy()
    spec: list[tuple[str, str, ColumnKind]] = [
        ("year", "Year", "int"),
        ("calendar", "Calendar year", "year"),
    ]
    spec += [(c, YEARLY_LABELS[c][0], YEARLY_LABELS[c][1]) for c in cols if c != "year"]
    # year t covers the 12 months from the valuation date's anniversary in start_year + t − 1;
    # year 0 is the starting stock
    y["calendar"] = (y["year"] + start_year - 1).where(y["year"] > 0)
    return _table(key, title, sheet, y, spec, gt, translated=translated)


def _millions(values: Any) -> list[float]:
    """Chart values in NOK million (the charts print plain numbers; the unit is the y label)."""
    return [float(v) / 1e6 for v in values]


def _charts(res: PortfolioResult, fmt: Formatter, gt: Callable[[str], str]) -> list[Chart]:
    from housingcalc.reports.charts import BarChart, LineChart, Series, bar_chart, line_chart

    unit = gt("NOK million")
    charts = []
    v = res.valuation.by_district
    if len(v):
        chart = BarChart(
            key="portfolio-hidden",
            title=gt("Hidden value by district (market − book)"),
            labels=[str(d) or "–" for d in v["district"]],
            values=_millions(v["hidden_value"]),
            y_label=unit,
        )
        charts.append(Chart(key="hidden", title=chart.title, svg=bar_chart(chart, fmt)))
    ps = res.projection
    if ps is not None:
        at = res.assumptions.valuation_date
        y = ps.base.yearly
        x = [_add_years(at, int(t)) for t in y["year"]]
        values = LineChart(
            key="portfolio-values",
            title=gt("Values, loans and grants over the years (base)"),
            x=x,
            y_label=unit,
            series=[
                Series(gt("Market value"), _millions(y["market_value"])),
                Series(gt("Book value"), _millions(y["book_value"])),
                Series(gt("Loans outstanding"), _millions(y["loan_balance"]), dashed=True),
                Series(gt("Grant still repayable"), _millions(y["grant_repayable"]), dashed=True),
            ],
        )
        charts.append(Chart(key="values", title=values.title, svg=line_chart(values, fmt)))
        cash = LineChart(
            key="portfolio-cash",
            title=gt("Cumulative cash by scenario"),
            x=x,
            y_label=unit,
            zero_line=True,
            series=[
                Series(
                    _scenario_label(pr.name, res, fmt.lang, gt),
                    [0.0, *_millions(pr.yearly["cash_cumulative"].iloc[1:])],
                    dashed=pr.name != "base",
                )
                for pr in ps.all
            ],
        )
        charts.append(Chart(key="cash", title=cash.title, svg=line_chart(cash, fmt)))
    return charts


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _assumptions(
    res: PortfolioResult, fmt: Formatter, gt: Callable[[str], str]
) -> tuple[list[Figure], list[Table]]:
    a = res.assumptions
    out: list[Figure] = []

    def add(section: str, key: str, label: str, value: Any, kind: ColumnKind = "text") -> None:
        out.append(
            Figure(key=key, label=gt(label), value=_cell(value), kind=kind, section=gt(section))
        )

    def path(p: Any) -> str:
        values = [p] if isinstance(p, (int, float)) else list(p)
        text = ", ".join(fmt.pct(float(x)) for x in values)
        return text if len(values) == 1 else text + " " + gt("(the last value repeats)")

    add("Register", "valuation_date", "Valuation date", fmt.date(a.valuation_date))
    add("Register", "municipality", "Municipality", a.municipality or "–")
    add("Market", "price_growth", "Price growth a year", path(a.market.price_growth))
    add(
        "Market",
        "default_price_per_m2",
        "Default kr/m² (districts not listed)",
        a.market.default_price_per_m2,
        "nok",
    )
    add("Market", "market_source", "Source of the kr/m² figures", a.market.source)
    d = a.defaults
    add("Defaults", "standard", "Standard where empty", d.standard)
    add(
        "Defaults",
        "maintenance_per_m2",
        "Maintenance where empty, kr/m² a year",
        d.maintenance_per_m2,
        "nok",
    )
    add(
        "Defaults",
        "other_costs_per_m2",
        "Other costs where empty, kr/m² a year",
        d.other_costs_per_m2,
        "nok",
    )
    add(
        "Defaults",
        "loan_rate",
        "Loan rate where empty",
        d.loan_rate if d.loan_rate is not None else gt("Husbanken's floating rate"),
        "pct" if d.loan_rate is not None else "text",
    )
    add(
        "Defaults",
        "loan_years_left",
        "Remaining loan term where empty (years)",
        d.loan_years_left,
        "number",
    )
    add("Defaults", "land_share", "Land share of cost (not depreciated)", d.land_share, "pct")
    add(
        "Defaults",
        "size_bands",
        "Size classes where empty",
        ", ".join(
            f"{b.name} ≤ {fmt.number(b.max_area_m2)} m²" if b.max_area_m2 else b.name
            for b in d.size_bands
        ),
    )
    t = a.tariff
    add("Tariff", "capital_method", "Capital cost method", t.capital_method)
    add("Tariff", "basis", "Value basis", t.basis)
    if t.capital_rate is not None:
        add("Tariff", "capital_rate", "Capital rate", t.capital_rate, "pct")
    if t.capital_rate_from is not None:
        add(
            "Tariff",
            "capital_rate_from",
            "Capital rate from",
            f"{t.capital_rate_from} + {fmt.pct(t.capital_margin or 0.0)}",
        )
    if t.capital_method == "annuity":
        add("Tariff", "economic_life_years", "Economic life (years)", t.economic_life_years, "int")
    add(
        "Tariff",
        "fdv_per_m2",
        "FDV kr/m² a year",
        t.fdv_per_m2 if t.fdv_per_m2 is not None else gt("each unit's own costs"),
        "nok" if t.fdv_per_m2 is not None else "text",
    )
    add("Tariff", "vacancy_rate", "Vacancy", t.vacancy_rate, "pct")
    add("Tariff", "rent_loss_rate", "Rent loss", t.rent_loss_rate, "pct")
    add(
        "Tariff",
        "administration_per_unit",
        "Administration per unit a year",
        t.administration_per_unit,
        "nok",
    )
    add(
        "Tariff",
        "rounding",
        "Rents rounded to",
        gt("whole kroner") if t.rounding == "krone" else gt("øre"),
    )
    add(
        "Beregningsutvalget",
        "bu_admin",
        "Administration per unit a year",
        a.beregningsutvalget.administration_per_unit,
        "nok",
    )
    p = a.projection
    add("Projection", "years", "Years", p.years, "int")
    add("Projection", "cpi", "Consumer prices (rents and costs) a year", path(p.cpi))
    add("Projection", "vacancy", "Vacancy", p.vacancy_rate, "pct")
    add("Projection", "rent_loss", "Rent loss", p.rent_loss_rate, "pct")
    add("Projection", "admin", "Administration per unit a year", p.administration_per_unit, "nok")
    add("Projection", "discount_rate", "Discount rate (present value)", p.discount_rate, "pct")
    s = a.sales
    add("Sales", "plan", "Planned sales (units)", len(s.plan), "int")
    add("Sales", "share_per_year", "Share of eligible units sold a year", s.share_per_year, "pct")
    add("Sales", "eligible_status", "Eligible status", ", ".join(s.eligible_status))
    add("Sales", "order", "Order of sale", s.order)
    add("Sales", "price_factor", "Price (share of market value)", s.price_factor, "pct")
    add("Sales", "costs_per_sale", "Costs per sale", s.costs_per_sale, "nok")
    r = a.reinvestment
    add("Reinvestment", "enabled", "Reinvest sale proceeds", gt("yes") if r.enabled else gt("no"))
    if r.enabled:
        add(
            "Reinvestment",
            "share_of_proceeds",
            "Share of net cash reinvested",
            r.share_of_proceeds,
            "pct",
        )
        add("Reinvestment", "area_m2", "Area of a new unit (m²)", r.area_m2, "area")
        add("Reinvestment", "district", "District", r.district or "–")
        add("Reinvestment", "price_per_m2", "Price kr/m² (today)", r.price_per_m2, "nok")
        add(
            "Reinvestment",
            "rent_monthly_per_m2",
            "Rent kr/m² a month (today)",
            r.rent_monthly_per_m2,
            "nok",
        )
        add(
            "Reinvestment",
            "grant_municipality",
            "Grant by the per-m² rule for",
            r.grant_municipality or gt("no grant"),
        )
        add("Reinvestment", "loan_share", "Loan share", r.loan_share, "pct")
    for st in p.stress:
        label = (st.label_nb if fmt.lang == "nb" else st.label_en) or st.name
        parts = []
        if st.loan_rate_add:
            parts.append(gt("loan rates {v}").format(v=fmt.pp(st.loan_rate_add)))
        if st.price_shock:
            parts.append(gt("prices {v} at once").format(v=fmt.pct(st.price_shock, sign=True)))
        if st.price_growth_add:
            parts.append(gt("price growth {v}").format(v=fmt.pp(st.price_growth_add)))
        if st.vacancy_factor != 1:
            parts.append(gt("vacancy × {v}").format(v=fmt.number(st.vacancy_factor, None)))
        add("Stress scenarios", st.name, label, "; ".join(parts) or "–")
    tables = []
    districts = sorted(a.market.price_per_m2.items())
    if districts:
        import pandas as pd

        frame = pd.DataFrame(districts, columns=["district", "price_per_m2"])
        tables.append(
            _table(
                "district_prices",
                "Market price by district (kr/m²)",
                "Prices by district",
                frame,
                (("district", "District", "text"), ("price_per_m2", "kr per m²", "nok")),
                gt,
            )
        )
    if t.weights:
        import pandas as pd

        stds = sorted({s for row in t.weights.values() for s in row})
        frame = pd.DataFrame(
            [[size, *[t.weights[size].get(s) for s in stds]] for size in t.weights],
            columns=["size_class", *stds],
        )
        tables.append(
            Table(
                key="weights",
                title=gt("Tariff weights (size class × standard)"),
                sheet=gt("Tariff weights")[:31],
                columns=[Column(key="size_class", label=gt("Size class"), kind="text")]
                + [Column(key=s, label=s, kind="number") for s in stds],
                rows=[[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)],
            )
        )
    return out, tables


def build_report(
    res: PortfolioResult,
    lang: str = "nb",
    *,
    register_source: str = "",
    register_notes: Sequence[str] = (),
    templates: Path | None = None,
) -> PortfolioReport:
    """The report context for one analysis, in one language."""
    from housingcalc.reports.render import Formatter

    fmt = Formatter(lang)
    tr = portfolio_translator(fmt.lang, templates)
    gt = tr.gettext
    v = res.valuation
    group_tables = [
        _table(
            "by_district",
            "Valuation by district",
            "By district",
            v.by_district,
            (("district", "District", "text"), *VALUE_COLS),
            gt,
            total=[gt("Total"), *[v.totals[k] for k, _, _ in VALUE_COLS[1:]]],
        ),
        _table(
            "by_size_class",
            "Valuation by size class",
            "By size class",
            v.by_size_class,
            (("size_class", "Size class", "text"), *VALUE_COLS),
            gt,
        ),
        _table(
            "by_standard",
            "Valuation by standard",
            "By standard",
            v.by_standard,
            (("standard", "Standard", "text"), *VALUE_COLS),
            gt,
        ),
    ]
    # the total row of the district table: units owned first
    first = group_tables[0]
    group_tables[0] = first.model_copy(
        update={
            "total": [
                gt("Total"),
                int(v.totals["units_owned"]),
                *[_cell(v.totals[k]) for k, _, _ in VALUE_COLS[1:]],
            ]
        }
    )
    cost_table, cost_figs, cost_warn = _cost(res, fmt, gt)
    tariff_figs, tariff_tables, tariff_notes = _tariff(res, gt)
    ps = res.projection
    start_year = res.assumptions.valuation_date.year
    projection_table = comparison = cohort = None
    stress_tables: list[Table] = []
    projection_figs: list[Figure] = []
    if ps is not None:
        projection_table = _yearly_table(
            ps.base,
            "projection",
            "Projection, base scenario",
            "Projection",
            HTML_YEARLY,
            gt,
            start_year,
        )
        for pr in ps.all:
            label = _scenario_label(pr.name, res, fmt.lang, gt)
            stress_tables.append(
                _yearly_table(
                    pr,
                    f"projection_{pr.name}",
                    gt("Projection: {name}").format(name=label),
                    gt("Projection {name}").format(name=pr.name)[:31],
                    list(YEARLY_LABELS),
                    gt,
                    start_year,
                    translated=True,
                )
            )
        comp = ps.comparison.reset_index()
        comp["label"] = [gt(COMPARISON_LABELS[k][0]) for k in comp["figure"]]
        comp_cols: list[tuple[str, str, ColumnKind]] = [("label", "Figure", "text")]
        comp_cols += [
            (pr.name, _scenario_label(pr.name, res, fmt.lang, gt), "nok") for pr in ps.all
        ]
        comparison = _table(
            "comparison", "Scenarios side by side", "Stress comparison", comp, comp_cols, gt
        ).model_copy(update={"row_kinds": [COMPARISON_LABELS[k][1] for k in comp["figure"]]})
        if len(ps.base.cohorts):
            cohort = _table(
                "cohorts",
                "Units bought with the sale proceeds",
                "Units bought",
                # bought at the end of projection year b, i.e. of calendar year start + b − 1
                ps.base.cohorts.assign(calendar=ps.base.cohorts["year"] + start_year - 1),
                (
                    ("calendar", "Year", "year"),
                    ("units", "Units", "int"),
                    ("price_per_unit", "Price per unit", "nok"),
                    ("grant_per_unit", "Grant per unit", "nok"),
                    ("loan_per_unit", "Loan per unit", "nok"),
                    ("equity_per_unit", "Own funds per unit", "nok"),
                ),
                gt,
            )
        end = ps.base.yearly.iloc[-1]
        projection_figs = [
            Figure(
                key="years",
                label=gt("Years projected"),
                value=res.assumptions.projection.years,
                kind="int",
            ),
            Figure(
                key="units_end", label=gt("Units at the end"), value=int(end["units"]), kind="int"
            ),
            Figure(
                key="units_sold",
                label=gt("Units sold"),
                value=int(end["units_sold_cumulative"]),
                kind="int",
            ),
            Figure(
                key="units_bought",
                label=gt("Units bought"),
                value=int(end["units_bought_cumulative"]),
                kind="int",
            ),
            Figure(
                key="market_value_end",
                label=gt("Market value at the end"),
                value=float(end["market_value"]),
            ),
            Figure(
                key="cash_cumulative_end",
                label=gt("Cash, cumulative at the end"),
                value=float(end["cash_cumulative"]),
            ),
            Figure(
                key="npv", label=gt("Present value of the cash flows"), value=ps.base.npv_cash_flow
            ),
        ]
    assumptions, assumption_tables = _assumptions(res, fmt, gt)
    a = res.assumptions
    return PortfolioReport(
        lang=fmt.lang,
        title=gt("Municipal housing portfolio"),
        scenario=a.name,
        description=a.description,
        municipality=a.municipality,
        valuation_date=a.valuation_date,
        register_source=register_source or res.units.source,
        units=len(res.units.frame),
        register_notes=list(register_notes),
        defaults=[_default_text(d, gt) for d in res.units.defaults],
        key_figures=_key_figures(res, gt),
        valuation_tables=group_tables,
        cost_table=cost_table,
        cost_figures=cost_figs,
        cost_unverified=cost_warn,
        tariff_figures=tariff_figs,
        tariff_tables=tariff_tables,
        tariff_notes=tariff_notes,
        tariff_inputs=_tariff_inputs(res, gt),
        projection_figures=projection_figs,
        projection_table=projection_table,
        comparison_table=comparison,
        stress_tables=stress_tables,
        cohort_table=cohort,
        charts=_charts(res, fmt, gt),
        assumptions=assumptions,
        assumption_tables=assumption_tables,
        sources=_sources(res.sources, fmt.lang),
        notes=list(res.notes),
    )


def _default_text(d: Any, gt: Callable[[str], str]) -> str:
    return gt("{column} derived for {count} unit(s): {rule}").format(
        column=d.column, count=d.count, rule=d.rule
    )


# -- outputs -----------------------------------------------------------------------------------


def render_html(report: PortfolioReport, templates: Path | None = None) -> str:
    """The self-contained HTML report."""
    from housingcalc.reports.render import make_environment, template_context

    env = make_environment(report.lang, templates)
    tr = portfolio_translator(report.lang, templates)
    env.install_gettext_callables(tr.gettext, tr.ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env.get_template(TEMPLATE).render(template_context(report))


def report_json(report: PortfolioReport) -> dict[str, Any]:
    """The report as JSON-ready data (charts left out: they are in the HTML)."""
    data = report.model_dump(mode="json", exclude={"charts"})
    # the values probably out of date (also marked in ``sources``), as every JSON output has
    data["stale"] = [
        {
            "series": s.name,
            "value": s.value,
            "unit": s.unit,
            "in_force_since": s.effective.isoformat(),
            "expected_update": s.expected_update.isoformat() if s.expected_update else None,
        }
        for s in report.sources
        if s.stale
    ]
    return data


def per_unit_frames(res: PortfolioResult) -> dict[str, pd.DataFrame]:
    """Per-unit tables (sheet name → frame) for the workbook, when asked for."""
    out = {"Units - valuation": res.valuation.per_unit}
    if res.cost is not None:
        bu = res.cost.per_unit_frame
        market = res.units.frame["market_value"].reindex(bu.index)
        out[BU_UNITS] = _with_market(bu, market)
    if res.tariff is not None:
        out[TARIFF_UNITS] = res.tariff.per_unit
    if res.projection is not None:
        out["Units - end state"] = res.projection.base.per_unit
        if len(res.projection.base.sales):
            out["Units - sales"] = res.projection.base.sales
    return out


#: The per-unit Beregningsutvalget sheet (its formulas are written by :meth:`_Sheets.bu_units`).
BU_UNITS = "Units - Beregningsutvalget"
#: The per-unit tariff sheet (weighted area and rents as formulas of the rate).
TARIFF_UNITS = "Units - tariff"
#: Defined names of the input cells the formulas refer to.
INPUT_NAMES = {
    "capital_rate": "CapitalRate",
    "maintenance_rate": "MaintenanceRate",
    "administration_per_unit": "AdminPerUnit",
    "capital_basis": "CapitalBasis",
}


def _with_weighted_area(t: Table, gt: Callable[[str], str]) -> Table:
    """The tariff table as the workbook shows it: a weighted area (area × weight) column
    after the area (the rate's divisor is its total)."""
    keys = [c.key for c in t.columns]
    if "weighted_area_m2" in keys or not {"area_m2", "weight"} <= set(keys):
        return t
    j = keys.index("area_m2") + 1
    a, w = keys.index("area_m2"), keys.index("weight")
    column = Column(key="weighted_area_m2", label=gt("Weighted area (m²)"), kind="area")
    rows = [[*row[:j], float(row[a] or 0.0) * float(row[w] or 0.0), *row[j:]] for row in t.rows]
    return t.model_copy(update={"columns": [*t.columns[:j], column, *t.columns[j:]], "rows": rows})


def _with_market(bu: pd.DataFrame, market: pd.Series) -> pd.DataFrame:
    out = bu.copy()
    out.insert(1, "market_value", market)
    return out


def _col(j: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return str(xl_col_to_name(j))


def _sheet_name(name: str, used: set[str]) -> str:
    bad = "[]:*?/\\"
    base = "".join("_" if ch in bad else ch for ch in name)[:31] or "Sheet"
    out, i = base, 2
    while out.lower() in used:
        suffix = f" ({i})"
        out = base[: 31 - len(suffix)] + suffix
        i += 1
    used.add(out.lower())
    return out


def write_workbook(
    report: PortfolioReport,
    path: Path,
    *,
    per_unit: dict[str, pd.DataFrame] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Write the Excel workbook: one sheet per table, numbers as numbers with formats.

    Written to a temporary file beside ``path`` and renamed into place. ``progress`` is told
    how far the per-unit sheets have got, every 16 384 rows (they are what takes time at
    scale).
    """
    import os
    import tempfile

    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    spliced = ""
    try:
        wb = xlsxwriter.Workbook(tmp, {"constant_memory": True, "nan_inf_to_errors": True})
        pending = _write_sheets(wb, report, per_unit or {})
        wb.close()
        if pending:
            from housingcalc.reports.workbook_units import splice

            fd, spliced = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".xlsx", dir=path.parent)
            os.close(fd)
            splice(Path(tmp), Path(spliced), pending, progress or (lambda _: None))
            os.replace(spliced, tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; a report is not
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        if spliced:
            Path(spliced).unlink(missing_ok=True)
        raise
    return path


def _text(ws: Any, row: int, col: int, text: str, fmt: Any = None) -> None:
    """Every text cell of the workbook: through :func:`housingcalc.tabular.neutralise_cell`
    (a unit id ``=HYPERLINK(…)`` from a register stays text)."""
    ws.write_string(row, col, neutralise_cell(text), fmt)


class _Sheets:
    """Writes the workbook's sheets (xlsxwriter, constant-memory: row by row)."""

    def __init__(self, wb: Any, lang: str) -> None:
        self.wb = wb
        from housingcalc.reports.workbook_units import workbook_translator

        self.gt = workbook_translator(lang).gettext
        self.used: set[str] = set()
        self.pending: list[PendingSheet] = []
        self.bold = wb.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}
        )
        self.title = wb.add_format({"bold": True, "font_size": 13})
        self.note = wb.add_format({"italic": True, "font_color": "#555555"})
        self.fmts = {k: wb.add_format({"num_format": v}) for k, v in EXCEL_FORMATS.items()}
        self.total_fmts = {
            k: wb.add_format({"num_format": v, "bold": True, "top": 1})
            for k, v in EXCEL_FORMATS.items()
        }
        self.total_text = wb.add_format({"bold": True, "top": 1})
        self.names: set[str] = set()
        self.date = wb.add_format({"num_format": "yyyy-mm-dd"})
        self.report: PortfolioReport | None = None
        self.input_sheet = ""
        self.bu_sheet = ""
        self.bu_rows = 0
        self.bu_cols: dict[str, str] = {}
        #: sheet names taken before the sheet is written (formulas refer to them)
        self.reserved: dict[str, str] = {}
        #: the per-unit tariff sheet: its name, column letters by key, the frame
        self.tariff_units: tuple[str, dict[str, str], pd.DataFrame] | None = None

    def sheet(self, name: str) -> Any:
        reserved = self.reserved.pop(name, None)
        ws = self.wb.add_worksheet(reserved or _sheet_name(name, self.used))
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)  # as wide as one page, as many pages down as it takes
        return ws

    def inputs(self, report: PortfolioReport, per_unit: dict[str, pd.DataFrame]) -> None:
        """The parameters the formulas use, each a defined name, with where it came from."""
        gt = self.gt
        figs = {f.key: f for f in report.cost_figures}
        if not figs and not report.tariff_inputs:
            return
        ws = self.sheet(gt("Inputs"))
        self.input_sheet = ws.name
        _text(ws, 0, 0, gt("Parameter"), self.bold)
        _text(ws, 0, 1, gt("Value"), self.bold)
        _text(ws, 0, 2, gt("Source"), self.bold)
        ws.set_column(0, 0, 44)
        ws.set_column(1, 1, 18)
        ws.set_column(2, 2, 110)
        ws.freeze_panes(1, 0)
        rates = list(report.cost_unverified)
        sources = {
            "capital_rate": rates[0] if rates else "",
            "maintenance_rate": rates[1] if len(rates) > 1 else "",
            "administration_per_unit": gt(
                "The scenario's beregningsutvalget.administration_per_unit"
            ),
            "capital_basis": gt(
                "The register: market values of the owned units (defaults applied to empty cells)"
            ),
        }
        row = 1
        for key, name in INPUT_NAMES.items():
            fig = figs.get(key)
            if fig is None or not isinstance(fig.value, (int, float)):
                continue
            _text(ws, row, 0, fig.label)
            ws.write_number(row, 1, float(fig.value), self.fmts.get(fig.kind))
            _text(ws, row, 2, sources[key])
            self.wb.define_name(name, f"='{ws.name}'!$B${row + 1}")
            self.names.add(name)
            row += 1
        self.tariff_inputs(ws, row, report, per_unit.get(TARIFF_UNITS))

    def tariff_inputs(
        self, ws: Any, row: int, report: PortfolioReport, units: pd.DataFrame | None
    ) -> None:
        """The tariff's inputs and its rate as formulas: cost to cover = Σ unit yearly cost +
        stock-level cost; rate = cost to cover ÷ (12 × (1 − vacancy) × (1 − rent loss)) ÷
        weighted area (``calc.tariff``), the weighted area summed from the per-unit sheet."""
        gt = self.gt
        figs = {f.key: f for f in report.tariff_inputs}
        if not figs:
            return
        sheet = ""
        cols: dict[str, str] = {}
        n = 0
        if units is not None and len(units):
            sheet = _sheet_name(gt(TARIFF_UNITS), self.used)
            self.reserved[gt(TARIFF_UNITS)] = sheet
            from housingcalc.reports.workbook_units import sheet_columns

            cols = {c.key: _col(j) for j, c in enumerate(sheet_columns(TARIFF_UNITS, units))}
            n = len(units)

        def column(c: str) -> str:
            return f"SUM('{sheet}'!{cols[c]}2:{cols[c]}{n + 1})"

        def val(key: str) -> float:
            return float(figs[key].value or 0.0)

        def near(a: float, b: float) -> bool:
            return abs(a - b) <= 1e-9 * max(1.0, abs(b))

        formulas: dict[str, tuple[str, float] | None] = {
            "tariff_total_cost": (
                (f"={column('yearly_cost')}+TariffExtraCost", float(units["yearly_cost"].sum()))
                if units is not None and "yearly_cost" in cols
                else None
            ),
            # Σ area × weight: the total of the tariff table's weighted area by class
            "tariff_weighted_area": self.reserve_tariff_table(report, units),
        }
        names = {
            "tariff_extra_cost": "TariffExtraCost",
            "tariff_vacancy": "Vacancy",
            "tariff_rent_loss": "RentLoss",
            "tariff_total_cost": "TariffCost",
            "tariff_weighted_area": "TariffWeightedArea",
            "tariff_rate": "TariffRate",
            "tariff_step": "TariffStep",
        }
        k = (1.0 - val("tariff_vacancy")) * (1.0 - val("tariff_rent_loss"))
        sources = {
            "tariff_extra_cost": gt("The tariff: leases added at stock level"),
            "tariff_vacancy": gt("The scenario's tariff.vacancy_rate"),
            "tariff_rent_loss": gt("The scenario's tariff.rent_loss_rate"),
            "tariff_total_cost": gt("Σ the units' yearly cost + the stock-level cost"),
            "tariff_weighted_area": gt("Σ area × weight over the units"),
            "tariff_rate": gt(
                "Cost to cover ÷ (12 × (1 − vacancy) × (1 − rent loss)) ÷ weighted area"
            ),
            "tariff_step": gt("The scenario's tariff.rounding (øre 0.01, krone 1)"),
        }
        for key, name in names.items():
            if key not in figs:
                continue
            fig = figs[key]
            v = val(key)
            ws.write_string(row, 0, fig.label)
            ws.write_string(row, 2, sources[key])
            fmt = self.fmts.get(fig.kind)
            cand = formulas.get(key)
            if key == "tariff_total_cost" and cand is not None:
                cand = (cand[0], cand[1] + val("tariff_extra_cost"))
            if key == "tariff_rate" and k > 0 and val("tariff_weighted_area") > 0:
                cand = (
                    "=TariffCost/(12*(1-Vacancy)*(1-RentLoss))/TariffWeightedArea",
                    val("tariff_total_cost") / (12.0 * k) / val("tariff_weighted_area"),
                )
            if cand is not None and near(cand[1], v):
                ws.write_formula(row, 1, cand[0], fmt, v)
            else:
                ws.write_number(row, 1, v, fmt)
            self.wb.define_name(name, f"='{ws.name}'!$B${row + 1}")
            self.names.add(name)
            row += 1

    def reserve_tariff_table(
        self, report: PortfolioReport, units: pd.DataFrame | None
    ) -> tuple[str, float] | None:
        """Take the name of the tariff-by-class sheet (its total weighted area is the rate's
        divisor on the Inputs sheet) and remember where the per-unit tariff sheet's columns
        are, for the class table's COUNTIFS/SUMIFS. Returns the weighted area's formula."""
        table = next((t for t in report.tariff_tables if t.key == "tariff"), None)
        if table is None:
            return None
        table = _with_weighted_area(table, self.gt)
        sheet = _sheet_name(table.sheet, self.used)
        self.reserved[table.sheet] = sheet
        keys = [c.key for c in table.columns]
        total_row = 4 + len(table.rows)  # title, note, header, the classes
        col = _col(keys.index("weighted_area_m2"))
        cached = sum(float(r[keys.index("weighted_area_m2")] or 0.0) for r in table.rows)
        self.tariff_units = None
        if units is not None and len(units) and self.gt(TARIFF_UNITS) in self.reserved:
            from housingcalc.reports.workbook_units import sheet_columns

            at = {c.key: _col(j) for j, c in enumerate(sheet_columns(TARIFF_UNITS, units))}
            self.tariff_units = (self.reserved[self.gt(TARIFF_UNITS)], at, units)
        return f"='{sheet}'!${col}${total_row}", cached

    def tariff_table(self, t: Table) -> None:
        """The tariff by size class × standard with its working as formulas: units and area
        counted from the per-unit tariff sheet (COUNTIFS/SUMIFS), weighted area = area ×
        weight, kr per m² a month = weight × the rate (Inputs), a year = 12 × that, the
        typical unit's rent = typical area × weight × rate rounded to the step as calc
        rounds it; a total row whose weighted area is the rate's divisor. A count or area
        that would differ from calc's own is written as the value."""
        t = _with_weighted_area(t, self.gt)
        ws = self.sheet(t.sheet)
        r0 = self.table_head(ws, t)
        keys = [c.key for c in t.columns]
        at = {k: _col(j) for j, k in enumerate(keys)}
        counts = self.class_counts()
        for n, row in enumerate(t.rows):
            i = r0 + 1 + n
            v = dict(zip(keys, row, strict=True))
            for j, k in enumerate(keys):
                value = v[k]
                if isinstance(value, str):
                    _text(ws, i, j, value)
                    continue
                if value is None:
                    continue
                kind = t.columns[j].kind
                x = round(float(value), 2) if kind == "nok" else float(value)
                formula = self.class_formula(k, i + 1, at, v, x, counts)
                if formula is not None:
                    ws.write_formula(i, j, formula, self.fmts.get(kind), x)
                else:
                    ws.write_number(i, j, x, self.fmts.get(kind))
        i = r0 + 1 + len(t.rows)
        _text(ws, i, 0, self.gt("Total"), self.total_text)
        for k in ("units", "area_m2", "weighted_area_m2"):
            j = keys.index(k)
            total = sum(float(row[j] or 0.0) for row in t.rows)
            c = at[k]
            ws.write_formula(
                i, j, f"=SUM({c}{r0 + 2}:{c}{i})", self.total_fmts.get(t.columns[j].kind), total
            )
        if t.rows:
            ws.autofilter(r0, 0, r0 + len(t.rows), len(t.columns) - 1)

    def class_counts(self) -> dict[tuple[str, str], tuple[int, float]] | None:
        """Units and area by size class × standard on the per-unit tariff sheet, or None
        where COUNTIFS could not count them: no such sheet, or class names a criterion would
        misread (matched without case; * ? ~ < > = are operators)."""
        if self.tariff_units is None:
            return None
        frame = self.tariff_units[2]
        grouped = frame.groupby(["size_class", "standard"])["area_m2"].agg(["size", "sum"])
        counts = {
            (str(a), str(b)): (int(n), float(v))
            for (a, b), n, v in zip(grouped.index, grouped["size"], grouped["sum"], strict=True)
        }
        names = {x for pair in counts for x in pair}
        if not all(re.fullmatch(r"[\w .,()/'-]+", x) for x in names):
            return None
        if len({(a.lower(), b.lower()) for a, b in counts}) != len(counts):
            return None
        return counts

    def class_formula(
        self,
        key: str,
        r: int,
        at: dict[str, str],
        row: dict[str, Cell],
        value: float,
        counts: dict[tuple[str, str], tuple[int, float]] | None,
    ) -> str | None:
        """The formula of one cell of the tariff table (spreadsheet row ``r``), or None."""
        rate = "TariffRate" in self.names
        if key in ("units", "area_m2"):
            if counts is None or self.tariff_units is None:
                return None
            sheet, uat, frame = self.tariff_units
            last = len(frame) + 1

            def rng(c: str) -> str:
                return f"'{sheet}'!${uat[c]}$2:${uat[c]}${last}"

            crit = f"{rng('size_class')},$A{r},{rng('standard')},$B{r}"
            n, area = counts.get((str(row["size_class"]), str(row["standard"])), (0, 0.0))
            if key == "units":
                return f"=COUNTIFS({crit})" if n == int(value) else None
            close = abs(area - value) <= 1e-6 * max(1.0, abs(value))
            return f"=SUMIFS({rng('area_m2')},{crit})" if close else None
        if key == "weighted_area_m2":
            return f"={at['area_m2']}{r}*{at['weight']}{r}"
        if key == "kr_per_m2_month" and rate:
            return f"={at['weight']}{r}*TariffRate"
        if key == "kr_per_m2_year" and rate:
            return f"=12*{at['kr_per_m2_month']}{r}"
        if key == "typical_rent_monthly" and rate and "TariffStep" in self.names:
            return (
                f"=ROUND({at['typical_area_m2']}{r}*{at['weight']}{r}*TariffRate"
                "/TariffStep,0)*TariffStep"
            )
        return None

    def table_head(self, ws: Any, t: Table) -> int:
        """Title, note, header row (frozen) and widths; the header's row index."""
        _text(ws, 0, 0, t.title, self.title)
        if t.note:
            _text(ws, 1, 0, t.note, self.note)
        r0 = 2
        for j, c in enumerate(t.columns):
            _text(ws, r0, j, c.label, self.bold)
            width = 34 if c.kind == "text" and j == 0 else max(12, min(30, len(c.label) + 2))
            ws.set_column(j, j, width)
        ws.freeze_panes(r0 + 1, 1)
        return r0

    def cost_table(self, t: Table) -> None:
        """The Beregningsutvalget lines with formulas where calc's line is that arithmetic
        (checked here against calc's own figure, so a line calc computes otherwise keeps its
        value): capital = CapitalRate × CapitalBasis, the owned lines as sums of the per-unit
        sheet, the net lines and the total as sums of the lines, per unit = total ÷ units."""
        if t.row_keys is None:
            self.table(t)
            return
        ws = self.sheet(t.sheet)
        _text(ws, 0, 0, t.title, self.title)
        if t.note:
            _text(ws, 1, 0, t.note, self.note)
        r0 = 2
        for j, c in enumerate(t.columns):
            _text(ws, r0, j, c.label, self.bold)
            ws.set_column(j, j, 60 if j == 0 else 18)
        ws.freeze_panes(r0 + 1, 1)
        keys = t.row_keys
        row_of = {k: r0 + 2 + n for n, k in enumerate(keys)}  # spreadsheet rows
        value = {k: float(t.rows[n][2] or 0.0) for n, k in enumerate(keys)}
        units = {k: float(t.rows[n][1] or 0.0) for n, k in enumerate(keys)}
        figs = {f.key: f.value for f in (self.report.cost_figures if self.report else [])}

        def close(a: float, b: float) -> bool:
            return abs(a - b) < 0.005

        def sum_of(parts: Sequence[str]) -> tuple[str, float] | None:
            got = [p for p in parts if p in row_of]
            if not got:
                return None
            return "=" + "+".join(f"C{row_of[p]}" for p in got), sum(value[p] for p in got)

        per, cols, sheet = self.bu_rows, self.bu_cols, self.bu_sheet

        def column_sum(c: str, sign: str = "") -> tuple[str, float] | None:
            if not per or c not in cols:
                return None
            return f"={sign}SUM('{sheet}'!{cols[c]}2:{cols[c]}{per + 1})", float("nan")

        candidates: dict[str, tuple[str, float] | None] = {
            "capital_cost": (
                (
                    "=CapitalRate*CapitalBasis",
                    float(figs["capital_rate"] or 0) * float(figs["capital_basis"] or 0),
                )
                if {"CapitalRate", "CapitalBasis"} <= self.names
                and isinstance(figs.get("capital_basis"), (int, float))
                else None
            ),
            "maintenance_calculated": column_sum("maintenance_calculated"),
            "other_costs": column_sum("other_costs"),
            "rent_income": column_sum("rent_income", "-"),
            "net_cost_owned": sum_of(
                ["capital_cost", "maintenance_calculated", "other_costs", "rent_income"]
            ),
            "net_cost_rented_in": sum_of(["rented_in_costs", "rented_in_rent_income"]),
            "administration": (
                (
                    f"=AdminPerUnit*B{row_of['administration']}",
                    float(figs.get("administration_per_unit") or 0) * units["administration"],
                )
                if "AdminPerUnit" in self.names and "administration" in row_of
                else None
            ),
            "total": sum_of(["net_cost_owned", "net_cost_rented_in", "administration"]),
        }
        nok, num = self.fmts["nok"], self.fmts["int"]
        bold_nok, bold_text = self.total_fmts["nok"], self.total_text
        all_units = units.get("total", 0.0)
        for n, k in enumerate(keys):
            i = r0 + 1 + n
            r = i + 1
            row = t.rows[n]
            is_total = k == "total"
            _text(ws, i, 0, str(row[0]), bold_text if is_total else None)
            ws.write_number(i, 1, units[k], self.total_fmts["int"] if is_total else num)
            fmt = bold_nok if is_total else nok
            v = round(value[k], 2)
            cand = candidates.get(k)
            if cand is not None and (cand[1] != cand[1] or close(cand[1], value[k])):
                ws.write_formula(i, 2, cand[0], fmt, v)
            else:
                ws.write_number(i, 2, v, fmt)
            p = float(row[3] or 0.0)
            if units[k] and close(value[k] / units[k], p):
                ws.write_formula(i, 3, f"=C{r}/B{r}", fmt, round(p, 2))
            elif all_units and close(value[k] / all_units, p) and "total" in row_of:
                ws.write_formula(i, 3, f"=C{r}/$B${row_of['total']}", fmt, round(p, 2))
            else:
                ws.write_number(i, 3, round(p, 2), fmt)

    def table(self, t: Table) -> None:
        ws = self.sheet(t.sheet)
        r0 = self.table_head(ws, t)
        rows = [*t.rows, *([t.total] if t.total is not None else [])]
        for n, row in enumerate(rows):
            i = r0 + 1 + n
            is_total = t.total is not None and n == len(rows) - 1
            for j, v in enumerate(row):
                if isinstance(v, str):
                    _text(ws, i, j, v, self.total_text if is_total else None)
                elif v is not None:
                    kind = t.kind(n, j)
                    fmt = (self.total_fmts if is_total else self.fmts).get(kind)
                    # to the øre; the format rounds to the krone for display only
                    ws.write_number(i, j, round(float(v), 2) if kind == "nok" else float(v), fmt)
        if t.rows:
            ws.autofilter(r0, 0, r0 + len(t.rows), len(t.columns) - 1)
        if t.key.startswith("projection") and t.total is None:
            self.yearly_sums(ws, t, r0 + 1 + len(rows))

    def yearly_sums(self, ws: Any, t: Table, i: int) -> None:
        """Below a projection's yearly table: the flows summed over the projection's years
        (year 0, the starting stock, left out) as =SUM(…) of the column, with the sum of the
        figures written as the cached value."""
        from housingcalc.calc.portfolio import YEARLY_FLOWS

        keys = [c.key for c in t.columns]
        if "year" not in keys:
            return
        yj = keys.index("year")
        years = [n for n, row in enumerate(t.rows) if isinstance(row[yj], (int, float)) and row[yj]]
        if not years:
            return
        first, last = t.rows[years[0]][yj], t.rows[years[-1]][yj]
        r1, r2 = years[0] + 4, years[-1] + 4  # spreadsheet rows: title, note, header first
        label = self.gt("Sum, years {first}–{last}").format(first=first, last=last)
        _text(ws, i, 0, label, self.total_text)
        for j, c in enumerate(t.columns):
            if c.key not in YEARLY_FLOWS:
                continue
            values = [t.rows[n][j] for n in years]
            total = sum(round(float(v), 2) for v in values if isinstance(v, (int, float)))
            col = _col(j)
            ws.write_formula(i, j, f"=SUM({col}{r1}:{col}{r2})", self.total_fmts.get(c.kind), total)

    def figure(self, ws: Any, row: int, col: int, fig: Figure) -> None:
        if isinstance(fig.value, (int, float)) and fig.kind != "text":
            ws.write_number(row, col, float(fig.value), self.fmts.get(fig.kind))
        elif fig.value is not None:
            _text(ws, row, col, str(fig.value))

    def summary(self, report: PortfolioReport) -> None:
        gt = self.gt
        ws = self.sheet(gt("Summary"))
        ws.set_column(0, 0, 48)
        ws.set_column(1, 1, 20)
        _text(ws, 0, 0, f"{report.title}: {report.scenario}", self.title)
        _text(ws, 1, 0, gt("Valuation date"))
        ws.write_datetime(1, 1, dt.datetime.combine(report.valuation_date, dt.time()), self.date)
        _text(ws, 2, 0, gt("Register"))
        _text(ws, 2, 1, report.register_source)
        r = 4
        for section, figs in (
            (gt("Valuation"), report.key_figures),
            (gt("Cost by the Beregningsutvalget method"), report.cost_figures),
            (gt("Tariff"), report.tariff_figures),
            (gt("Projection"), report.projection_figures),
        ):
            if not figs:
                continue
            _text(ws, r, 0, section, self.bold)
            r += 1
            for fig in figs:
                _text(ws, r, 0, fig.label)
                self.figure(ws, r, 1, fig)
                r += 1
            r += 1
        for line in report.cost_unverified:
            _text(ws, r, 0, line, self.note)
            r += 1

    def unit_sheet(self, key: str, frame: pd.DataFrame) -> PendingSheet:
        """A per-unit sheet as the column spec says (``templates/workbook/unit_columns.csv``):
        translated headers, widths and number formats, frozen header row and first column,
        autofilter. The rows are spliced in after the workbook is closed
        (:func:`housingcalc.reports.workbook_units.splice`); a spec formula is used where every
        defined name it needs is on the Inputs sheet and every column it refers to is here."""
        from housingcalc.reports.workbook_units import PendingSheet, formula_names, sheet_columns

        ws = self.sheet(self.gt(key))
        cols = sheet_columns(key, frame)
        ws.set_row(0, 45)  # room for a header wrapped on three lines
        for j, c in enumerate(cols):
            _text(ws, 0, j, self.gt(c.header), self.bold)
            ws.set_column(j, j, c.width, self.fmts.get(c.kind))
        ws.freeze_panes(1, 1)
        ws.autofilter(0, 0, max(len(frame), 1), len(cols) - 1)
        present = {c.key for c in cols}
        formulas = {
            c.key: c.formula
            for c in cols
            if c.formula and formula_names(c.formula) <= self.names and set(c.refs()) <= present
        }
        pending = PendingSheet(ws.name, frame, cols, formulas)
        self.pending.append(pending)
        return pending

    def assumptions(self, report: PortfolioReport) -> None:
        gt = self.gt
        ws = self.sheet(gt("Assumptions"))
        for j, (h, w) in enumerate(
            ((gt("Section"), 22), (gt("Assumption"), 48), (gt("Value"), 40))
        ):
            _text(ws, 0, j, h, self.bold)
            ws.set_column(j, j, w)
        for i, fig in enumerate(report.assumptions, start=1):
            _text(ws, i, 0, fig.section)
            _text(ws, i, 1, fig.label)
            self.figure(ws, i, 2, fig)

    def lines(self, name: str, heading: str, lines: Sequence[str]) -> None:
        ws = self.sheet(name)
        ws.set_column(0, 0, 120)
        _text(ws, 0, 0, heading, self.bold)
        for i, line in enumerate(lines, start=1):
            _text(ws, i, 0, line)

    def sources(self, report: PortfolioReport) -> None:
        from housingcalc.reports.render import Formatter

        gt = self.gt
        fmt = Formatter(report.lang)
        ws = self.sheet(gt("Sources"))
        heads = (
            ("Parameter", 40),
            ("Description", 40),
            ("Value", 16),
            ("In force from", 14),
            ("Confidence", 14),
            ("Last verified", 14),
            ("Source", 70),
            ("Notes", 70),
        )
        for j, (h, w) in enumerate(heads):
            _text(ws, 0, j, gt(h), self.bold)
            ws.set_column(j, j, w)
        for i, s in enumerate(report.sources, start=1):
            refs = "; ".join(f"{title} <{href}>" for title, href in s.references)
            value = fmt.value(s.value, s.kind) if s.kind != "text" else str(s.value)
            for j, text in enumerate(
                (
                    s.name,
                    s.label,
                    value,
                    s.effective.isoformat(),
                    gt(s.confidence),
                    s.last_verified.isoformat(),
                    refs,
                    s.notes or "",
                )
            ):
                if text:
                    _text(ws, i, j, text)


def _write_sheets(
    wb: Any,
    report: PortfolioReport,
    per_unit: dict[str, pd.DataFrame],
) -> list[PendingSheet]:
    """Every sheet; the per-unit sheets without their rows, which are returned to be spliced."""
    w = _Sheets(wb, report.lang)
    w.report = report
    w.summary(report)
    w.inputs(report, per_unit)
    if BU_UNITS in per_unit:  # before the lines that sum it
        bu = w.unit_sheet(BU_UNITS, per_unit[BU_UNITS])
        w.bu_sheet, w.bu_rows, w.bu_cols = bu.name, len(bu.frame), bu.letters
    tables = list(report.valuation_tables)
    if report.cost_table is not None:
        tables.append(
            report.cost_table.model_copy(update={"note": " ".join(report.cost_unverified)})
        )
    tables += report.tariff_tables
    if report.comparison_table is not None:
        tables.append(report.comparison_table)
    tables += report.stress_tables
    if report.cohort_table is not None:
        tables.append(report.cohort_table)
    for t in tables:
        if t.key == "cost":
            w.cost_table(t)
        elif t.key == "tariff":
            w.tariff_table(t)
        else:
            w.table(t)
    for name, frame in per_unit.items():
        if name != BU_UNITS:
            w.unit_sheet(name, frame)
    w.assumptions(report)
    for t in report.assumption_tables:
        w.table(t)
    w.lines(
        w.gt("Defaults applied"),
        w.gt("Defaults applied to empty cells of the register"),
        [*report.defaults, *report.register_notes],
    )
    w.sources(report)
    return w.pending
