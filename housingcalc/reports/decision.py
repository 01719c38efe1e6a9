"""Decision support output: ``solve`` answers, ``compare`` columns and the verdict, as JSON-ready
dicts and as the report contexts the templates render (one place that rounds and labels them).

Money is rounded to the øre (2 decimals), rates to 6 decimals, months as ``YYYY-MM``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from housingcalc.calc.compare import Comparison
    from housingcalc.calc.solve import Check, Solution
    from housingcalc.calc.verdict import Verdict
    from housingcalc.parameters import ParameterSet

__all__ = [
    "COMPARE_ROWS",
    "OUTCOME_LABELS",
    "CompareColumn",
    "CompareReport",
    "CompareRow",
    "VerdictReason",
    "VerdictSection",
    "WayOut",
    "compare_context",
    "comparison_json",
    "plain",
    "solution_json",
    "verdict_json",
    "verdict_section",
    "ways_out",
]


def plain(obj: Any, *, money_decimals: int = 2) -> Any:
    """Records, dates and numbers as JSON-ready values (months as ``YYYY-MM``; floats rounded:
    names containing ``rate``/``share`` to 6 decimals, others to ``money_decimals``)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: _round(f.name, plain(getattr(obj, f.name), money_decimals=money_decimals))
            for f in dataclasses.fields(obj)
        }
    if isinstance(obj, dict):
        return {
            str(k): _round(str(k), plain(v, money_decimals=money_decimals)) for k, v in obj.items()
        }
    if isinstance(obj, (list, tuple)):
        return [plain(v, money_decimals=money_decimals) for v in obj]
    if isinstance(obj, dt.date):
        return f"{obj:%Y-%m}" if obj.day == 1 else obj.isoformat()
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalars
        return obj.item()
    return obj


def _round(name: str, value: Any) -> Any:
    """Money to the øre; rates and other fractions (named ``*rate*``/``*share*``, or below 1
    in size, such as a rate rise) to 6 decimals."""
    if isinstance(value, float) and not isinstance(value, bool):
        fraction = "rate" in name or "share" in name or abs(value) < 1
        return round(value, 6 if fraction else 2)
    return value


def _check(c: Check | None) -> dict[str, Any] | None:
    if c is None:
        return None
    d: dict[str, Any] = plain(c)
    d["set"] = list(c.set)
    return d


def solution_json(sol: Solution, *, source: str) -> dict[str, Any]:
    """``solve --format json``: the answer with its ``set`` list (``PATH=VALUE`` that applies
    it: feeding them to ``run --set`` reproduces the passing case)."""
    d: dict[str, Any] = plain(sol)
    d["set"] = list(sol.set)
    d["at_answer"] = _check(sol.at_answer)
    d["wrong_side"] = _check(sol.wrong_side)
    d["source"] = source
    d["found"] = sol.answer is not None
    return d


# -- the verdict --------------------------------------------------------------------------------


class VerdictReason(BaseModel):
    """One reason of the verdict; the templates word it by ``code`` and ``weight``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    weight: str  # for | condition | against
    numbers: dict[str, float | str | None]


class WayOut(BaseModel):
    """One way to close a failing case's gap (a ``solve`` answer in the verdict's month)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    target: str
    answer: float | None
    limit: float | None
    within_limit: bool | None
    reason: str | None
    set: list[str]


