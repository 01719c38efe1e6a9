"""``housingcalc portfolio value|cost|tariff|project|report|template``: the municipal stock.

Each command reads a register (CSV, XLSX; Parquet with pyarrow) and an optional portfolio
scenario, makes one library call (:func:`housingcalc.calc.portfolio.analyse_portfolio`) and
renders the result. Errors in the register are listed all at once (one line each on stderr,
exit code 2) and nothing is written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from housingcalc.cli._common import (
    AtOption,
    ParamsOption,
    check_format,
    check_out_folder,
    echo_json,
    echo_table,
    fail,
    format_option,
    lang_option,
    load_params,
    money,
    out_option,
    parse_date,
    parse_langs,
    parse_list,
    progress,
    staged_folder,
)
from housingcalc.errors import CollectedErrors, InputError
from housingcalc.output import (
    cost_warning,
    kr,
    portfolio_cost,
    portfolio_projection,
    portfolio_tariff,
    portfolio_value,
    records,
    to_json,
)

if TYPE_CHECKING:
    import pandas as pd

    from housingcalc.calc.portfolio import PortfolioResult
    from housingcalc.registers import Register

TABLE_FORMATS = ("table", "json", "csv")
REPORT_FORMATS = ("html", "xlsx", "json")
#: Above this many units the workbook leaves out the per-unit sheets unless --per-unit is given.
PER_UNIT_AUTO_LIMIT = 20_000

RegisterArg = Annotated[
    Path,
    typer.Argument(
        metavar="REGISTER",
        help="The register: CSV, XLSX (or Parquet with pyarrow), or the name of a packaged "
        "example register (`housingcalc scenarios list`).",
        show_default=False,
    ),
]
AllErrorsOption = Annotated[
    bool,
    typer.Option(
        "--all-errors",
        help="List every error of the register one line each (by default more than 20 errors "
        "are grouped: one line per rule with the count and the first rows).",
    ),
]
ErrorsCsvOption = Annotated[
    Path | None,
    typer.Option(
        "--errors-csv",
        metavar="FILE",
        help="Write every error of the register to FILE (row, column, value, rule) as CSV.",
    ),
]
CsvDialectOption = Annotated[
    str,
    typer.Option(
        "--csv-dialect",
        metavar="plain|excel-nb",
        help="With -f csv: plain (comma, decimal point, UTF-8) or excel-nb (semicolon, "
        "decimal comma, UTF-8 with BOM: opens directly in Norwegian Excel).",
    ),
]
ScenarioOption = Annotated[
    Path | None,
    typer.Option(
        "--scenario",
        "-s",
        metavar="FILE",
        help="Portfolio assumptions (YAML), or the name of a packaged example "
        "(portfolio-example). "
        "Default: built-in defaults valued at --at (today).",
    ),
]


def _analyse(
    register: Path,
    scenario: Path | None,
    at: str | None,
    params: Path | None,
    parts: tuple[str, ...],
    years: int | None = None,
    all_errors: bool = False,
    errors_csv: Path | None = None,
) -> tuple[Register, PortfolioResult]:
    from housingcalc.calc.portfolio import analyse_portfolio
    from housingcalc.models.portfolio import PortfolioAssumptions, load_assumptions
    from housingcalc.scenarios import resolve_example

    if scenario is not None:
        a = load_assumptions(resolve_example(scenario, ("portfolio",)))
        if at is not None:
            a = a.model_copy(update={"valuation_date": parse_date(at)})
    else:
        a = PortfolioAssumptions(valuation_date=parse_date(at))
    if years is not None:
        if not 1 <= years <= 30:
            raise InputError("--years", years, "must be between 1 and 30")
        a = a.model_copy(update={"projection": a.projection.model_copy(update={"years": years})})
    ps = load_params(params)
    progress("reading the register")
    reg = _read(resolve_example(register, ("register",)), all_errors, errors_csv)
    progress("calculating")
    try:
        res = analyse_portfolio(
            reg.frame, a, ps, parts=parts, source=str(register), notes=tuple(reg.notes)
        )
    except CollectedErrors as exc:  # the sales plan: name the scenario file
        if exc.source == "scenario" and scenario is not None:
            raise CollectedErrors(str(scenario), exc.errors) from None
        raise
    for d in res.units.defaults:
        typer.echo(f"note: {d}", err=True)
    return reg, res


def _read(register: Path, all_errors: bool, errors_csv: Path | None) -> Register:
    """Read the register; its errors grouped by rule at scale, or in full on request."""
    import csv

    from housingcalc.cli._common import atomic_write
    from housingcalc.registers import RegisterErrors, read_register

    try:
        return read_register(register)
    except RegisterErrors as exc:
        lines = exc.details() if all_errors else list(exc.errors)
        if errors_csv is not None:
            with atomic_write(errors_csv) as fh:
                w = csv.writer(fh, lineterminator="\n")
                w.writerow(["row", "column", "value", "rule"])
                w.writerows(exc.records)
            lines.append(f"every error written to {errors_csv}")
        elif exc.grouped and not all_errors:
            lines.append("every error: add --all-errors, or --errors-csv FILE")
        raise CollectedErrors(exc.source, lines) from None


def _csv(frame: pd.DataFrame, dialect: str = "plain") -> None:
    from housingcalc.registers import CSV_DIALECTS, frame_to_csv

    if dialect not in CSV_DIALECTS:
        raise InputError("--csv-dialect", dialect, f"must be one of {', '.join(CSV_DIALECTS)}")
    typer.echo(frame_to_csv(frame, dialect), nl=False)


# -- value ------------------------------------------------------------------------------------

BY_CHOICES = ("district", "size_class", "standard")


def value(
    register: RegisterArg,
    scenario: ScenarioOption = None,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            metavar="|".join(BY_CHOICES),
            help="Group the table by district, size_class or standard.",
        ),
    ] = "district",
    at: AtOption = None,
    params: ParamsOption = None,
    fmt: Annotated[str, format_option(TABLE_FORMATS, "table")] = "table",
    all_errors: AllErrorsOption = False,
    errors_csv: ErrorsCsvOption = None,
    csv_dialect: CsvDialectOption = "plain",
) -> None:
    """Book, market and hidden value; grants still repayable, loans and net value."""
    check_format(fmt, TABLE_FORMATS)
    if by not in BY_CHOICES:
        raise InputError("--by", by, f"must be one of {', '.join(BY_CHOICES)}")
    _, res = _analyse(
        register, scenario, at, params, ("value",), all_errors=all_errors, errors_csv=errors_csv
    )
    v = res.valuation
    t = v.totals
    if fmt == "json":
        echo_json(portfolio_value(res, by))
        return
    if fmt == "csv":
        _csv(v.per_unit, csv_dialect)
        return
    group = getattr(v, f"by_{by}")
    from housingcalc.calc.portfolio import VALUE_COLUMNS

    cols = ("units", *VALUE_COLUMNS)
    rows = [[str(r[by]) or "–", *[kr(float(r[c])) for c in cols]] for _, r in group.iterrows()]
    rows.append(["Total", kr(t["units_owned"]), *[kr(t[c]) for c in cols[1:]]])
    echo_table(
        [
            by,
            "units",
            "book value",
            "market value",
            "hidden value",
            "grant repayable",
            "loans",
            "net value",
        ],
        rows,
        title=f"Portfolio at {v.at.isoformat()}: {int(t['units'])} units "
        f"({int(t['units_owned'])} owned, {int(t['units_rented_in'])} rented in), NOK",
    )


# -- cost -------------------------------------------------------------------------------------


def cost(
    register: RegisterArg,
    scenario: ScenarioOption = None,
    at: AtOption = None,
    params: ParamsOption = None,
    fmt: Annotated[str, format_option(TABLE_FORMATS, "table")] = "table",
    all_errors: AllErrorsOption = False,
    errors_csv: ErrorsCsvOption = None,
    csv_dialect: CsvDialectOption = "plain",
) -> None:
    """Cost by the Beregningsutvalget method (capital 4 % and maintenance floor 1.5 % of
    market value: seed values, unverified), in total and per unit."""
    check_format(fmt, TABLE_FORMATS)
    _, res = _analyse(
        register,
        scenario,
        at,
        params,
        ("value", "cost"),
        all_errors=all_errors,
        errors_csv=errors_csv,
    )
    c = res.cost
    assert c is not None
    if fmt == "json":
        echo_json(portfolio_cost(res))
        return
    if fmt == "csv":
        _csv(c.per_unit_frame, csv_dialect)
        return
    rows = [
        [k, str(int(r["units"])), kr(r["total"]), kr(r["per_unit"])] for k, r in c.table.iterrows()
    ]
    echo_table(
        ["line", "units", "total a year", "per unit"],
        rows,
        title=f"Beregningsutvalget cost at {res.units.at.isoformat()}, NOK",
    )
    typer.echo(f"Unverified: {cost_warning(c)}.")


# -- tariff -----------------------------------------------------------------------------------


def tariff(
    register: RegisterArg,
    scenario: ScenarioOption = None,
    at: AtOption = None,
    params: ParamsOption = None,
    fmt: Annotated[str, format_option(TABLE_FORMATS, "table")] = "table",
    all_errors: AllErrorsOption = False,
    errors_csv: ErrorsCsvOption = None,
    csv_dialect: CsvDialectOption = "plain",
) -> None:
    """The cost-covering tariff over the whole register and the gap to current rents."""
    check_format(fmt, TABLE_FORMATS)
    _, res = _analyse(
        register,
        scenario,
        at,
        params,
        ("value", "tariff"),
        all_errors=all_errors,
        errors_csv=errors_csv,
    )
    tr = res.tariff
    assert tr is not None
    if fmt == "json":
        echo_json(portfolio_tariff(res))
        return
    if fmt == "csv":
        _csv(tr.per_unit, csv_dialect)
        return
    rows = [
        [
            r["size_class"],
            r["standard"],
            f"{r['weight']:.2f}",
            str(int(r["units"])),
            f"{r['kr_per_m2_month']:.2f}",
            kr(r["typical_rent_monthly"]),
        ]
        for _, r in tr.table.iterrows()
    ]
    echo_table(
        ["size", "standard", "weight", "units", "kr/m² month", "typical rent/month"],
        rows,
        title=f"Cost-covering tariff: {tr.rate:g} kr per weighted m² a month",
    )
    typer.echo(f"Cost to cover a year:          {money(tr.total_cost)}")
    step = "øre" if tr.rounding == "ore" else "krone"
    typer.echo(
        f"Rent collected a year:         {money(tr.collected_yearly)} "
        f"(vacancy {tr.vacancy:.1%}, loss {tr.rent_loss:.1%}; "
        f"residual {tr.residual_yearly:+.2f} kr, rents to the {step})"
    )
    typer.echo(f"Current rents a year:          {kr(tr.current_rent_yearly)}")
    typer.echo(f"Gap a year (tariff − current): {kr(tr.gap_yearly)}")
    for n in tr.notes:
        typer.echo(f"note: {n}", err=True)


# -- project ----------------------------------------------------------------------------------

PROJECT_COLUMNS = (
    "year",
    "units",
    "units_sold",
    "units_bought",
    "market_value",
    "book_value",
    "loan_balance",
    "grant_repayable",
    "net_result",
    "cash_flow",
    "cash_cumulative",
)


def project(
    register: RegisterArg,
    scenario: ScenarioOption = None,
    years: Annotated[
        int | None,
        typer.Option(
            "--years", metavar="N", help="Years to project (1–30; default: the scenario's)."
        ),
    ] = None,
    at: AtOption = None,
    params: ParamsOption = None,
    fmt: Annotated[str, format_option(TABLE_FORMATS, "table")] = "table",
    all_errors: AllErrorsOption = False,
    errors_csv: ErrorsCsvOption = None,
    csv_dialect: CsvDialectOption = "plain",
) -> None:
    """Project values, costs, loans, grants and cash yearly, with sales and stress tests."""
    check_format(fmt, TABLE_FORMATS)
    _, res = _analyse(
        register,
        scenario,
        at,
        params,
        ("value", "project"),
        years,
        all_errors=all_errors,
        errors_csv=errors_csv,
    )
    ps = res.projection
    assert ps is not None
    start = res.units.at.year
    if fmt == "json":
        echo_json(portfolio_projection(res))
        return
    if fmt == "csv":
        _csv(ps.base.yearly, csv_dialect)
        return
    y = ps.base.yearly
    rows = [
        [
            str(int(r["year"]) + start - 1) if r["year"] > 0 else "start",
            str(int(r["units"])),
            str(int(r["units_sold"])),
            str(int(r["units_bought"])),
            *[kr(float(r[c])) for c in PROJECT_COLUMNS[4:]],
        ]
        for _, r in y.iterrows()
    ]
    echo_table(
        [
            "year",
            "units",
            "sold",
            "bought",
            "market value",
            "book value",
            "loans",
            "grant repayable",
            "net result",
            "cash flow",
            "cash cumulative",
        ],
        rows,
        title=f"Projection (base) from {res.units.at.isoformat()}, NOK; values at the "
        "end of each year",
    )
    comp = ps.comparison
    rows = [[k, *[kr(float(comp.loc[k, c])) for c in comp.columns]] for k in comp.index]
    echo_table(["figure", *comp.columns], rows, title="Scenarios side by side")
    if ps.phase_in is not None:
        s = ps.phase_in.summary()
        by = ps.phase_in.by_years()
        echo_table(
            ["figure", "value"],
            [
                ["units below the tariff", str(s["units_below_tariff"])],
                ["gap per month, today's money", kr(float(s["gap_monthly_total"] or 0.0))],
                ["months to the first § 4-3 step", str(s["prevailing_after_months"])],
                *[
                    [
                        "units at or above the tariff"
                        if k == "0"
                        else f"units closing in {k} years",
                        str(v),
                    ]
                    for k, v in by.items()
                    if k != "never"
                ],
                ["units never closing (prevailing rent below tariff)", str(by.get("never", 0))],
            ],
            title="Rent phase-in to the tariff (husleieloven § 4-2 KPI yearly, § 4-3 "
            "prevailing rent)",
        )


# -- report -----------------------------------------------------------------------------------


def report(
    register: RegisterArg,
    scenario: ScenarioOption = None,
    out: Annotated[Path, out_option()] = Path("portfolio-report"),
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", metavar="html,xlsx,json", help="Formats to write (comma-separated)."
        ),
    ] = "html,xlsx,json",
    lang: Annotated[str, lang_option()] = "nb",
    per_unit: Annotated[
        bool | None,
        typer.Option(
            "--per-unit/--no-per-unit",
            help=f"Per-unit sheets in the workbook and per-unit rows in the JSON (default: only "
            f"for registers up to {PER_UNIT_AUTO_LIMIT} units).",
            show_default=False,
        ),
    ] = None,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            metavar="DIR",
            help="Folder of templates/catalogues overriding the packaged ones.",
        ),
    ] = None,
    at: AtOption = None,
    params: ParamsOption = None,
    all_errors: AllErrorsOption = False,
    errors_csv: ErrorsCsvOption = None,
) -> None:
    """Write the portfolio report: HTML (charts inline), Excel workbook and JSON."""
    formats = parse_list(fmt, REPORT_FORMATS, "--format")
    langs = parse_langs(lang)
    check_out_folder(out)  # before the work: a path under a file, no permission
    from housingcalc.reports.portfolio import (
        build_report,
        per_unit_frames,
        render_html,
        report_json,
        write_workbook,
    )

    reg, res = _analyse(
        register,
        scenario,
        at,
        params,
        ("value", "cost", "tariff", "project"),
        all_errors=all_errors,
        errors_csv=errors_csv,
    )
    with_units = per_unit if per_unit is not None else reg.units <= PER_UNIT_AUTO_LIMIT
    frames = per_unit_frames(res) if with_units else None
    stem = register.stem
    names: list[str] = []
    with staged_folder(out) as staging:
        for code in langs:
            progress(f"writing the report ({code})")
            rep = build_report(
                res,
                code,
                register_source=str(register),
                register_notes=reg.notes,
                templates=templates,
            )
            if "html" in formats:
                name = f"{stem}.{code}.html"
                (staging / name).write_text(render_html(rep, templates), "utf-8")
                names.append(name)
            if "xlsx" in formats:
                name = f"{stem}.{code}.xlsx"
                write_workbook(rep, staging / name, per_unit=frames, progress=progress)
                names.append(name)
            if "json" in formats:
                data = report_json(rep)
                if frames is not None:
                    data["per_unit"] = {k: records(v) for k, v in frames.items()}
                name = f"{stem}.{code}.json"
                (staging / name).write_text(to_json(data) + "\n", "utf-8")
                names.append(name)
    typer.echo(
        f"Portfolio report for {res.assumptions.name!r} ({reg.units} units, "
        f"{', '.join(langs)}) written to {out}{os.sep}:"
    )
    for name in names:
        typer.echo(f"  {out / name}")
    if frames is None:
        typer.echo(f"  (per-unit sheets left out for {reg.units} units; add --per-unit)")


# -- template ---------------------------------------------------------------------------------


def template(
    path: Annotated[
        Path | None,
        typer.Argument(
            metavar="FILE",
            help="Where to write: .csv or .xlsx (default: register-template.csv, or .xlsx with "
            "--xlsx).",
            show_default=False,
        ),
    ] = None,
    xlsx: Annotated[
        bool,
        typer.Option(
            "--xlsx",
            help="Write an Excel workbook: a note on every column, drop-down lists for the "
            "coded columns, an example row and a sheet describing every column.",
        ),
    ] = False,
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            "-l",
            metavar="en|nb",
            help="Header names: en (canonical) or nb (Norwegian; CSV with ; and a BOM for Excel).",
        ),
    ] = "en",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write an empty register to fill in (XLSX: documented, with drop-down lists)."""
    from housingcalc.registers import write_template
    from housingcalc.reports.i18n import check_lang

    code = check_lang(lang)
    if path is None:
        path = Path("register-template.xlsx" if xlsx else "register-template.csv")
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise InputError("FILE", str(path), "must end in .csv or .xlsx")
    if xlsx and path.suffix.lower() != ".xlsx":
        raise InputError("FILE", str(path), "must end in .xlsx with --xlsx")
    if path.exists() and not force:
        fail(f"{path}: exists (use --force to overwrite)")
    write_template(path, lang=code)
    typer.echo(f"Register template written to {path}")


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="The municipal stock as a portfolio: value, cost, tariff, projection, report.",
        no_args_is_help=True,
    )
    group.command("value")(value)
    group.command("cost")(cost)
    group.command("tariff")(tariff)
    group.command("project")(project)
    group.command("report")(report)
    group.command("template")(template)
    app.add_typer(group, name="portfolio")
