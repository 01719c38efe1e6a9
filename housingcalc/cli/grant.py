"""``housingcalc grant pv-model|per-m2|write-down``: Husbanken's grant for rental housing
(tilskudd til utleieboliger). The rules are in :mod:`housingcalc.calc.grants`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from housingcalc.cli._common import (
    ParamsOption,
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
from housingcalc.cli.rent import (
    AdminOpt,
    FdvOpt,
    RentLossOpt,
    TermsOpt,
    VacancyOpt,
    _pct,
    _terms,
    amount,
    as_options,
    num,
)
from housingcalc.errors import InputError
from housingcalc.limits import MAX_AREA_M2, MAX_TERM_YEARS

if TYPE_CHECKING:
    from housingcalc.models.rent import (
        PerM2GrantResult,
        PvGrantResult,
        PvRentResult,
        SourceRef,
        WriteDownResult,
    )

FORMATS = ("table", "json")
FormatOpt = Annotated[str, format_option(FORMATS, "table")]
CommittedOpt = Annotated[
    str | None,
    typer.Option(
        "--committed",
        "--at",
        metavar="DATE",
        help="Commitment date of the grant (tilsagn, YYYY-MM-DD): the rule and rates in force "
        "then apply (default today).",
    ),
]

OPTION_NAMES = {
    "cost": "--cost",
    "grant": "--grant",
    "rent": "--rent",
    "rent_monthly": "--rent",
    "area_m2": "--area",
    "fdv_per_m2": "--fdv",
    "target_return": "--target-return",
    "horizon_years": "--horizon",
    "terms_per_year": "--terms",
    "vacancy": "--vacancy",
    "rent_loss": "--rent-loss",
    "admin_yearly": "--admin",
    "municipality": "--municipality",
    "group": "--group",
    "committed": "--committed",
    "paid_out": "--paid-out",
    "sold": "--sold",
}


def _kv(rows: list[tuple[str, str]], title: str) -> None:
    """A titled list of ``label  value`` lines, labels aligned."""
    typer.echo(title)
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        typer.echo(f"  {k:<{width}}  {v}")


def _sources(sources: list[SourceRef]) -> None:
    for s in sources:
        typer.echo(f"source: {s.name} ({s.effective}, {s.confidence}): {s.source}")


def pv_model_cmd(
    cost: Annotated[
        str,
        typer.Option(
            "--cost",
            metavar="KR",
            callback=amount("--cost", allow_zero=False),
            help="Approved project cost P.",
        ),
    ],
    area: Annotated[
        float,
        typer.Option(
            "--area",
            metavar="M2",
            callback=bounded("--area", MAX_AREA_M2, "m²"),
            help="Dwelling area, m² (for FDV per m²).",
        ),
    ],
    fdv: FdvOpt = None,
    target_return: Annotated[
        str | None,
        typer.Option(
            "--target-return",
            metavar="PCT",
            callback=percent("--target-return"),
            help="Discount rate r (Husbanken's value not found).",
        ),
    ] = None,
    horizon: Annotated[
        float | None,
        typer.Option(
            "--horizon",
            metavar="YEARS",
            callback=bounded("--horizon", MAX_TERM_YEARS, "years"),
            help="Horizon H in years (Husbanken's value not found).",
        ),
    ] = None,
    rent: Annotated[
        str | None,
        typer.Option(
            "--rent", metavar="KR", callback=amount("--rent"), help="Monthly rent: gives the grant."
        ),
    ] = None,
    grant: Annotated[
        str | None,
        typer.Option(
            "--grant",
            metavar="KR",
            callback=amount("--grant"),
            help="A grant: gives the rent that makes it cost-covering.",
        ),
    ] = None,
    vacancy: VacancyOpt = None,
    rent_loss: RentLossOpt = None,
    admin: AdminOpt = None,
    terms: TermsOpt = None,
    committed: CommittedOpt = None,
    params: ParamsOption = None,
    fmt: FormatOpt = "table",
) -> None:
    """2014–2017 present-value model: T = min(cap·P, P − PV(rent − vacancy − FDV)).

    Give --rent to get the grant, or --grant to get the rent that makes it cost-covering.
    """
    check_format(fmt, FORMATS)
    if fdv is None:
        raise InputError("--fdv", None, "is required (kr per m² a year)")
    if target_return is None or horizon is None:
        raise InputError(
            "--target-return" if target_return is None else "--horizon",
            None,
            "is required: Husbanken's target return and horizon were not found, so give your own",
        )
    date = parse_date(committed, "--committed")
    ps = load_params(params)
    from housingcalc.calc.grants import pv_model

    with as_options(OPTION_NAMES):
        result = pv_model(
            ps,
            date,
            cost=float(cost),
            area_m2=area,
            fdv_per_m2=fdv,
            target_return=float(target_return),
            horizon_years=horizon,
            rent_monthly=num(rent),
            grant=num(grant),
            vacancy=num(vacancy) or 0.0,
            rent_loss=num(rent_loss) or 0.0,
            admin_yearly=num(admin) or 0.0,
            terms_per_year=_terms(terms) or 12,
        )
    if fmt == "json":
        echo_json(result.model_dump(mode="json"))
        return
    render_pv(result)


def render_pv(r: PvGrantResult | PvRentResult) -> None:
    from housingcalc.models.rent import PvGrantResult

    terms = "monthly" if r.terms_per_year == 12 else f"{r.terms_per_year} terms a year"
    rows = [
        ("committed", r.committed.isoformat()),
        ("project cost P", money(r.cost)),
        (
            "target return r / horizon",
            f"{_pct(r.target_return)} / {r.horizon_years:g} years ({terms})",
        ),
        ("vacancy / rent loss", f"{_pct(r.vacancy)} / {_pct(r.rent_loss)}"),
        ("FDV + admin / year", f"{money(r.fdv_yearly)} + {money(r.admin_yearly)}"),
    ]
    if isinstance(r, PvGrantResult):
        rows += [
            ("rent / month", money(r.rent_monthly)),
            ("net rent / year", money(r.net_rent_yearly)),
            ("PV(net rent)", money(r.pv_net_rent)),
            ("P − PV", money(r.uncapped_grant)),
            (f"cap {_pct(r.cap)} × P", money(r.cap_amount)),
            (
                "grant T",
                f"{money(r.grant)}  ({_pct(r.grant_share)} of P{', capped' if r.capped else ''})",
            ),
        ]
        title = "Rental-housing grant, present-value model"
    else:
        rows += [
            (
                "grant T",
                f"{money(r.grant)}  ({_pct(r.grant_share)} of P"
                f"{', ABOVE the cap' if r.above_cap else ''})",
            ),
            ("net rent needed / year", money(r.net_rent_yearly)),
            ("cost-covering rent / year", money(r.yearly_rent)),
            ("cost-covering rent / month", money(r.monthly_rent)),
        ]
        title = "Rent that the grant makes cost-covering, present-value model"
    _kv(rows, title)
    for note in r.notes:
        typer.echo(f"note: {note}")
    _sources(r.sources)


def per_m2_cmd(
    area: Annotated[
        float,
        typer.Option(
            "--area",
            metavar="M2",
            callback=bounded("--area", MAX_AREA_M2, "m²"),
            help="P-ROM area of the unit, m².",
        ),
    ],
    municipality: Annotated[
        str | None,
        typer.Option(
            "--municipality", metavar="NAME", help="The municipality; its group is looked up."
        ),
    ] = None,
    group: Annotated[
        str | None,
        typer.Option(
            "--group", metavar="ID", help="A group of the table instead (group_3, 3, other)."
        ),
    ] = None,
    unlisted: Annotated[
        bool,
        typer.Option(
            "--unlisted",
            help="Confirm that the municipality is not in the table "
            "(skips the spelling check; default group).",
        ),
    ] = False,
    committed: CommittedOpt = None,
    params: ParamsOption = None,
    fmt: FormatOpt = "table",
) -> None:
    """2018+ rule: rate per m² for the municipality's group × min(area, 80 m²)."""
    check_format(fmt, FORMATS)
    date = parse_date(committed, "--committed")
    ps = load_params(params)
    from housingcalc.calc.grants import per_m2

    with as_options(OPTION_NAMES):
        result = per_m2(
            ps, date, area_m2=area, municipality=municipality, group=group, unlisted=unlisted
        )
    if fmt == "json":
        echo_json(result.model_dump(mode="json"))
        return
    render_per_m2(result)


