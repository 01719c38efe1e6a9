"""Class 8: an error line cuts a long value (40 characters and ``…``) and names what the user
typed: the CLI option (``--term``), never an internal field (``term_years``) or ``None``."""

from __future__ import annotations

from housingcalc.errors import SHOWN_VALUE_CHARS, InputError
from tests.hostile.conftest import Case, example_text, replaced

HOUSEHOLD = "household-single-parent.yaml"
SCENARIO = "refugee-family-rent-to-own.yaml"
LONG = "9" * 100_000


def test_long_amount_option_is_cut(case: Case) -> None:
    line = case.refused(["loan", "--amount", LONG, "--rate", "5%", "--years", "25"], "--amount")
    assert "'" + "9" * SHOWN_VALUE_CHARS + "…' (100000 characters)" in line


def test_long_value_in_a_scenario_is_cut(case: Case) -> None:
    text = replaced(example_text(SCENARIO), "  rooms: 3", "  rooms: " + "x" * 5000)
    line = case.refused(["validate", case.write("s.yaml", text)], "dwelling.rooms", "whole number")
    assert "(5000 characters)" in line and "x" * (SHOWN_VALUE_CHARS + 1) not in line


def test_long_value_in_a_usage_error_is_cut(case: Case) -> None:
    # click echoes an unknown option and extra arguments: cut there too
    line = case.refused(["loan", "--amount", "1000", "--" + "y" * 3000], "No such option")
    assert "(3002 characters)" in line and "y" * (SHOWN_VALUE_CHARS + 1) not in line
    line = case.refused(["loan", "--amount", "1000", "z" * 500], "extra argument")
    assert "(500 characters)" in line


def test_afford_names_the_options_typed(case: Case) -> None:
    household = case.write("h.yaml", example_text(HOUSEHOLD))
    line = case.refused(["afford", household, "--term", "0"], "--term = 0")
    assert "term_years" not in line
    line = case.refused(["afford", household, "--interest-only", "40"], "--interest-only = 40")
    assert "interest_only_years" not in line


def test_missing_option_is_not_shown_as_none(case: Case) -> None:
    line = case.refused(
        [
            "grant",
            "pv-model",
            "--cost",
            "2000000",
            "--area",
            "60",
            "--target-return",
            "4%",
            "--horizon",
            "20",
            "--rent",
            "9000",
            "--committed",
            "2016-01-01",
        ],
        "--fdv: is required",
    )
    assert "None" not in line


def test_message_rules() -> None:
    assert str(InputError("--fdv", None, "is required")) == "--fdv: is required"
    assert str(InputError("x", "a" * 41, "r")) == "x = '" + "a" * 40 + "…' (41 characters): r"
    assert str(InputError("x", "a" * 40, "r")) == "x = '" + "a" * 40 + "': r"
    assert str(InputError("x", 10**50, "r")).startswith("x = 1" + "0" * 39 + "… (51 characters)")
