"""The tariff's documented tie rule (``calc/tariff.py`` module docstring, rule 2, and
``docs/rent-and-grants.md``): the steps still missing from the total are handed out to whole
groups "in order of the largest fraction dropped (ties: register order)".

The cases use whole-krone rents and binary-exact figures (halves and quarters), so two
remainders are exactly equal in floating point and the tie is a real tie, not a rounding
accident.
"""

from __future__ import annotations

import pandas as pd
import pytest

from housingcalc.calc.tariff import tariff

WEIGHTS = {("1", "A"): 1.0, ("2", "A"): 1.0}


def _rents(units: list[tuple[str, str, float]], total_yearly: float) -> dict[str, float]:
    """Rent per unit id (whole kroner, no vacancy or loss) for a stock costing ``total_yearly``."""
    frame = pd.DataFrame(
        {
            "unit_id": [u[0] for u in units],
            "size_class": [u[1] for u in units],
            "standard": ["A"] * len(units),
            "area_m2": [u[2] for u in units],
        }
    )
    t = tariff(frame, WEIGHTS, total_cost=total_yearly, rounding="krone")
    rents = dict(zip(t.per_unit["unit_id"], t.per_unit["tariff_rent_monthly"], strict=True))
    # the rents always add up to T = C / 12 exactly (rule 3)
    assert sum(rents.values()) == pytest.approx(total_yearly / 12, abs=1e-9)
    return rents


# C = 48 024 kr a year → T = 48 024 / 12 = 4 002 kr a month over 1 + 3 = 4 weighted m²:
# q = 4 002 / 4 = 1 000.5 kr per m²; exact rents 1 × 1 000.5 = 1 000.5 and 3 × 1 000.5 =
# 3 001.5. Rounded down: 1 000 + 3 001 = 4 001, one krone short; both dropped fractions are
# 0.5: a tie, so the unit first in the register gets the krone.
SMALL, LARGE = ("small", "1", 1.0), ("large", "2", 3.0)


def test_tie_goes_to_the_unit_first_in_the_register() -> None:
    assert _rents([SMALL, LARGE], 48_024) == {"small": 1_000 + 1, "large": 3_001}


def test_tie_follows_the_register_when_the_order_is_reversed() -> None:
    assert _rents([LARGE, SMALL], 48_024) == {"large": 3_001 + 1, "small": 1_000}


def test_without_a_tie_the_larger_fraction_wins_whatever_the_order() -> None:
    # C = 48 012 → T = 4 001 → q = 4 001 / 4 = 1 000.25: exact rents 1 000.25 and 3 000.75,
    # rounded down 4 000, one krone short: it goes to the larger fraction (0.75), not the first
    # unit in the register
    expected = {"small": 1_000, "large": 3_000 + 1}
    assert _rents([SMALL, LARGE], 48_012) == expected
    assert _rents([LARGE, SMALL], 48_012) == expected
