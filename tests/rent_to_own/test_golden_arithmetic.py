"""The golden file's hand-checked figures, asserted as the hand arithmetic itself.

``tests/golden/refugee-family-rent-to-own.json`` claims (its ``review`` block) that its
headline figures were checked by hand. Here each of those figures is written as the arithmetic
from the scenario's inputs (``scenarios/refugee-family-rent-to-own.yaml``) and the published
rule values, with the source named, in the way PolicyEngine writes ``92.05 * 52``. The figures
are read from the golden file, so regenerating it with a figure that moved fails here until a
person re-checks the arithmetic; ``test_golden.py`` ties the file to the engine.

The figures the arithmetic does not cover stay under the file's ``review.unreviewed`` (see
``regenerate`` in ``test_golden.py``, tested below).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.rent_to_own.test_golden import GOLDEN, regenerate

GOLDEN_DATA: dict[str, Any] = json.loads(GOLDEN.read_text("utf-8"))
KF: dict[str, Any] = GOLDEN_DATA["key_figures"]

# -- the scenario's inputs (scenarios/refugee-family-rent-to-own.yaml) -------------------------
PRICE = 2_700_000
AREA = 66
CAPITAL_RATE = 0.035  # rent.cost_covering.capital_rate (market basis)
FDV_PER_M2 = 400
ADMINISTRATION = 6_000
VACANCY, RENT_LOSS = 0.03, 0.01
COMMON, FEES_YEAR, INSURANCE_YEAR, MAINTENANCE_YEAR = 2_900, 11_800, 3_600, 9_000
ELECTRICITY = 1_300
CPI = 0.025  # assumptions.cpi: year-2 costs are one year of CPI on
MARGIN = 0.0025  # financing.start_loan.municipal_margin
SALE_COSTS = 12_000

# -- published rule values ---------------------------------------------------------------------
DOCUMENT_DUTY = 0.025  # Skatteetaten: dokumentavgift 2.5 % (tax.document_duty_rate)
REGISTRATION_FEE = 545  # Kartverket: tinglysingsgebyr 545 kr from 1 Jan 2025
SETUP_FEE, TERM_FEE = 600, 30  # Husbanken startlån: etableringsgebyr, termingebyr
FLOATING = 0.0464  # husbanken.no/rente: 4.640 % nominal (monthly terms) from 1 Jul 2024
POLICY_RATE = 0.04  # Norges Bank: 4.0 % from 19 Sep 2025
STRESS_MARGIN = 0.025  # Husbanken veileder, rentestresstest: policy rate + 2.5 pp
INTEREST_DEDUCTION = 0.22  # Regjeringen, Skattesatser 2026: 22 % tax on ordinary income
GRANT_WRITE_DOWN = 0.033  # Husbanken: rental grants from 2018 written down 3.3 % a year
DEPRECIATION_YEARS = 40  # accounting.depreciation_life_years (municipal practice, 40 years)


def annuity(principal: float, annual_rate: float, months: int) -> float:
    """P · i / (1 − (1 + i)^−n), i = r/12."""
    i = annual_rate / 12
    return principal * i / (1 - (1 + i) ** -months)


# the start loan's rate: Husbanken's published nominal rate → effective, + the municipality's
# margin on the effective rate, → back to nominal for monthly terms (Husbanken, veileder for
# lån, "Beregning av renter": r_n = ((1 + r_e)^(1/12) − 1) · 12)
START_EFFECTIVE = (1 + FLOATING / 12) ** 12 - 1 + MARGIN
START_NOMINAL = ((1 + START_EFFECTIVE) ** (1 / 12) - 1) * 12
START_LOAN = 2_566_537.84  # the largest loan the stress test allows (checked below)
RUNNING_YEAR_2 = (COMMON + (FEES_YEAR + INSURANCE_YEAR + MAINTENANCE_YEAR) / 12) * (1 + CPI)
ELECTRICITY_YEAR_2 = ELECTRICITY * (1 + CPI)
FIRST_PAYMENT = annuity(START_LOAN, START_NOMINAL, 360) + TERM_FEE
FIRST_DEDUCTION = INTEREST_DEDUCTION * START_LOAN * START_NOMINAL / 12


def _husbanken_loan_after(months: int) -> float:
    """The municipality's Husbanken loan (1 480 000 at 4.5 %, 528 months left at move-in)
    after ``months`` payments, term by term with interest and payment rounded to the øre."""
    balance = 1_480_000.0
    payment = round(annuity(balance, 0.045, 528), 2)
    for _ in range(months):
        balance = round(balance + round(balance * 0.045 / 12, 2) - payment, 2)
    return balance


#: figure → (hand arithmetic, tolerance); tolerance ±1 kr for amounts built from rounded
#: intermediate figures, otherwise to the øre
HAND: dict[str, tuple[float, float]] = {
    # capital cost on market value + FDV + administration, grossed up for vacancy and loss
    "rent_now": (
        (CAPITAL_RATE * PRICE + FDV_PER_M2 * AREA + ADMINISTRATION)
        / ((1 - VACANCY) * (1 - RENT_LOSS))
        / 12,
        0.005,
    ),
    "electricity_now": (ELECTRICITY, 0.0),
    "monthly_cost_now": (
        (CAPITAL_RATE * PRICE + FDV_PER_M2 * AREA + ADMINISTRATION)
        / ((1 - VACANCY) * (1 - RENT_LOSS))
        / 12
        + ELECTRICITY,
        0.01,
    ),
    "price": (PRICE, 0.0),
    # document duty + deed and mortgage registered + Husbanken's set-up fee
    "buying_costs": (DOCUMENT_DUTY * PRICE + 2 * REGISTRATION_FEE + SETUP_FEE, 0.0),
    "stress_rate": (POLICY_RATE + STRESS_MARGIN, 1e-9),
    "start_loan_rate": (round(START_EFFECTIVE, 4), 1e-9),
    "establishment_grant": (
        PRICE + DOCUMENT_DUTY * PRICE + 2 * REGISTRATION_FEE + SETUP_FEE - START_LOAN,
        0.005,
    ),
    "loan_payment_after": (FIRST_PAYMENT, 0.01),
    "running_costs_after": (RUNNING_YEAR_2, 0.005),
    "interest_deduction_after": (FIRST_DEDUCTION, 0.01),
    "monthly_cost_after": (
        FIRST_PAYMENT + RUNNING_YEAR_2 + ELECTRICITY_YEAR_2 - FIRST_DEDUCTION,
        0.02,
    ),
    # sold 1 Oct 2026 (13 months after move-in): price − Husbanken loan after 13 payments −
    # the rental grant not yet written down (paid Apr 2019: 7 full years) − sale costs
    "municipality_net_cash": (
        PRICE - _husbanken_loan_after(13) - 528_000 * (1 - GRANT_WRITE_DOWN * 7) - SALE_COSTS,
        0.02,
    ),
    # book value: 2 150 000 at move-in less straight-line depreciation of the building
    # (cost − 20 % land = 2 450 000 − 490 000 already written down to 2 150 000 over 6.5 years
    # held; the rest over the 40 − 6.5 years left) for 13 months; gain net of sale costs
    "municipality_accounting_gain": (
        PRICE
        - (2_150_000 - (2_150_000 - 0.20 * 2_450_000) / (DEPRECIATION_YEARS - 6.5) * 13 / 12)
        - SALE_COSTS,
        0.005,
    ),
}


@pytest.mark.parametrize("name", sorted(HAND))
def test_golden_figure_is_the_hand_arithmetic(name: str) -> None:
    expected, tolerance = HAND[name]
    assert KF[name] == pytest.approx(expected, abs=tolerance), name


def test_the_start_loan_is_the_largest_the_stress_test_allows() -> None:
    # stress test Oct 2026 (review block): the smallest available income over the next 12
    # months, 22 611.43, less running costs and electricity in year 2, serviced at 6.5 % over
    # 30 years, carries the start loan (to within the øre-rounding of the payment: ±1 kr)
    room = 22_611.43 - round(RUNNING_YEAR_2, 2) - round(ELECTRICITY_YEAR_2, 2)
    i = (POLICY_RATE + STRESS_MARGIN) / 12
    assert KF["max_start_loan"] == pytest.approx(room * (1 - (1 + i) ** -360) / i, abs=1.0)
    assert KF["start_loan"] == KF["max_start_loan"] == START_LOAN


def test_no_hand_checked_figure_is_listed_as_unreviewed() -> None:
    unreviewed = GOLDEN_DATA["review"].get("unreviewed", {})
    assert not set(HAND) & set(unreviewed)


# -- regenerating drops the "reviewed" stamp for what it changed ----------------------------


def _file(figures: dict[str, Any], unreviewed: dict[str, Any] | None = None) -> dict[str, Any]:
    review: dict[str, Any] = {"reviewed": "2026-11-22, by hand", "checks": ["a = 1 + 1"]}
    if unreviewed:
        review["unreviewed"] = unreviewed
    return {"review": review, "scenario": "x.yaml", "key_figures": figures}


def _now(figures: dict[str, Any]) -> dict[str, Any]:
    return {"scenario": "x.yaml", "key_figures": figures}


def test_regenerating_lists_a_moved_figure_as_unreviewed_with_its_reviewed_value() -> None:
    old = _file({"rent_now": 11_012.18, "status": "buy_later", "months_to_purchase": 13})
    new = regenerate(
        old, _now({"rent_now": 11_112.18, "status": "buy_later", "months_to_purchase": 14})
    )
    assert new["review"]["unreviewed"] == {
        "months_to_purchase": {"reviewed": 13, "now": 14},
        "rent_now": {"reviewed": 11_012.18, "now": 11_112.18},
    }
    assert new["review"]["reviewed"] == old["review"]["reviewed"]  # stamp kept for the rest
    assert new["key_figures"]["rent_now"] == 11_112.18


def test_regenerating_within_tolerance_keeps_the_stamp() -> None:
    # amounts ±1 kr, rates ±1e-6 (test_golden.py): a figure inside them has not moved
    old = _file({"rent_now": 11_012.18, "stress_rate": 0.065})
    new = regenerate(old, _now({"rent_now": 11_012.90, "stress_rate": 0.0650000004}))
    assert "unreviewed" not in new["review"]


def test_regenerating_lists_new_figures_and_forgets_removed_ones() -> None:
    old = _file({"a_amount": 1.0, "gone": 2.0}, {"gone": {"reviewed": 1.0, "now": 2.0}})
    new = regenerate(old, _now({"a_amount": 1.0, "added": 5.0}))
    assert new["review"]["unreviewed"] == {"added": {"reviewed": None, "now": 5.0}}


def test_a_figure_stays_unreviewed_until_a_person_removes_it() -> None:
    # moved once (100 → 200), regenerated again (200 → 300), then back to 100: still listed,
    # against the value that was last reviewed
    old = _file({"x_amount": 200.0}, {"x_amount": {"reviewed": 100.0, "now": 200.0}})
    for value in (300.0, 100.0):
        old = regenerate(old, _now({"x_amount": value}))
        assert old["review"]["unreviewed"] == {"x_amount": {"reviewed": 100.0, "now": value}}
