"""``housingcalc solve SCENARIO --for grant|price|savings|income|term|interest-only``: what would
make the purchase pass the stress test (``housingcalc.calc.solve``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from housingcalc.cli._common import (
    ParamsOption,
    SetOption,
    check_format,
    echo_json,
    format_option,
    load_params,
    money,
)
from housingcalc.errors import InputError

if TYPE_CHECKING:
    import datetime as dt

    from housingcalc.calc.solve import Solution

FORMATS = ("table", "json")
TARGETS = ("grant", "price", "savings", "income", "term", "interest-only")

_WHAT = {
    "grant": "an establishment grant of {v}",
    "price": "a year-0 price of {v}",
    "savings": "savings at move-in of {v}",
    "income": "a monthly income of {v} ({field})",
    "term": "a start-loan term of {v}",
    "interest-only": "an interest-only period of {v}",
}

_NO_ANSWER = {
    "no_grant_passes": "no establishment grant makes it pass",
    "no_savings_pass": "no amount of savings (up to 100 million kr) makes it pass",
    "no_income_passes": "no income from this stream makes it pass (the 12 months tested include "
    "months before it starts, or other costs exceed what any income covers)",
    "no_price_passes": "no price makes it pass: the household cannot carry the owner's running "
    "costs at the stress rate even with a price of 1 kr",
    "no_term_passes": "no term within the legal limit makes it pass",
    "interest_only_not_in_stress_test": "the stress test fails, and an interest-only period does "
    "not change it: Husbanken tests a full annuity over the term",
    "no_interest_only_period_passes": "no interest-only period within the legal limit leaves the "
    "first five years as owners without a month in deficit",
}


def parse_month(value: str | None, field: str = "--month") -> dt.date | None:
    import datetime as dt
    import re

    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", value)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InputError(field, value, "must be a month written YYYY-MM")
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def _kr(value: float) -> str:
    if 0 < abs(value) < 0.005:
        return "under 0.01"
    text = money(value)
    return text[:-3] if text.endswith(".00") else text


def _v(sol: Solution, value: float | None) -> str:
    if value is None:
        return "-"
    if sol.unit == "years":
        return f"{value:g} years"
    return f"{_kr(value)} kr" + (" a month" if sol.unit == "NOK/month" else "")


def render_text(sol: Solution, source: str) -> list[str]:
    lines = [
        f"housingcalc solve --for {sol.target}: {source}, purchase in {sol.month:%Y-%m} "
        f"(field {sol.field})",
        f"  now: {_v(sol, sol.current) if sol.current is not None else 'as needed'}; "
        + (
            "passes the stress test"
            if sol.passes_now
            else f"fails the stress test by {money(sol.gap_now)} kr a month at "
            f"{sol.stress_rate:.2%} (the stress rate)"
        ),
    ]
    if sol.answer is None:
        lines.append(f"  answer: none. {_NO_ANSWER.get(sol.reason or '', sol.reason or '')}.")
        if sol.limit is not None:
            lines.append(f"  limit checked: {_v(sol, sol.limit)} ({sol.limit_name})")
        return lines
    what = _WHAT[sol.target].format(v=_v(sol, sol.answer), field=sol.field)
    word = "least" if sol.direction == "min" else "most"
    a, w = sol.at_answer, sol.wrong_side
    assert a is not None
    lines.append(f"  answer: {what} ({word} that passes)")
    lines.append(
        f"  checked by the engine: passes at {_v(sol, sol.answer)}, "
        f"{_kr(a.surplus_at_stress or 0.0)} kr a month left at the stress rate"
    )
    if w is not None:
        lines.append(
            f"    and fails at {_v(sol, w.value)}"
            + (
                f" (short {_kr(-(w.surplus_at_stress or 0.0))} kr a month at the stress rate)"
                if (w.surplus_at_stress or 0.0) < 0
                else " (a month in deficit in the first five years as owners)"
            )
        )
    if sol.price_in_month is not None and sol.target == "price":
        lines.append(f"  purchase price in {sol.month:%Y-%m}: {_kr(sol.price_in_month)} kr")
    if sol.limit is not None:
        inside = "within" if sol.within_limit else "ABOVE"
        lines.append(f"  {inside} the limit {_v(sol, sol.limit)} ({sol.limit_name})")
    if sol.reason == "special_cases_only":
        lines.append("  note: a term beyond husbanken.startlan.max_term_years is for special cases")
    if sol.reason == "passes_at_any_price":
        lines.append("  note: passes at every price searched (up to 100 million kr)")
    lines.append("  apply: " + " ".join(f"--set {s}" for s in sol.set))
    return lines


def solve(
    scenario: Annotated[
        str | None,
        typer.Argument(
            metavar="SCENARIO",
            help="A scenario file or packaged example name. Default: the built-in example.",
            show_default=False,
        ),
    ] = None,
    target: Annotated[
        str,
        typer.Option("--for", metavar="|".join(TARGETS), help="What to solve for."),
    ] = "grant",
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            metavar="YYYY-MM",
            help="The purchase month (default: the scenario's month, else the earliest the "
            "contract allows).",
        ),
    ] = None,
    stream: Annotated[
        int | None,
        typer.Option(
            "--stream",
            metavar="N",
            help="--for income: the income stream household.income.N (default: the first "
            "wage that starts after move-in).",
        ),
    ] = None,
    sets: SetOption = None,
    params: ParamsOption = None,
    fmt: Annotated[str, format_option(FORMATS, "table")] = "table",
) -> None:
    """What would make the purchase pass: the least grant, savings or income, the highest
    price, the shortest term or interest-only period, checked by re-running the engine."""
    check_format(fmt, FORMATS)
    if target not in TARGETS:
        raise InputError("--for", target, f"must be one of {', '.join(TARGETS)}")
    when = parse_month(month)
    from housingcalc.calc.solve import solve as solve_
    from housingcalc.overrides import load_scenario_with

    loaded = load_scenario_with(scenario, sets or ())
    ps = load_params(params)
    sol = solve_(loaded.raw, ps, target, month=when, stream=stream)
    if fmt == "json":
        from housingcalc.reports.decision import solution_json

        data: Any = solution_json(sol, source=loaded.source)
        echo_json(data)
        return
    for line in render_text(sol, loaded.source):
        typer.echo(line)


def register(app: typer.Typer) -> None:
    app.command("solve")(solve)
