"""``housingcalc rent``: cost-covering rent of one dwelling; ``housingcalc rent tariff``: the
cost-covering tariff of a whole stock. The arithmetic is in :mod:`housingcalc.calc.rent` and
:mod:`housingcalc.calc.tariff`; this module parses, makes one library call and renders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from housingcalc.cli._common import (
    AtOption,
    ParamsOption,
    atomic_write,
    bounded,
    check_format,
    echo_json,
    echo_table,
    format_option,
    load_params,
    money,
    parse_date,
    percent,
)
from housingcalc.errors import InputError
from housingcalc.limits import MAX_AMOUNT, MAX_AREA_M2, MAX_TERM_YEARS
from housingcalc.units import parse_amount, parse_percent

if TYPE_CHECKING:
    import pandas as pd

    from housingcalc.calc.tariff import TariffResult
    from housingcalc.models.rent import RateBuild, RentResult

FORMATS = ("table", "json")
TERMS = {"monthly": 12, "yearly": 1}
METHODS = ("annuity", "return", "beregningsutvalget")
BASES = ("acquisition_net", "acquisition_gross", "book", "book_net", "market", "market_net")

#: library field → the CLI option a user typed, for error messages.
OPTION_NAMES = {
    "cost": "--cost",
    "grant": "--grant",
    "book_value": "--book-value",
    "market_value": "--market-value",
    "area_m2": "--area",
    "fdv_per_m2": "--fdv",
    "life_years": "--life",
    "terms_per_year": "--terms",
    "rate": "--rate",
    "rate_from": "--rate-from",
    "margin": "--margin",
    "year": "--year",
    "basis": "--basis",
    "capital_method": "--capital-method",
    "vacancy": "--vacancy",
    "rent_loss": "--rent-loss",
    "admin_per_unit": "--admin",
    "admin_share": "--admin-share",
    "extra_cost": "--extra-cost",
    "rounding": "--rounding",
}


@contextmanager
def as_options(names: dict[str, str]) -> Iterator[None]:
    """Re-raise a library InputError under the CLI option's name (``area_m2`` → ``--area``)."""
    try:
        yield
    except InputError as exc:
        if exc.field in names:
            raise InputError(names[exc.field], exc.value, exc.rule) from None
        raise


def amount(field: str, *, allow_zero: bool = True) -> Callable[[str | None], float | None]:
    """A typer callback parsing ``2 000 000`` / ``2000000`` into NOK."""

    def convert(value: str | None) -> float | None:
        return None if value is None else parse_amount(value, field, allow_zero=allow_zero)

    return convert


def num(value: str | float | None) -> float | None:
    """The float a parsing callback produced (typer types the option as text)."""
    return None if value is None else float(value)


def parse_margin(value: str | None) -> float | None:
    """``2pp``, ``2 pp``, ``2%`` or ``2`` → 0.02; ``0.5pp`` is explicit, so allowed."""
    if value is None:
        return None
    text = value.strip().lower().replace(" ", "")
    if text.endswith("pp"):
        text = text[:-2] + "%"
    return parse_percent(text, "--margin", max_pct=10.0, min_pct=-10.0)


def _terms(value: str | None) -> int | None:
    if value is None:
        return None
    if value not in TERMS:
        raise InputError("--terms", value, "must be monthly or yearly")
    return TERMS[value]


