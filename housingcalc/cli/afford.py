"""``housingcalc afford HOUSEHOLD.yaml``: can this household carry a start loan, how large, and
how much grant does it need? Every intermediate figure, grouped by section."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Annotated, Any

import typer

from housingcalc.cli._common import (
    AtOption,
    ParamsOption,
    SetOption,
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

#: The library's argument names → the options a user typed, so an error names what they wrote.
OPTION_NAMES = {
    "price": "--price",
    "loan": "--loan",
    "bank_loan": "--bank-loan",
    "bank_rate": "--bank-rate",
    "loan_rate": "--rate",
    "term_years": "--term",
    "interest_only_years": "--interest-only",
    "tenure": "--tenure",
}

FORMATS = ("table", "json")


def _amount(field: str) -> Any:
    def convert(value: str | None) -> float | None:
        if value is None:
            return None
        from housingcalc.units import parse_amount

        return parse_amount(value, field)

    return convert


def _pct(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    return f"{float(v):.2%}"


def _m(v: Any) -> str:
    return "-" if v is None else money(float(v))


def _section(title: str, rows: list[tuple[str, str]]) -> None:
    echo_table(["item", "value"], rows, title=title)


def _render_table(d: dict[str, Any]) -> None:
    inc = d["income"]
    hh = d["household"]
    typer.echo(
        f"housingcalc afford — {hh['name'] or 'household'} at {d['at']} "
        f"({hh['adults']} adult(s), {hh['children']} child(ren))\n"
    )
    rows = [(k, _m(v)) for k, v in inc["by_stream"].items()]
    rows += [("gross income", _m(inc["gross_income"]))]
    rows += [(f"  {k.replace('_', ' ')}", _m(v)) for k, v in inc["tax"].items() if k != "tax"]
    rows += [("tax (APPROXIMATION)", _m(inc["tax"]["tax"])), ("net income", _m(inc["net_income"]))]
    _section("Income per month (NOK)", rows)

    lc = d["living_costs"]
    rows = [(k.replace("_", " "), _m(v)) for k, v in lc["reference_items"].items() if v]
    rows += [("SIFO reference budget", _m(lc["reference_total"]))]
    if lc["own_total"] is not None:
        rows += [("household's own figure", _m(lc["own_total"]))]
    rows += [(f"floor: {k.replace('_', ' ')}", _m(v)) for k, v in lc["floor_items"].items()]
    rows += [
        ("floor (guideline rates)", _m(lc["floor_total"])),
        ("living costs used", _m(lc["total"])),
        ("basis", lc["basis"]),
    ]
    _section("Living costs per month (NOK)", rows)

    rows = [(k.replace("_", " "), _m(v)) for k, v in d["fixed_costs"].items()]
    rows += [(f"owner: {k.replace('_', ' ')}", _m(v)) for k, v in d["owner_costs"].items()]
    rows += [("AVAILABLE for housing loans", _m(d["available_monthly"]))]
    _section("Fixed and owner's costs per month (NOK)", rows)

    t = d["loan_test"]
    rows = [
        ("stress rate", d["stress"]["description"]),
        ("loan tested", f"{_m(t['loan'])} ({t['loan_basis']})"),
        ("term / interest-only", f"{t['term_years']} years / {t['interest_only_years']} years"),
        ("payment at stress rate", _m(t["payment_stressed"])),
    ]
    if t["bank_loan_payment_stressed"]:
        rows += [("bank loan payment at stress rate", _m(t["bank_loan_payment_stressed"]))]
    rows += [
        ("surplus (+) / deficit (−)", _m(d["surplus_monthly"])),
        ("verdict", d["verdict"]),
        (
            "breaking-point rate",
            "none: a deficit even at 0 %"
            if d["breaking_point_rate"] is None
            else _pct(d["breaking_point_rate"]),
        ),
        (f"max start loan ({d['term_years']} years)", _m(d["max_loan"])),
        (
            f"max start loan ({d['term_years_special']} years, special cases)",
            _m(d["max_loan_special"]),
        ),
    ]
    _section("Start-loan test (Husbanken method)", rows)

    p = d["purchase"]
    if p is not None:
        rows = [
            ("price", _m(p["price"])),
            ("tenure", p["tenure"]),
            (f"document duty ({_pct(p['document_duty_rate'])})", _m(p["document_duty"])),
            (
                f"registration fees ({p['documents']} × {_m(p['registration_fee'])})",
                _m(p["registration_fees"]),
            ),
            ("total cost", _m(p["total"])),
            ("savings", _m(d["savings"])),
            ("bank loan", _m(d["bank_loan"])),
            ("start loan (up to the max)", _m(d["start_loan_used"])),
            ("GRANT NEED", _m(d["grant_need"])),
            (
                f"grant need with a {d['term_years_special']}-year start loan",
                _m(d["grant_need_special"]),
            ),
        ]
        _section("Purchase and grant need (NOK)", rows)

    b = d["bank_test"]
    if b is not None:
        rows = [
            ("bank loan", _m(b["bank_loan"])),
            ("bank rate", _pct(b["bank_rate"])),
            ("bank stress rate (rate + add, floor)", _pct(b["stress_rate"])),
            ("bank loan payment at bank stress", _m(b["bank_payment_stressed"])),
            ("start loan payment at bank stress", _m(b["start_loan_payment_stressed"])),
            ("surplus at bank stress", _m(b["surplus_monthly"])),
            (
                f"debt / gross income (max {b['max_debt_to_income']:g})",
                f"{b['debt_to_income']:.2f}",
            ),
            (f"bank loan-to-value (max {_pct(b['max_ltv'])})", _pct(b["bank_ltv"])),
            ("total loan-to-value", _pct(b["total_ltv"])),
            ("bank test", "PASSES" if b["passes"] else "FAILS"),
            ("start-loan test (side by side)", d["verdict"]),
        ]
        _section("Bank co-financing (utlånsforskriften) beside the start-loan test", rows)

    i = d["instalment"]
    if i is not None:
        rows = [
            ("loan", _m(i["loan"])),
            ("rate (nominal)", f"{_pct(i['rate'])} ({i['rate_basis']})"),
            ("monthly instalment incl. term fee", _m(i["annuity_payment"])),
        ]
        if i["interest_only_payment"]:
            rows += [("during interest-only years", _m(i["interest_only_payment"]))]
        rows += [("set-up fee", _m(i["setup_fee"]))]
        _section("Actual instalment at today's rate", rows)

    ha = d["housing_allowance_estimate"]
    if ha is not None:
        rows = [
            ("approved costs (capped)", _m(ha["approved_costs"])),
            ("ceiling", _m(ha["ceiling"])),
            ("weighted income", _m(ha["weighted_income"])),
            ("own share", _m(ha["own_share"])),
            ("allowance a year (ESTIMATE)", _m(ha["allowance_yearly"])),
            ("allowance a month (ESTIMATE)", _m(ha["allowance_monthly"])),
        ]
        _section(
            "Housing allowance (bostøtte) — ESTIMATE, not counted above (NOK a year)",
            rows,
        )

    if d["outlook"]:
        echo_table(
            [
                "from month",
                "net income",
                "living costs",
                "available",
                "max loan",
                "surplus on loan",
            ],
            [
                [
                    o["month"],
                    _m(o["net_income"]),
                    _m(o["living_costs"]),
                    _m(o["available_monthly"]),
                    _m(o["max_loan"]),
                    _m(o["surplus_on_tested_loan"]),
                ]
                for o in d["outlook"]
            ],
            title="Outlook: when income or costs change",
        )
    typer.echo("Approximations, estimates and unconfirmed values:")
    for n in d["notes"]:
        typer.echo(textwrap.fill(n, width=100, initial_indent="  - ", subsequent_indent="    "))


def afford(
    household: Annotated[
        Path,
        typer.Argument(
            help="Household YAML file, or the name of a packaged household example "
            "(`housingcalc scenarios list`).",
            exists=False,
        ),
    ],
    price: Annotated[
        str | None, typer.Option("--price", metavar="NOK", help="Purchase price.")
    ] = None,
    loan: Annotated[
        str | None, typer.Option("--loan", metavar="NOK", help="Start loan to test.")
    ] = None,
    tenure: Annotated[
        str,
        typer.Option(
            "--tenure",
            metavar="selveier|borettslag",
            help="Freehold (document duty 2.5 %) or housing co-op share.",
        ),
    ] = "selveier",
    common_costs: Annotated[
        str | None, typer.Option("--common-costs", metavar="NOK", help="Felleskostnader per month.")
    ] = None,
    municipal_fees: Annotated[
        str | None,
        typer.Option("--municipal-fees", metavar="NOK", help="Municipal fees per month."),
    ] = None,
    insurance: Annotated[
        str | None, typer.Option("--insurance", metavar="NOK", help="Insurance per month.")
    ] = None,
    maintenance: Annotated[
        str | None,
        typer.Option("--maintenance", metavar="NOK", help="Expected maintenance per month."),
    ] = None,
    electricity: Annotated[
        str | None, typer.Option("--electricity", metavar="NOK", help="Electricity per month.")
    ] = None,
    bank_loan: Annotated[
        str | None,
        typer.Option("--bank-loan", metavar="NOK", help="Bank's share of a co-financed purchase."),
    ] = None,
    bank_rate: Annotated[
        str | None,
        typer.Option("--bank-rate", metavar="PCT", help="Bank's interest rate, e.g. 5.5%."),
    ] = None,
    rate: Annotated[
        str | None,
        typer.Option(
            "--rate",
            metavar="PCT",
            help="Start-loan nominal rate (default: Husbanken floating + margin).",
        ),
    ] = None,
    term: Annotated[
        int | None, typer.Option("--term", metavar="YEARS", help="Start-loan term (default 30).")
    ] = None,
    interest_only: Annotated[
        int,
        typer.Option("--interest-only", metavar="YEARS", help="Interest-only years (default 0)."),
    ] = 0,
    bostotte: Annotated[
        str,
        typer.Option(
            "--bostotte",
            metavar="stable_income|always|never",
            help="Count estimated bostøtte in the stress test: where income is stable "
            "(Husbanken's startlån veileder), always, or never.",
        ),
    ] = "stable_income",
    at: AtOption = None,
    params: ParamsOption = None,
    fmt: Annotated[str, format_option(FORMATS, "table")] = "table",
    sets: SetOption = None,
) -> None:
    """Start-loan capacity, maximum loan, grant need and the bank test for a household."""
    check_format(fmt, FORMATS)
    if bostotte not in ("stable_income", "always", "never"):
        raise InputError("--bostotte", bostotte, "must be stable_income, always or never")
    if tenure not in ("selveier", "borettslag"):
        raise InputError("--tenure", tenure, "must be selveier or borettslag")
    date = parse_date(at)
    ps = load_params(params)
    from housingcalc.calc.capacity import assess
    from housingcalc.models.household import OwnerCosts
    from housingcalc.overrides import load_household_with
    from housingcalc.scenarios import resolve_example

    h = load_household_with(resolve_example(household, ("household",)), sets or ())
    given = {
        k: _amount(f"--{k.replace('_', '-')}")(v)
        for k, v in {
            "common_costs": common_costs,
            "municipal_fees": municipal_fees,
            "insurance": insurance,
            "maintenance": maintenance,
            "electricity": electricity,
        }.items()
        if v is not None
    }
    owner = (h.owner_costs or OwnerCosts()).model_copy(update=given) if given else None
    from housingcalc.cli.rent import as_options

    h.check_born_by(date, "--at")  # nobody born after the date the case is assessed at
    with as_options(OPTION_NAMES):
        result = assess(
            h,
            ps,
            date,
            price=_amount("--price")(price),
            tenure="borettslag" if tenure == "borettslag" else "selveier",
            loan=_amount("--loan")(loan),
            owner_costs=owner,
            bank_loan=_amount("--bank-loan")(bank_loan) or 0.0,
            bank_rate=percent("--bank-rate")(bank_rate),
            loan_rate=percent("--rate")(rate),
            term_years=term,
            interest_only_years=interest_only,
            housing_allowance_rule=bostotte,
        )
    data = result.as_dict()
    if fmt == "json":
        echo_json(data)
    else:
        _render_table(data)


def register(app: typer.Typer) -> None:
    app.command("afford")(afford)
