"""Reading scenario files (YAML) into :class:`~housingcalc.models.scenario.Scenario` models.

The only module that reads scenario files. Every problem becomes one
:class:`~housingcalc.errors.ScenarioError` whose message names the file, the field path, the
value and the rule, e.g.::

    bad.yaml: dwelling.price = -5: must be ≥ 0
    bad.yaml: dwelling.sise = 3: unknown key (did you mean 'size'?)
    bad.yaml: household: required

>>> s = load_example()
>>> s.schema_version, s.dwelling.rooms
(1, 3)
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from housingcalc.errors import InputError, ScenarioError

if TYPE_CHECKING:
    from housingcalc.models.scenario import Scenario

__all__ = [
    "DEFAULT_EXAMPLE",
    "TEMPLATE",
    "Example",
    "ScenarioError",
    "all_examples",
    "describe_examples",
    "example_names",
    "example_text",
    "load_example",
    "load_scenario",
    "parse_scenario",
    "resolve_example",
    "template_text",
]

#: The built-in example ``housingcalc run`` uses when no scenario is given.
DEFAULT_EXAMPLE = "refugee-family-rent-to-own.yaml"

#: The commented template ``housingcalc scenarios new`` writes (itself a runnable scenario).
TEMPLATE = "rent-to-own-template.yaml"


def _error(source: str, loc: str, value: Any, rule: str) -> ScenarioError:
    field = loc or "(file)"
    err = ScenarioError(f"{source}: {field}", value, rule)
    err.field = field
    if field == "(file)":
        err.args = (f"{source}: {rule}",)
    elif value is _MISSING:
        err.args = (f"{source}: {field}: {rule}",)
    return err


class _Missing:
    def __repr__(self) -> str:
        return "missing"


_MISSING: Any = _Missing()


def _lookup(raw: Any, loc: tuple[int | str, ...]) -> Any:
    node = raw
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return node


def _known_keys(model: Any, loc: tuple[int | str, ...]) -> list[str]:
    """Field names (aliases) of the model found at ``loc[:-1]``, for 'did you mean'."""
    from typing import get_args

    from pydantic import BaseModel

    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in _aliases(current):
            return []
        annotation = fields[_aliases(current)[part]].annotation
        candidates = [annotation, *get_args(annotation)]
        nxt = None
        for c in candidates:
            for inner in [c, *get_args(c)]:
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    nxt = inner
                    break
            if nxt is not None:
                break
        if nxt is None:
            return []
        current = nxt
    return list(_aliases(current))


def _aliases(model: Any) -> dict[str, str]:
    return {(f.alias or name): name for name, f in model.model_fields.items()}


def _rule(err: Mapping[str, Any], model: Any) -> str:
    kind = str(err["type"])
    msg = str(err["msg"])
    loc = tuple(err["loc"])
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(loc[-1]), _known_keys(model, loc), n=1)
        return "unknown key" + (f" (did you mean {close[0]!r}?)" if close else "")
    if kind == "missing":
        return "required"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        return "must be a number" if kind.startswith("float") else "must be a whole number"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be a mapping of keys"
    if kind.startswith("date") or kind.startswith("datetime"):
        return "must be a date written YYYY-MM-DD"
    if kind == "literal_error":
        expected = str(err.get("ctx", {}).get("expected", msg))
        return f"must be one of {expected}"
    msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return msg.replace("Input should be", "must be")


def _loc_text(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _clean_loc(loc: tuple[Any, ...]) -> tuple[int | str, ...]:
    # pydantic puts the chosen union member or validator name into loc
    # (e.g. ('month', 'function-after[...]') or ('amount', 'float')): drop those.
    out: list[int | str] = []
    for part in loc:
        if isinstance(part, str) and (
            "[" in part or part in ("float", "int", "str", "date", "literal['earliest']")
        ):
            continue
        if isinstance(part, str) and part.startswith(("function-", "literal[", "constrained-")):
            continue
        out.append(part)
    return tuple(out)


def _first_error(exc: Any, raw: Any, source: str) -> ScenarioError:
    from housingcalc.models.scenario import Scenario

    errors = exc.errors(include_url=False)
    # prefer a field-level error over a union's alternatives and over whole-model checks
    # (an unknown key first: a misspelt key also shows up as a missing one)
    errors.sort(
        key=lambda e: (
            e["type"] == "union_tag_invalid",
            len(e["loc"]) == 0,
            e["type"] != "extra_forbidden",
        )
    )
    err = errors[0]
    loc = _clean_loc(tuple(err["loc"]))
    rule = _rule(err, Scenario)
    if not loc:
        # a cross-field check: its message already reads "field = value: rule"
        text = rule
        field = text.split(" = ", 1)[0] if " = " in text else "(scenario)"
        out = ScenarioError(f"{source}: {field}", "", "")
        out.field = field
        out.args = (f"{source}: {text}",)
        return out
    if err["type"] == "missing":
        return _error(source, _loc_text(loc), _MISSING, rule)
    cause = err.get("ctx", {}).get("error")
    if isinstance(cause, InputError):  # raised by a model's own check, relative to that model
        where = ".".join(p for p in (_loc_text(loc), cause.field) if p)
        return _error(source, where, cause.value, cause.rule)
    value = _lookup(raw, loc)
    if isinstance(value, (dict, list)):
        value = "{…}" if isinstance(value, dict) else "[…]"
    return _error(source, _loc_text(loc), value, rule)


def parse_scenario(raw: Any, source: str = "scenario") -> Scenario:
    """Validate already-parsed YAML data (a mapping) into a ``Scenario``."""
    from pydantic import ValidationError

    from housingcalc.models.scenario import SCHEMA_VERSION, Scenario

    if not isinstance(raw, dict):
        raise _error(source, "(file)", type(raw).__name__, "must be a mapping of keys")
    version = raw.get("schema_version", _MISSING)
    if version is _MISSING:
        raise _error(
            source, "schema_version", _MISSING, f"required (this version reads {SCHEMA_VERSION})"
        )
    if version != SCHEMA_VERSION:
        raise _error(
            source,
            "schema_version",
            version,
            f"this version of housingcalc reads schema_version {SCHEMA_VERSION}",
        )
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        raise _first_error(exc, raw, source) from None


def _yaml_load(text: str, source: str) -> Any:
    from housingcalc.yamlio import load_yaml

    return load_yaml(text, source)


def load_scenario(path: Path | str) -> Scenario:
    """Read and validate one scenario file. Raises ``ScenarioError`` naming the field."""
    p = Path(path)
    source = p.name
    from housingcalc.inputs import read_text_file

    try:
        text = read_text_file(p, source)  # one reader for every input file
    except FileNotFoundError:
        raise _error(
            str(p),
            "(file)",
            _MISSING,
            "no such file (nor a packaged example; see `housingcalc scenarios list`)",
        ) from None
    except IsADirectoryError:
        raise _error(str(p), "(file)", _MISSING, "is a folder, not a scenario file") from None
    return parse_scenario(_yaml_load(text, source), source)


def example_names() -> list[str]:
    """The packaged rent-to-own example scenarios (``scenarios/*.yaml`` with a household and a
    dwelling), the built-in example first."""
    return [name for name, _ in describe_examples()]


def describe_examples(lang: str = "en") -> list[tuple[str, str]]:
    """(file name, scenario name in ``lang``) of each packaged rent-to-own example, built-in
    first. A name given per language shows in ``lang`` (fallbacks as ``Scenario.name_in``)."""
    return [(e.name, e.title) for e in all_examples(lang) if e.kind == "rent-to-own"]


#: Kinds of packaged example, in the order ``scenarios list`` shows them, with the command
#: that reads each.
EXAMPLE_KINDS = {
    "rent-to-own": "housingcalc run NAME",
    "household": "housingcalc afford NAME",
    "portfolio": "housingcalc portfolio ... --scenario NAME",
    "register": "housingcalc portfolio value|cost|tariff|project|report NAME",
}


@dataclass(frozen=True)
class Example:
    """One packaged example file: its file name, its kind (a key of ``EXAMPLE_KINDS``) and its
    title (the scenario's or household's ``name``, or a register's first comment)."""

    name: str
    kind: str
    title: str


def _text_in(value: object, lang: str) -> str:
    """A name as written (a string) or given per language (``{nb: ..., en: ...}``): the text in
    ``lang``, else its base language, else English, else Norwegian, else the first given (the
    order of ``Scenario.name_in``)."""
    if not isinstance(value, dict):
        return str(value if value is not None else "")
    texts = {str(k): str(v) for k, v in value.items() if v}
    for key in (lang, lang.split("_")[0], "en", "nb"):
        if texts.get(key):
            return texts[key]
    return next(iter(texts.values()), "")


def _kind_of(name: str, text: str, lang: str = "en") -> tuple[str, str] | None:
    if name.endswith(".csv"):
        rows = sum(1 for line in text.splitlines()[1:] if line.strip())
        return "register", f"portfolio register, {rows} units (CSV)"
    if not name.endswith((".yaml", ".yml")):
        return None
    try:
        raw = _yaml_load(text, name)
    except ScenarioError:
        return None
    if not isinstance(raw, dict):
        return None
    if "household" in raw and "dwelling" in raw:
        return "rent-to-own", _text_in(raw.get("name"), lang)
    if "household" in raw or "adults" in raw:
        hh = raw.get("household", raw)
        return "household", _text_in(hh.get("name") if isinstance(hh, dict) else None, lang)
    if "projection" in raw or "valuation_date" in raw:
        return "portfolio", _text_in(raw.get("name"), lang)
    return None


def all_examples(lang: str = "en") -> list[Example]:
    """Every packaged example (rent-to-own scenarios, households, portfolio assumptions and
    registers), grouped by kind in the order of ``EXAMPLE_KINDS``, the built-in example first;
    titles given per language in ``lang``.
    """
    from housingcalc.resources import examples_dir

    out: list[Example] = []
    for child in examples_dir().iterdir():
        if not child.is_file():
            continue
        found = _kind_of(child.name, child.read_text("utf-8"), lang)
        if found is not None:
            out.append(Example(child.name, *found))
    order = list(EXAMPLE_KINDS)
    out.sort(key=lambda e: (order.index(e.kind), e.name != DEFAULT_EXAMPLE, e.name))
    return out


def resolve_example(arg: str | Path, kinds: tuple[str, ...]) -> Path:
    """``arg`` itself when it names an existing file; else the packaged example of one of
    ``kinds`` named ``arg`` (with or without its extension), so that
    ``housingcalc afford household-refugee-family`` works from any folder; else ``arg``
    unchanged (the reader then names the missing file).
    """
    path = Path(arg)
    if path.exists() or path.name != str(arg):
        return path
    from housingcalc.resources import example

    for e in all_examples():
        if e.kind in kinds and str(arg) in (e.name, Path(e.name).stem):
            return example(e.name)
    return path


def example_text(name: str) -> str:
    """The text of one packaged example file."""
    from housingcalc.resources import example

    node = example(name)
    if not node.is_file():
        raise _error(name, "(file)", _MISSING, "no packaged example of that name")
    return node.read_text("utf-8")


def load_example(name: str = DEFAULT_EXAMPLE) -> Scenario:
    """Load a packaged example scenario by file name."""
    return parse_scenario(_yaml_load(example_text(name), name), name)


def template_text() -> str:
    """The commented scenario template ``housingcalc scenarios new`` writes."""
    return example_text(TEMPLATE)
