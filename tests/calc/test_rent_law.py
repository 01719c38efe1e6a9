"""Rent as husleieloven lets it move (§ 4-2 KPI once a year, § 4-3 prevailing rent).

Expected figures are hand arithmetic from the rule values (12 months between indexations,
KPI month = 1 month's notice + 2 months' publication lag before the new rent, prevailing rent
36 months after the last fixing at the earliest) and the published KPI changes in
``ssb/cpi_12_month_change.yaml`` (SSB: 1.3 % from Aug 2016 to Aug 2017).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from housingcalc.calc.rent_law import (
    LawTerms,
    law_terms,
    phase_in,
    phased_rent_sums,
    rent_path,
)
from housingcalc.calc.rent_to_own import run_rent_to_own
from housingcalc.cli import app
from housingcalc.errors import InputError, ScenarioError
from housingcalc.parameters import load_parameters
from tests.rent_to_own._helpers import raw_example, scenario

PS = load_parameters()
D = dt.date


def test_the_law_terms_are_read_from_the_dated_parameters() -> None:
    t = law_terms(PS, D(2025, 9, 1))
    assert t.index_every == 12  # § 4-2: once a year
    assert t.kpi_lag == 1 + 2  # one month's notice + SSB publishes ~10th of the next month
    assert t.prevailing_after == 30 + 6  # § 4-3: 2½ years unchanged + 6 months' notice


def test_no_published_kpi_indexes_by_the_assumption_on_each_anniversary() -> None:
    # 2030: no KPI in the series, so the scenario's 2.5 % applies, labelled as an assumption
    p = rent_path(PS, 10_000.0, D(2030, 1, 1), 30, indexation="cpi", cpi_assumption=0.025)
    assert p.rent[0] == p.rent[11] == 10_000.0  # flat for 12 months: once a year only
    assert p.rent[12] == pytest.approx(10_000 * 1.025)  # 10 250
    assert p.rent[24] == pytest.approx(10_000 * 1.025 * 1.025)  # 10 506.25
    assert [(s.month, s.kind) for s in p.steps] == [(12, "assumption"), (24, "assumption")]


def test_published_kpi_is_used_for_its_own_month() -> None:
    # contract from Nov 2016: the Nov 2017 indexation uses the Aug 2017 index (3 months back),
    # published 12-month change 1.3 % (SSB release 11 Sep 2017)
    p = rent_path(PS, 10_000.0, D(2016, 11, 1), 25, indexation="cpi", cpi_assumption=0.02)
    first, second = p.steps
    assert first.kind == "kpi" and first.kpi_months == (D(2017, 8, 1),)
    assert p.rent[12] == pytest.approx(10_000 * 1.013)  # 10 130
    # Aug 2018 is not in the series: the 2 % assumption, never a neighbouring month's value
    assert second.kind == "assumption"
    assert p.rent[24] == pytest.approx(10_000 * 1.013 * 1.02)  # 10 332.60


def test_a_missing_month_is_never_filled_from_the_month_before() -> None:
    # Dec 2017 contract → Dec 2018 indexation uses Sep 2018: the series holds Sep 2017 (1.6 %),
    # whose value a plain lookup would carry forward; the path must use the assumption (2.5 %)
    assert PS.number("ssb.cpi_12_month_change", "2018-09-01") == 0.016  # what a lookup gives
    p = rent_path(PS, 10_000.0, D(2017, 12, 1), 13, indexation="cpi", cpi_assumption=0.025)
    assert p.steps[0].kind == "assumption"
    assert p.rent[12] == pytest.approx(10_250.0)


def test_prevailing_rent_replaces_the_indexation_and_restarts_the_year() -> None:
    p = rent_path(
        PS,
        10_000.0,
        D(2030, 1, 1),
        49,
        indexation="cpi",
        cpi_assumption=0.025,
        prevailing_rent=12_000.0,
        prevailing_from=D(2033, 1, 1),  # 36 months: the earliest § 4-3 allows
    )
    assert p.rent[35] == pytest.approx(10_506.25)  # 10 000 · 1.025²
    assert p.rent[36] == 12_000.0  # the prevailing rent, not 10 506.25 · 1.025
    assert p.rent[48] == pytest.approx(12_000 * 1.025)  # 12 300: indexed a year later
    assert [s.kind for s in p.steps] == ["assumption", "assumption", "prevailing", "assumption"]
    assert p.steps[2].change == pytest.approx(12_000 / 10_506.25 - 1)


def test_prevailing_rent_too_early_is_refused_naming_field_value_and_rule() -> None:
    with pytest.raises(InputError) as e:
        rent_path(
            PS,
            10_000.0,
            D(2030, 1, 1),
            49,
            indexation="cpi",
            cpi_assumption=0.025,
            prevailing_rent=12_000.0,
            prevailing_from=D(2032, 12, 1),  # 35 months
        )
    msg = str(e.value)
    assert msg.startswith("rent.prevailing_from = '2032-12': husleieloven § 4-3")
    assert "§ 4-3" in msg and "2033-01" in msg and "\n" not in msg


def test_the_scenario_check_refuses_an_early_prevailing_date() -> None:
    s = scenario(rent__prevailing_rent_month=12_500, rent__prevailing_from="2028-08")
    with pytest.raises(
        ScenarioError, match=r"rent\.prevailing_from = '2028-08': husleieloven § 4-3"
    ):
        run_rent_to_own(s, PS, sensitivity=False)


def test_run_cli_rejects_an_early_prevailing_date_with_one_line(tmp_path: Path) -> None:
    raw = raw_example()
    raw["rent"].update({"prevailing_rent_month": 12_500, "prevailing_from": "2027-09"})
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    before = path.read_bytes()
    res = CliRunner().invoke(app, ["validate", str(path)])
    assert res.exit_code == 2
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "rent.prevailing_from = '2027-09'" in lines[0]
    assert "§ 4-3" in lines[0] and "Traceback" not in res.output
    assert path.read_bytes() == before


def test_prevailing_fields_come_together() -> None:
    with pytest.raises(ValueError, match="give both or neither"):
        scenario(rent__prevailing_rent_month=12_500)


def test_built_in_example_rent_is_unchanged_and_its_steps_are_in_the_run_json(
    tmp_path: Path,
) -> None:
    # move-in Sep 2025: the anniversaries use KPI months Jun 2026, Jun 2027 …, none of them in
    # the packaged series, so every step is the 2.5 % assumption, as the path was before
    r = run_rent_to_own(scenario(), PS, sensitivity=False)
    rent0 = r.rent_now
    assert r.timeline.rent[12] == pytest.approx(rent0 * 1.025)  # Sep 2026 (still renting)
    assert r.rent_steps[0].date == D(2026, 9, 1) and r.rent_steps[0].kind == "assumption"
    res = CliRunner().invoke(app, ["run", "--format", "json", "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    (out,) = (tmp_path / "o").rglob("*.json")
    data = json.loads(out.read_text("utf-8"))
    steps = data["rent_path"]["steps"]
    assert steps[0]["date"] == "2026-09-01" and steps[0]["kind"] == "assumption"
    assert steps[0]["rent_month"] == pytest.approx(round(rent0 * 1.025, 2))


def test_a_prevailing_rent_moves_the_tenant_path() -> None:
    s = scenario(rent__prevailing_rent_month=13_000, rent__prevailing_from="2028-09")
    r = run_rent_to_own(s, PS, sensitivity=False)
    kinds = [(st.date, st.kind) for st in r.rent_steps[:4]]
    assert kinds[2] == (D(2028, 9, 1), "prevailing")
    # the rent-only comparison path (renting on) carries it: month 36 (Sep 2028) costs the
    # prevailing 13 000 + electricity 1 300 indexed on three anniversaries (1 300 · 1.025³)
    assert r.timeline.rent_only_housing_cost[36] == pytest.approx(13_000 + 1_300 * 1.025**3)


# -- the portfolio phase-in ----------------------------------------------------------------------

TERMS = LawTerms(index_every=12, kpi_lag=3, prevailing_after=36)


def test_phase_in_by_hand() -> None:
    ph = phase_in(
        np.array([8_000.0, 12_000.0, 0.0, 7_000.0]),
        np.array([10_000.0, 10_000.0, 9_000.0, 10_000.0]),
        terms=TERMS,
        prevailing=np.array([np.nan, np.nan, np.nan, 9_500.0]),
        horizon=10,
    )
    # below the tariff: a § 4-3 step 36 months on, i.e. from projection year 4 (3 years)
    # above it: lowered from year 1 (0 years); vacant (no rent): let at the tariff (0 years)
    # capped by a prevailing rent of 9 500 < 10 000: never closes
    assert ph.step_year.tolist() == [4, 1, 1, 4]
    assert ph.level_after.tolist() == [10_000.0, 10_000.0, 9_000.0, 9_500.0]
    assert ph.years_to_close[:3].tolist() == [3.0, 0.0, 0.0]
    assert np.isnan(ph.years_to_close[3])
    s = ph.summary()
    assert s["units_below_tariff"] == 3  # 8 000, 0 and 7 000 are below their tariffs
    assert s["gap_monthly_total"] == 2_000 + 9_000 + 3_000
    assert s["units_never_closing"] == 1
    assert ph.by_years() == {"0": 2, "3": 1, "never": 1}


def test_phase_in_counts_time_since_the_last_fixing() -> None:
    # fixed 30 months before the valuation date: the step is 6 months on, so from year 2
    ph = phase_in(np.array([8_000.0]), np.array([10_000.0]), terms=TERMS, months_since_fixed=30.0)
    assert ph.step_year.tolist() == [2] and ph.years_to_close.tolist() == [1.0]


def test_phased_rent_sums_by_hand() -> None:
    ph = phase_in(
        np.array([8_000.0, 12_000.0, 0.0]),
        np.array([10_000.0, 10_000.0, 9_000.0]),
        terms=TERMS,
        horizon=5,
    )
    none_sold = phased_rent_sums(ph, np.array([], np.intp), np.zeros((0, 5)), 5)
    # years 1–3: 12 · (8 000 + 10 000 + 9 000) = 324 000; years 4–5: 12 · 29 000 = 348 000
    assert none_sold.tolist() == [324_000.0] * 3 + [348_000.0] * 2
    # unit 0 sold at the end of year 2: gone from year 3 on (its 96 000, then 120 000)
    before = np.array([[0, 0, 1, 1, 1]], np.float64)
    sold = phased_rent_sums(ph, np.array([0], np.intp), before, 5)
    assert sold.tolist() == [324_000.0, 324_000.0, 228_000.0, 228_000.0, 228_000.0]


def test_portfolio_project_shows_the_phase_in(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    scen = tmp_path / "p.yaml"
    text = (root / "scenarios" / "portfolio-example.yaml").read_text("utf-8")
    scen.write_text(text + "\nrent_law:\n  phase_in: true\n", "utf-8")
    reg = str(root / "scenarios" / "portfolio-example-register.csv")
    args = ["portfolio", "project", reg, "--scenario", str(scen), "--years", "5"]
    res = CliRunner().invoke(app, [*args, "--format", "json"])
    assert res.exit_code == 0, res.output
    ph = json.loads(res.stdout)["rent_phase_in"]
    assert sum(ph["units_by_years_to_close"].values()) == ph["units"] == 300
    assert ph["prevailing_after_months"] == 36
    table = CliRunner().invoke(app, args)
    assert "Rent phase-in to the tariff" in table.stdout
    # without rent_law the projection is as before: no phase-in
    example = str(root / "scenarios" / "portfolio-example.yaml")
    plain = CliRunner().invoke(
        app,
        ["portfolio", "project", reg, "--scenario", example, "--years", "5", "--format", "json"],
    )
    assert plain.exit_code == 0, plain.output
    assert json.loads(plain.stdout)["rent_phase_in"] is None


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.floats(0, 20_000),  # current rent
            st.floats(1, 20_000),  # tariff
            st.one_of(st.none(), st.floats(1, 20_000)),  # prevailing
            st.integers(0, 60),  # months since the last fixing
            st.integers(0, 8),  # sale year (0: kept)
        ),
        min_size=1,
        max_size=12,
    ),
)
def test_phased_sums_equal_a_unit_by_unit_year_by_year_reference(rows: list[tuple]) -> None:
    horizon = 8
    cur = np.array([r[0] for r in rows])
    tar = np.array([r[1] for r in rows])
    prev = np.array([np.nan if r[2] is None else r[2] for r in rows])
    since = np.array([float(r[3]) for r in rows])
    sale = np.array([r[4] for r in rows])
    ph = phase_in(cur, tar, terms=TERMS, months_since_fixed=since, prevailing=prev, horizon=horizon)
    # the law, unit by unit and year by year: the § 4-3 step takes effect 36 months after the
    # last fixing; year t covers months 12(t − 1) … 12t − 1 from the valuation date
    expected = np.zeros(horizon)
    for i in range(len(rows)):
        target = tar[i] if np.isnan(prev[i]) else min(tar[i], prev[i])
        step_month = max(36 - since[i], 0)
        for t in range(1, horizon + 1):
            if sale[i] and t > sale[i]:
                continue  # sold at the end of an earlier year
            if cur[i] >= tar[i] or cur[i] <= 0:
                level = tar[i]
            else:
                level = target if 12 * (t - 1) >= step_month else cur[i]
            expected[t - 1] += 12 * level
    sold = np.flatnonzero(sale > 0).astype(np.intp)
    before = (sale[sold][:, None] < np.arange(1, horizon + 1)[None, :]).astype(np.float64)
    got = phased_rent_sums(ph, sold, before, horizon)
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-6)
    assert (ph.level_after <= tar + 1e-9).all()
    never = (cur > 0) & (cur < tar) & ~np.isnan(prev) & (prev < tar)
    assert (np.isnan(ph.years_to_close) == never).all()
