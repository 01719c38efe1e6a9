"""``housingcalc validate FILE...``: check scenario files without running them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from housingcalc.cli._common import EXIT_INPUT, ParamsOption, load_params


def validate(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...", help="Scenario files (YAML) to check.", show_default=False
        ),
    ],
    params: ParamsOption = None,
) -> None:
    """Check scenario files: the schema (every key known, every value of the right type) and
    the rules that need parameter values (loan terms, dates). Prints one line per file; exits
    2 if any file is bad."""
    from housingcalc.calc.rent_to_own import check_scenario
    from housingcalc.errors import HousingcalcError
    from housingcalc.scenarios import load_scenario

    ps = load_params(params)
    bad = 0
    for path in files:
        try:
            scenario = load_scenario(path)
            check_scenario(scenario, ps, source=path.name)
        except HousingcalcError as exc:
            bad += 1
            typer.echo(f"error: {exc}", err=True)
            continue
        typer.echo(f"ok  {path}  ({scenario.name})")
    if bad:
        raise SystemExit(EXIT_INPUT)


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
