"""Shared helpers: the built-in example as raw data, changed and re-validated per test."""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

import yaml

from housingcalc.models.scenario import Scenario
from housingcalc.parameters import ParameterSet, load_parameters
from housingcalc.resources import example
from housingcalc.scenarios import DEFAULT_EXAMPLE, parse_scenario


@lru_cache(maxsize=1)
def _raw_example() -> dict[str, Any]:
    data = yaml.safe_load(example(DEFAULT_EXAMPLE).read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def raw_example() -> dict[str, Any]:
    """A fresh deep copy of the built-in example's YAML data."""
    return copy.deepcopy(_raw_example())


def scenario(**changes: Any) -> Scenario:
    """The built-in example with changes given as ``section__key=value`` (``None`` deletes)."""
    raw = raw_example()
    for path, value in changes.items():
        node = raw
        *parents, last = path.split("__")
        for part in parents:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return parse_scenario(raw, "test")


@lru_cache(maxsize=1)
def _params() -> ParameterSet:
    return load_parameters()


def params() -> ParameterSet:
    """The packaged parameters with an empty trace."""
    return _params().fresh()
