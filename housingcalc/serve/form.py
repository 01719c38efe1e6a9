"""The case form: which fields of a scenario it shows, and how a posted form becomes a scenario.

The page keeps the whole case in one hidden field (``case``: the scenario as JSON, exactly the
data of the scenario file) and shows the fields below on top of it, each named by its dotted
path in the file (``household.income.2.monthly``). A post applies the shown fields to the
hidden case and validates the result with the CLI's own loader, so the page and the CLI give
the same message for the same mistake. Parts the form does not show (the municipality's side,
the rent formula, the assumptions) are kept as the case had them.

Labels and help texts are English message ids, translated by ``templates/locales/<lang>/
LC_MESSAGES/serve.po``.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from housingcalc.errors import InputError

Kind = Literal["text", "int", "number", "amount", "percent", "month", "date", "choice"]


@dataclass(frozen=True)
class Field:
    """One input: ``key`` inside its section or list item, a label and a short help text."""

    key: str
    kind: Kind
    label: str
    help: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """A fieldset: plain fields under ``path``, or one row of fields per item of a list."""

    path: str  # "" = the top level
    title: str
    fields: tuple[Field, ...]
    repeated: bool = False
    new_item: tuple[tuple[str, Any], ...] = ()  # what "add" appends


INCOME_KINDS = ("introduction_benefit", "wage", "benefit", "child_benefit", "other")

SECTIONS: tuple[Section, ...] = (
    Section(
        "",
        "The case",
        (
            Field("name", "text", "Case name", "Shown at the top of the report."),
            Field("move_in", "month", "Move-in month", "Month 0 of the timeline (YYYY-MM)."),
        ),
    ),
    Section(
        "household",
        "Household",
        (
            Field("municipality", "text", "Municipality", "Name or number, e.g. Drammen."),
            Field(
                "reference_date",
                "date",
                "Ages given at",
                "The date every age below is counted at (YYYY-MM-DD).",
            ),
            Field("savings", "amount", "Savings", "Savings at move-in, NOK."),
        ),
    ),
    Section(
        "household.adults",
        "Adults",
        (
            Field("name", "text", "Name", "Optional; shown in the report."),
            Field("age", "int", "Age", "Whole years at the date above (or give a birth date)."),
            Field("birth_date", "date", "Birth date", "YYYY-MM-DD (instead of age)."),
        ),
        repeated=True,
        new_item=(("age", 30),),
    ),
    Section(
        "household.children",
        "Children",
        (
            Field("birth_date", "date", "Birth date", "YYYY-MM-DD; or give the age instead."),
            Field("age", "int", "Age", "Whole years at the date above."),
        ),
        repeated=True,
        new_item=(("age", 1),),
    ),
    Section(
        "household.income",
        "Income",
        (
            Field(
                "kind",
                "choice",
                "Kind",
                "introduction_benefit is computed from G; wage and benefit need an amount.",
                INCOME_KINDS,
            ),
            Field("label", "text", "Label", "What it is, e.g. the job after the programme."),
            Field("adult", "int", "Adult", "Who receives it: 0 = the first adult."),
            Field("start", "month", "From", "First month paid (YYYY-MM); empty: open."),
            Field("end", "month", "Until", "Last month paid (YYYY-MM); empty: open."),
            Field("monthly", "amount", "Per month", "Gross NOK a month (not for the programme)."),
        ),
        repeated=True,
        new_item=(("kind", "wage"), ("adult", 0), ("monthly", 25000)),
    ),
    Section(
        "household.debts",
        "Debts",
        (
            Field("label", "text", "Debt", "e.g. student loan."),
            Field("monthly_payment", "amount", "Per month", "Payment a month, NOK."),
            Field("balance", "amount", "Balance", "Outstanding, NOK."),
            Field("end", "month", "Until", "Last month paid (YYYY-MM); empty: open."),
        ),
        repeated=True,
        new_item=(("label", "debt"), ("monthly_payment", 1000)),
    ),
    Section(
        "dwelling",
        "Dwelling",
        (
            Field("price", "amount", "Price", "Year-0 price: the appraisal at move-in, NOK."),
            Field("area_m2", "number", "Area (m²)", "Usable area."),
            Field("rooms", "int", "Rooms", "Number of rooms."),
            Field(
                "tenure",
                "choice",
                "Tenure",
                "selveier: document duty on purchase; borettslag: none.",
                ("selveier", "borettslag"),
            ),
            Field("common_costs_month", "amount", "Common costs a month", "Felleskostnader."),
            Field("municipal_fees_year", "amount", "Municipal fees a year", "Kommunale avgifter."),
            Field("insurance_year", "amount", "Insurance a year", "NOK a year."),
            Field("maintenance_year", "amount", "Maintenance a year", "The owner's, NOK a year."),
            Field(
                "electricity_month", "amount", "Electricity a month", "Paid as tenant and owner."
            ),
        ),
    ),
    Section(
        "purchase",
        "Contract",
        (
            Field(
                "price_rule",
                "choice",
                "Price rule",
                "year0: the year-0 price; appraisal: the value at purchase.",
                ("year0", "appraisal", "year0_indexed", "rent_credit"),
            ),
            Field("option_years", "number", "Option period (years)", "At most 5 years."),
            Field(
                "earliest_after_months",
                "int",
                "Buy after (months)",
                "The contract lets them buy no sooner.",
            ),
            Field("month", "text", "Purchase month", "'earliest' or a month (YYYY-MM)."),
        ),
    ),
    Section(
        "financing",
        "Financing",
        (
            Field("saving_share", "percent", "Saved of the surplus", "Share saved each month."),
            Field("buffer", "amount", "Buffer kept", "Savings kept back at purchase, NOK."),
        ),
    ),
    Section(
        "financing.start_loan",
        "Start loan",
        (
            Field("years", "int", "Term (years)", "Up to the start loan's maximum term."),
            Field("interest_only_years", "int", "Interest-only years", "0 for none."),
            Field(
                "rate_type",
                "choice",
                "Rate",
                "Husbanken's floating or fixed rate.",
                ("floating", "fixed"),
            ),
        ),
    ),
    Section(
        "financing.establishment_grant",
        "Establishment grant",
        (
            Field("amount", "text", "Grant", "'need' (what closes the gap) or an amount, NOK."),
            Field("max", "amount", "At most", "With 'need': the ceiling, NOK."),
        ),
    ),
)

LIST_PATHS = tuple(s.path for s in SECTIONS if s.repeated)


def field_names(raw: dict[str, Any]) -> list[str]:
    """Every dotted path the form shows for this case (list items by index)."""
    out: list[str] = []
    for section in SECTIONS:
        if section.repeated:
            for i in range(len(_list_at(raw, section.path))):
                out += [f"{section.path}.{i}.{f.key}" for f in section.fields]
        else:
            prefix = f"{section.path}." if section.path else ""
            out += [prefix + f.key for f in section.fields]
    return out


def _list_at(raw: dict[str, Any], path: str) -> list[Any]:
    node: Any = raw
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, list) else []


def shown(value: Any) -> str:
    """A raw value as the form shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _typed(text: str, kind: Kind) -> Any:
    """A form value as the scenario file would hold it: numbers as numbers where they read as
    plain numbers; anything else stays text for the scenario's own validators."""
    text = text.strip()
    if kind in ("int", "number", "amount"):
        compact = text.replace(" ", "").replace("\u00a0", "").replace("_", "")
        for convert in (int, float):
            try:
                return convert(compact)
            except ValueError:
                continue
    if kind == "text" and re.fullmatch(r"-?\d+(\.\d+)?", text):
        return float(text) if "." in text else int(text)
    return text


