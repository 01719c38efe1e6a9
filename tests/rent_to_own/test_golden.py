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
    if isinstance(expected, float) or (
        isinstance(expected, int) and not isinstance(expected, bool)
    ):
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


def main() -> None:
    """``--write``: regenerate the golden file (keeps its ``review`` block)."""
    if "--write" not in sys.argv:
        print(json.dumps(current(), indent=2, ensure_ascii=False))
        return
    review = {}
    if GOLDEN.exists():
        review = json.loads(GOLDEN.read_text("utf-8")).get("review", {})
    data = {"review": review, **current()}
    GOLDEN.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main()
