"""The ``housingcalc`` command line: parse → load → one library call → render.

Each command lives in its own module with a ``register(app)`` function. Heavy libraries
(numpy, pandas, jinja2) are imported inside the commands, so ``housingcalc --help``
starts fast.
"""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from housingcalc.cli._common import HousingcalcGroup

#: Command modules, in the order they appear in ``--help``.
COMMAND_MODULES = (
    "run",
    "validate",
    "scenarios",
    "afford",
    "loan",
    "rent",
    "grant",
    "portfolio",
    "params",
    "solve",
    "compare",
    "serve",
)

app = typer.Typer(
    cls=HousingcalcGroup,
    name="housingcalc",
    help=(
        "Economics of Norwegian municipal housing: cost-covering rent, Husbanken grants and "
        "start loans, rent-to-own (leie-til-eie) and the municipal stock as a portfolio."
    ),
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish, pwsh)
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"housingcalc {version('housingcalc')}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Economics of Norwegian municipal housing: cost-covering rent, Husbanken grants and start
    loans, rent-to-own (leie-til-eie) and the municipal stock as a portfolio."""


for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"housingcalc.cli.{_name}")
    except ModuleNotFoundError as _exc:  # a command not yet built in this checkout
        if _exc.name != f"housingcalc.cli.{_name}":
            raise
        continue
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="housingcalc")
