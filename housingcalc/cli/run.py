"""``housingcalc run [SCENARIO]``: the household report for a rent-to-own scenario.

With no SCENARIO it runs the built-in example (a refugee family in the introduction programme
renting a municipal 3-room flat with the option to buy it).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from housingcalc.cli._common import ParamsOption, atomic_write, fail, load_params

FORMATS = ("html", "md", "json")


def _progress(message: str) -> None:
    """A progress line on stderr, for people watching a terminal (never on stdout)."""
    if sys.stderr.isatty():
        typer.echo(f"  … {message}", err=True)


def _formats(value: str) -> tuple[str, ...]:
    from housingcalc.errors import InputError

    chosen = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    bad = [v for v in chosen if v not in FORMATS]
    if bad or not chosen:
        raise InputError(
            "--format", value, f"must be a comma-separated list of {', '.join(FORMATS)}"
        )
    return chosen


def _langs(value: str) -> tuple[str, ...]:
    from housingcalc.errors import InputError
    from housingcalc.reports.i18n import LANGUAGES, check_lang

    if value.strip().lower() in ("all", "both"):
        return tuple(LANGUAGES)
    chosen = tuple(dict.fromkeys(check_lang(v) for v in value.split(",") if v.strip()))
    if not chosen:
        raise InputError("--lang", value, f"must be one of {', '.join(LANGUAGES)} (or all)")
    return chosen


def _publish(files: dict[str, str], out: Path) -> list[Path]:
    """Write every file into a staging folder beside ``out``, then move them into place.

    Nothing appears in ``out`` unless every file was written; a new ``out`` folder appears in
    one rename.
    """
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent))
    umask = os.umask(0)
    os.umask(umask)
    try:
        for name, text in files.items():
            with atomic_write(staging / name) as fh:
                fh.write(text)
            os.chmod(staging / name, 0o666 & ~umask)  # temp files are created private
        if not out.exists():
            os.chmod(staging, 0o777 & ~umask)
            os.replace(staging, out)
        else:
            for name in files:
                os.replace(staging / name, out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out / name for name in files]


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
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="DIR", help="Folder to write the report into.")
    ] = Path("housingcalc-report"),
    lang: Annotated[
        str,
        typer.Option(
            "--lang", "-l", metavar="nb|en|all", help="Report language(s): nb, en, nb,en or all."
        ),
    ] = "nb",
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

    formats = _formats(fmt)
    langs = _langs(lang)
    if out.exists() and not out.is_dir():
        fail(f"--out = {str(out)!r}: exists and is not a folder")
    _progress("reading the scenario")
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
        progress=_progress,
    )
    _progress("writing the files")
    written = _publish(files, out)
    typer.echo(f"Report for {model.name!r} ({', '.join(langs)}) written to {out}{os.sep}:")
    for path in written:
        typer.echo(f"  {path}")


def register(app: typer.Typer) -> None:
    app.command("run")(run)
