"""Where packaged templates and example scenarios live.

In a built wheel the repository's top-level ``templates/`` and ``scenarios/`` folders are
installed as ``housingcalc/templates`` and ``housingcalc/examples`` (see pyproject.toml). In an
editable install from a checkout they are read from the checkout itself.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def _packaged(package: str, checkout_folder: str) -> Path:
    spec = find_spec(package)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return _CHECKOUT / checkout_folder


def templates_dir() -> Path:
    """The packaged jinja2 templates (``templates/`` in the repository)."""
    return _packaged("housingcalc.templates", "templates")


def examples_dir() -> Path:
    """The packaged example scenarios and registers (``scenarios/`` in the repository)."""
    return _packaged("housingcalc.examples", "scenarios")


def example(name: str) -> Path:
    """One packaged example file by name, e.g. ``example("refugee-family-rent-to-own.yaml")``."""
    return examples_dir().joinpath(name)
