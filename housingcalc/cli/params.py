"""``housingcalc params list|show|check|update``: trace every rule value to its source, see
which values are probably out of date, and fetch the ones with an open data interface."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from housingcalc.cli._common import (
    AtOption,
    ParamsOption,
    check_format,
    echo_json,
    echo_table,
    format_option,
    parse_date,
)

FORMATS = ("table", "json")


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(list(map(str, value))[:4]) + (", …}" if len(value) > 4 else "}")
    if isinstance(value, list):
        if any(isinstance(x, (dict, list)) for x in value):
            return f"[{len(value)} rows]"
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
    """List every parameter: value in force at a date, unit, date in force, confidence and
    last verified."""
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
            ("cadence", v.cadence or "not declared"),
        ]
        if not history and v.expected_update is not None and date >= v.expected_update:
            lines.append(
                (
                    "STALE",
                    f"a newer value normally applies from {v.expected_update.isoformat()}; "
                    "check it and override with --params (or `housingcalc params update`)",
                )
            )
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


def load_params(params: Path | None) -> Any:
    """Parameters for the params commands: no stale warnings (they show staleness
    themselves)."""
    from housingcalc.parameters import load_parameters
    from housingcalc.parameters.update import default_params_dir

    folder = params if params is not None else default_params_dir()
    from housingcalc.cli._common import today

    return load_parameters(folder, as_of=today())


def check_params(
    at: AtOption = None,
    params: ParamsOption = None,
    fmt: Annotated[str, format_option(FORMATS, "table")] = "table",
) -> None:
    """Every series with its latest value, date, cadence and whether it is stale at a date."""
    check_format(fmt, FORMATS)
    date = parse_date(at)
    rows = load_params(params).check(date)
    if fmt == "json":
        echo_json({"at": date.isoformat(), "series": rows})
        return
    echo_table(
        ["name", "latest value", "unit", "effective", "cadence", "next expected", "stale"],
        [
            [
                r["name"],
                _short(r["value"])[:28],
                r["unit"],
                r["effective"],
                r["cadence"][:40],
                r["expected_update"] or "-",
                "STALE" if r["stale"] else "ok",
            ]
            for r in rows
        ],
        title=f"Parameter series checked at {date.isoformat()}",
        right_align_from=99,
    )
    n = sum(r["stale"] for r in rows)
    typer.echo(
        f"{n} of {len(rows)} series stale at {date.isoformat()}"
        + ("; update with `housingcalc params update` or override with --params" if n else "")
    )


def update_params(
    into: Annotated[
        Path | None,
        typer.Option(
            "--into",
            metavar="DIR",
            help="Folder to write the fetched values to (default: the user parameter folder, "
            "$HOUSINGCALC_PARAMS_DIR or e.g. ~/.local/share/housingcalc/params).",
        ),
    ] = None,
    since: Annotated[
        str,
        typer.Option("--since", metavar="DATE", help="First date of daily and monthly series."),
    ] = "2023-01-01",
) -> None:
    """Fetch G (NAV), the policy rate and government bond yields (Norges Bank), KPI and the
    house-price index (SSB) into a dated, sourced override folder."""
    from housingcalc.parameters.update import (
        default_params_path,
        fetch_all,
        make_client,
        write_folder,
    )

    start = parse_date(since, "--since")
    target = into if into is not None else default_params_path()
    with make_client(_TRANSPORT) as client:
        files = fetch_all(client, dt.date.today(), since=start.isoformat())
    written = write_folder(files, target)
    typer.echo(f"Fetched {len(written)} series into {target}:")
    for path in written:
        typer.echo(f"  {path}")
    typer.echo(f"Use them with --params {target}" + ("" if into else " (read by default)"))


#: tests replace this with an ``httpx.MockTransport`` (no network in tests)
_TRANSPORT: Any = None


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Dated, sourced rule values: list, show, check their age, update from open data.",
        no_args_is_help=True,
    )
    group.command("list")(list_params)
    group.command("show")(show_param)
    group.command("check")(check_params)
    group.command("update")(update_params)
    app.add_typer(group, name="params")
