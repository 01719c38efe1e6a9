"""The risk rules (calc/risks.py): thresholds from the policy parameters, and each risk only
where it applies."""

from __future__ import annotations

from pathlib import Path

from housingcalc.calc.rent_to_own import run_rent_to_own
from housingcalc.calc.risks import in_introduction_programme, risks
from housingcalc.parameters import load_parameters
from housingcalc.scenarios import parse_scenario
from tests.rent_to_own._helpers import params, raw_example


def _codes(r: object) -> list[str]:
    return [x.code for x in r.risks]  # type: ignore[attr-defined]


def test_builtin_example_rate_risk_follows_the_policy_thresholds(tmp_path: Path) -> None:
    r = run_rent_to_own(parse_scenario(raw_example(), "t"), params())
    rates = next(x for x in r.risks if x.code == "rates")
    rise = r.purchase.breakeven_rate_rise  # type: ignore[union-attr]
    # the premise (the golden file holds the exact figure): between the two defaults
    assert rise is not None and 0.02 <= rise < 0.03
    # default thresholds: ok from 3 pp, watch from 1 pp → about 2.5 pp is "watch"
    assert rates.severity == "watch"
    # a municipality's own policy (override folder): ok from 2 pp → "ok"
    folder = tmp_path / "housingcalc_policy" / "verdict"
    folder.mkdir(parents=True)
    text = (
        Path(__file__).resolve().parents[2]
        / "housingcalc/parameters/data/housingcalc_policy/verdict/rate_headroom_comfortable.yaml"
    ).read_text("utf-8")
    assert "    value: 0.03" in text
    (folder / "rate_headroom_comfortable.yaml").write_text(
        text.replace("    value: 0.03", "    value: 0.02"), "utf-8"
    )
    own = load_parameters(tmp_path)
    again = next(x for x in risks(r, own) if x.code == "rates")
    assert again.severity == "ok"


def test_no_job_risk_only_for_households_in_the_programme() -> None:
    r = run_rent_to_own(parse_scenario(raw_example(), "t"), params())
    assert in_introduction_programme(r)
    assert "no_job" in _codes(r) and "no_job_after" in _codes(r)
    # the same family, already out of the programme, expecting a new job after move-in
    raw = raw_example()
    inc = raw["household"]["income"]
    raw["household"]["income"] = [
        {"kind": "wage", "adult": 0, "label": "current job", "monthly": 38_000},
        {"kind": "wage", "adult": 1, "label": "new job", "start": "2026-01", "monthly": 23_500},
        inc[-1],
    ]
    other = run_rent_to_own(parse_scenario(raw, "t"), params())
    assert other.sensitivity.no_job.dropped_streams == 1  # the engine still runs the case
    assert not in_introduction_programme(other)
    assert "no_job" not in _codes(other) and "no_job_after" not in _codes(other)