def _choice(field: str, value: str | None, choices: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    v = value.strip().lower().replace("-", "_")
    if v == "return_on_value":
        v = "return"
    if v not in choices:
        raise InputError(field, value, f"must be one of {', '.join(choices)}")
    return v


def _pct(x: float) -> str:
    return f"{x:.2%}".replace("%", " %")


def _rate_text(b: RateBuild) -> str:
    if b.origin == "reference":
        return (
            f"{_pct(b.rate)} = {b.reference} {b.year} average {_pct(b.reference_yield or 0.0)} "
            f"+ {(b.margin or 0.0) * 100:.2f} pp ({b.parameter})"
        )
    if b.origin == "parameter":
        return f"{_pct(b.rate)} ({b.parameter}, from {b.effective})"
    return f"{_pct(b.rate)} (given)"


# -- common cost options (shared by `rent` and `rent tariff`) ------------------------------------

MethodOpt = Annotated[
    str | None,
    typer.Option(
        "--capital-method",
        "-m",
        metavar="annuity|return|beregningsutvalget",
        help="How the capital cost is computed.",
    ),
]
BasisOpt = Annotated[
    str | None,
    typer.Option(
        "--basis",
        metavar="BASIS",
        help="Value basis: acquisition_net (cost − grant; default for annuity and return), "
        "acquisition_gross, book, book_net, market (beregningsutvalget), market_net.",
    ),
]
RateOpt = Annotated[
    str | None,
    typer.Option(
        "--rate",
        metavar="PCT",
        callback=percent("--rate"),
        help="Yearly rate of the capital cost, e.g. 3.5%.",
    ),
]
RateFromOpt = Annotated[
    str | None,
    typer.Option(
        "--rate-from",
        metavar="bond3y|bond10y",
        help="Build the rate as this reference yield (Norges Bank annual average) + --margin.",
    ),
]
MarginOpt = Annotated[
    str | None,
    typer.Option("--margin", metavar="PP", help="Margin over the reference yield, e.g. 2pp."),
]
YearOpt = Annotated[
    int | None,
    typer.Option(
        "--year",
        metavar="YYYY",
        help="Year of the reference yield's annual average (default: latest in force at --at).",
    ),
]
LifeOpt = Annotated[
    float | None,
    typer.Option(
        "--life",
        metavar="YEARS",
        callback=bounded("--life", MAX_TERM_YEARS, "years"),
        help="Economic life for the annuity method, e.g. 40.",
    ),
]
TermsOpt = Annotated[
    str | None,
    typer.Option("--terms", metavar="monthly|yearly", help="Annuity terms (default monthly)."),
]
FdvOpt = Annotated[
    float | None,
    typer.Option(
        "--fdv",
        metavar="KR_PER_M2",
        callback=bounded("--fdv", MAX_AMOUNT, "kr per m²"),
        help="FDV (management, operation, maintenance), kr per m² a year.",
    ),
]
VacancyOpt = Annotated[
    str | None,
    typer.Option(
        "--vacancy",
        metavar="PCT",
        callback=percent("--vacancy", max_pct=50.0),
        help="Share of rent lost to empty units, e.g. 2% (default 0).",
    ),
]
RentLossOpt = Annotated[
    str | None,
    typer.Option(
        "--rent-loss",
        metavar="PCT",
        callback=percent("--rent-loss", max_pct=50.0),
        help="Share of billed rent never paid, e.g. 1% (default 0).",
    ),
]
AdminOpt = Annotated[
    str | None,
    typer.Option(
        "--admin",
        metavar="KR",
        callback=amount("--admin"),
        help="Administration, kr per unit a year (default 0).",
    ),
]
AdminShareOpt = Annotated[
    str | None,
    typer.Option(
        "--admin-share",
        metavar="PCT",
        callback=percent("--admin-share", max_pct=50.0),
        help="Administration as a share of capital cost + FDV (default 0).",
    ),
]
FormatOpt = Annotated[str, format_option(FORMATS, "table")]


def unit_rent(
    ctx: typer.Context,
    cost: Annotated[
        str | None,
        typer.Option(
            "--cost",
            metavar="KR",
            callback=amount("--cost"),
            help="Acquisition cost (purchase price plus costs).",
        ),
    ] = None,
    grant: Annotated[
        str | None,
        typer.Option(
            "--grant",
            metavar="KR",
            callback=amount("--grant"),
            help="Husbanken grant (deducted on *_net bases).",
        ),
    ] = None,
    book_value: Annotated[
        str | None,
        typer.Option(
            "--book-value",
            metavar="KR",
            callback=amount("--book-value"),
            help="Book value (for --basis book/book_net).",
        ),
    ] = None,
    market_value: Annotated[
        str | None,
        typer.Option(
            "--market-value",
            metavar="KR",
            callback=amount("--market-value"),
            help="Market value (market bases, beregningsutvalget).",
        ),
    ] = None,
    area: Annotated[
        float | None,
        typer.Option(
            "--area",
            metavar="M2",
            callback=bounded("--area", MAX_AREA_M2, "m²"),
            help="Dwelling area, m².",
        ),
    ] = None,
    fdv: FdvOpt = None,
    capital_method: MethodOpt = None,
    basis: BasisOpt = None,
    rate: RateOpt = None,
    rate_from: RateFromOpt = None,
    margin: MarginOpt = None,
    year: YearOpt = None,
    life: LifeOpt = None,
    terms: TermsOpt = None,
    vacancy: VacancyOpt = None,
    rent_loss: RentLossOpt = None,
    admin: AdminOpt = None,
    admin_share: AdminShareOpt = None,
    fmt: FormatOpt = "table",
    at: AtOption = None,
    params: ParamsOption = None,
) -> None:
    """Cost-covering rent of one dwelling: capital cost + FDV + administration, grossed up for
    vacancy and rent loss. Every component is shown.

    Example: housingcalc rent --cost 2000000 --grant 740000 --area 69 --fdv 400 --rate 3.5%
    --capital-method annuity --life 40
    """
    given = [
        v
        for v in (
            cost,
            grant,
            book_value,
            market_value,
            area,
            fdv,
            capital_method,
            basis,
            rate,
            rate_from,
            margin,
            year,
            life,
            terms,
            vacancy,
            rent_loss,
            admin,
            admin_share,
        )
        if v is not None
    ]
    if ctx.invoked_subcommand is not None:
        if given:
            raise InputError(
                "rent",
                ctx.invoked_subcommand,
                "give the options after the subcommand (housingcalc rent tariff ... --rate 3.5%)",
            )
        return
    check_format(fmt, FORMATS)
    method = _choice("--capital-method", capital_method, METHODS)
    if method is None:
        raise InputError("--capital-method", None, f"is required: one of {', '.join(METHODS)}")
    if area is None:
        raise InputError("--area", None, "is required (m²)")
    if fdv is None:
        raise InputError("--fdv", None, "is required (kr per m² a year; 0 if none)")
    date = parse_date(at)
    ps = load_params(params) if (method == "beregningsutvalget" or rate_from) else None
    from housingcalc.calc.rent import cost_covering_rent

    with as_options(OPTION_NAMES):
        result = cost_covering_rent(
            method=method,
            area_m2=area,
            fdv_per_m2=fdv,
            cost=num(cost),
            grant=num(grant) or 0.0,
            book_value=num(book_value),
            market_value=num(market_value),
            basis=_choice("--basis", basis, BASES),
            rate=num(rate),
            rate_from=rate_from,
            margin=parse_margin(margin),
            year=year,
            life_years=life,
            terms_per_year=_terms(terms),
            vacancy=num(vacancy) or 0.0,
            rent_loss=num(rent_loss) or 0.0,
            admin_per_unit=num(admin) or 0.0,
            admin_share=num(admin_share) or 0.0,
            params=ps,
            at=date,
        )
    if fmt == "json":
        echo_json(result.model_dump(mode="json"))
        return
    render_rent(result)


def render_rent(r: RentResult) -> None:
    how: str = r.method
    if r.method == "annuity":
        terms = "monthly" if r.terms_per_year == 12 else f"{r.terms_per_year} a year"
        how += f", {r.life_years:g} years, {terms} terms"
    y, m = r.components, r.components_monthly
    v_label = f"vacancy allowance ({_pct(r.vacancy)})"
    l_label = f"rent-loss allowance ({_pct(r.rent_loss)})"
    rows = [
        ["capital cost", money(y.capital_cost), money(m.capital_cost)],
        [f"FDV ({r.fdv_per_m2:g} kr/m² × {r.area_m2:g} m²)", money(y.fdv), money(m.fdv)],
        ["administration", money(y.admin), money(m.admin)],
        ["cost to cover", money(y.cost), money(m.cost)],
        [v_label, money(y.vacancy_allowance), money(m.vacancy_allowance)],
        [l_label, money(y.rent_loss_allowance), money(m.rent_loss_allowance)],
        ["cost-covering rent", money(r.yearly_rent), money(r.monthly_rent)],
    ]
    echo_table(["component", "per year", "per month"], rows, title=f"Cost-covering rent ({how})")
    typer.echo(f"capital basis   {r.basis} = {money(r.basis_value)}")
    typer.echo(f"rate            {_rate_text(r.rate)}")
    typer.echo(
        f"collected/year  {money(r.collected_yearly)} after vacancy and rent loss (= cost to cover)"
    )
    for note in r.notes:
        typer.echo(f"note: {note}")


# -- tariff ------------------------------------------------------------------------------------


def read_csv(path: Path, what: str) -> pd.DataFrame:
    """A CSV file (comma or semicolon; with semicolons, decimal commas are read too)."""
    import pandas as pd

    from housingcalc.inputs import read_text_file

    text = read_text_file(path, legacy=True)  # one reader: BOM, UTF-16, cp1252 as registers
    first = text.splitlines()[0] if text.strip() else ""
    if not first:
        raise InputError(what, str(path), "the file is empty")
    sep = ";" if first.count(";") > first.count(",") else ","
    import io

    try:
        return pd.read_csv(
            io.StringIO(text), sep=sep, decimal="," if sep == ";" else ".", skipinitialspace=True
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(what, str(path), f"not a readable CSV file ({exc})") from None


def tariff_cmd(
    units_file: Annotated[
        Path,
        typer.Argument(
            metavar="UNITS.csv",
            help="One row per unit: unit_id, area_m2, size_class, standard, and "
            "yearly_cost or the cost columns (acquisition_cost, grant_amount, "
            "book_value, market_value); optional rent_monthly (today's rent).",
        ),
    ],
    weights_file: Annotated[
        Path,
        typer.Option(
            "--weights",
            metavar="WEIGHTS.csv",
            help="Weight table: size_class, standard, weight [, typical_area_m2].",
        ),
    ],
    capital_method: MethodOpt = None,
    basis: BasisOpt = None,
    rate: RateOpt = None,
    rate_from: RateFromOpt = None,
    margin: MarginOpt = None,
    year: YearOpt = None,
    life: LifeOpt = None,
    terms: TermsOpt = None,
    fdv: FdvOpt = None,
    vacancy: VacancyOpt = None,
    rent_loss: RentLossOpt = None,
    admin: AdminOpt = None,
    admin_share: AdminShareOpt = None,
    extra_cost: Annotated[
        str | None,
        typer.Option(
            "--extra-cost",
            metavar="KR",
            callback=amount("--extra-cost"),
            help="Stock-level yearly cost added to the total (e.g. the housing office).",
        ),
    ] = None,
    rounding: Annotated[
        str,
        typer.Option(
            "--rounding",
            metavar="ore|krone",
            help="Round rents to the øre (reproduces the cost to the krone) or to whole kroner.",
        ),
    ] = "ore",
    units_out: Annotated[
        Path | None,
        typer.Option(
            "--units-out",
            metavar="FILE.csv",
            help="Write the per-unit table (rent, gap) to a CSV file.",
        ),
    ] = None,
    fmt: FormatOpt = "table",
    at: AtOption = None,
    params: ParamsOption = None,
) -> None:
    """Cost-covering tariff of a stock: one rate per weighted m² (size × standard weights)
    so that the rents collected after vacancy and loss reproduce the total cost.
    """
    check_format(fmt, FORMATS)
    method = _choice("--capital-method", capital_method, METHODS)
    date = parse_date(at)
    units = read_csv(units_file, "UNITS")
    weights = read_csv(weights_file, "--weights")
    ps = load_params(params) if (method == "beregningsutvalget" or rate_from) else None
    from housingcalc.calc.tariff import stock_tariff

    with as_options(OPTION_NAMES):
        result = stock_tariff(
            units,
            weights,
            method=method,
            rate=num(rate),
            rate_from=rate_from,
            margin=parse_margin(margin),
            year=year,
            basis=_choice("--basis", basis, BASES),
            life_years=life,
            terms_per_year=_terms(terms),
            fdv_per_m2=fdv,
            admin_per_unit=num(admin) or 0.0,
            admin_share=num(admin_share) or 0.0,
            vacancy=num(vacancy) or 0.0,
            rent_loss=num(rent_loss) or 0.0,
            extra_cost=num(extra_cost) or 0.0,
            rounding=rounding,
            params=ps,
            at=date,
        )
    if units_out is not None:
        with atomic_write(units_out, option="--units-out") as fh:
            from housingcalc.tabular import neutralise_frame  # unit ids must not run as formulas

            neutralise_frame(result.per_unit).to_csv(fh, index=False)
    if fmt == "json":
        from housingcalc.output import stock_tariff as tariff_json

        echo_json(tariff_json(result))
        return
    render_tariff(result, units_out)


def render_tariff(t: TariffResult, units_out: Path | None) -> None:
    unit_word = "øre" if t.rounding == "ore" else "whole kroner"
    typer.echo(f"units                         {t.units}")
    typer.echo(f"total cost to cover / year    {money(t.total_cost)}")
    typer.echo(f"weighted area                 {t.weighted_area:,.2f} m²".replace(",", " "))
    typer.echo(f"rate per weighted m²          {t.rate:.6f} kr/month ({t.rate_yearly:.4f} kr/year)")
    typer.echo(f"rents billed / year           {money(t.gross_rent_yearly)}")
    typer.echo(
        f"collected / year              {money(t.collected_yearly)} after vacancy "
        f"{_pct(t.vacancy)} and rent loss {_pct(t.rent_loss)} "
        f"(residual {t.residual_yearly:+.2f} kr)"
    )
    typer.echo(
        f"rounding                      rents in {unit_word}: rate × weighted area, rounded "
        "down or up by largest remainder over groups of identical units"
    )
    if t.rate_build is not None:
        typer.echo(f"capital cost                  {t.method}, {_rate_text(t.rate_build)}")
    if t.gap_yearly is not None and t.current_rent_yearly is not None:
        typer.echo(
            f"current rents / year          {money(t.current_rent_yearly)} for the "
            f"{t.current_rent_units} units with a rent given; the tariff for them is "
            f"{t.gap_yearly:+,.2f} kr/year higher".replace(",", " ")
        )
    rows = [
        [
            r["size_class"],
            r["standard"],
            f"{r['weight']:g}",
            r["units"],
            f"{r['kr_per_m2_month']:.2f}",
            f"{r['kr_per_m2_year']:.2f}",
            "" if r["typical_area_m2"] != r["typical_area_m2"] else f"{r['typical_area_m2']:g}",
            ""
            if r["typical_rent_monthly"] != r["typical_rent_monthly"]
            else money(r["typical_rent_monthly"]),
        ]
        for r in t.table.to_dict(orient="records")
    ]
    echo_table(
        [
            "size",
            "standard",
            "weight",
            "units",
            "kr/m²/month",
            "kr/m²/year",
            "typical m²",
            "rent/month",
        ],
        rows,
        title="Tariff (same rent for the same size, standard and area, wherever the unit lies)",
        right_align_from=2,
    )
    if len(t.per_unit) <= 30:
        cols = ["unit_id", "size_class", "standard", "area_m2", "tariff_rent_monthly"]
        if "gap_monthly" in t.per_unit:
            cols += ["current_rent_monthly", "gap_monthly"]
        echo_table(
            [c.replace("_", " ") for c in cols],
            [[_cell(row[c]) for c in cols] for row in t.per_unit[cols].to_dict(orient="records")],
            title="Per unit (gap = tariff − current rent)",
            right_align_from=3,
        )
    elif units_out is None:
        typer.echo(f"({t.units} units: write the per-unit table with --units-out FILE.csv)")
    if units_out is not None:
        typer.echo(f"per-unit table written to {units_out}")
    for note in t.notes:
        typer.echo(f"note: {note}")


def _cell(v: Any) -> str:
    if isinstance(v, float):
        return "" if v != v else money(v) if abs(v) >= 1000 or v != round(v, 0) else f"{v:g}"
    return str(v)


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Cost-covering rent of a dwelling (options below), or of a stock (rent tariff).",
        invoke_without_command=True,
        no_args_is_help=True,
    )
    group.callback()(unit_rent)
    group.command("tariff")(tariff_cmd)
    app.add_typer(group, name="rent")
