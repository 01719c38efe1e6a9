"""``housingcalc loan``: an exact schedule (to the øre) for one annuity or serial loan."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from housingcalc.cli._common import check_format, echo_json, echo_table, format_option, money
from housingcalc.errors import InputError

if TYPE_CHECKING:
    from housingcalc.calc.loans import Loan

FORMATS = ("table", "csv", "json")

#: The engine's field names → the flags a user typed, so an error names what they wrote.
FLAG_FOR_FIELD = {
    "principal": "--amount",
    "annual_rate": "--rate",
    "years": "--years",
    "n_terms": "--terms",
    "terms_per_year": "--terms-per-year",
    "interest_only_terms": "--interest-only-months",
    "fee_per_term": "--fee",
    "setup_fee": "--setup-fee",
    "rate_changes": "--rate-change",
    "extra_repayments": "--extra",
}


def _pair(raw: str, field: str) -> tuple[int, str]:
    term, sep, value = raw.partition(":")
    if not sep or not term.strip().isdigit():
        raise InputError(field, raw, "must be TERM:VALUE, e.g. 13:5.5% (term counted from 1)")
    return int(term), value.strip()


def build_loan(
    *,
    amount: str,
    rate: str | None,
    effective_rate: str | None,
    years: float | None,
    terms: int | None,
    terms_per_year: int,
    serial: bool,
    interest_only_months: int,
    fee: str,
    setup_fee: str,
    rate_changes: list[str],
    extras: list[str],
    extra_mode: str,
) -> Loan:
    """Turn the command's options into a validated :class:`Loan` (no arithmetic beyond parsing).

    ``--effective-rate`` is converted to the nominal rate with Husbanken's formula
    (``housingcalc.calc.loans.nominal_from_effective``).
    """
    from housingcalc.calc.loans import ExtraRepayment, Loan, RateChange, nominal_from_effective
    from housingcalc.units import parse_amount, parse_percent

    if years is not None and terms is not None:
        raise InputError(
            "--terms",
            terms,
            f"conflicts with --years {years:g}: give the term once, as --years or as --terms",
        )
    if (rate is None) == (effective_rate is None):
        raise InputError("--rate", rate, "give exactly one of --rate (nominal) or --effective-rate")
    if rate is not None:
        nominal = parse_percent(rate, "--rate", max_pct=30)
    else:
        effective = parse_percent(effective_rate or "", "--effective-rate", max_pct=30)
        nominal = float(nominal_from_effective(effective, terms_per_year))
    if extra_mode not in ("shorten", "reduce-payment"):
        raise InputError("--extra-mode", extra_mode, "must be shorten or reduce-payment")
    changes = []
    for raw in rate_changes:
        term, value = _pair(raw, "--rate-change")
        changes.append(RateChange(term, parse_percent(value, "--rate-change", max_pct=30)))
    lumps = []
    for raw in extras:
        term, value = _pair(raw, "--extra")
        lumps.append(ExtraRepayment(term, parse_amount(value, "--extra", allow_zero=False)))
    try:
        return Loan(
            principal=parse_amount(amount, "--amount", allow_zero=False),
            annual_rate=nominal,
            years=years,
            n_terms=terms,
            terms_per_year=terms_per_year,
            kind="serial" if serial else "annuity",
            interest_only_terms=interest_only_months,
            fee_per_term=parse_amount(fee, "--fee"),
            setup_fee=parse_amount(setup_fee, "--setup-fee"),
            rate_changes=tuple(changes),
            extra_repayments=tuple(lumps),
            extra_mode="shorten" if extra_mode == "shorten" else "reduce_payment",
        )
    except InputError as exc:
        flag = next((f for k, f in FLAG_FOR_FIELD.items() if exc.field.startswith(k)), None)
        if flag is None:
            raise
        raise InputError(flag, exc.value, exc.rule) from None


def loan(
    amount: Annotated[str, typer.Option("--amount", help="Principal in NOK, e.g. 1000000.")],
    rate: Annotated[
        str | None, typer.Option("--rate", help="Nominal annual rate in percent, e.g. 5%.")
    ] = None,
    effective_rate: Annotated[
        str | None,
        typer.Option(
            "--effective-rate",
            help="Effective annual rate (as Husbanken publishes it); converted to nominal.",
        ),
    ] = None,
    years: Annotated[float | None, typer.Option("--years", help="Term in years.")] = None,
    terms: Annotated[
        int | None, typer.Option("--terms", help="Term as a number of terms (instead of --years).")
    ] = None,
    terms_per_year: Annotated[
        int, typer.Option("--terms-per-year", help="Payments per year: 12, 4, 2 or 1.")
    ] = 12,
    serial: Annotated[
        bool, typer.Option("--serial", help="Serial loan (level repayment) instead of annuity.")
    ] = False,
    interest_only_months: Annotated[
        int,
        typer.Option(
            "--interest-only-months",
            "--interest-only-terms",
            help="Terms with interest only at the start (months with monthly terms).",
        ),
    ] = 0,
    fee: Annotated[str, typer.Option("--fee", help="Fee per term in NOK (termingebyr).")] = "0",
    setup_fee: Annotated[
        str, typer.Option("--setup-fee", help="Set-up fee in NOK (etableringsgebyr).")
    ] = "0",
    rate_change: Annotated[
        list[str] | None,
        typer.Option(
            "--rate-change",
            metavar="TERM:RATE",
            help="New nominal rate from a term on, e.g. 25:6%; the annuity is re-computed over "
            "the remaining term. Repeatable.",
        ),
    ] = None,
    extra: Annotated[
        list[str] | None,
        typer.Option(
            "--extra",
            metavar="TERM:AMOUNT",
            help="Extra repayment after the payment of a term, e.g. 60:100000. Repeatable.",
        ),
    ] = None,
    extra_mode: Annotated[
        str,
        typer.Option(
            "--extra-mode",
            help="After an extra repayment: shorten (keep payment) or reduce-payment.",
        ),
    ] = "shorten",
    yearly: Annotated[bool, typer.Option("--yearly", help="One row per loan year.")] = False,
    fmt: Annotated[str, format_option(FORMATS, "table")] = "table",
) -> None:
    """An exact loan schedule: interest, repayment, fee and payment per term, to the øre."""
    check_format(fmt, FORMATS)
    from housingcalc.calc.loans import summary_dict
    from housingcalc.output import csv_text, loan_rows, loan_schedule

    the_loan = build_loan(
        amount=amount,
        rate=rate,
        effective_rate=effective_rate,
        years=years,
        terms=terms,
        terms_per_year=terms_per_year,
        serial=serial,
        interest_only_months=interest_only_months,
        fee=fee,
        setup_fee=setup_fee,
        rate_changes=rate_change or [],
        extras=extra or [],
        extra_mode=extra_mode,
    )
    if fmt == "csv":
        typer.echo(csv_text(loan_rows(the_loan, yearly)), nl=False)
        return
    if fmt == "json":
        echo_json(loan_schedule(the_loan, yearly))
        return
    _print_summary(summary_dict(the_loan), the_loan)
    columns = loan_rows(the_loan, yearly)
    echo_table(
        list(columns),
        [
            [str(int(v)) if i == 0 else money(float(v)) for i, v in enumerate(row)]
            for row in zip(*columns.values(), strict=True)
        ],
    )


def _print_summary(s: dict[str, Any], the_loan: Loan) -> None:
    kind = "serial" if the_loan.kind == "serial" else "annuity"
    lines = [
        (
            "loan",
            f"{money(s['principal'])} NOK, {kind}, {s['contract_terms']} terms "
            f"({s['terms_per_year']} a year)",
        ),
        ("nominal rate", f"{s['annual_rate'] * 100:.4f} %"),
    ]
    if s["interest_only_terms"]:
        lines.append(
            (
                "interest-only",
                f"{s['interest_only_terms']} terms, payment {money(s['interest_only_payment'])}",
            )
        )
    lines += [
        (
            "first payment",
            money(s["first_payment"]) + (" (first term)" if kind == "serial" else ""),
        ),
        ("terms run", str(s["n_terms"])),
        ("total interest", money(s["total_interest"])),
        ("total fees", money(s["total_fees"]) + " (incl. set-up fee)"),
        ("total cost", money(s["total_cost"]) + " (interest + fees)"),
        ("effective rate", f"{s['effective_rate'] * 100:.3f} % a year (incl. fees)"),
    ]
    width = max(len(k) for k, _ in lines)
    for k, v in lines:
        typer.echo(f"{k:<{width}}  {v}")


def register(app: typer.Typer) -> None:
    app.command("loan")(loan)
