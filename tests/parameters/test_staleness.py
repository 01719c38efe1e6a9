"""Series cadence and staleness: a value read past the date a newer one normally applies."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from housingcalc.cli import app
from housingcalc.parameters import load_parameters

D = dt.date


TODAY = dt.date(2026, 12, 1)


def _stale(name: str, at: str, as_of: dt.date = TODAY) -> list[str]:
    ps = load_parameters(as_of=as_of)
    ps.get(name, at)
    return [v.series for v in ps.stale()]


def test_g_is_stale_from_1_may_2026() -> None:
    # G 130 160 from 1 May 2025 (nav/grunnbelop.yaml); G is set yearly from 1 May
    assert _stale("nav.grunnbelop", "2026-04-30") == []
    assert _stale("nav.grunnbelop", "2026-05-01") == ["nav.grunnbelop"]
    # the 2024 G read in April 2025 has a known successor: never stale
    assert _stale("nav.grunnbelop", "2025-04-30") == []


def test_policy_rate_stale_two_months_after_the_last_checked_meeting() -> None:
    # checked through the 18 Dec 2025 meeting (hold at 4 %); meetings about every 6 weeks
    assert _stale("norges_bank.policy_rate", "2026-02-17") == []
    assert _stale("norges_bank.policy_rate", "2026-02-18") == ["norges_bank.policy_rate"]


def test_a_projection_is_judged_as_at_today() -> None:
    # reading G in 2030 (a projection) is stale only if a new G should exist by today
    assert _stale("nav.grunnbelop", "2030-01-01", as_of=D(2026, 3, 1)) == []
    assert _stale("nav.grunnbelop", "2030-01-01", as_of=D(2026, 5, 1)) == ["nav.grunnbelop"]


def test_irregular_series_are_never_stale() -> None:
    assert _stale("tax.document_duty_rate", "2026-12-01") == []


def test_stale_entry_fields() -> None:
    ps = load_parameters(as_of=D(2026, 12, 1))
    ps.get("nav.grunnbelop", "2026-06-01")
    (s,) = ps.stale()
    assert s.as_dict() == {
        "series": "nav.grunnbelop",
        "value": 130160,
        "unit": "NOK/year",
        "in_force_since": "2025-05-01",
        "expected_update": "2026-05-01",
        "cadence": "yearly on 1 May",
    }
    assert [v.stale for v in ps.used()] == [True]


def test_whole_series_read_checks_only_its_latest_value() -> None:
    ps = load_parameters(as_of=D(2025, 6, 1))
    ps.series("nav.grunnbelop")
    assert ps.stale() == []
    ps = load_parameters(as_of=D(2026, 6, 1))
    ps.series("nav.grunnbelop")
    assert [v.series for v in ps.stale()] == ["nav.grunnbelop"]


def test_every_packaged_series_declares_cadence_and_range() -> None:
    ps = load_parameters()
    for name in ps.names():
        f = ps.series_file(name)
        assert f.cadence is not None, name
        assert f.range is not None or f.unit == "table", name


def test_params_check_lists_every_series_with_its_state() -> None:
    r = CliRunner().invoke(app, ["params", "check", "--at", "2026-12-01", "-f", "json"])
    assert r.exit_code == 0
    rows = {x["name"]: x for x in json.loads(r.stdout)["series"]}
    assert rows["nav.grunnbelop"]["stale"] is True
    assert rows["nav.grunnbelop"]["expected_update"] == "2026-05-01"
    assert rows["tax.bracket_tax"]["stale"] is False  # 2026 brackets packaged
    r = CliRunner().invoke(app, ["params", "check", "--at", "2026-04-01", "-f", "json"])
    rows = {x["name"]: x for x in json.loads(r.stdout)["series"]}
    assert rows["nav.grunnbelop"]["stale"] is False


def test_params_show_flags_g_at_2026_06_01() -> None:
    r = CliRunner().invoke(app, ["params", "show", "grunnbelop", "--at", "2026-06-01"])
    assert r.exit_code == 0
    assert "STALE" in r.stdout and "2026-05-01" in r.stdout


def test_cli_json_carries_stale_and_stderr_has_one_line_per_series() -> None:
    r = CliRunner().invoke(
        app,
        [
            "grant",
            "per-m2",
            "--area",
            "60",
            "--municipality",
            "Oslo",
            "--at",
            "2020-06-01",
            "-f",
            "json",
        ],
    )
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["stale"] == []  # the rental-grant tables are irregular
    assert data["grant"] == 18_800 * 60  # 2020 table, Oslo (regjeringen.no id2683630)


def test_run_json_carries_the_stale_list_and_warns(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["run", "--format", "json", "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.stderr
    (out,) = (tmp_path / "o").glob("*.json")
    stale = {s["series"]: s for s in json.loads(out.read_text("utf-8"))["stale"]}
    assert "husbanken.rates.floating" in stale
    assert stale["husbanken.rates.floating"]["in_force_since"] == "2024-07-01"
    warnings = [x for x in r.stderr.splitlines() if x.startswith("warning: ")]
    assert len(warnings) == len({w.split(":")[1] for w in warnings})  # one line per series
    assert any("husbanken.rates.floating" in w for w in warnings)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_report_shows_stale_beside_the_sources(tmp_path: Path, fmt: str) -> None:
    r = CliRunner().invoke(
        app, ["run", "--format", fmt, "--lang", "en", "--out", str(tmp_path / "o")]
    )
    assert r.exit_code == 0, r.stderr
    (out,) = (tmp_path / "o").glob(f"*.{fmt}")
    text = out.read_text("utf-8")
    assert "Probably out of date: a newer value normally applies from" in text
