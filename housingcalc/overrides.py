"""Changing a case without editing its file: ``PATH=VALUE`` overrides on the raw mapping.

A path is written as in the file, dotted, with list items by index (from 0)::

    household.income.1.monthly=26000
    purchase.price_rule=appraisal
    financing.start_loan.rate=4.9%

:func:`apply_overrides` sets each value on a deep copy of the file's raw mapping (the file
itself is never touched); the caller then validates the whole mapping exactly as it validates
the file, so a value is checked by the same rule and named by the same field path. The value
text is read as YAML (``26000`` a number, ``appraisal`` a word, ``null`` empty, ``[1, 2]`` a
list, ``2027-03`` kept as text). A path that does not exist names the nearest valid one
(``difflib``, the standard library's fuzzy matcher). A key the file leaves out but the model
knows may be set (``financing.start_loan.interest_only_years=2``).

:func:`load_scenario_with` and :func:`load_household_with` read a scenario (file or packaged
example name) or a household file and apply the overrides: the CLI (``run``, ``afford``,
``solve``, ``compare``) and the browser workspace call these.

>>> raw = {"purchase": {"price_rule": "year0"}, "household": {"income": [{"monthly": 1}]}}
>>> sets = ["purchase.price_rule=appraisal", "household.income.0.monthly=26000"]
>>> out = apply_overrides(raw, sets)
>>> out["purchase"]["price_rule"], out["household"]["income"][0]["monthly"], raw["purchase"]
('appraisal', 26000, {'price_rule': 'year0'})
"""

from __future__ import annotations

import copy
import difflib
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union, get_args, get_origin

from housingcalc.errors import InputError, ScenarioError

if TYPE_CHECKING:
    from housingcalc.models.household import Household
    from housingcalc.models.scenario import Scenario

__all__ = [
    "LoadedScenario",
    "apply_overrides",
    "load_household_with",
    "load_scenario_with",
    "parse_assignment",
    "resolve_scenario_source",
]

#: The option name errors are reported under.
OPTION = "--set"


@dataclass(frozen=True)
class Assignment:
    """One ``PATH=VALUE``: the path's parts (list indexes as ``int``) and the value read as
    YAML."""

    text: str
    parts: tuple[str, ...]
    value: Any


def value_at(raw: Any, path: str | Sequence[str]) -> Any:
    """The value at a dotted path (``"household.income.1.monthly"``, list items by index) in a
    raw case as read from its file; ``None`` where the path leads nowhere.

    >>> value_at({"a": [{"b": 5}]}, "a.0.b"), value_at({"a": []}, "a.3.b")
    (5, None)
    """
    node = raw
    for part in path.split(".") if isinstance(path, str) else path:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node


def parse_assignment(text: str, option: str = OPTION) -> Assignment:
    """Split ``PATH=VALUE`` and read the value as YAML (dates stay text)."""
    from housingcalc.yamlio import load_yaml

    if "=" not in text:
        raise InputError(option, text, "must be PATH=VALUE, e.g. purchase.price_rule=appraisal")
    path, _, value_text = text.partition("=")
    path = path.strip()
    parts = tuple(p.strip() for p in path.split("."))
    if not path or any(not p for p in parts):
        raise InputError(
            option, text, "the path before '=' must be dotted keys, e.g. dwelling.price"
        )
    if not value_text.strip():
        raise InputError(option, text, "give a value after '=' (write null to clear a field)")
    try:
        value = load_yaml(value_text, option)
    except ScenarioError as exc:
        raise InputError(option, text, f"the value is not valid YAML ({exc})") from None
    return Assignment(text, parts, value)


# -- the models' field tree (which keys exist where) --------------------------------------------


