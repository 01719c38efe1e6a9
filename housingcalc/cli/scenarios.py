"""``housingcalc scenarios new|list``: start a scenario file; see the packaged examples."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from housingcalc.cli._common import atomic_write, echo_table, fail


def new(
    path: Annotated[
        Path,
        typer.Argument(help="Where to write the new scenario file.", show_default=True),
    ] = Path("scenario.yaml"),
    example: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="NAME",
            help="Start from a packaged example instead of the template (see `scenarios list`).",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented scenario template (every key explained) to PATH."""
    from housingcalc.scenarios import example_names, example_text, template_text

    if path.exists() and not force:
        fail(f"{path}: already exists (use --force to overwrite)")
    if example is None:
        text = template_text()
    else:
        names = example_names()
        if example not in names and f"{example}.yaml" not in names:
            fail(f"--from = {example!r}: no packaged example of that name ({', '.join(names)})")
        text = example_text(example if example in names else f"{example}.yaml")
    with atomic_write(path, option="PATH") as fh:
        fh.write(text)
    typer.echo(f"wrote {path}")
    typer.echo(f"next: edit it, then `housingcalc validate {path}` and `housingcalc run {path}`")


def list_examples() -> None:
    """List the packaged examples: rent-to-own scenarios (`housingcalc run NAME`), households
    (`housingcalc afford NAME`), portfolio assumptions and registers (`housingcalc portfolio`).
    Use a name from any folder, with or without its extension."""
    from housingcalc.scenarios import EXAMPLE_KINDS, all_examples

    rows = [[e.name, e.kind, e.title] for e in all_examples()]
    echo_table(["file", "kind", "name"], rows, title="Packaged examples", right_align_from=9)
    typer.echo("Use one by its name (with or without the extension), from any folder:")
    width = max(len(k) for k in EXAMPLE_KINDS)
    for kind, command in EXAMPLE_KINDS.items():
        typer.echo(f"  {kind:<{width}}  {command}")


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Scenario files: write a commented template, list the packaged examples.",
        no_args_is_help=True,
    )
    group.command("new")(new)
    group.command("list")(list_examples)
    app.add_typer(group, name="scenarios")
