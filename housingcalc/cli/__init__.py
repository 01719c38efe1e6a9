"""The ``housingcalc`` command line: parse → load → one library call → render.

Each command lives in its own module with a ``register(app)`` function. Heavy libraries
(numpy, pandas, jinja2) are imported inside the commands, so ``housingcalc --help``
starts fast.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Annotated, Any

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


def build_app(commands: Sequence[str] = COMMAND_MODULES) -> typer.Typer:
    """The command line with ``commands`` (by module name; all by default)."""
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
    app.callback()(_options)
    for name in commands:
        try:
            module = importlib.import_module(f"housingcalc.cli.{name}")
        except ModuleNotFoundError as exc:  # a command not yet built in this checkout
            if exc.name != f"housingcalc.cli.{name}":
                raise
            continue
        module.register(app)
    return app


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"housingcalc {version('housingcalc')}")
        raise typer.Exit()


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


def __getattr__(name: str) -> Any:
    # ``housingcalc.cli.app``: the whole command line, built on first use (tests, scripts)
    if name == "app":
        globals()["app"] = built = build_app()
        return built
    raise AttributeError(name)


def _invoked(args: Sequence[str]) -> str | None:
    """The command module ``args`` run, if the first word names one (else ``None``: help,
    ``--version``, completion or a typo need the whole command line)."""
    first = args[0] if args else ""
    return first if first in COMMAND_MODULES else None


def main() -> None:
    """Console-script entry point. Builds only the command asked for: registering all twelve
    costs more start-up than most commands' own work (issue 12 §7)."""
    name = _invoked(sys.argv[1:])
    build_app([name] if name else COMMAND_MODULES)(prog_name="housingcalc")