def _models_in(annotation: Any) -> list[Any]:
    """The pydantic models, lists and mappings an annotation can hold (unwrapping Optional,
    Union, Annotated)."""
    from pydantic import BaseModel

    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _models_in(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        out: list[Any] = []
        for arg in get_args(annotation):
            out += _models_in(arg)
        return out
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if origin in (list, tuple, Sequence, dict, Mapping):
        return [annotation]
    return []


def _child(node_type: Any, key: str | int) -> tuple[Any, list[str] | None]:
    """The type found under ``key`` of a node of ``node_type`` and the keys that node allows
    (``None``: any key, or not known)."""
    from pydantic import BaseModel

    for t in _models_in(node_type) if node_type is not None else []:
        if isinstance(t, type) and issubclass(t, BaseModel):
            fields = {(f.alias or name): f for name, f in t.model_fields.items()}
            if isinstance(key, str) and key in fields:
                return fields[key].annotation, list(fields)
            return None, list(fields)
        origin = get_origin(t)
        if origin in (list, tuple, Sequence) and isinstance(key, int):
            args = [a for a in get_args(t) if a is not Ellipsis]
            return (args[0] if args else None), None
        if origin in (dict, Mapping) and isinstance(key, str):
            kv = get_args(t)
            return (kv[1] if len(kv) == 2 else None), None
    return None, None


def _is_list_type(node_type: Any) -> bool:
    return any(
        get_origin(t) in (list, tuple, Sequence)
        for t in (_models_in(node_type) if node_type is not None else [])
    )


def _suggest(prefix: str, wrong: str, candidates: Sequence[str]) -> str:
    close = difflib.get_close_matches(wrong, list(candidates), n=1, cutoff=0.5)
    where = f"{prefix}." if prefix else ""
    if close:
        return f" (did you mean {where}{close[0]}?)"
    if candidates:
        shown = ", ".join(sorted(candidates)[:12])
        return f" (valid keys{' under ' + prefix if prefix else ''}: {shown})"
    return ""


def _set(root: Any, a: Assignment, root_type: Any, option: str) -> None:
    node = root
    node_type = root_type
    done: list[str] = []
    for depth, part in enumerate(a.parts):
        last = depth == len(a.parts) - 1
        prefix = ".".join(done)
        if isinstance(node, list) or (node is None and _is_list_type(node_type)):
            if not part.lstrip("-").isdigit():
                raise InputError(
                    option,
                    a.text,
                    f"{prefix} is a list: give an item number (0, 1, …), not {part!r}",
                )
            index = int(part)
            size = len(node) if isinstance(node, list) else 0
            if not 0 <= index < size:
                span = f"0–{size - 1}" if size else "none: the list is empty"
                raise InputError(
                    option, a.text, f"{prefix} has {size} item(s) (numbers {span}), not {index}"
                )
            child_type, _ = _child(node_type, index)
            key: str | int = index
        elif isinstance(node, dict):
            child_type, allowed = _child(node_type, part)
            if allowed is not None and part not in allowed:
                candidates = sorted(set(allowed) | {str(k) for k in node})
                raise InputError(
                    option,
                    a.text,
                    f"no field {'.'.join([*done, part])!r}{_suggest(prefix, part, candidates)}",
                )
            key = part
        else:
            raise InputError(
                option, a.text, f"{prefix} = {node!r} is a single value, it has no field {part!r}"
            )
        container: Any = node
        if last:
            container[key] = copy.deepcopy(a.value)
            return
        nxt = container[key] if (isinstance(node, list) or key in node) else None
        if nxt is None:
            if _is_list_type(child_type):
                raise InputError(
                    option,
                    a.text,
                    f"{'.'.join([*done, str(part)])} has 0 item(s) (numbers none: the list is "
                    "empty)",
                )
            nxt = {}
            container[key] = nxt
        node, node_type = nxt, child_type
        done.append(str(part))


def apply_overrides(
    raw: Mapping[str, Any],
    assignments: Sequence[str | Assignment],
    *,
    model: Any = None,
    option: str = OPTION,
) -> dict[str, Any]:
    """A deep copy of ``raw`` with every ``PATH=VALUE`` set, in order (a later one wins).

    ``model`` is the pydantic model (or a mapping ``{key: model}`` for a wrapper such as
    ``{"household": Household}``) the mapping is validated with afterwards: it tells which keys
    exist (for keys the file leaves out, and for "did you mean"). Nothing is validated here:
    validate the result as the file itself is validated. Raises :class:`InputError`
    (field ``--set``) for a path that does not exist.
    """
    out = copy.deepcopy(dict(raw))
    root_type: Any = model
    if isinstance(model, Mapping):
        from pydantic import create_model

        fields: dict[str, Any] = {k: (v | None, None) for k, v in model.items()}
        root_type = create_model("_Root", **fields)  # a throw-away model naming the wrapper's keys
    for item in assignments:
        a = item if isinstance(item, Assignment) else parse_assignment(item, option)
        _set(out, a, root_type, option)
    return out


# -- loading a case with overrides -------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LoadedScenario:
    """A scenario read and validated with its overrides.

    ``raw`` is the mapping after the overrides (validate it again with
    :func:`housingcalc.scenarios.parse_scenario` after further changes); ``source`` names the
    file (with ``(with --set)`` when overrides were applied); ``stem`` is the file's name
    without ``.yaml``.
    """

    scenario: Scenario
    raw: dict[str, Any]
    source: str
    stem: str
    overrides: tuple[str, ...]


def resolve_scenario_source(scenario: str | Path | None) -> tuple[str, Path | None, str]:
    """(source name, file path or ``None`` for a packaged example, stem) for a ``SCENARIO``
    argument: a file, the name of a packaged example (with or without ``.yaml``), or ``None``
    for the built-in example."""
    from housingcalc.scenarios import DEFAULT_EXAMPLE, example_names

    if scenario is None:
        return DEFAULT_EXAMPLE, None, Path(DEFAULT_EXAMPLE).stem
    text = str(scenario)
    if not Path(text).exists():
        names = example_names()
        name = text if text.endswith((".yaml", ".yml")) else f"{text}.yaml"
        if name in names:
            return name, None, Path(name).stem
    return text, Path(text), Path(text).stem


def _raw_scenario(source: str, path: Path | None) -> Any:
    from housingcalc.inputs import read_text_file
    from housingcalc.scenarios import example_text, load_scenario
    from housingcalc.yamlio import load_yaml

    if path is None:
        return load_yaml(example_text(source), source)
    try:
        text = read_text_file(path, path.name)  # the one reader of input files
    except OSError:
        load_scenario(path)  # raises the loader's own one-line error for this file
        raise
    return load_yaml(text, path.name)


def load_scenario_with(
    scenario: str | Path | None, overrides: Sequence[str] = ()
) -> LoadedScenario:
    """Read a scenario (file, packaged example name, or ``None`` for the built-in example),
    apply ``PATH=VALUE`` overrides and validate the result as the file is validated."""
    from housingcalc.models.scenario import Scenario
    from housingcalc.scenarios import parse_scenario

    source, path, stem = resolve_scenario_source(scenario)
    raw = _raw_scenario(source, path)
    name = path.name if path is not None else source
    if not isinstance(raw, dict):  # let the loader word it
        parse_scenario(raw, name)
    assignments = [parse_assignment(o) for o in overrides]
    changed = apply_overrides(raw, assignments, model=Scenario) if assignments else raw
    suffix = " (with --set)" if assignments else ""
    model = parse_scenario(changed, name + suffix)
    shown = (str(path) if path is not None else name) + suffix
    return LoadedScenario(model, changed, shown, stem, tuple(overrides))


def load_household_with(path: Path | str, overrides: Sequence[str] = ()) -> Household:
    """Read a household file, apply ``PATH=VALUE`` overrides (paths as written in the file,
    with or without its top-level ``household:`` key) and validate it as the file is."""
    from housingcalc.household_files import household_from_data, load_household
    from housingcalc.models.household import Household
    from housingcalc.yamlio import load_yaml

    if not overrides:
        return load_household(path)
    from housingcalc.inputs import read_text_file

    p = Path(path)
    text = read_text_file(p)  # the one reader of input files
    raw = load_yaml(text, str(p))
    wrapped = isinstance(raw, dict) and set(raw) == {"household"}
    if not isinstance(raw, dict):
        return load_household(p)  # raises the loader's error
    model: Any = {"household": Household} if wrapped else Household
    changed = apply_overrides(raw, [parse_assignment(o) for o in overrides], model=model)
    data = changed["household"] if wrapped else changed
    try:
        return household_from_data(data)
    except ScenarioError as exc:
        raise ScenarioError(f"{p.name} (with --set): {exc.field}", exc.value, exc.rule) from None
