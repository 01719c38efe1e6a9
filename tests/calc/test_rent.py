"""Cost-covering rent of a dwelling: each capital-cost method on a worked example, the gross-up,
rates from the dated bond series, invariants (Hypothesis) and bad input."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from housingcalc.calc.loans import annuity_payment
from housingcalc.calc.rent import (
    annuity_factor,
    capital_basis,
    capital_cost,
    cost_covering_rent,
    cost_covering_rents,
    gross_up,
    reference_rate,
)
from housingcalc.errors import InputError
from housingcalc.parameters import load_parameters

PS = load_parameters()

# The Drammen 2014 seed unit: 2.0 MNOK, grant 0.74 MNOK, 69 m², FDV 400 kr/m², 3.5 %.
COST, GRANT, AREA, FDV, RATE = 2_000_000.0, 740_000.0, 69.0, 400.0, 0.035


def _annuity_by_hand(principal: float, rate: float, years: int, m: int) -> float:
    """Level payment per term, the textbook way: P · i / (1 − (1 + i)^−n)."""
    i = rate / m
    n = years * m
    return principal * i / (1 - (1 + i) ** -n)


# -- the three methods on the Drammen seed unit ------------------------------------------------


def test_annuity_drammen_seed_unit_monthly_terms() -> None:
    # net investment 2 000 000 − 740 000 = 1 260 000; i = 0.035/12 = 0.0029166…, n = 480
    # payment = 1 260 000 · i / (1 − (1 + i)^−480) = 4 881.126 a month → 58 573.51 a year
    # FDV = 400 × 69 = 27 600; rent = (58 573.51 + 27 600) / 12 = 7 181.13 a month
    by_hand = 12 * _annuity_by_hand(1_260_000, 0.035, 40, 12)
    assert by_hand == pytest.approx(58_573.513, abs=0.001)
    r = cost_covering_rent(
        method="annuity",
        cost=COST,
        grant=GRANT,
        area_m2=AREA,
        fdv_per_m2=FDV,
        rate=RATE,
        life_years=40,
    )
    assert r.basis == "acquisition_net" and r.basis_value == 1_260_000
    assert r.components.capital_cost == pytest.approx(by_hand, abs=0.005)
    assert r.components.fdv == 27_600
    assert r.yearly_rent == pytest.approx(by_hand + 27_600, abs=0.005)
    assert r.monthly_rent == 7_181.13
    assert r.components_monthly.capital_cost == 4_881.13


def test_annuity_agrees_with_the_loan_engine_to_the_oere() -> None:
    # the loan engine rounds each payment to the øre: 4 881.13 a month
    engine = 12 * annuity_payment(1_260_000, 0.035, 480)
    ours = float(capital_cost("annuity", rate=0.035, basis_value=1_260_000, life_years=40))
    assert abs(engine - ours) <= 12 * 0.005


def test_annuity_yearly_terms() -> None:
    # one payment a year: 1 260 000 · 0.035 / (1 − 1.035^−40) = 59 002.38
    by_hand = 1_260_000 * 0.035 / (1 - 1.035**-40)
    got = capital_cost(
        "annuity", rate=0.035, basis_value=1_260_000, life_years=40, terms_per_year=1
    )
    assert float(got) == pytest.approx(by_hand, rel=1e-12)
    assert by_hand == pytest.approx(59_002.38, abs=0.01)


def test_return_on_net_acquisition_cost() -> None:
    # 3.5 % × 1 260 000 = 44 100; + FDV 27 600 = 71 700 a year = 5 975 a month
    r = cost_covering_rent(
        method="return", cost=COST, grant=GRANT, area_m2=AREA, fdv_per_m2=FDV, rate=RATE
    )
    assert r.components.capital_cost == 44_100
    assert r.monthly_rent == 5_975.00
    assert r.life_years is None and r.terms_per_year is None


@pytest.mark.parametrize(
    ("basis", "expected"),
    [
        ("acquisition_gross", 0.035 * 2_000_000),  # 70 000
        ("book", 0.035 * 1_700_000),  # 59 500
        ("book_net", 0.035 * (1_700_000 - 740_000)),  # 33 600
        ("market", 0.035 * 2_600_000),  # 91 000
        ("market_net", 0.035 * (2_600_000 - 740_000)),  # 65 100
    ],
)
def test_return_on_each_value_basis(basis: str, expected: float) -> None:
    got = capital_cost(
        "return",
        rate=0.035,
        basis=basis,
        cost=COST,
        grant=GRANT,
        book_value=1_700_000,
        market_value=2_600_000,
    )
    assert float(got) == pytest.approx(expected, abs=1e-6)


def test_beregningsutvalget_four_percent_of_market_value() -> None:
    # Bærum 2015 seed: 4 % × market value 2 600 000 = 104 000; the grant does not enter
    r = cost_covering_rent(
        method="beregningsutvalget",
        market_value=2_600_000,
        grant=GRANT,
        cost=COST,
        area_m2=AREA,
        fdv_per_m2=FDV,
        params=PS,
        at=dt.date(2024, 1, 1),
    )
    assert r.rate.rate == 0.04 and r.rate.origin == "parameter"
    assert r.components.capital_cost == 104_000
    assert r.basis == "market"
    assert any("does not reduce" in n for n in r.notes)
    assert any("seed (unverified)" in n for n in r.notes)  # the parameter's own warning
    assert r.sources[0].name == "beregningsutvalget.capital_rate"


def test_beregningsutvalget_refuses_a_given_rate() -> None:
    with pytest.raises(InputError, match=r"beregningsutvalget\.capital_rate"):
        cost_covering_rent(
            method="beregningsutvalget",
            market_value=2e6,
            area_m2=69,
            fdv_per_m2=400,
            rate=0.05,
            params=PS,
            at=dt.date(2024, 1, 1),
        )


def test_method_alias_return_on_value() -> None:
    a = capital_cost("return_on_value", rate=0.03, basis_value=1e6)
    assert float(a) == pytest.approx(30_000)


# -- gross-up ------------------------------------------------------------------------------------


def test_gross_up_collects_exactly_the_cost() -> None:
    # rent = 100 000 / (0.98 × 0.99) = 103 071.53; vacancy 2 % of it = 2 061.43;
    # rent loss 1 % of the billed rent after vacancy (101 010.10) = 1 010.10
    g = gross_up(100_000, 0.02, 0.01)
    assert float(g.yearly_rent) == pytest.approx(100_000 / (0.98 * 0.99))
    assert float(g.vacancy_allowance) == pytest.approx(2_061.43, abs=0.005)
    assert float(g.rent_loss_allowance) == pytest.approx(1_010.10, abs=0.005)
    assert float(g.yearly_rent) * 0.98 * 0.99 == pytest.approx(100_000)
    assert float(g.yearly_rent) == pytest.approx(
        100_000 + float(g.vacancy_allowance) + float(g.rent_loss_allowance)
    )


def test_components_add_up_to_the_rent_to_the_oere() -> None:
    r = cost_covering_rent(
        method="annuity",
        cost=COST,
        grant=GRANT,
        area_m2=AREA,
        fdv_per_m2=FDV,
        rate=RATE,
        life_years=40,
        vacancy=0.02,
        rent_loss=0.01,
        admin_per_unit=1_500,
        admin_share=0.02,
    )
    for comp, rent in ((r.components, r.yearly_rent), (r.components_monthly, r.monthly_rent)):
        total = comp.cost + comp.vacancy_allowance + comp.rent_loss_allowance
        assert round(total, 2) == rent
        assert round(comp.capital_cost + comp.fdv + comp.admin, 2) == comp.cost
    # admin = 1 500 + 2 % × (58 573.51 + 27 600) = 1 500 + 1 723.47 = 3 223.47
    assert r.components.admin == pytest.approx(3_223.47, abs=0.01)
    assert r.collected_yearly == pytest.approx(r.components.cost, abs=0.02)


# -- rates from the dated bond series -------------------------------------------------------------


def test_drammen_2014_rate_is_3y_bond_plus_2pp() -> None:
    # Norges Bank 3-year annual average 2014 = 1.52 %; + 2.0 pp = 3.52 %
    build, rv = reference_rate(PS, "bond3y", 0.02, year=2014)
    assert build.rate == pytest.approx(0.0352, abs=1e-12)
    assert build.reference_yield == 0.0152 and build.year == 2014
    assert rv.effective == dt.date(2014, 1, 1)


def test_10y_bond_2014_gives_4_52_percent() -> None:
    build, _ = reference_rate(PS, "bond10y", 0.02, year=2014)
    assert build.rate == pytest.approx(0.0452, abs=1e-12)


def test_reference_year_not_in_the_series_is_refused() -> None:
    with pytest.raises(InputError, match="add the year with --params"):
        reference_rate(PS, "bond3y", 0.02, year=2024)
    with pytest.raises(InputError, match="annual averages for 2010"):
        reference_rate(PS, "bond3y", 0.02, year=2005)


def test_reference_without_year_uses_the_average_in_force_and_says_which() -> None:
    build, _ = reference_rate(PS, "bond3y", 0.02, at=dt.date(2016, 6, 1))
    assert build.year == 2016 and build.note is None
    stale, _ = reference_rate(PS, "bond3y", 0.02, at=dt.date(2024, 6, 1))
    assert stale.year == 2020 and stale.note is not None and "2020" in stale.note


def test_unknown_reference_series() -> None:
    with pytest.raises(InputError, match="bond3y, bond10y"):
        reference_rate(PS, "nibor", 0.02, year=2014)


def test_rent_built_on_reference_rate_lists_its_source() -> None:
    r = cost_covering_rent(
        method="annuity",
        cost=COST,
        grant=GRANT,
        area_m2=AREA,
        fdv_per_m2=FDV,
        rate_from="bond3y",
        margin=0.02,
        year=2014,
        life_years=40,
        params=PS,
    )
    assert r.rate.rate == pytest.approx(0.0352)
    assert [s.name for s in r.sources] == ["norges_bank.gov_bond_yield_3y"]


# -- zero rate, vectorisation ----------------------------------------------------------------------


def test_zero_rate_works() -> None:
    # annuity at 0 %: 1 260 000 / 40 = 31 500 a year; return at 0 %: nothing
    assert float(annuity_factor(0.0, 40)) == 1 / 40
    assert float(capital_cost("annuity", rate=0.0, basis_value=1_260_000, life_years=40)) == 31_500
    assert float(capital_cost("return", rate=0.0, basis_value=1_260_000)) == 0.0


def test_arrays_match_unit_by_unit() -> None:
    cost = np.array([2.0e6, 1.5e6, 3.1e6, 2.2e6])
    grant = np.array([740_000, 0, 1_000_000, 300_000])
    area = np.array([69, 40, 95, 71.5])
    arrays = cost_covering_rents(
        "annuity",
        rate=0.035,
        cost=cost,
        grant=grant,
        area_m2=area,
        fdv_per_m2=400,
        life_years=40,
        vacancy=0.02,
        rent_loss=0.01,
    )
    for i in range(4):
        one = cost_covering_rent(
            method="annuity",
            cost=cost[i],
            grant=grant[i],
            area_m2=area[i],
            fdv_per_m2=400,
            rate=0.035,
            life_years=40,
            vacancy=0.02,
            rent_loss=0.01,
        )
        assert round(float(arrays.yearly_rent[i]), 2) == one.yearly_rent


# -- invariants ----------------------------------------------------------------------------------

money = st.floats(100_000, 10_000_000)
rates = st.floats(0.0, 0.15)
methods = st.sampled_from(["annuity", "return"])


def _rent(method: str, **kw: float) -> float:
    args: dict[str, float] = {
        "rate": 0.035,
        "cost": 2e6,
        "grant": 0.0,
        "area_m2": 69,
        "fdv_per_m2": 400,
        "vacancy": 0.0,
        "rent_loss": 0.0,
    }
    args.update(kw)
    life = 40 if method == "annuity" else None
    return float(cost_covering_rents(method, life_years=life, **args).yearly_rent)


@settings(max_examples=40, deadline=None)
@given(method=methods, cost=money, share_a=st.floats(0, 1), share_b=st.floats(0, 1))
def test_more_grant_never_raises_rent(
    method: str, cost: float, share_a: float, share_b: float
) -> None:
    lo, hi = sorted((share_a * cost, share_b * cost))
    assert _rent(method, cost=cost, grant=hi) <= _rent(method, cost=cost, grant=lo) + 1e-6


@settings(max_examples=40, deadline=None)
@given(method=methods, a=rates, b=rates)
def test_higher_rate_never_lowers_rent(method: str, a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert _rent(method, rate=hi) >= _rent(method, rate=lo) - 1e-6


@settings(max_examples=40, deadline=None)
@given(method=methods, a=st.floats(0, 2_000), b=st.floats(0, 2_000))
def test_higher_fdv_never_lowers_rent(method: str, a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert _rent(method, fdv_per_m2=hi) >= _rent(method, fdv_per_m2=lo) - 1e-6


@settings(max_examples=40, deadline=None)
@given(method=methods, a=st.floats(0, 0.5), b=st.floats(0, 0.5), loss=st.floats(0, 0.3))
def test_higher_vacancy_or_loss_never_lowers_rent(
    method: str, a: float, b: float, loss: float
) -> None:
    lo, hi = sorted((a, b))
    assert (
        _rent(method, vacancy=hi, rent_loss=loss)
        >= _rent(method, vacancy=lo, rent_loss=loss) - 1e-6
    )
    assert (
        _rent(method, vacancy=loss, rent_loss=hi)
        >= _rent(method, vacancy=loss, rent_loss=lo) - 1e-6
    )


@settings(max_examples=40, deadline=None)
@given(method=methods, rate=rates, v=st.floats(0, 0.5), loss=st.floats(0, 0.3))
def test_rent_collected_equals_cost(method: str, rate: float, v: float, loss: float) -> None:
    a = cost_covering_rents(
        method,
        rate=rate,
        cost=2e6,
        grant=5e5,
        area_m2=69,
        fdv_per_m2=400,
        life_years=40 if method == "annuity" else None,
        vacancy=v,
        rent_loss=loss,
    )
    assert float(a.yearly_rent) * (1 - v) * (1 - loss) == pytest.approx(float(a.cost), rel=1e-12)
    assert float(a.monthly_rent) * 12 == pytest.approx(float(a.yearly_rent), rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    rate=st.just(0.0) | st.floats(1e-4, 0.2),  # the textbook form loses precision near 0
    life=st.integers(1, 100),
    m=st.sampled_from([1, 2, 4, 12]),
)
def test_annuity_factor_matches_the_textbook_formula(rate: float, life: int, m: int) -> None:
    expected = 1 / life if rate == 0 else m * _annuity_by_hand(1.0, rate, life, m)
    assert float(annuity_factor(rate, life, m)) == pytest.approx(expected, rel=1e-9)
    assert not math.isnan(float(annuity_factor(rate, life, m)))


# -- bad input -----------------------------------------------------------------------------------

BASE = {
    "method": "annuity",
    "cost": COST,
    "grant": GRANT,
    "area_m2": AREA,
    "fdv_per_m2": FDV,
    "rate": RATE,
    "life_years": 40,
}


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"area_m2": -5}, r"area_m2 = -5.0: must be > 0"),
        ({"area_m2": 0}, r"area_m2 = 0.0: must be > 0"),
        ({"grant": 2_500_000}, r"grant = 2500000: must not exceed the cost"),
        ({"life_years": 0}, r"life_years = 0.0: must be > 0"),
        ({"life_years": None}, r"life_years: needed for the annuity method"),
        ({"life_years": 40.3}, r"whole number of terms"),
        ({"vacancy": 1.0}, r"vacancy = 1.0: must be a fraction ≥ 0 and < 1"),
        ({"rate": -0.01}, r"rate = -0.01: must be a yearly rate"),
        ({"rate": None}, r"rate: give a rate"),
        ({"method": "straight_line"}, r"capital_method = 'straight_line': must be one of"),
        ({"basis": "replacement"}, r"basis = 'replacement': must be one of"),
        ({"basis": "book"}, r"book_value: needed for the value basis 'book'"),
        ({"fdv_per_m2": float("nan")}, r"fdv_per_m2 = nan: must be a finite number"),
        ({"rate_from": "bond3y", "margin": 0.02}, r"either a rate or a reference"),
        ({"terms_per_year": 3}, r"terms_per_year = 3: must be one of 1, 2, 4, 12"),
    ],
)
def test_bad_input_gives_a_clear_error(change: dict[str, object], match: str) -> None:
    with pytest.raises(InputError, match=match):
        cost_covering_rent(**{**BASE, **change}, params=PS)  # type: ignore[arg-type]


def test_life_is_refused_for_the_return_method() -> None:
    with pytest.raises(InputError, match="only used by the annuity method"):
        cost_covering_rent(**{**BASE, "method": "return"})  # type: ignore[arg-type]


def test_array_errors_name_the_unit_index() -> None:
    with pytest.raises(InputError, match=r"area_m2\[2\] = -1.0: must be > 0"):
        cost_covering_rents(
            "return", rate=0.03, cost=[1e6, 1e6, 1e6], area_m2=[50, 60, -1], fdv_per_m2=400
        )


def test_net_basis_cannot_go_negative() -> None:
    with pytest.raises(InputError, match="must not exceed book_value"):
        capital_basis("book_net", grant=800_000, book_value=500_000)
