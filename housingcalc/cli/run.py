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
    check_out_folder,
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
) -> None:
    """Run a rent-to-own scenario and write the household report (HTML, Markdown, JSON)."""
    from housingcalc.reports.household import produce_report
    from housingcalc.scenarios import DEFAULT_EXAMPLE, example_names, load_example, load_scenario

    formats = parse_list(fmt, FORMATS, "--format")
    langs = parse_langs(lang)
    check_out_folder(out)  # before the work: a path under a file, no permission
    progress("reading the scenario")
    if scenario is None:
        model, source, stem = (
            load_example(DEFAULT_EXAMPLE),
            DEFAULT_EXAMPLE,
            Path(DEFAULT_EXAMPLE).stem,
        )
    elif not Path(scenario).exists() and (
        scenario in example_names() or f"{scenario}.yaml" in example_names()
    ):
        name = scenario if scenario.endswith(".yaml") else f"{scenario}.yaml"
        model, source, stem = load_example(name), name, Path(name).stem
    else:
        model, source, stem = load_scenario(scenario), scenario, Path(scenario).stem
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
