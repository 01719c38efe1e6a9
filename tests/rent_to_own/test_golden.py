"""Golden numbers of the built-in example (``scenarios/refugee-family-rent-to-own.yaml``).

``tests/golden/refugee-family-rent-to-own.json`` holds the key figures of the report's JSON,
reviewed by hand once (see the ``review`` block in the file and ``docs/rent-to-own.md``). A
change in any number beyond the tolerances below fails this test: either a bug, or a
deliberate change of rules, parameters or the example, in which case regenerate the file and
review the differences:

    .venv/bin/python -m tests.rent_to_own.test_golden --write
    git diff tests/golden/refugee-family-rent-to-own.json

Tolerances: amounts ±1 kr (schedules are exact to the øre; 1 kr absorbs summing order), rates
±1e-6, months and flags exactly.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from housingcalc.calc.rent_to_own import run_rent_to_own
from housingcalc.reports.household import key_figures
from housingcalc.scenarios import DEFAULT_EXAMPLE, load_example
from tests.rent_to_own._helpers import params

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "refugee-family-rent-to-own.json"
MONEY_ABS = 1.0
RATE_ABS = 1e-6


def current() -> dict[str, Any]:
    r = run_rent_to_own(load_example(), params())
    return {"scenario": DEFAULT_EXAMPLE, "key_figures": key_figures(r)}


def _compare(name: str, expected: Any, actual: Any) -> None:
    # amounts and rates are floats (JSON keeps "69190.0" a float); whole numbers are counts of
    # months and compare exactly, like flags and dates
    if isinstance(expected, float):
        tol = RATE_ABS if ("rate" in name or "rise" in name) else MONEY_ABS
        assert actual == pytest.approx(expected, abs=tol), name
    else:
        assert actual == expected, name


def test_builtin_example_matches_the_reviewed_golden_numbers() -> None:
    golden = json.loads(GOLDEN.read_text("utf-8"))
    now = current()
    assert set(now["key_figures"]) == set(golden["key_figures"]), "key figures added or removed"
    for name, expected in golden["key_figures"].items():
        _compare(name, expected, now["key_figures"][name])


def _moved(name: str, old: Any, new: Any) -> bool:
    try:
        _compare(name, old, new)
    except AssertionError:
        return True
    return False


def regenerate(old: dict[str, Any], now: dict[str, Any]) -> dict[str, Any]:
    """The new golden file: ``now``'s figures, the old ``review`` block, and under
    ``review.unreviewed`` every figure that is new or moved beyond the tolerances since the
    last review (with the reviewed value), so the "reviewed" stamp no longer covers it. A
    figure leaves the list only when a person removes it after checking it."""
    review = dict(old.get("review", {}))
    before = old.get("key_figures", {})
    unreviewed = dict(review.get("unreviewed", {}))
    for name, value in now["key_figures"].items():
        if name not in before:
            unreviewed[name] = {"reviewed": None, "now": value}
        elif name in unreviewed or _moved(name, before[name], value):
            was = unreviewed.get(name, {}).get("reviewed", before[name])
            unreviewed[name] = {"reviewed": was, "now": value}
    for name in list(unreviewed):
        if name not in now["key_figures"]:
            del unreviewed[name]
    if unreviewed:
        review["unreviewed"] = dict(sorted(unreviewed.items()))
    else:
        review.pop("unreviewed", None)
    return {"review": review, **now}


def main() -> None:
    """``--write``: regenerate the golden file (keeps its ``review`` block; figures that moved
    are listed under ``review.unreviewed``)."""
    if "--write" not in sys.argv:
        print(json.dumps(current(), indent=2, ensure_ascii=False))
        return
    old: dict[str, Any] = {}
    if GOLDEN.exists():
        old = json.loads(GOLDEN.read_text("utf-8"))
    data = regenerate(old, current())
    GOLDEN.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main()
