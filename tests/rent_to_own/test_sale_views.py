"""The municipality's sale in the rent-to-own engine, recomputed independently with plain
loops from the built-in example's inputs (scenarios/refugee-family-rent-to-own.yaml), and the
sale figures added up.

Example inputs used below: sale in October 2026 (month 13 after move-in, September 2025) at
2 700 000; seller's costs 12 000; rent at move-in (3.5 % × 2 700 000 + 400 × 66 + 6 000) /
(0.97 × 0.99) / 12, indexed by CPI 2.5 % each anniversary, collected after 3 % vacancy and
1 % loss; FDV 400 kr/m² × 66 m² + administration 6 000 a year, indexed the same; Husbanken
loan 1 480 000 at 4.5 % nominal, 44 years left at move-in (annuity); rental grant 528 000
paid 1 Apr 2019, 3.3 % written down per full year; price growth 2.5 % a year compounded
monthly; discount 4 %/12 a month, flows at the end of each month; keep 20 years.
"""

from __future__ import annotations

import pytest

from housingcalc.calc.rent_to_own import MunicipalityView, run_rent_to_own
from tests.rent_to_own._helpers import params, scenario

P = 13  # October 2026, months after move-in
KEEP = 240
RENT0 = (0.035 * 2_700_000 + 400 * 66 + 6_000) / (0.97 * 0.99) / 12
OPEX0 = (400 * 66 + 6_000) / 12
R = 0.045 / 12
N = 44 * 12
PAYMENT = 1_480_000 * R / (1 - (1 + R) ** -N)


def _balance(after: int) -> float:
    # balance after `after` annuity payments (closed form)
    return 1_480_000 * (1 + R) ** after - PAYMENT * ((1 + R) ** after - 1) / R


def _grant_due(full_years: int) -> float:
    return 528_000 * max(0.0, 1 - 0.033 * full_years)


def _view(**changes: object) -> MunicipalityView:
    r = run_rent_to_own(scenario(**changes), params(), sensitivity=False)
    assert r.municipality is not None and r.purchase is not None
    assert r.purchase.index == P
    return r.municipality


def test_keep_versus_sell_recomputed_by_loop() -> None:
    m = _view()
    pv_flows = 0.0
    for i in range(1, KEEP + 1):
        t = P + i - 1  # the month of the flow, counted from move-in
        index = 1.025 ** (t // 12)
        flow = RENT0 * index * 0.97 * 0.99 - OPEX0 * index - PAYMENT
        pv_flows += flow / (1 + 0.04 / 12) ** i
    end = P + KEEP  # October 2046: 27 full years after the grant's payout in April 2019
    value_end = 2_700_000 * 1.025 ** (end / 12)
    cash_end = value_end - _balance(end) - _grant_due(27) - 12_000
    pv_keep = pv_flows + cash_end / (1 + 0.04 / 12) ** KEEP
    # the keep case nets the loan still owed and the grant not yet written down at the horizon
    assert m.loan_balance_at_horizon == pytest.approx(_balance(end), abs=1.0)
    assert m.grant_repayable_at_horizon == pytest.approx(_grant_due(27), abs=0.01)
    assert m.cash_at_horizon == pytest.approx(cash_end, abs=1.0)
    assert m.pv_keep == pytest.approx(pv_keep, abs=5.0)  # the engine's loan is to the øre
    # selling now: 2 700 000 − loan after 13 payments − grant after 7 full years − 12 000
    cash_now = 2_700_000 - _balance(P) - _grant_due(7) - 12_000
    assert m.net_cash == pytest.approx(cash_now, abs=1.0)
    assert m.npv_sell_vs_keep == pytest.approx(cash_now - pv_keep, abs=5.0)


def test_sell_with_a_replacement_recomputed_by_loop() -> None:
    m = _view(municipality__replacement_cost=2_700_000)
    growth_to_sale = 1.025 ** (P / 12)
    pv_repl = 0.0
    for i in range(1, KEEP + 1):
        index = 1.025 ** ((P + i - 1) // 12)
        pv_repl += (RENT0 * index * 0.97 * 0.99 - OPEX0 * index) / (1 + 0.04 / 12) ** i
    value_end = 2_700_000 * 1.025 ** ((P + KEEP) / 12)
    pv_repl += (value_end - 12_000) / (1 + 0.04 / 12) ** KEEP
    assert m.replacement_cost == pytest.approx(2_700_000 * growth_to_sale, abs=0.01)
    assert m.pv_replacement == pytest.approx(pv_repl, abs=1.0)
    assert m.pv_sell == pytest.approx(m.net_cash - m.replacement_cost + pv_repl, abs=1.0)
    assert m.npv_sell_vs_keep == pytest.approx(m.pv_sell - m.pv_keep, abs=1e-6)


def test_the_sale_adds_up() -> None:
    m = _view()
    # price = cash + loan + grant + costs = gain + book value + costs
    assert m.net_cash + m.husbanken_loan_repaid + m.grant_repaid + m.sale_costs == (
        pytest.approx(m.price, abs=0.01)
    )
    assert m.accounting_gain + m.book_value + m.sale_costs == pytest.approx(m.price, abs=0.01)
    assert m.grant_repaid + m.grant_written_down == pytest.approx(528_000, abs=0.01)
    assert m.pv_keep == pytest.approx(m.pv_keep_flows + m.pv_keep_sale, abs=0.01)
    # book value: 2 150 000 − (2 150 000 − 490 000 land) / (40 − 6.5 years held) × 13/12
    assert m.book_value == pytest.approx(2_150_000 - 1_660_000 / 33.5 * 13 / 12, abs=0.01)
    assert m.accounting_gain == pytest.approx(
        2_700_000 - 12_000 - (2_150_000 - 1_660_000 / 33.5 * 13 / 12), abs=0.01
    )


def test_depreciation_and_minimum_repayment_views() -> None:
    m = _view()
    dep = 1_660_000 / 33.5  # straight line over what is left of 40 years
    assert m.depreciation_yearly == pytest.approx(dep, abs=0.01)
    # kommuneloven § 14-18 (1): repayment at least debt × depreciation / depreciable book
    # value (land excluded, regjeringen.no letter of 31 Jan 2024 on § 14-18)
    depreciable = m.book_value - 490_000
    assert m.minimum_repayment_yearly == pytest.approx(_balance(P) * dep / depreciable, abs=0.01)
    # interest in the first year of keeping: payments less the fall in the balance
    interest = 12 * PAYMENT - (_balance(P) - _balance(P + 12))
    assert m.interest_first_year == pytest.approx(interest, abs=1.0)
    before_capital = sum(
        (RENT0 * 0.97 * 0.99 - OPEX0) * 1.025 ** ((P + i) // 12) for i in range(12)
    )
    assert m.operating_result_straight_line == pytest.approx(
        before_capital - interest - dep, abs=1.0
    )
    assert m.operating_result_minimum_repayment == pytest.approx(
        before_capital - interest - m.minimum_repayment_yearly, abs=1.0
    )
