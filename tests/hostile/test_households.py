"""Class 6: implausible households are refused: nobody born after the case's date (reference
date, move-in, ``--at``), nobody born before 1900 or older than 120, and a rent-to-own
scenario's municipality checked as the household file's is."""

from __future__ import annotations

import pytest

from tests.hostile.conftest import Case, example_text, replaced

SCENARIO = "refugee-family-rent-to-own.yaml"
HOUSEHOLD = "household-single-parent.yaml"
CHILD = "    - {age: 9, sex: female}"
ADULT = "    - {name: Amir, age: 34, sex: male}"


@pytest.mark.parametrize(
    ("old", "new", "field", "rule"),
    [
        (
            CHILD,
            "    - {birth_date: 2099-01-01, sex: female}",
            "children[0].birth_date",
            "born after",
        ),
        (
            CHILD,
            "    - {birth_date: 2025-10-01, sex: female}",
            "children[0].birth_date",
            "born after",
        ),
        (
            ADULT,
            "    - {name: Amir, birth_date: 1800-01-01, sex: male}",
            "adults[0].birth_date",
            "1900",
        ),
        (ADULT, "    - {name: Amir, age: 230, sex: male}", "adults[0].age = 230", "120"),
        (
            "  municipality: Drammen",
            "  municipality: Atlantis",
            "household.municipality",
            "unknown",
        ),
    ],
)
def test_scenario(case: Case, old: str, new: str, field: str, rule: str) -> None:
    path = case.write("s.yaml", replaced(example_text(SCENARIO), old, new))
    case.refused(["validate", path], field, rule)
    if "municipality" in field:  # checked with the rule values, in `run` as in `validate`
        case.refused(["run", path, "-o", case.out], field, rule)


def test_scenario_municipality_by_number_valid_but_odd(case: Case) -> None:
    # Drammen is municipality 3301 (nav.municipalities): the number is as good as the name
    path = case.write(
        "s.yaml",
        replaced(example_text(SCENARIO), "  municipality: Drammen", '  municipality: "3301"'),
    )
    assert "ok" in case.ok(["validate", path]).stdout


def test_household_child_born_after_reference_date(case: Case) -> None:
    text = replaced(
        example_text(HOUSEHOLD),
        "    - {name: Child 2, age: 4, sex: female}",
        "    - {name: Child 2, birth_date: 2026-06-01, sex: female}",
    )
    case.refused(
        ["afford", case.write("h.yaml", text)],
        "household.children[1].birth_date = '2026-06-01'",
        "born after reference_date (2026-01-01)",
    )


def _by_birth_dates(adult: str, child: str) -> str:
    return (
        "adults:\n"
        f"  - {{name: Parent, birth_date: {adult}}}\n"
        "children:\n"
        f"  - {{birth_date: {child}}}\n"
        "income:\n"
        "  - {kind: wage, adult: 0, monthly: 40000}\n"
    )


def test_household_born_after_the_at_date(case: Case) -> None:
    path = case.write("h.yaml", _by_birth_dates("1988-05-01", "2026-03-01"))
    case.refused(
        ["afford", path, "--at", "2026-01-15"], "children[0].birth_date", "born after --at"
    )
    # the same household assessed after the birth is fine
    case.ok(["afford", path, "--at", "2026-06-01"])


def test_household_older_than_120_at_the_at_date(case: Case) -> None:
    path = case.write("h.yaml", _by_birth_dates("1901-05-01", "2020-03-01"))
    case.refused(["afford", path, "--at", "2026-01-15"], "adults[0].birth_date", "older than 120")


def test_household_adult_born_1800(case: Case) -> None:
    path = case.write("h.yaml", _by_birth_dates("1800-05-01", "2020-03-01"))
    case.refused(["afford", path], "adults[0].birth_date = '1800-05-01'", "between 1900 and 2100")
