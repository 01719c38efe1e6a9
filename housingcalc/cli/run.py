"""``housingcalc run [SCENARIO]``: the household report for a rent-to-own scenario.

With no SCENARIO it runs the built-in example (a refugee family in the introduction programme
renting a municipal 3-room flat with the option to buy it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from housingcalc.cli._common import (
    ParamsOption,
    SetOption,
    lang_option,
    load_params,
    out_option,
    parse_langs,
    parse_list,
    progress,
    staged_folder,
)

FORMATS = ("html", "md", "json")


def run(
    scenario: Annotated[
        str | None,
        typer.Argument(
            metavar="SCENARIO",
            help="A scenario file, or the name of a packaged example (`housingcalc scenarios "
            "list`). Default: the built-in example.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[Path, out_option()] = Path("housingcalc-report"),
    lang: Annotated[str, lang_option()] = "nb",
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", metavar="html,md,json", help="Formats to write (comma-separated)."
        ),
    ] = "html,md,json",
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            metavar="DIR",
            help="Folder of templates/catalogues overriding the packaged ones.",
        ),
    ] = None,
    params: ParamsOption = None,
    sets: SetOption = None,
) -> None:
    """Run a rent-to-own scenario and write the household report (HTML, Markdown, JSON)."""
    from housingcalc.overrides import load_scenario_with
    from housingcalc.reports.household import produce_report

    formats = parse_list(fmt, FORMATS, "--format")
    langs = parse_langs(lang)
    progress("reading the scenario")
    loaded = load_scenario_with(scenario, sets or ())
    model, source, stem = loaded.scenario, loaded.source, loaded.stem
    ps = load_params(params)
    files = produce_report(
        model,
        ps,
        langs=langs,
        formats=formats,
        stem=stem,
        source=source,
        templates=templates,
        progress=progress,
        raw=loaded.raw,
    )
    progress("writing the files")
    with staged_folder(out) as stage:
        for name, text in files.items():
            (stage / name).write_text(text, "utf-8")
    written = [out / name for name in files]
    typer.echo(f"Report for {model.name!r} ({', '.join(langs)}) written to {out}{os.sep}:")
    for path in written:
        typer.echo(f"  {path}")


def register(app: typer.Typer) -> None:
    app.command("run")(run)
