"""``housingcalc compare SCENARIO --offer "a.b=v,c.d=w" --offer ...``: offers side by side
(``housingcalc.calc.compare``), as a table, JSON, HTML or Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from housingcalc.cli._common import (
    ParamsOption,
    SetOption,
    atomic_write,
    check_format,
    echo_table,
    format_option,
    load_params,
    money,
    today,
)
from housingcalc.errors import InputError

FORMATS = ("table", "json", "html", "md")


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "month":
        return f"{value:%Y-%m}"
    if kind == "nok":
        return money(float(round(value)))[:-3]
    return str(value)


def compare(
    scenario: Annotated[
        str | None,
        typer.Argument(
            metavar="SCENARIO",
            help="A scenario file or packaged example name. Default: the built-in example.",
            show_default=False,
        ),
    ] = None,
    offers: Annotated[
        list[str] | None,
        typer.Option(
            "--offer",
            metavar='"PATH=VALUE,PATH=VALUE"',
            help="One offer: terms separated by commas (purchase.price_rule=appraisal,"
            "purchase.option_years=3); repeat for each offer. One column per offer, in order.",
            show_default=False,
        ),
    ] = None,
    sets: SetOption = None,
    params: ParamsOption = None,
    fmt: Annotated[str, format_option(FORMATS, "table")] = "table",
    lang: Annotated[
        str,
        typer.Option("--lang", "-l", metavar="nb|en", help="Language of the HTML and Markdown."),
    ] = "en",
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="FILE", help="Write to FILE instead of the screen."),
    ] = None,
) -> None:
    """Offers side by side: purchase month, costs, grant, what is left, wealth, the
    municipality's side and the verdict, one column per --offer."""

    check_format(fmt, FORMATS)
    if not offers:
        raise InputError(
            "--offer", "", "give at least one offer (e.g. --offer purchase.price_rule=year0)"
        )
    from housingcalc.calc.compare import compare as compare_
    from housingcalc.calc.compare import split_offer
    from housingcalc.overrides import load_scenario_with
    from housingcalc.reports.decision import COMPARE_ROWS, OUTCOME_LABELS

    terms = [split_offer(o) for o in offers]
    loaded = load_scenario_with(scenario, sets or ())
    ps = load_params(params)
    result = compare_(loaded.raw, terms, ps)
    name = loaded.scenario.name
    text: str
    if fmt == "json":
        from housingcalc.cli._common import stale_values, to_json
        from housingcalc.reports.decision import comparison_json

        data = comparison_json(result, source=loaded.source, scenario_name=name)
        data["stale"] = stale_values()  # as every command's JSON (issue 10)
        text = to_json(data)
    elif fmt in ("html", "md"):
        from housingcalc.reports.decision import compare_context
        from housingcalc.reports.i18n import check_lang
        from housingcalc.reports.render import render

        code = check_lang(lang)
        context = compare_context(
            result,
            scenario_name=name,
            source=loaded.source,
            lang=code,
            generated_on=today(),
        )
        text = render(f"compare.{fmt}.j2", context, code)
    else:
        if out is not None:
            raise InputError(
                "--out",
                str(out),
                "write a table to the screen; use --format json, html or md for a file",
            )
        heads = ["", *[o.label for o in result.offers]]
        rows: list[list[str]] = []
        for path, values in result.differing.items():
            rows.append([path, *values])
        for key, label, kind in COMPARE_ROWS:
            rows.append([label, *[_cell(getattr(o, key), kind) for o in result.offers]])
        rows.append(["Verdict", *[OUTCOME_LABELS[o.verdict.outcome] for o in result.offers]])
        echo_table(heads, rows, title=f"Offers side by side: {name} ({loaded.source})")
        return
    if out is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    with atomic_write(out) as fh:
        fh.write(text if text.endswith("\n") else text + "\n")
    typer.echo(f"Comparison of {len(result.offers)} offer(s) written to {out}")


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)
