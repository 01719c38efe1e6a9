"""Husbanken's grant for rental housing: the 2014–17 present-value model and its inverse, the
2018 and 2023 per-m² tables, municipality groups, write-down and repayment on sale."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from housingcalc.calc.grants import (
    completed_years,
    find_group,
    grant_repayable,
    per_m2,
    pv_model,
    pv_model_grant,
    pv_model_rent,
    repayable_on_sale,
    write_down,
    write_down_terms,
)
from housingcalc.calc.rent import cost_covering_rent
from housingcalc.errors import InputError, ParameterNotFound
from housingcalc.models.rent import PvGrantResult, PvRentResult
from housingcalc.parameters import load_parameters

PS = load_parameters()
D2016 = dt.date(2016, 5, 1)


def _pv_by_hand(net_yearly: float, r: float, years: int, m: int) -> float:
    """Σ_{t=1}^{m·H} (net/m) / (1 + r/m)^t, summed term by term."""
    i = r / m
    return sum((net_yearly / m) / (1 + i) ** t for t in range(1, years * m + 1))


# -- present-value model -----------------------------------------------------------------------


def test_pv_model_worked_example_monthly() -> None:
    # P = 2 000 000; rent 8 000 a month, vacancy 2 %, FDV 400 × 69 = 27 600 a year
    # net rent = 12 × 8 000 × 0.98 − 27 600 = 66 480 a year = 5 540 a month
    # PV at 3.5 %/12 over 480 months = 1 430 079.83; T = 2 000 000 − 1 430 079.83 = 569 920.17
    pv = _pv_by_hand(66_480, 0.035, 40, 12)
    assert pv == pytest.approx(1_430_079.83, abs=0.01)
    r = pv_model(
        PS,
        D2016,
        cost=2_000_000,
        rent_monthly=8_000,
        vacancy=0.02,
        area_m2=69,
        fdv_per_m2=400,
        target_return=0.035,
        horizon_years=40,
    )
    assert isinstance(r, PvGrantResult)
    assert r.net_rent_yearly == 66_480
    assert r.pv_net_rent == pytest.approx(pv, abs=0.005)
    assert r.grant == pytest.approx(2_000_000 - pv, abs=0.005)
    assert not r.capped and r.cap == 0.40
    assert any("not found" in n for n in r.notes)  # the user's r and H, said so


def test_pv_model_yearly_discounting() -> None:
    # yearly: PV = 66 480 × (1 − 1.035^−40) / 0.035 = 66 480 × 21.355 = 1 419 685.21
    pv = _pv_by_hand(66_480, 0.035, 40, 1)
    a = pv_model_grant(
        2_000_000,
        8_000,
        target_return=0.035,
        horizon_years=40,
        cap=0.4,
        vacancy=0.02,
        fdv_yearly=27_600,
        terms_per_year=1,
    )
    assert float(a.pv_net_rent) == pytest.approx(pv, rel=1e-12)
    assert pv == pytest.approx(1_419_685.21, abs=0.01)


def test_pv_model_cap_binds_at_40_percent() -> None:
    # rent 7 000: net 54 720 a year, PV 1 177 082.5; P − PV = 822 917 > 40 % × P = 800 000
    r = pv_model(
        PS,
        D2016,
        cost=2_000_000,
        rent_monthly=7_000,
        vacancy=0.02,
        area_m2=69,
        fdv_per_m2=400,
        target_return=0.035,
        horizon_years=40,
    )
    assert isinstance(r, PvGrantResult)
    assert r.uncapped_grant == pytest.approx(
        2_000_000 - _pv_by_hand(54_720, 0.035, 40, 12), abs=0.01
    )
    assert r.grant == 800_000 and r.capped


def test_pv_model_grant_is_never_negative() -> None:
    a = pv_model_grant(1_000_000, 20_000, target_return=0.03, horizon_years=30, cap=0.4)
    assert float(a.uncapped_grant) < 0 and float(a.grant) == 0


def test_pv_model_zero_target_return() -> None:
    # at r = 0 the PV is simply net × H: 66 480 × 40 = 2 659 200 > P → no grant
    a = pv_model_grant(
        2_000_000,
        8_000,
        target_return=0.0,
        horizon_years=40,
        cap=0.4,
        vacancy=0.02,
        fdv_yearly=27_600,
    )
    assert float(a.pv_net_rent) == pytest.approx(2_659_200)
    assert float(a.grant) == 0


def test_inverse_is_the_annuity_rent_on_cost_less_grant() -> None:
    # Drammen seed: P 2.0 MNOK, grant 0.74 MNOK. The rent that makes the grant cost-covering at
    # r = 3.5 %, H = 40 is the annuity rent on 1 260 000 + FDV: 7 181.13 a month.
    r = pv_model(
        PS,
        D2016,
        cost=2_000_000,
        grant=740_000,
        area_m2=69,
        fdv_per_m2=400,
        target_return=0.035,
        horizon_years=40,
    )
    assert isinstance(r, PvRentResult)
    annuity = cost_covering_rent(
        method="annuity",
        cost=2_000_000,
        grant=740_000,
        area_m2=69,
        fdv_per_m2=400,
        rate=0.035,
        life_years=40,
    )
    assert r.monthly_rent == annuity.monthly_rent == 7_181.13
    assert r.grant_share == pytest.approx(0.37) and not r.above_cap


@settings(max_examples=40, deadline=None)
@given(
    grant_share=st.floats(0, 0.4),
    r=st.floats(0, 0.08),
    h=st.integers(10, 50),
    v=st.floats(0, 0.1),
    m=st.sampled_from([1, 12]),
)
def test_inverse_round_trip(grant_share: float, r: float, h: int, v: float, m: int) -> None:
    cost = 2_500_000.0
    rent = pv_model_rent(
        cost,
        grant_share * cost,
        target_return=r,
        horizon_years=h,
        vacancy=v,
        fdv_yearly=30_000,
        terms_per_year=m,
    )
    back = pv_model_grant(
        cost,
        rent,
        target_return=r,
        horizon_years=h,
        cap=1.0,
        vacancy=v,
        fdv_yearly=30_000,
        terms_per_year=m,
    )
    assert float(back.grant) == pytest.approx(grant_share * cost, abs=1e-4)


@settings(max_examples=40, deadline=None)
@given(a=st.floats(0, 20_000), b=st.floats(0, 20_000))
def test_higher_rent_never_raises_the_grant(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    g = [
        float(
            pv_model_grant(
                2e6, x, target_return=0.04, horizon_years=30, cap=0.4, fdv_yearly=25_000
            ).grant
        )
        for x in (lo, hi)
    ]
    assert g[1] <= g[0] + 1e-6


def test_pv_model_refuses_2018_and_later() -> None:
    with pytest.raises(InputError, match="committed before 2018-01-01"):
        pv_model(
            PS,
            dt.date(2018, 1, 1),
            cost=2e6,
            rent_monthly=8_000,
            area_m2=69,
            fdv_per_m2=400,
            target_return=0.035,
            horizon_years=40,
        )


def test_pv_model_before_its_first_date_is_refused() -> None:
    with pytest.raises(ParameterNotFound, match="pv_model_cap"):
        pv_model(
            PS,
            dt.date(2012, 1, 1),
            cost=2e6,
            rent_monthly=8_000,
            area_m2=69,
            fdv_per_m2=400,
            target_return=0.035,
            horizon_years=40,
        )


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (
            {"grant": 2_500_000, "rent_monthly": None},
            r"grant = 2500000.0: must not exceed the cost",
        ),
        ({"rent_monthly": None}, r"give either the monthly rent"),
        ({"grant": 500_000}, r"give either the monthly rent"),
        ({"area_m2": -5}, r"area_m2 = -5.0: must be > 0"),
        ({"horizon_years": 0}, r"horizon_years = 0.0: must be > 0"),
        ({"target_return": -0.01}, r"target_return = -0.01"),
        ({"vacancy": 1.0}, r"vacancy = 1.0"),
    ],
)
def test_pv_model_bad_input(change: dict[str, object], match: str) -> None:
    args: dict[str, object] = {
        "cost": 2e6,
        "rent_monthly": 8_000.0,
        "area_m2": 69,
        "fdv_per_m2": 400,
        "target_return": 0.035,
        "horizon_years": 40,
    }
    with pytest.raises(InputError, match=match):
        pv_model(PS, D2016, **{**args, **change})  # type: ignore[arg-type]


# -- per-m² rule: 2018 and 2023 tables -------------------------------------------------------------

T2018 = dt.date(2018, 6, 1)
T2023 = dt.date(2023, 7, 1)


@pytest.mark.parametrize(
    ("municipality", "area", "group", "expected"),
    [
        ("Oslo", 69, "group_1", 17_200 * 69),  # 1 186 800
        ("Bærum", 69, "group_2", 14_500 * 69),  # 1 000 500
        ("Bergen", 95, "group_3", 10_500 * 80),  # 840 000: area capped at 80 m²
        ("Drammen", 69, "group_3", 10_500 * 69),  # 724 500
        ("Hamar", 50, "group_4", 8_200 * 50),  # 410 000
        ("Alta", 69, "other", 6_000 * 69),  # 414 000: not listed in 2018
    ],
)
def test_2018_table(municipality: str, area: float, group: str, expected: float) -> None:
    r = per_m2(PS, T2018, area_m2=area, municipality=municipality)
    assert r.table_effective == dt.date(2018, 1, 1)
    assert r.group.group_id == group
    assert r.grant == expected


@pytest.mark.parametrize(
    ("municipality", "area", "group", "expected"),
    [
        ("Oslo", 69, "group_1", 21_200 * 69),  # 1 462 800
        ("Bærum", 69, "group_2", 17_000 * 69),  # 1 173 000
        ("Drammen", 69, "group_3", 12_700 * 69),  # 876 300 (43.8 % of 2.0 MNOK)
        ("Stavanger", 69, "group_4", 11_700 * 69),  # 807 300: moved up from group 3
        ("Hamar", 69, "group_5", 9_600 * 69),  # 662 400
        ("Vik", 120, "other", 8_500 * 80),  # 680 000 = the maximum in the default group
    ],
)
def test_2023_table(municipality: str, area: float, group: str, expected: float) -> None:
    r = per_m2(PS, T2023, area_m2=area, municipality=municipality)
    assert r.table_effective == dt.date(2023, 6, 16)
    assert r.group.group_id == group
    assert r.grant == expected
    assert r.max_grant == r.group.rate_per_m2 * 80


def test_table_changes_on_16_june_2023() -> None:
    # 2020 table (regjeringen.no id2683630): Drammen in group 3, 11 600 kr/m²;
    # 16 Jun 2023 table (Husbanken veileder § 9): group 3, 12 700 kr/m²
    before = per_m2(PS, dt.date(2023, 6, 15), area_m2=69, municipality="Drammen")
    after = per_m2(PS, dt.date(2023, 6, 16), area_m2=69, municipality="Drammen")
    assert (before.group.rate_per_m2, after.group.rate_per_m2) == (11_600, 12_700)


def test_table_changes_on_1_january_2020() -> None:
    # 2018 table (Husbanken): Oslo 17 200, Drammen (group 3) 10 500;
    # 2020 table (regjeringen.no id2683630, 30 Dec 2019): Oslo 18 800, Bærum 15 300, group 3 11 600
    for name, old, new in (("Oslo", 17_200, 18_800), ("Bærum", 14_500, 15_300)):
        before = per_m2(PS, dt.date(2019, 12, 31), area_m2=60, municipality=name)
        after = per_m2(PS, dt.date(2020, 1, 1), area_m2=60, municipality=name)
        assert (before.group.rate_per_m2, after.group.rate_per_m2) == (old, new)
    before = per_m2(PS, dt.date(2019, 12, 31), area_m2=69, municipality="Drammen")
    assert before.group.rate_per_m2 == 10_500
    assert any("UNDERSTATES" in n for n in before.notes)  # the 2018 table's own warning
    # an Oslo unit committed in 2020: 18 800 × 60 m² = 1 128 000
    assert per_m2(PS, dt.date(2020, 6, 1), area_m2=60, municipality="Oslo").grant == 1_128_000


def test_2020_groups_4_to_6_are_not_packaged_and_refused() -> None:
    # their rates were not in the stored source: no silent fallback to another table
    with pytest.raises(InputError, match="not packaged"):
        per_m2(PS, dt.date(2021, 3, 1), area_m2=60, municipality="Alta")


def test_per_m2_refuses_dates_before_2018() -> None:
    with pytest.raises(InputError, match="from 2018-01-01"):
        per_m2(PS, dt.date(2017, 12, 31), area_m2=69, municipality="Oslo")


def test_group_given_instead_of_municipality() -> None:
    r = per_m2(PS, T2023, area_m2=69, group="3")
    assert r.group.group_id == "group_3" and r.group.matched == "group" and r.grant == 876_300
    assert per_m2(PS, T2023, area_m2=69, group="other").grant == 8_500 * 69


# -- municipality matching ----------------------------------------------------------------------

TABLE = PS.value("husbanken.rental_grant.group_rates", T2023)


@pytest.mark.parametrize("name", ["drammen", "  Drammen kommune ", "DRAMMEN"])
def test_names_match_without_case_or_kommune(name: str) -> None:
    assert find_group(TABLE, municipality=name).group_id == "group_3"


@pytest.mark.parametrize(
    ("name", "group"),
    [
        ("Baerum", "group_2"),
        ("Tromso", "group_3"),
        ("Aalesund", "group_5"),
        ("Tonsberg", "group_4"),
    ],
)
def test_ascii_spellings_match(name: str, group: str) -> None:
    assert find_group(TABLE, municipality=name).group_id == group


def test_unlisted_municipality_falls_in_the_default_group() -> None:
    g = find_group(TABLE, municipality="Lierne")
    assert g.group_id == "other" and g.matched == "default" and g.rate_per_m2 == 8_500


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [("Dramen", "Drammen"), ("Olso", "Oslo"), ("Trondhiem", "Trondheim"), ("Bergn", "Bergen")],
)
def test_misspelled_municipality_is_an_error(name: str, suggestion: str) -> None:
    with pytest.raises(InputError, match=f"close to '{suggestion}'"):
        find_group(TABLE, municipality=name)


def test_a_real_neighbour_name_is_confirmed_with_unlisted() -> None:
    # Kristiansund is a real municipality one letter from Kristiansand (group 5)
    with pytest.raises(InputError, match="--unlisted"):
        find_group(TABLE, municipality="Kristiansund")
    assert find_group(TABLE, municipality="Kristiansund", unlisted=True).group_id == "other"


def test_qualified_names_must_be_written_out() -> None:
    with pytest.raises(InputError, match="lists 'Nes \\(Akershus\\)'"):
        find_group(TABLE, municipality="Nes")
    assert find_group(TABLE, municipality="Nes (Akershus)").group_id == "group_5"


@pytest.mark.parametrize(
    ("name", "match"),
    [("", "is empty"), ("   ", "is empty"), ("3", "use --group"), ("Oslo!", "municipality name")],
)
def test_empty_or_non_names_are_errors(name: str, match: str) -> None:
    with pytest.raises(InputError, match=match):
        find_group(TABLE, municipality=name)


def test_unknown_group_lists_the_groups() -> None:
    with pytest.raises(
        InputError, match="groups: group_1, group_2, group_3, group_4, group_5, other"
    ):
        find_group(TABLE, group="group_9")
    with pytest.raises(InputError, match="either a municipality or a group"):
        find_group(TABLE, municipality="Oslo", group="1")


# -- write-down ----------------------------------------------------------------------------------


def test_completed_years_counts_anniversaries() -> None:
    assert int(completed_years("2014-09-15", "2019-09-14")) == 4
    assert int(completed_years("2014-09-15", "2019-09-15")) == 5
    # 29 Feb: the year completes on 1 Mar in a common year
    assert int(completed_years("2016-02-29", "2017-02-28")) == 0
    assert int(completed_years("2016-02-29", "2017-03-01")) == 1
    got = completed_years(
        np.array(["2018-01-01", "2020-06-30"]), np.array(["2025-01-01", "2025-06-29"])
    )
    assert got.tolist() == [7, 4]


def test_pre_2018_grant_five_percent_a_year() -> None:
    # 740 000 paid 15 Sep 2014, sold 1 Oct 2019: 5 full years × 5 % = 25 % written down
    # → 740 000 × 0.75 = 555 000 to repay
    r = write_down(
        PS,
        grant=740_000,
        committed=dt.date(2014, 6, 1),
        paid_out=dt.date(2014, 9, 15),
        sold=dt.date(2019, 10, 1),
    )
    assert r.terms.rule == "pre2018" and r.terms.rate == 0.05 and r.terms.period_years == 20
    assert r.sale is not None and r.sale.full_years == 5 and r.sale.repayable == 555_000
    assert [y.repayable for y in r.schedule][-2:] == [37_000, 0]  # year 19: 5 %; year 20: 0
    assert len(r.schedule) == 21


def test_small_pre_2018_grant_written_off_at_once() -> None:
    # below 40 000: nothing to repay, even on day one
    r = write_down(PS, grant=39_999, committed=dt.date(2016, 1, 1), sold=dt.date(2016, 1, 2))
    assert r.written_off_at_once and r.sale is not None and r.sale.repayable == 0
    r = write_down(PS, grant=40_000, committed=dt.date(2016, 1, 1), sold=dt.date(2016, 1, 2))
    assert not r.written_off_at_once and r.sale is not None and r.sale.repayable == 40_000


def test_2018_grant_three_point_three_percent_over_30_years() -> None:
    # 876 300 (Drammen, 69 m², 2023 table); 7 full years: 876 300 × (1 − 0.231) = 673 874.70
    # 29 years: 876 300 × (1 − 0.957) = 37 680.90; 30 years: 0
    r = write_down(PS, grant=876_300, committed=dt.date(2023, 7, 1), sold=dt.date(2030, 7, 1))
    assert r.terms.rule == "2018" and r.terms.rate == 0.033 and r.terms.period_years == 30
    assert r.sale is not None and r.sale.repayable == 673_874.70
    assert r.schedule[29].repayable == 37_680.90 and r.schedule[30].repayable == 0
    # no small-grant rule from 2018
    assert (
        write_down(PS, grant=30_000, committed=dt.date(2019, 1, 1)).schedule[0].repayable == 30_000
    )


def test_rule_is_fixed_by_the_commitment_date() -> None:
    assert write_down_terms(PS, dt.date(2017, 12, 31)).rule == "pre2018"
    assert write_down_terms(PS, dt.date(2018, 1, 1)).rule == "2018"


def test_repayable_on_sale_vectorised() -> None:
    terms = write_down_terms(PS, dt.date(2019, 3, 1))
    got = repayable_on_sale(
        np.array([500_000.0, 800_000.0, 600_000.0]),
        np.array(["2019-03-01", "2020-01-15", "1990-01-01"], dtype="datetime64[D]"),
        np.array(["2029-03-01", "2029-03-01", "2029-03-01"], dtype="datetime64[D]"),
        terms,
    )
    # 10 years → 67 %; 9 years → 70.3 %; 39 years → 0
    assert got.tolist() == pytest.approx([335_000.0, 562_400.0, 0.0])


@settings(max_examples=40, deadline=None)
@given(
    grant=st.floats(0, 2e6),
    rate=st.sampled_from([0.05, 0.033]),
    k1=st.integers(0, 40),
    k2=st.integers(0, 40),
)
def test_repayable_non_increasing_and_zero_after_the_period(
    grant: float, rate: float, k1: int, k2: int
) -> None:
    period = round(1 / rate)
    lo, hi = sorted((k1, k2))
    a = float(grant_repayable(grant, lo, rate, period))
    b = float(grant_repayable(grant, hi, rate, period))
    assert 0 <= b <= a <= grant
    if hi >= period:
        assert b == 0


def test_write_down_bad_dates() -> None:
    with pytest.raises(InputError, match="sold = '2014-01-01': must not be before the payout"):
        write_down(PS, grant=1e5, committed=dt.date(2014, 6, 1), sold=dt.date(2014, 1, 1))
    with pytest.raises(
        InputError, match="paid_out = '2014-01-01': must not be before the commitment"
    ):
        write_down(PS, grant=1e5, committed=dt.date(2014, 6, 1), paid_out=dt.date(2014, 1, 1))
    with pytest.raises(InputError, match=r"years = -1.0: must be a whole number"):
        grant_repayable(1e5, -1, 0.05, 20)