class VerdictSection(BaseModel):
    """The verdict the report renders (``templates/_verdict.*.j2``): ``outcome`` (one of
    ``housingcalc.calc.verdict.OUTCOMES``), ``label`` (its message id), the ``reasons``, and for a
    failing case ``gap_month`` (NOK a month the stress test fails by in ``month``) and
    ``ways`` to close it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    outcome: str
    label: str
    month: dt.date
    stress_rate: float
    gap_month: float | None
    reasons: list[VerdictReason]
    ways: list[WayOut]


def N_(message: str) -> str:
    """Mark a message id for the catalogues (gettext's ``N_``)."""
    return message


#: outcome → message id of its label
OUTCOME_LABELS = {
    "recommend": N_("Recommend"),
    "recommend_with_conditions": N_("Recommend with conditions"),
    "not_yet": N_("Not yet"),
    "not_advisable": N_("Not advisable"),
}


def verdict_section(verdict: Verdict, ways: Sequence[Solution] = ()) -> VerdictSection:
    return VerdictSection(
        outcome=verdict.outcome,
        label=OUTCOME_LABELS[verdict.outcome],
        month=verdict.month,
        stress_rate=verdict.stress_rate,
        gap_month=verdict.gap_month,
        reasons=[
            VerdictReason(code=r.code, weight=r.weight, numbers=r.numbers) for r in verdict.reasons
        ],
        ways=[
            WayOut(
                target=w.target,
                answer=w.answer,
                limit=w.limit,
                within_limit=w.within_limit,
                reason=w.reason,
                set=list(w.set),
            )
            for w in ways
        ],
    )


def verdict_json(verdict: Verdict, ways: Sequence[Solution] = ()) -> dict[str, Any]:
    """The run JSON's ``verdict``: ``outcome``, ``reasons`` (code, weight, numbers),
    ``gap_month`` (NOK a month a failing case fails by; ``null`` when it passes), ``month``,
    ``stress_rate``, ``thresholds`` (the policy values used) and ``ways`` (``solve`` answers for
    grant and price, each with its ``set`` list)."""
    d: dict[str, Any] = plain(verdict)
    d["reasons"] = [plain(r) for r in verdict.reasons]
    d["ways"] = [solution_json(w, source="") | {"source": None} for w in ways]
    return d


def ways_out(
    raw: Mapping[str, Any] | None, params: ParameterSet, verdict: Verdict
) -> list[Solution]:
    """For a failing verdict, ``solve`` for the grant and the price in its month (nothing for
    a passing one, or without the raw mapping to apply them to)."""
    if raw is None or verdict.gap_month is None:
        return []
    from housingcalc.calc.solve import solve

    return [solve(raw, params, target, month=verdict.month) for target in WAYS]


#: What a failing report solves for, in order.
WAYS = ("grant", "price")


# -- offers side by side ------------------------------------------------------------------------


class CompareColumn(BaseModel):
    """One offer's column head: its label, its terms, and its value of each differing term."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    terms: list[str]
    differing: list[tuple[str, str]]  # (path, this offer's value)
    outcome: str
    outcome_label: str  # message id


class CompareRow(BaseModel):
    """One figure across the offers; ``kind`` says how the templates format it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    label: str  # message id
    kind: str  # nok | month | text
    values: list[Any]


class CompareReport(BaseModel):
    """The context ``compare.html.j2`` and ``compare.md.j2`` render."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario_name: str
    source: str
    lang: str
    generated_on: dt.date
    columns: list[CompareColumn]
    rows: list[CompareRow]


#: (key, message id, kind) of each row of the comparison, in order.
COMPARE_ROWS = (
    ("purchase_month", N_("Earliest purchase month"), "month"),
    ("monthly_cost_before", N_("Monthly cost before the purchase"), "nok"),
    ("monthly_cost_after", N_("Monthly cost after the purchase (first year)"), "nok"),
    ("price", N_("Price"), "nok"),
    ("grant_needed", N_("Establishment grant needed"), "nok"),
    ("start_loan", N_("Start loan"), "nok"),
    ("left_over", N_("Left over each month after the purchase (first year)"), "nok"),
    ("net_wealth_10y", N_("Net wealth 10 years after the purchase"), "nok"),
    ("net_wealth_10y_renting", N_("Net wealth at the same time, renting on"), "nok"),
    ("municipality_cash", N_("Municipality: cash from the sale"), "nok"),
    ("municipality_npv", N_("Municipality: present value of selling rather than keeping"), "nok"),
)


def compare_context(
    comparison: Comparison, *, scenario_name: str, source: str, lang: str, generated_on: dt.date
) -> CompareReport:
    columns = [
        CompareColumn(
            label=o.label,
            terms=list(o.terms),
            differing=[(path, values[i]) for path, values in comparison.differing.items()],
            outcome=o.verdict.outcome,
            outcome_label=OUTCOME_LABELS[o.verdict.outcome],
        )
        for i, o in enumerate(comparison.offers)
    ]
    rows = [
        CompareRow(
            key=key, label=label, kind=kind, values=[getattr(o, key) for o in comparison.offers]
        )
        for key, label, kind in COMPARE_ROWS
    ]
    return CompareReport(
        scenario_name=scenario_name,
        source=source,
        lang=lang,
        generated_on=generated_on,
        columns=columns,
        rows=rows,
    )


def comparison_json(comparison: Comparison, *, source: str, scenario_name: str) -> dict[str, Any]:
    """``compare --format json``: ``offers``, one entry per ``--offer`` in order, each with its
    ``terms``, its value of every ``differing`` term, the figures and its ``verdict``."""
    offers = []
    for i, o in enumerate(comparison.offers):
        d: dict[str, Any] = {k: v for k, v in plain(o).items() if k not in ("verdict", "terms")}
        d["terms"] = list(o.terms)
        d["differing"] = {path: values[i] for path, values in comparison.differing.items()}
        d["verdict"] = verdict_json(o.verdict)
        offers.append(d)
    return {
        "source": source,
        "scenario_name": scenario_name,
        "differing": {k: list(v) for k, v in comparison.differing.items()},
        "offers": offers,
    }