def render_per_m2(r: PerM2GrantResult) -> None:
    g = r.group
    how = {
        "listed": "listed in the group",
        "default": "not listed: default group",
        "group": "group given",
    }[g.matched]
    rows = [
        ("committed", f"{r.committed.isoformat()} (table of {r.table_effective.isoformat()})"),
        ("municipality", g.municipality or "-"),
        ("group", f"{g.group_id} ({g.group_name}; {how})"),
        ("rate", f"{money(g.rate_per_m2)} kr/m²"),
        ("area counted", f"{r.counted_area_m2:g} m² (of {r.area_m2:g}; max {r.max_area_m2:g})"),
        ("grant", money(r.grant)),
        ("maximum grant in group", money(r.max_grant)),
    ]
    _kv(rows, "Rental-housing grant, per-m² rule")
    for note in r.notes:
        typer.echo(f"note: {note}")
    _sources(r.sources)


def write_down_cmd(
    grant: Annotated[
        str,
        typer.Option(
            "--grant", metavar="KR", callback=amount("--grant"), help="The grant as paid out."
        ),
    ],
    committed: CommittedOpt = None,
    paid_out: Annotated[
        str | None,
        typer.Option(
            "--paid-out",
            metavar="DATE",
            help="Payout date; full years count from here (default: the commitment date).",
        ),
    ] = None,
    sold: Annotated[
        str | None,
        typer.Option("--sold", metavar="DATE", help="Sale date: show the repayment due then."),
    ] = None,
    params: ParamsOption = None,
    fmt: FormatOpt = "table",
) -> None:
    """Write-down of a grant: the part still repayable after each full year, and on a sale.

    The commitment date fixes the rule (default: the payout date, else today).
    """
    check_format(fmt, FORMATS)
    date = parse_date(committed or paid_out, "--committed")
    paid = parse_date(paid_out, "--paid-out") if paid_out else None
    sale = parse_date(sold, "--sold") if sold else None
    ps = load_params(params)
    from housingcalc.calc.grants import write_down

    with as_options(OPTION_NAMES):
        result = write_down(ps, grant=float(grant), committed=date, paid_out=paid, sold=sale)
    if fmt == "json":
        echo_json(result.model_dump(mode="json"))
        return
    render_write_down(result)


def render_write_down(r: WriteDownResult) -> None:
    t = r.terms
    typer.echo(
        f"grant {money(r.grant)} committed {t.committed} ({t.rule} rule), paid out {r.paid_out}: "
        f"written down {_pct(t.rate)} per full year over {t.period_years} years"
    )
    if r.sale is not None:
        s = r.sale
        typer.echo(
            f"sold {s.sold}: {s.full_years} full years → written down {money(s.written_down)}, "
            f"repayable {money(s.repayable)}"
        )
    echo_table(
        ["full years", "from", "written down", "repayable"],
        [
            [k.years, k.date.isoformat(), money(k.written_down), money(k.repayable)]
            for k in r.schedule
        ],
        title="Write-down schedule",
        right_align_from=2,
    )
    for note in r.notes:
        typer.echo(f"note: {note}")
    _sources(t.sources)


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Husbanken's grant for rental housing: present-value model (2014–17), per-m² rule "
        "(2018+), write-down and repayment on sale.",
        no_args_is_help=True,
    )
    group.command("pv-model")(pv_model_cmd)
    group.command("per-m2")(per_m2_cmd)
    group.command("write-down")(write_down_cmd)
    app.add_typer(group, name="grant")
