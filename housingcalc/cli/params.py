"""``housingcalc params list|show``: trace every rule value to its source."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from housingcalc.cli._common import (
    AtOption,
    ParamsOption,
    check_format,
    echo_json,
    echo_table,
    format_option,
    load_params,
    parse_date,
)

FORMATS = ("table", "json")


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(list(map(str, value))[:4]) + (", …}" if len(value) > 4 else "}")
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value[:6])) + (", …]" if len(value) > 6 else "]")
    return str(value)


def list_params(
    at: AtOption = None,
    params: ParamsOption = None,
    stale_before: Annotated[
        str | None,
        typer.Option(
            "--stale-before",
            metavar="DATE",
            help="Only parameters whose last verification is older than DATE.",
        ),
    ] = None,
    fmt: Annotated[str, format_option(FORMATS, "table")] = "table",
) -> None:
    """List every parameter with its value in force at a date."""
    check_format(fmt, FORMATS)
    date = parse_date(at)
    stale = parse_date(stale_before, "--stale-before") if stale_before else None
    ps = load_params(params)
    rows: list[dict[str, Any]] = []
    for name in ps.names():
        series = ps.series(name)
        try:
            current = series.at(date)
        except Exception:  # no value in force yet at that date: show the first one
            current = series.all()[0]
        if stale is not None and current.last_verified >= stale:
            continue
        rows.append(current.as_dict())
    if fmt == "json":
        echo_json({"at": date.isoformat(), "parameters": rows})
        return
    echo_table(
        ["name", "value", "unit", "effective", "confidence", "verified"],
        [
            [
                r["name"],
                _short(r["value"]),
                r["unit"],
                r["effective"],
                r["confidence"],
                r["last_verified"],
            ]
            for r in rows
        ],
        title=f"Parameters in force at {date.isoformat()}",
        right_align_from=9,
    )


def show_param(
    name: Annotated[str, typer.Argument(help="Parameter name, e.g. nav.grunnbelop or grunnbelop.")],
    at: AtOption = None,
    params: ParamsOption = None,
    history: Annotated[bool, typer.Option("--history", help="Show every dated value.")] = False,
    fmt: Annotated[str, format_option(FORMATS, "table")] = "table",
) -> None:
    """Show a parameter's value at a date: value, effective date, unit, source, last verified."""
    check_format(fmt, FORMATS)
    ps = load_params(params)
    date = parse_date(at)
    values = ps.series(name).all() if history else [ps.get(name, date)]
    if fmt == "json":
        echo_json(values[0].as_dict() if not history else [v.as_dict() for v in values])
        return
    for v in values:
        value = v.value
        shown = f"{value:,}".replace(",", " ") if isinstance(value, int) else _short(value)
        lines = [
            ("name", f"{v.name}  ({v.label_en} / {v.label_nb})"),
            ("value", f"{shown} {v.unit}"),
            (
                "effective",
                f"{v.effective.isoformat()}" + ("" if history else f" (in force at {date})"),
            ),
            ("source", v.source),
            ("last verified", v.last_verified.isoformat()),
            ("confidence", v.confidence),
        ]
        if v.notes:
            lines.append(("notes", v.notes))
        if isinstance(value, (dict, list)):
            import yaml

            lines.append(
                ("full value", "\n" + yaml.safe_dump(value, allow_unicode=True, sort_keys=False))
            )
        width = max(len(k) for k, _ in lines)
        for k, text in lines:
            typer.echo(f"{k:<{width}}  {text}")
        if history:
            typer.echo("")


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Dated, sourced rule values: list them, show one with its source.",
        no_args_is_help=True,
    )
    group.command("list")(list_params)
    group.command("show")(show_param)
    app.add_typer(group, name="params")
