"""The verdict with reasons (calc/verdict.py): outcomes, reasons, thresholds as overridable
parameters, and the failing report's gap and ways out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from housingcalc.calc.rent_to_own import run_rent_to_own
from housingcalc.calc.verdict import POLICY, decide
from housingcalc.overrides import load_scenario_with
from housingcalc.parameters import load_parameters
from housingcalc.reports.household import produce_report
from tests.decision._cases import annuity, params

POLICY_DIR = Path(__file__).resolve().parents[2] / "housingcalc/parameters/data/housingcalc_policy"


def _run(sets: list[str], ps=None):  # type: ignore[no-untyped-def]
    ps = ps or params()
    s = load_scenario_with(None, sets).scenario
    r = run_rent_to_own(s, ps)
    return r, decide(r, ps)


@pytest.fixture(scope="module")
def example():  # type: ignore[no-untyped-def]
    return _run([])


def test_the_example_is_recommended_with_conditions(example) -> None:  # type: ignore[no-untyped-def]
    r, v = example
    assert v.outcome == "recommend_with_conditions"
    codes = [(x.code, x.weight) for x in v.reasons]
    assert codes == [
        ("stress_test_passes", "for"),
        ("margin_ok", "for"),  # 6 435 kr a month ≥ 3 000
        ("rate_headroom", "condition"),  # +2.6 pp < 3 pp
        ("no_job_short", "condition"),  # the family depends on the expected jobs
        ("municipality_loss", "condition"),  # keeping is worth 1.29 MNOK more than selling
    ]
    assert v.gap_month is None
    # the numbers quoted are the run's own
    assert v.reasons[1].numbers["margin"] == r.purchase.margin_first_year
    assert v.reasons[4].numbers["npv"] == r.municipality.npv_sell_vs_keep
    # the municipality's limit: −10 % of the price 2 700 000 = −270 000
    assert v.reasons[4].numbers["limit"] == pytest.approx(-270_000)


def test_thresholds_are_parameters_and_can_be_overridden(tmp_path: Path, example) -> None:  # type: ignore[no-untyped-def]
    # an office that accepts 2 pp of headroom and any loss on the sale: only the no-job
    # condition is left
    folder = tmp_path / "housingcalc_policy" / "verdict"
    folder.mkdir(parents=True)
    for name, value in (("rate_headroom_comfortable", 0.02), ("municipality_npv_loss_share", 1.0)):
        data = yaml.safe_load((POLICY_DIR / "verdict" / f"{name}.yaml").read_text("utf-8"))
        data["values"] = [{"effective": "2014-01-01", "value": value}]
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(data), "utf-8")
    ps = load_parameters(tmp_path)
    _r, v = _run([], ps)
    weights = {x.code: x.weight for x in v.reasons}
    assert weights["rate_headroom"] == "for" and weights["municipality_ok"] == "for"
    assert v.outcome == "recommend_with_conditions" and weights["no_job_short"] == "condition"
    # and every threshold was read from its parameter (so the report lists the source)
    assert set(POLICY.values()) <= {u.name for u in ps.used()}


def test_no_job_reason_only_where_it_applies() -> None:
    # the household already works at move-in: no wage starts after move-in, no such reason
    _r, v = _run(["household.income.2.start=2025-01", "household.income.3.start=2025-01"])
    assert not any(x.code.startswith("no_job") for x in v.reasons)
    assert v.outcome == "recommend_with_conditions"  # rates, municipality


def test_a_thin_margin_and_a_low_headroom(tmp_path: Path) -> None:
    folder = tmp_path / "housingcalc_policy" / "verdict"
    folder.mkdir(parents=True)
    for name, value in (("margin_comfortable", 10_000), ("rate_headroom_minimum", 0.05)):
        data = yaml.safe_load((POLICY_DIR / "verdict" / f"{name}.yaml").read_text("utf-8"))
        data["values"] = [{"effective": "2014-01-01", "value": value}]
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(data), "utf-8")
    _r, v = _run([], load_parameters(tmp_path))
    weights = {x.code: x.weight for x in v.reasons}
    assert weights["margin_thin"] == "condition"  # 6 435 < 10 000
    assert weights["rate_headroom"] == "against"  # 2.6 pp < 5 pp
    assert v.outcome == "not_advisable"


def test_not_yet_when_a_later_month_passes() -> None:
    _r, v = _run(["purchase.month=2026-09"])
    assert v.outcome == "not_yet"
    assert [x.code for x in v.reasons] == ["stress_test_fails", "passes_in"]
    assert v.reasons[1].numbers["month"] == "2026-10"


def test_not_advisable_states_the_gap_in_kroner_a_month() -> None:
    r, v = _run(["dwelling.price=3600000", "financing.establishment_grant.max=0"])
    assert r.status == "not_in_option" and v.outcome == "not_advisable"
    # by hand, each month of the option period: the start loan's annuity at the stress rate
    # over 30 years less what the household has for it; the verdict speaks of the smallest
    t = r.tests
    gaps = [
        annuity(float(t.start_loan[j]), float(t.stress_rate[j]), 30) - float(t.for_loan[j])
        for j in range(len(t.month))
    ]
    assert v.month == t.month[gaps.index(min(gaps))]
    assert v.gap_month == pytest.approx(min(gaps), abs=0.01)
    assert v.month > t.month[0]  # later than the first month allowed: the job has come
    assert v.reasons[0].code == "stress_test_fails" and v.reasons[0].weight == "against"


def test_the_failing_report_states_the_gap_and_the_ways_to_close_it() -> None:
    loaded = load_scenario_with(
        None, ["dwelling.price=3600000", "financing.establishment_grant.max=0"]
    )
    files = produce_report(
        loaded.scenario,
        params(),
        langs=("en", "nb"),
        formats=("md", "json"),
        stem="x",
        raw=loaded.raw,
    )
    data = json.loads(files["x.json"])
    verdict = data["verdict"]
    assert verdict["outcome"] == "not_advisable"
    assert verdict["reasons"][0]["code"] == "stress_test_fails"
    gap = verdict["gap_month"]
    assert gap > 0
    grant, price = verdict["ways"]
    assert grant["target"] == "grant" and price["target"] == "price"
    assert grant["set"][0].startswith("financing.establishment_grant.amount=")
    md = files["x.en.md"]
    assert "**Verdict: Not advisable**" in md
    nok = "NOK\u00a0"  # babel's currency format: a no-break space
    assert f"by {nok}{round(gap):,} a month at " in md
    assert f"an establishment grant of {nok}{round(grant['answer']):,}" in md
    assert f"or a price of {nok}{round(price['answer']):,}" in md
    nb = files["x.nb.md"]
    assert "**Vurdering: Frarådes**" in nb and "Dette ville lukke gapet i " in nb
    # the ways are solve's answers in the verdict's month: feeding them back passes
    assert grant["set"][-1] == f"purchase.month={verdict['month']}"


def test_the_passing_run_json_carries_the_verdict() -> None:
    loaded = load_scenario_with(None, [])
    files = produce_report(loaded.scenario, params(), formats=("json",), stem="x", raw=loaded.raw)
    v = json.loads(files["x.json"])["verdict"]
    assert v["outcome"] == "recommend_with_conditions"
    assert v["gap_month"] is None and v["ways"] == []
    assert {"code", "weight", "numbers"} == set(v["reasons"][0])
