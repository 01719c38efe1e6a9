"""The household report: a typed context model, built from a rent-to-own result.

:func:`build_context` turns a :class:`~housingcalc.calc.rent_to_own.RentToOwnResult` into a
:class:`HouseholdReport`, the one object the templates ``household.html.j2`` and
``household.md.j2`` render (its fields are the templates' top-level names; see
``docs/reports.md``). Numbers stay numbers: the templates format them with the locale filters
(``nok``, ``pct``, ``month`` …) and translate every text through the message catalogues.
Labels held in the context (table rows, assumptions) are message ids, marked with
:func:`N_` so the extraction check finds them.

:func:`result_json` gives the full numbers (timeline, purchase tests, sensitivity,
municipality, parameters used) for the JSON report; :func:`produce_report` runs a scenario and
renders every requested language and format in memory (the CLI then writes the files).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from housingcalc.reports.decision import VerdictSection

if TYPE_CHECKING:
    from housingcalc.calc.rent_to_own import RentToOwnResult
    from housingcalc.models.scenario import Scenario
    from housingcalc.parameters import ParameterSet, ResolvedValue

__all__ = [
    "N_",
    "Charts",
    "ComparisonRow",
    "HouseholdReport",
    "KeyFigures",
    "LadderRow",
    "Meta",
    "MunicipalitySection",
    "NoJobSection",
    "PriceGrowthRow",
    "Risk",
    "Row",
    "SourceRow",
    "StressTestRow",
    "YearRow",
    "build_context",
    "produce_report",
    "result_json",
    "source_rows",
]

_FROZEN = ConfigDict(extra="forbid", frozen=True)

#: How a value in a :class:`Row` is formatted by the templates.
Kind = Literal["nok", "pct", "pp", "month", "date", "number", "years", "months", "text", "m2"]


def N_(message: str) -> str:
    """Mark a message id for the catalogues without translating it here (gettext's ``N_``)."""
    return message


# -- the context model ------------------------------------------------------------------------


class Meta(BaseModel):
    """About the report: what ran, when, in which language."""

    model_config = _FROZEN

    scenario_name: str
    description: str
    source: str
    household_name: str | None
    generated_on: dt.date
    version: str
    lang: str
    move_in: dt.date
    option_end: dt.date
    horizon_years: int


class KeyFigures(BaseModel):
    """The plain-language summary: the verdict and the numbers it quotes.

    ``status``: ``buy_at_first_chance`` (passes as soon as the contract allows),
    ``buy_later``, ``fixed_month`` (the scenario's month passes), ``fixed_month_fails``,
    ``not_in_option`` (never passes within the option period). Money is NOK per month unless
    named otherwise; ``margin_*`` is what is left after living costs and housing.
    """

    model_config = _FROZEN

    status: str
    purchased: bool
    purchase_month: dt.date | None
    months_to_purchase: int | None
    earliest_allowed: dt.date
    earliest_passing: dt.date | None
    option_end: dt.date
    rent_now: float
    electricity_now: float
    monthly_cost_now: float
    available_now: float
    margin_now: float
    monthly_cost_after: float | None
    monthly_cost_after_first_year: float | None
    loan_payment_after: float | None
    running_costs_after: float | None
    interest_deduction_after: float | None
    margin_after: float | None
    margin_lowest: float | None
    margin_lowest_month: dt.date | None
    price: float | None
    buying_costs: float | None
    equity_used: float | None
    establishment_grant: float | None
    start_loan: float | None
    start_loan_rate: float | None
    stress_rate: float | None
    max_start_loan: float | None
    breakeven_rate_rise: float | None
    shortfall_months: int
    shortfall_total: float
    housing_allowance_applied: bool
    housing_allowance_now: float
    housing_allowance_after: float | None  # first month as owner
    housing_allowance_after_first_year: float | None  # mean a month, first year as owner
    housing_allowance_in_test: float | None  # counted in the purchase month's stress test


class Risk(BaseModel):
    """One "what could go wrong" item; the template words it by ``code``."""

    model_config = _FROZEN

    code: Literal[
        "rates", "rates_deficit", "no_job", "no_job_after", "prices", "shortfall", "fixed_end"
    ]
    severity: Literal["ok", "watch", "serious"]
    numbers: dict[str, float | str | None]


class Row(BaseModel):
    """One labelled value (tables of figures, assumptions)."""

    model_config = _FROZEN

    label: str  # a message id
    value: float | str | dt.date | None
    kind: Kind = "nok"
    since: dt.date | None = None  # "from <month>" after the label


class StressTestRow(BaseModel):
    """The stress test in one month of the option window."""

    model_config = _FROZEN

    month: dt.date
    price: float
    equity: float
    establishment_grant: float
    start_loan: float
    max_start_loan: float
    stress_rate: float
    passes: bool
    chosen: bool


class YearRow(BaseModel):
    """One year of the timeline (12 months from a month on; money per month is the average)."""

    model_config = _FROZEN

    year: int  # 1 = the first 12 months after move-in
    start: dt.date
    phase: Literal["rent", "own", "purchase"]
    income_after_tax: float
    living_costs: float
    housing_cost: float
    housing_allowance: float
    surplus: float
    savings: float
    dwelling_value: float
    loans: float
    grant_repayable: float
    net_equity: float
    net_wealth: float


class ComparisonRow(BaseModel):
    model_config = _FROZEN

    years: int
    month: dt.date
    monthly_cost_own: float
    monthly_cost_rent: float
    cumulative_cost_own: float
    cumulative_cost_rent: float
    net_wealth_own: float
    net_wealth_rent: float
    wealth_difference: float


class LadderRow(BaseModel):
    model_config = _FROZEN

    rise: float
    start_loan_rate: float
    monthly_cost: float
    margin_first_year: float
    deficit: bool


class PriceGrowthRow(BaseModel):
    model_config = _FROZEN

    case: str
    growth: float
    purchase_month: dt.date | None
    net_equity: dict[int, float]
    net_wealth: dict[int, float]


class NoJobSection(BaseModel):
    model_config = _FROZEN

    applies: bool
    dropped_streams: int
    earliest_month: dt.date | None
    margin_first_year: float | None
    months_in_deficit: int | None
    housing_allowance_first_year: float | None = None
    in_programme: bool = True  # the household is in the introduction programme


class MunicipalitySection(BaseModel):
    """The municipality's view of the sale (``rows``) and the comparison with keeping."""

    model_config = _FROZEN

    sale_month: dt.date
    net_cash: float
    accounting_gain: float
    pv_keep: float
    npv_sell_vs_keep: float
    discount_rate: float
    keep_years: int
    rows: list[Row]


class Charts(BaseModel):
    """Inline SVG documents (empty string when a chart does not apply)."""

    model_config = _FROZEN

    monthly_cost: str
    equity: str
    rate_ladder: str


class SourceRow(BaseModel):
    """One parameter value the run used, with its source."""

    model_config = _FROZEN

    name: str
    label: str
    value: Any
    unit: str
    kind: Kind
    effective: dt.date
    references: list[tuple[str, str]]
    last_verified: dt.date
    confidence: str
    flagged: bool
    notes: str | None
    #: probably out of date: a newer value normally applies from ``expected_update``
    stale: bool = False
    expected_update: dt.date | None = None


class HouseholdReport(BaseModel):
    """Everything the household report templates render (see ``docs/reports.md``)."""

    model_config = _FROZEN

    meta: Meta
    key: KeyFigures
    risks: list[Risk]
    charts: Charts
    purchase_rows: list[Row]
    tests: list[StressTestRow]
    years: list[YearRow]
    comparison: list[ComparisonRow]
    ladder: list[LadderRow]
    price_growth: list[PriceGrowthRow]
    comparison_years: list[int]
    no_job: NoJobSection
    municipality: MunicipalitySection | None
    assumptions: list[Row]
    sources: list[SourceRow]
    verdict: VerdictSection | None = None  # the verdict with reasons (calc.verdict)


# -- building the context ---------------------------------------------------------------------


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("housingcalc")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


def _key(r: RentToOwnResult) -> KeyFigures:
    tl = r.timeline
    p = r.purchase
    idx = p.index if p is not None else None
    short = tl.shortfall
    return KeyFigures(
        status=r.status,
        purchased=p is not None,
        purchase_month=p.month if p else None,
        months_to_purchase=idx,
        earliest_allowed=r.earliest_allowed,
        earliest_passing=r.earliest_passing,
        option_end=r.option_end,
        rent_now=r.rent_now,
        electricity_now=float(tl.electricity[0]),
        monthly_cost_now=r.monthly_cost_now,
        available_now=r.available_now,
        margin_now=float(tl.surplus[0]),
        monthly_cost_after=p.monthly_cost if p else None,
        monthly_cost_after_first_year=p.monthly_cost_first_year if p else None,
        loan_payment_after=p.first_payment if p else None,
        running_costs_after=float(tl.running_costs[idx]) if idx is not None else None,
        interest_deduction_after=float(tl.interest_deduction[idx]) if idx is not None else None,
        margin_after=p.margin_first_year if p else None,
        margin_lowest=p.margin_lowest if p else None,
        margin_lowest_month=p.margin_lowest_month if p else None,
        price=p.price if p else None,
        buying_costs=p.buying_costs if p else None,
        equity_used=p.equity_used if p else None,
        establishment_grant=p.establishment_grant if p else None,
        start_loan=p.start_loan if p else None,
        start_loan_rate=p.start_loan_rate_effective if p else None,
        stress_rate=p.stress_rate if p else None,
        max_start_loan=p.max_start_loan if p else None,
        breakeven_rate_rise=p.breakeven_rate_rise if p else None,
        shortfall_months=r.shortfall_months,
        shortfall_total=float(short.sum()),
        housing_allowance_applied=r.scenario.housing_allowance.applied,
        housing_allowance_now=float(tl.housing_allowance[0]),
        housing_allowance_after=float(tl.housing_allowance[idx]) if idx is not None else None,
        housing_allowance_after_first_year=float(tl.housing_allowance[idx : idx + 12].mean())
        if idx is not None
        else None,
        housing_allowance_in_test=float(r.tests.housing_allowance[list(r.tests.index).index(idx)])
        if idx is not None and idx in list(r.tests.index)
        else None,
    )


def _risks(r: RentToOwnResult) -> list[Risk]:
    """The risks calc.risks found (the rules and thresholds live there)."""
    return [Risk(code=x.code, severity=x.severity, numbers=x.numbers) for x in r.risks]


def _years(r: RentToOwnResult) -> list[YearRow]:
    import numpy as np

    tl = r.timeline
    n = len(tl)
    p = r.purchase.index if r.purchase is not None else None
    rows: list[YearRow] = []
    for y, start in enumerate(range(0, n - 11, 12), start=1):
        end = start + 12
        last = end - 1
        if p is None or p >= end:
            phase: Literal["rent", "own", "purchase"] = "rent"
        elif p < start:
            phase = "own"
        else:
            phase = "purchase"
        rows.append(
            YearRow(
                year=y,
                start=tl.month[start],
                phase=phase,
                income_after_tax=float(np.mean(tl.income_after_tax[start:end])),
                living_costs=float(np.mean(tl.living_costs[start:end])),
                housing_cost=float(np.mean(tl.housing_cost[start:end])),
                housing_allowance=float(np.mean(tl.housing_allowance[start:end])),
                surplus=float(np.mean(tl.surplus[start:end])),
                savings=float(tl.savings[last]),
                dwelling_value=float(tl.dwelling_value[last]),
                loans=float(tl.start_loan_balance[last] + tl.bank_loan_balance[last]),
                grant_repayable=float(tl.grant_repayable[last]),
                net_equity=float(tl.net_equity[last]),
                net_wealth=float(tl.net_wealth[last]),
            )
        )
    return rows


def _tests(r: RentToOwnResult) -> list[StressTestRow]:
    t = r.tests
    chosen = r.purchase.index if r.purchase is not None else None
    first_pass = next((int(i) for i, ok in zip(t.index, t.passes, strict=True) if ok), None)
    rows = []
    for k, i in enumerate(t.index):
        i = int(i)
        keep = k % 3 == 0 or i in (chosen, first_pass) or k == len(t.index) - 1
        if not keep:
            continue
        rows.append(
            StressTestRow(
                month=t.month[k],
                price=float(t.price[k]),
                equity=float(t.equity[k]),
                establishment_grant=float(t.establishment_grant[k]),
                start_loan=float(t.start_loan[k]),
                max_start_loan=float(t.max_start_loan[k]),
                stress_rate=float(t.stress_rate[k]),
                passes=bool(t.passes[k]),
                chosen=i == chosen,
            )
        )
    return rows


def _purchase_rows(r: RentToOwnResult) -> list[Row]:
    p = r.purchase
    if p is None:
        return []
    rows = [
        Row(label=N_("Purchase month"), value=p.month, kind="month"),
        Row(label=N_("Purchase price"), value=p.price),
        Row(label=N_("Document duty"), value=p.document_duty),
        Row(label=N_("Registration fees"), value=p.registration_fees),
        Row(label=N_("Start-loan set-up fee"), value=p.setup_fee),
        Row(label=N_("Total to finance"), value=p.price + p.buying_costs),
        Row(label=N_("Own savings used"), value=p.equity_used),
        Row(label=N_("Establishment grant"), value=p.establishment_grant),
        Row(label=N_("Start loan"), value=p.start_loan),
    ]
    if p.bank_loan:
        rows.append(Row(label=N_("Bank loan"), value=p.bank_loan))
    rows += [
        Row(
            label=N_("Start-loan rate (effective, at purchase)"),
            value=p.start_loan_rate_effective,
            kind="pct",
        ),
        Row(label=N_("Stress-test rate"), value=p.stress_rate, kind="pct"),
        Row(label=N_("Largest start loan that passes the stress test"), value=p.max_start_loan),
        Row(label=N_("First monthly loan payment"), value=p.first_payment),
        Row(label=N_("Savings left after the purchase"), value=p.savings_after),
    ]
    return rows


def _municipality(r: RentToOwnResult) -> MunicipalitySection | None:
    m = r.municipality
    if m is None:
        return None
    rows = [
        Row(label=N_("Sale price"), value=m.price),
        Row(label=N_("Husbanken loan repaid"), value=m.husbanken_loan_repaid),
        Row(label=N_("Rental-housing grant repaid (not yet written down)"), value=m.grant_repaid),
        Row(label=N_("Seller's costs"), value=m.sale_costs),
        Row(label=N_("Cash to the municipality"), value=m.net_cash),
        Row(label=N_("Book value at the sale"), value=m.book_value),
        Row(label=N_("Accounting gain (price − costs − book value)"), value=m.accounting_gain),
        Row(label=N_("Rent income given up, first year (collected)"), value=m.rent_given_up_yearly),
        Row(
            label=N_("Rent income given up over the horizon (undiscounted)"),
            value=m.rent_given_up_total,
        ),
        Row(
            label=N_("Keeping: Husbanken loan still owed at the horizon"),
            value=m.loan_balance_at_horizon,
        ),
        Row(
            label=N_("Keeping: rental-housing grant not yet written down at the horizon"),
            value=m.grant_repayable_at_horizon,
        ),
        Row(label=N_("Keeping: cash from a sale at the horizon"), value=m.cash_at_horizon),
        Row(label=N_("Present value of keeping and letting the unit"), value=m.pv_keep),
        *(
            [
                Row(label=N_("Selling: cost of a replacement unit"), value=m.replacement_cost),
                Row(
                    label=N_("Selling: present value of letting the replacement"),
                    value=m.pv_replacement,
                ),
            ]
            if m.replacement_cost
            else []
        ),
        Row(label=N_("Present value of selling now"), value=m.pv_sell),
        Row(label=N_("Net present value of selling rather than keeping"), value=m.npv_sell_vs_keep),
        Row(
            label=N_("Establishment grant to the household (grant budget)"),
            value=m.establishment_grant_given,
        ),
        Row(
            label=N_(
                "Keeping, first year: rent less FDV, administration, interest and depreciation"
            )
            if m.accounting_view == "straight_line"
            else N_(
                "Keeping, first year: rent less FDV, administration, interest and minimum "
                "repayment (kommuneloven § 14-18)"
            ),
            value=m.operating_result_straight_line
            if m.accounting_view == "straight_line"
            else m.operating_result_minimum_repayment,
        ),
    ]
    return MunicipalitySection(
        sale_month=m.sale_month,
        net_cash=m.net_cash,
        accounting_gain=m.accounting_gain,
        pv_keep=m.pv_keep,
        npv_sell_vs_keep=m.npv_sell_vs_keep,
        discount_rate=m.discount_rate,
        keep_years=m.keep_years,
        rows=rows,
    )


#: Values the templates translate with ``_(value)``: timeline phases, price-growth cases.
PHASES = (N_("rent"), N_("own"), N_("purchase"))
CASES = (N_("low"), N_("base"), N_("high"))

_PRICE_RULE = {
    "appraisal": N_("appraised value at purchase"),
    "year0": N_("the year-0 price"),
    "year0_indexed": N_("the year-0 price indexed by CPI"),
    "rent_credit": N_("the year-0 price minus credited rent"),
}
_RENT_METHOD = {"given": N_("a given amount"), "cost_covering": N_("cost-covering")}
_TENURE = {
    "selveier": N_("freehold (selveier)"),
    "borettslag": N_("housing co-op share (borettslag)"),
}
_RATE_TYPE = {"floating": N_("floating"), "fixed": N_("fixed")}


def _assumptions(s: Scenario) -> list[Row]:
    a = s.assumptions
    d = s.dwelling
    f = s.financing
    sl = f.start_loan
    eg = f.establishment_grant
    rows = [
        Row(label=N_("Move-in"), value=s.move_in, kind="month"),
        Row(label=N_("Year-0 price (appraisal)"), value=d.price),
        Row(label=N_("Area"), value=d.area_m2, kind="m2"),
        Row(label=N_("Rooms"), value=float(d.rooms), kind="number"),
        Row(label=N_("Tenure"), value=_TENURE[d.tenure], kind="text"),
        Row(label=N_("Common costs per month"), value=d.common_costs_month),
        Row(label=N_("Municipal fees per year"), value=d.municipal_fees_year),
        Row(label=N_("Insurance per year"), value=d.insurance_year),
        Row(label=N_("Owner's maintenance per year"), value=d.maintenance_year),
        Row(label=N_("Electricity per month"), value=d.electricity_month),
        Row(label=N_("Rent"), value=_RENT_METHOD[s.rent.method], kind="text"),
        Row(
            label=N_("Rent indexed by CPI each year"),
            value=N_("yes") if s.rent.indexation == "cpi" else N_("no"),
            kind="text",
        ),
        *(
            [
                Row(
                    label=N_("Prevailing rent per month (husleieloven § 4-3)"),
                    value=s.rent.prevailing_rent_month,
                ),
                Row(label=N_("Prevailing rent from"), value=s.rent.prevailing_from, kind="month"),
            ]
            if s.rent.prevailing_from is not None
            else []
        ),
        Row(label=N_("Purchase price rule"), value=_PRICE_RULE[s.purchase.price_rule], kind="text"),
        Row(label=N_("Option period"), value=s.purchase.option_years, kind="years"),
        Row(
            label=N_("Earliest purchase under the contract"),
            value=float(s.purchase.earliest_after_months),
            kind="months",
        ),
        Row(label=N_("Savings at move-in"), value=s.household.savings),
        Row(label=N_("Share of each month's surplus saved"), value=f.saving_share, kind="pct"),
        Row(label=N_("Savings kept back at purchase"), value=f.buffer),
        Row(label=N_("Start-loan rate type"), value=_RATE_TYPE[sl.rate_type], kind="text"),
        Row(label=N_("Start-loan term"), value=float(sl.years), kind="years"),
        Row(label=N_("Interest-only period"), value=float(sl.interest_only_years), kind="years"),
        Row(
            label=N_("Municipal margin on the start-loan rate"),
            value=sl.municipal_margin,
            kind="pp",
        ),
        Row(
            label=N_("Establishment grant"),
            value=N_("as needed") if eg.amount == "need" else eg.amount,
            kind="text" if eg.amount == "need" else "nok",
        ),
    ]
    if eg.amount == "need":
        rows.append(Row(label=N_("Establishment grant, at most"), value=eg.max))
    rows += [
        Row(label=N_("House-price growth per year"), value=a.price_growth, kind="pct"),
        Row(label=N_("House-price growth, low case"), value=a.price_growth_low, kind="pct"),
        Row(label=N_("House-price growth, high case"), value=a.price_growth_high, kind="pct"),
        Row(label=N_("Wage growth per year"), value=a.wage_growth, kind="pct"),
        Row(label=N_("Consumer prices (CPI) per year"), value=a.cpi, kind="pct"),
        Row(label=N_("Years of ownership shown"), value=float(a.horizon_years), kind="years"),
        Row(
            label=N_("Discount rate (municipality)"), value=s.municipality.discount_rate, kind="pct"
        ),
    ]
    for point in a.rate_path:
        rows.append(
            Row(
                label=N_("Husbanken floating rate (effective)"),
                value=point.rate,
                kind="pct",
                since=point.from_,
            )
        )
    return rows


def _value_kind(unit: str, value: Any) -> Kind:
    if isinstance(value, (dict, list)):
        return "text"
    if unit.startswith("fraction"):
        return "pct"
    if unit.startswith("NOK"):
        return "nok"
    if unit == "years":
        return "years"
    return "number"


def _short(value: Any) -> str:
    if isinstance(value, dict):
        items = list(value.items())
        text = ", ".join(f"{k}: {v}" for k, v in items[:4] if not isinstance(v, (dict, list)))
        if not text:
            return "{" + ", ".join(map(str, list(value)[:4])) + (", …}" if len(value) > 4 else "}")
        return text + (", …" if len(items) > 4 else "")
    if isinstance(value, list):
        return ", ".join(map(str, value[:6])) + (", …" if len(value) > 6 else "")
    return str(value)


def source_rows(used: Sequence[ResolvedValue], lang: str) -> list[SourceRow]:
    """One :class:`SourceRow` per parameter value used (labels in ``lang``); any report's
    sources section renders these (the portfolio report too)."""
    rows = []
    for v in used:
        kind = _value_kind(v.unit, v.value)
        rows.append(
            SourceRow(
                name=v.name,
                label=v.label_nb if lang == "nb" else v.label_en,
                value=_short(v.value) if kind == "text" else v.value,
                unit=v.unit,
                kind=kind,
                effective=v.effective,
                references=[(r.title, str(r.href)) for r in v.references],
                last_verified=v.last_verified,
                confidence=v.confidence,
                flagged=v.confidence != "confirmed",
                notes=v.notes,
                stale=v.stale,
                expected_update=v.expected_update,
            )
        )
    return rows


def _charts(r: RentToOwnResult, lang: str, gettext: Callable[[str], str]) -> Charts:
    from housingcalc.reports.charts import BarChart, LineChart, Series, bar_chart, line_chart
    from housingcalc.reports.render import Formatter

    fmt = Formatter(lang)
    _ = gettext
    tl = r.timeline
    p = r.purchase
    marker = p.month if p is not None else None
    marker_label = _("Purchase") if p is not None else ""
    cost = line_chart(
        LineChart(
            key="monthly-cost",
            title=_("Monthly housing cost"),
            y_label=_("NOK per month"),
            x=tl.month,
            series=[
                Series(_("Rent, then owning"), tl.housing_cost),
                Series(_("Renting on"), tl.rent_only_housing_cost, dashed=True),
                Series(
                    _("Available for housing"),
                    tl.available + tl.housing_allowance,
                    dashed=True,
                    color="#009E73",
                ),
                *(
                    [
                        Series(
                            _("Housing allowance (bostøtte)"), tl.housing_allowance, color="#E69F00"
                        )
                    ]
                    if r.scenario.housing_allowance.applied
                    else []
                ),
            ],
            marker_x=marker,
            marker_label=marker_label,
        ),
        fmt,
    )
    equity = line_chart(
        LineChart(
            key="equity",
            title=_("Net wealth and equity in the home"),
            x=tl.month,
            y_label=_("NOK million"),
            series=[
                Series(_("Net wealth, rent then own"), tl.net_wealth / 1e6),
                Series(_("Net wealth, renting on"), tl.rent_only_savings / 1e6, dashed=True),
                Series(_("Equity in the home"), tl.net_equity / 1e6, color="#CC79A7"),
            ],
            marker_x=marker,
            marker_label=marker_label,
            zero_line=True,
        ),
        fmt,
    )
    ladder = ""
    if r.sensitivity.ladder and p is not None:
        rows = r.sensitivity.ladder
        end = min(p.index + 12, len(tl))
        available = float(
            (tl.available[p.index : end] + tl.housing_allowance[p.index : end]).mean()
        )
        labels = [
            _("Today's path")
            if row.rise == 0
            else fmt.pp(row.rise, 1).replace(".0", "").replace(",0", "")
            for row in rows
        ]
        ladder = bar_chart(
            BarChart(
                key="rate-ladder",
                title=_("Monthly cost after the purchase if rates rise"),
                y_label=_("NOK per month"),
                labels=labels,
                values=[row.monthly_cost_first_year for row in rows],
                reference=available,
                reference_label=_("Available for housing"),
                highlight=[row.deficit for row in rows],
            ),
            fmt,
        )
    return Charts(monthly_cost=cost, equity=equity, rate_ladder=ladder)


def build_context(
    result: RentToOwnResult,
    used: Sequence[ResolvedValue],
    *,
    lang: str,
    source: str,
    generated_on: dt.date,
    templates: Path | None = None,
    charts: bool = True,
    verdict: VerdictSection | None = None,
) -> HouseholdReport:
    """The household report's context for one language (``charts=False``: no SVGs, e.g. for
    Markdown only)."""
    from housingcalc.reports.i18n import check_lang, translator

    code = check_lang(lang)
    t = translator(code, templates)
    s = result.scenario
    key = _key(result)
    sens = result.sensitivity
    nj = sens.no_job
    years = sorted({y for g in sens.price_growth for y in g.net_equity})
    from housingcalc.calc.risks import in_introduction_programme

    in_programme = in_introduction_programme(result)
    return HouseholdReport(
        meta=Meta(
            scenario_name=s.name_in(code),
            description=s.description_in(code),
            source=source,
            household_name=s.household.name,
            generated_on=generated_on,
            version=_version(),
            lang=code,
            move_in=s.move_in,
            option_end=result.option_end,
            horizon_years=s.assumptions.horizon_years,
        ),
        key=key,
        risks=_risks(result),
        charts=_charts(result, code, t.gettext)
        if charts
        else Charts(monthly_cost="", equity="", rate_ladder=""),
        purchase_rows=_purchase_rows(result),
        tests=_tests(result),
        years=_years(result),
        comparison=[
            ComparisonRow(**asdict(c), wealth_difference=c.wealth_difference)
            for c in result.comparison
        ],
        ladder=[
            LadderRow(
                rise=x.rise,
                start_loan_rate=x.start_loan_rate,
                monthly_cost=x.monthly_cost_first_year,
                margin_first_year=x.margin_first_year,
                deficit=x.deficit,
            )
            for x in sens.ladder
        ],
        price_growth=[
            PriceGrowthRow(
                case=g.case,
                growth=g.growth,
                purchase_month=g.purchase_month,
                net_equity=g.net_equity,
                net_wealth=g.net_wealth,
            )
            for g in sens.price_growth
        ],
        comparison_years=years,
        no_job=NoJobSection(
            applies=nj.dropped_streams > 0 and in_programme,
            in_programme=in_programme,
            dropped_streams=nj.dropped_streams,
            earliest_month=nj.earliest_month,
            margin_first_year=nj.margin_first_year,
            months_in_deficit=nj.months_in_deficit,
            housing_allowance_first_year=nj.housing_allowance_first_year,
        ),
        municipality=_municipality(result),
        assumptions=_assumptions(s),
        sources=source_rows(used, code),
        verdict=verdict,
    )


#: Former private name, kept for callers that imported it.
_sources = source_rows


# -- JSON -------------------------------------------------------------------------------------


def _r2(x: float | None) -> float | None:
    return None if x is None else round(float(x), 2)


def key_figures(result: RentToOwnResult) -> dict[str, Any]:
    """The headline numbers (the golden test compares these)."""
    k = _key(result)
    out: dict[str, Any] = {}
    for name, value in k.model_dump(mode="json").items():
        out[name] = round(value, 6 if "rate" in name else 2) if isinstance(value, float) else value
    m = result.municipality
    out["municipality_net_cash"] = _r2(m.net_cash) if m else None
    out["municipality_accounting_gain"] = _r2(m.accounting_gain) if m else None
    out["municipality_npv_sell_vs_keep"] = _r2(m.npv_sell_vs_keep) if m else None
    nj = result.sensitivity.no_job
    out["no_job_earliest_month"] = nj.earliest_month.isoformat() if nj.earliest_month else None
    out["no_job_margin_first_year"] = _r2(nj.margin_first_year)
    out["no_job_housing_allowance_first_year"] = _r2(nj.housing_allowance_first_year)
    for c in result.comparison:
        out[f"net_wealth_own_{c.years}y"] = _r2(c.net_wealth_own)
        out[f"net_wealth_rent_{c.years}y"] = _r2(c.net_wealth_rent)
    for row in result.sensitivity.ladder:
        out[f"ladder_{round(row.rise * 100)}pp_monthly_cost"] = _r2(row.monthly_cost_first_year)
    return out


def _plain(obj: Any) -> Any:
    """Dataclasses/dates/numpy to JSON-ready values, floats to 6 decimals
    (:func:`housingcalc.output.rounded`)."""
    from housingcalc.output import rounded

    return rounded(obj, 6)


def result_json(
    result: RentToOwnResult,
    used: Sequence[ResolvedValue],
    *,
    source: str,
    verdict: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The full numbers of a run, JSON-ready (language-independent); ``verdict`` is
    :func:`housingcalc.reports.decision.verdict_json`."""
    from housingcalc.models.scenario import SCHEMA_VERSION

    sens = result.sensitivity
    return {
        "housingcalc": {
            "version": _version(),
            "report": "household",
            "schema_version": SCHEMA_VERSION,
        },
        "source": source,
        "scenario": result.scenario.model_dump(mode="json", by_alias=True),
        "status": result.status,
        "verdict": verdict,
        "key_figures": key_figures(result),
        "rent_at_move_in": {
            "method": result.scenario.rent.method,
            "monthly_rent": round(result.rent_now, 2),
            "cost_covering_components_yearly": (
                {k: round(v, 2) for k, v in result.rent_components.items()}
                if result.rent_components
                else None
            ),
        },
        "rent_path": {
            "rule": "husleieloven § 4-2 (KPI once a year) and § 4-3 (prevailing rent)",
            "steps": [st.as_dict() for st in result.rent_steps],
        },
        "purchase": _plain(asdict(result.purchase)) if result.purchase else None,
        "comparison": [
            _plain({**asdict(c), "wealth_difference": c.wealth_difference})
            for c in result.comparison
        ],
        "sensitivity": {
            "rate_ladder": [_plain(asdict(x)) for x in sens.ladder],
            "price_growth": [_plain(asdict(x)) for x in sens.price_growth],
            "no_job": _plain(asdict(sens.no_job)),
        },
        "municipality": _plain(asdict(result.municipality)) if result.municipality else None,
        "purchase_tests": result.tests.columns(),
        "timeline": result.timeline.columns(),
        "parameters_used": [v.as_dict() for v in used],
    }


# -- one call for the CLI ---------------------------------------------------------------------


def produce_report(
    scenario: Scenario,
    params: ParameterSet,
    *,
    langs: Sequence[str] = ("nb",),
    formats: Sequence[str] = ("html", "md", "json"),
    stem: str = "report",
    source: str = "scenario",
    templates: Path | None = None,
    generated_on: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    raw: Mapping[str, Any] | None = None,
    family_langs: Sequence[str] = (),
) -> dict[str, str]:
    """Run ``scenario`` and render the household report: ``{file name: text}``.

    File names: ``<stem>.<lang>.html``, ``<stem>.<lang>.md`` and ``<stem>.json``; with
    ``family_langs``, also the family page ``<stem>.family.<lang>.html`` in each of those
    languages (:mod:`housingcalc.reports.family`). Nothing is written here; every file is
    complete before the caller writes any of them.

    ``raw``: the scenario's raw mapping (after any ``--set``); with it a failing case's
    verdict lists the grant and the price that would close the gap (``calc.solve``).
    """
    from housingcalc.calc.rent_to_own import run_rent_to_own
    from housingcalc.reports.render import render

    say = progress or (lambda _m: None)
    ps = params.fresh()
    say("computing the timeline, the purchase test and the sensitivity")
    result = run_rent_to_own(scenario, ps)
    from housingcalc.calc.verdict import decide
    from housingcalc.reports.decision import verdict_json, verdict_section, ways_out

    verdict = decide(result, ps)
    if verdict.gap_month is not None and raw is not None:
        say("solving for the grant and the price that would close the gap")
    ways = ways_out(raw, ps, verdict)
    used = ps.used()
    when = generated_on or dt.date.today()
    files: dict[str, str] = {}
    for lang in langs:
        if "html" in formats or "md" in formats:
            say(f"drawing the charts ({lang})")
            context = build_context(
                result,
                used,
                lang=lang,
                source=source,
                generated_on=when,
                templates=templates,
                charts="html" in formats,
                verdict=verdict_section(verdict, ways),
            )
            if "html" in formats:
                say(f"rendering HTML ({lang})")
                files[f"{stem}.{lang}.html"] = render("household.html.j2", context, lang, templates)
            if "md" in formats:
                say(f"rendering Markdown ({lang})")
                files[f"{stem}.{lang}.md"] = render("household.md.j2", context, lang, templates)
    if family_langs:
        from housingcalc.reports.family import produce_family_pages

        say(f"rendering the family page ({', '.join(family_langs)})")
        files.update(
            produce_family_pages(
                result, family_langs, stem=stem, generated_on=when, templates=templates
            )
        )
    if "json" in formats:
        data = _plain(result_json(result, used, source=source, verdict=verdict_json(verdict, ways)))
        data["stale"] = [v.as_dict() for v in ps.stale()]
        from housingcalc.output import to_json

        files[f"{stem}.json"] = to_json(data) + "\n"
    return files
