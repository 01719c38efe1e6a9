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
    check_out_folder,
    load_params,
    out_option,
    parse_langs,
    parse_list,
    progress,
    staged_folder,
    today,
)

FORMATS = ("html", "md", "json", "family")


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
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            "-l",
            metavar="nb|en|uk|ar|ti|fa_AF|so|all",
            help="Language(s), comma-separated, or all. The full report: nb, en; the family "
            "page: nb, en, uk, ar, ti, fa_AF, so (and any a --templates folder adds).",
        ),
    ] = "nb",
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="html,md,json,family",
            help="Formats to write (comma-separated); family: the family's one-page summary.",
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
    """Run a rent-to-own scenario and write the household report (HTML, Markdown, JSON) and
    the family's one-page summary (--format family, in nb, en, uk, ar, ti, fa_AF, so)."""
    from housingcalc.overrides import load_scenario_with
    from housingcalc.reports.household import produce_report

    formats = parse_list(fmt, FORMATS, "--format")
    full = [f for f in formats if f != "family"]
    family_langs: tuple[str, ...] = ()
    if "family" in formats:
        from housingcalc.reports.family import parse_family_langs

        family_langs = parse_family_langs(lang, templates)
    if full and not family_langs:
        langs = parse_langs(lang)
    elif full:
        langs = _full_report_langs(lang, family_langs)
    else:
        langs = ()
    check_out_folder(out)  # before the work: a path under a file, no permission
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
        generated_on=today(),
        family_langs=family_langs,
    )
    progress("writing the files")
    with staged_folder(out) as stage:
        for name, text in files.items():
            (stage / name).write_text(text, "utf-8")
    written = [out / name for name in files]
    shown = ", ".join(dict.fromkeys((*langs, *family_langs)))
    typer.echo(f"Report for {model.name!r} ({shown}) written to {out}{os.sep}:")
    for path in written:
        typer.echo(f"  {path}")


def _full_report_langs(value: str, family_langs: tuple[str, ...]) -> tuple[str, ...]:
    """With both the full report and the family page: ``all`` means every language of each;
    a named language must exist for both."""
    from housingcalc.errors import InputError
    from housingcalc.reports.i18n import LANGUAGES

    if value.strip().lower() in ("all", "both"):
        return tuple(LANGUAGES)
    for code in family_langs:
        if code not in LANGUAGES:
            raise InputError(
                "--lang",
                code,
                f"the full report is written in {', '.join(LANGUAGES)} only; "
                "use --format family for the family page alone",
            )
    return family_langs


def register(app: typer.Typer) -> None:
    app.command("run")(run)
