"""Reading a household YAML file into :class:`~housingcalc.models.household.Household`.

A file is either the household mapping itself or a mapping with one key ``household:`` (the
shape used inside scenario files). Every problem becomes one :class:`ScenarioError` naming the
field path, e.g. ``household.adults[0].age = -3: must be ≥ 0``; when a file has several
problems the first is shown with a count of the rest.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from housingcalc.errors import InputError, ScenarioError
from housingcalc.inputs import read_text_file
from housingcalc.models.household import Household
from housingcalc.yamlio import load_yaml

__all__ = ["household_from_data", "load_household", "validation_error_lines"]

_RULES = {
    "greater_than_equal": "must be ≥ {ge}",
    "greater_than": "must be > {gt}",
    "less_than_equal": "must be ≤ {le}",
    "less_than": "must be < {lt}",
    "missing": "is required",
    "extra_forbidden": "unknown key",
    "too_short": "needs at least {min_length} item(s)",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "string_type": "must be text",
    "list_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "date_type": "must be a date written YYYY-MM-DD",
}


def _path(prefix: str, loc: tuple[Any, ...]) -> str:
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith(("function-", "literal[")):
            continue
        else:
            out += f".{part}"
    return out


def _shown(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return "{…}" if isinstance(value, dict) else "[…]"
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    return value


def _one(prefix: str, err: Any) -> InputError:
    loc = tuple(err.get("loc", ()))
    ctx = err.get("ctx") or {}
    inner = ctx.get("error")
    if isinstance(inner, InputError):
        base = _path(prefix, loc)
        return InputError(f"{base}.{inner.field}" if inner.field else base, inner.value, inner.rule)
    etype = err.get("type", "")
    if etype == "literal_error":
        rule = f"must be one of {ctx.get('expected', '')}".replace("'", "")
    elif etype in _RULES:
        try:
            rule = _RULES[etype].format(**ctx)
        except (KeyError, IndexError):
            rule = str(err.get("msg", ""))
    else:
        rule = str(err.get("msg", "")).removeprefix("Value error, ")
    value = err.get("input")
    if etype == "missing":
        value = None
    return InputError(_path(prefix, loc), _shown(value), rule)


def validation_error_lines(exc: ValidationError, prefix: str = "household") -> list[str]:
    """Every error of a pydantic ValidationError as ``field = value: rule`` lines."""
    return [str(_one(prefix, e)) for e in exc.errors()]


def household_from_data(data: Any, *, prefix: str = "household") -> Household:
    """Validate an already-parsed mapping; errors are :class:`ScenarioError` with ``prefix.``."""
    if not isinstance(data, dict):
        raise ScenarioError(
            prefix, _shown(data), "must be a mapping with adults, children, income, …"
        )
    try:
        return Household.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = _one(prefix, errors[0])
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise ScenarioError(first.field, first.value, first.rule + more) from None


def load_household(path: Path | str) -> Household:
    """Read and validate a household YAML file (the only file this module reads)."""
    p = Path(path)
    text = read_text_file(p)  # one reader for every input file (BOM, UTF-16, binary refused)
    raw = load_yaml(text, str(p))  # YamlError is a one-line ScenarioError
    if isinstance(raw, dict) and set(raw) == {"household"}:
        raw = raw["household"]
    try:
        return household_from_data(raw)
    except ScenarioError as exc:  # name the file, as scenario errors do
        raise ScenarioError(f"{p.name}: {exc.field}", exc.value, exc.rule) from None