def _set(raw: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node: Any = raw
    for i, part in enumerate(parts[:-1]):
        nxt = parts[i + 1]
        if isinstance(node, list):
            node = node[int(part)]
            continue
        if part not in node or node[part] is None:
            node[part] = [] if nxt.isdigit() else {}
        node = node[part]
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    elif value is None:
        node.pop(last, None)
    else:
        node[last] = value


def _kind_of(path: str) -> Kind:
    parts = path.split(".")
    for section in SECTIONS:
        if section.repeated:
            n = len(section.path.split("."))
            if parts[:n] == section.path.split(".") and len(parts) == n + 2:
                return next(f.kind for f in section.fields if f.key == parts[-1])
        else:
            prefix = section.path.split(".") if section.path else []
            if parts[:-1] == prefix:
                return next(f.kind for f in section.fields if f.key == parts[-1])
    raise InputError("field", path, "not a field of the form")


def case_from_form(form: dict[str, str]) -> dict[str, Any]:
    """The posted form as scenario data: the hidden case with the shown fields applied."""
    text = form.get("case", "")
    try:
        raw = json.loads(text) if text else None
    except json.JSONDecodeError:
        raw = None
    if not isinstance(raw, dict):
        raise InputError("case", "(form)", "the page lost its case; load an example or a file")
    raw = copy.deepcopy(raw)
    for path in field_names(raw):
        if path not in form:
            continue
        value = form[path]
        _set(raw, path, _typed(value, _kind_of(path)) if value.strip() else None)
    return raw


def apply_op(raw: dict[str, Any], op: str) -> dict[str, Any]:
    """``add:household.income`` appends an item; ``remove:household.income.2`` drops one."""
    action, _, path = op.partition(":")
    if action == "add" and path in LIST_PATHS:
        section = next(s for s in SECTIONS if s.path == path)
        items = _list_at(raw, path)
        _set(raw, path, [*items, dict(section.new_item)])
        return raw
    if action == "remove":
        base, _, index = path.rpartition(".")
        items = _list_at(raw, base)
        if base in LIST_PATHS and index.isdigit() and int(index) < len(items):
            del items[int(index)]
            return raw
    raise InputError("op", op, "not an action of the form")


def assignments(text: str) -> list[str]:
    """A solve answer's ``set`` list as the apply button carries it (JSON)."""
    try:
        items = json.loads(text)
    except json.JSONDecodeError:
        items = None
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise InputError("apply", text[:80], "must be a list of PATH=VALUE")
    return [str(i) for i in items]


def error_field(exc: Exception) -> str | None:
    """The dotted form path a scenario error names (``household.income[2].monthly`` →
    ``household.income.2.monthly``), or None."""
    field = getattr(exc, "field", None)
    if not isinstance(field, str) or not field:
        return None
    field = field.split(": ", 1)[-1]
    return re.sub(r"\[(\d+)\]", r".\1", field)
