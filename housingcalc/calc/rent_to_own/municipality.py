"""The municipality's view of the sale: cash, loan and grant repaid, accounting gain, and the
present value of selling versus keeping (see the package docstring)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from housingcalc.models.scenario import Scenario
    from housingcalc.parameters import ParameterSet

from housingcalc.calc.rent_to_own.inputs import (
    _Inputs,
    _month_index,
    _monthly_growth,
    _months,
    _rent_law_path,
    _yearly_index,
)
from housingcalc.calc.rent_to_own.path import _loan_schedule, _Path
from housingcalc.calc.rent_to_own.results import MunicipalityView


def _book_value(s: Scenario, ps: ParameterSet, months_after_move_in: Any) -> Any:
    """Book value after ``months_after_move_in``: the move-in book value less straight-line
    depreciation of the building over what is left of ``accounting.depreciation_life_years``
    (land not depreciated) — the portfolio register's rule."""
    m = s.municipality
    life = ps.number("accounting.depreciation_life_years", s.move_in)
    held = _month_index(m.acquired.replace(day=1), s.move_in) / 12.0
    land = m.acquisition_cost * m.land_share
    remaining = max(life - held, 1.0)
    yearly = max(m.book_value - land, 0.0) / remaining if held < life else 0.0
    months = np.asarray(months_after_move_in, np.float64)
    return np.maximum(m.book_value - yearly * months / 12.0, min(land, m.book_value))


def _municipality(
    s: Scenario, ps: ParameterSet, inp: _Inputs, base: _Path
) -> MunicipalityView | None:
    """The municipality's view of the sale in the purchase month (see the module docstring).

    Keep: the unit is let on for ``keep_years`` at the same rent path (rent collected after
    vacancy and rent loss, less FDV and administration, less the Husbanken loan's payments),
    then sold at market value. Sell: the net cash now. Both are discounted monthly at
    ``discount_rate / 12`` (flows at the end of each month), so with zero price growth, a
    rent that exactly covers cost at that rate and no loan or grant, the two are equal.
    """
    if base.p is None or base.purchase is None:
        return None
    from housingcalc.calc.grants import repayable_on_sale, write_down_terms
    from housingcalc.calc.sale import sale_proceeds

    m = s.municipality
    p = base.p
    keep_years = m.keep_years or s.assumptions.horizon_years
    k_months = keep_years * 12
    end = p + k_months
    total = end + 1
    months = _months(s.move_in, total)
    cpi_index = _yearly_index(s.assumptions.cpi, total)
    rent = _rent_law_path(s, ps, float(inp.rent[0]), total).rent
    collected = rent * (1.0 - m.vacancy) * (1.0 - m.rent_loss)
    opex = (m.fdv_per_m2_year * s.dwelling.area_m2 + m.administration_year) / 12.0 * cpi_index

    # the Husbanken loan on the unit, from move-in; bal_at[t] = balance at the start of month t
    loan_pay = np.zeros(total)
    bal_at = np.zeros(total + 1)
    if m.husbanken_loan is not None and m.husbanken_loan.balance > 0:
        hl = m.husbanken_loan
        terms = max(1, round(hl.remaining_years * 12))
        i, r, f, bal = _loan_schedule(
            hl.balance,
            np.full(total, hl.rate),
            0,
            total,
            terms=terms,
            io_terms=0,
            kind="annuity",
            fee=0.0,
        )
        loan_pay = i + r + f
        bal_at = np.concatenate([[hl.balance], bal])

    # the rental grant still repayable on a sale now and at the end of the keep horizon
    grant_now = grant_end = 0.0
    g = m.rental_grant
    if g is not None and g.amount > 0:
        wd = write_down_terms(ps, g.committed or g.paid)
        due = np.asarray(repayable_on_sale(g.amount, g.paid, [months[p], months[end]], wd))
        grant_now, grant_end = float(due[0]), float(due[1])

    value = s.dwelling.price * _monthly_growth(s.assumptions.price_growth, total)
    book = _book_value(s, ps, [p, end])
    price = base.purchase.price
    now = sale_proceeds(price, float(bal_at[p]), grant_now, m.sale_costs, float(book[0]))
    later = sale_proceeds(
        float(value[end]), float(bal_at[end]), grant_end, m.sale_costs, float(book[1])
    )

    disc = np.power(1.0 + m.discount_rate / 12.0, -np.arange(1, k_months + 1, dtype=np.float64))
    flows = collected[p:end] - opex[p:end] - loan_pay[p:end]
    pv_flows = float((flows * disc).sum())
    pv_sale = float(later.cash) * float(disc[-1])
    pv_keep = pv_flows + pv_sale
    cash = float(now.cash)

    # sell and replace: an equivalent unit bought at the sale, let on the same terms (no
    # Husbanken loan or grant on it) and sold at the horizon at the same market value
    replacement = pv_repl = 0.0
    if m.replacement_cost is not None:
        g0 = _monthly_growth(s.assumptions.price_growth, total)
        replacement = float(m.replacement_cost * g0[p])
        repl_flows = collected[p:end] - opex[p:end]
        pv_repl = float((repl_flows * disc).sum()) + (float(value[end]) - m.sale_costs) * float(
            disc[-1]
        )
    pv_sell = cash - replacement + pv_repl

    # the operating account in the first year of keeping: depreciation or minimum repayment
    land = m.acquisition_cost * m.land_share
    book_p = float(book[0])
    dep = float(_book_value(s, ps, [p])[0] - _book_value(s, ps, [p + 12])[0])
    depreciable = max(book_p - min(land, book_p), 0.0)
    min_rep = float(bal_at[p]) * dep / depreciable if depreciable > 0 else 0.0
    interest_y = 0.0
    if m.husbanken_loan is not None and m.husbanken_loan.balance > 0:
        interest_y = float(
            (loan_pay[p : p + 12] - (bal_at[p : p + 12] - bal_at[p + 1 : p + 13])).sum()
        )
    before_capital = float((collected[p : p + 12] - opex[p : p + 12]).sum())
    return MunicipalityView(
        sale_month=months[p],
        price=price,
        sale_costs=float(now.costs),
        husbanken_loan_repaid=float(now.loan_repaid),
        grant_repaid=float(now.grant_repaid),
        grant_written_down=(g.amount - grant_now) if g is not None else 0.0,
        net_cash=cash,
        book_value=float(now.book_value),
        accounting_gain=float(now.gain),
        rent_given_up_yearly=float(collected[p : p + 12].sum()),
        rent_given_up_total=float(collected[p:end].sum()),
        keep_years=keep_years,
        discount_rate=m.discount_rate,
        pv_keep=pv_keep,
        pv_sell=pv_sell,
        npv_sell_vs_keep=pv_sell - pv_keep,
        establishment_grant_given=base.purchase.establishment_grant,
        value_at_horizon=float(value[end]),
        loan_balance_at_horizon=float(bal_at[end]),
        grant_repayable_at_horizon=grant_end,
        cash_at_horizon=float(later.cash),
        pv_keep_flows=pv_flows,
        pv_keep_sale=pv_sale,
        replacement_cost=replacement,
        pv_replacement=pv_repl,
        accounting_view=m.accounting_view,
        depreciation_yearly=dep,
        minimum_repayment_yearly=min_rep,
        interest_first_year=interest_y,
        operating_result_straight_line=before_capital - interest_y - dep,
        operating_result_minimum_repayment=before_capital - interest_y - min_rep,
    )
