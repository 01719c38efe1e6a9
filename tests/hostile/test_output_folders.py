"""Class 7: output paths. A path under a file or one that cannot be written is refused naming
the path the user gave (never the hidden staging folder); writing into a folder that holds an
earlier report says which files were replaced."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.hostile.conftest import Case, example_text

SCENARIO = "refugee-family-rent-to-own.yaml"
# /sys refuses new entries even to root, so this is unwritable whoever runs the tests
UNWRITABLE = Path("/sys/housingcalc-test-out")


def _scenario(case: Case) -> Path:
    return case.write("s.yaml", example_text(SCENARIO))


def test_run_out_under_a_file(case: Case) -> None:
    scenario = _scenario(case)
    target = scenario / "report"
    line = case.refused(["run", scenario, "-o", target, "-f", "md"], "--out", str(target))
    assert f"{scenario} is a file" in line and ".tmp" not in line


def test_run_out_is_a_file(case: Case) -> None:
    scenario = _scenario(case)
    case.refused(["run", scenario, "-o", scenario, "-f", "md"], "--out", "not a folder")


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="needs /sys (Linux)")
def test_run_out_unwritable_names_the_users_path(case: Case) -> None:
    line = case.refused(["run", _scenario(case), "-o", UNWRITABLE, "-f", "md"], str(UNWRITABLE))
    assert "cannot write there" in line and ".tmp" not in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_run_out_read_only_folder(case: Case) -> None:
    case.out.mkdir()
    case.out.chmod(0o555)
    try:
        line = case.refused(["run", _scenario(case), "-o", case.out, "-f", "md"], str(case.out))
        assert ".tmp" not in line
    finally:
        case.out.chmod(0o755)


def test_units_out_under_a_file_and_a_folder(case: Case) -> None:
    units = case.write("u.csv", "unit_id,area_m2,size_class,standard,yearly_cost\nA,50,2-rom,A,1\n")
    weights = case.write("w.csv", "size_class,standard,weight\n2-rom,A,1.0\n")
    args = ["rent", "tariff", units, "--weights", weights, "--units-out"]
    case.refused([*args, units / "x.csv"], "--units-out", f"{units} is a file")
    case.inputs.joinpath("folder").mkdir()
    case.refused([*args, case.inputs / "folder"], "--units-out", "is a folder")


def test_scenarios_new_under_a_file(case: Case) -> None:
    scenario = _scenario(case)
    case.refused(["scenarios", "new", scenario / "new.yaml"], "PATH", f"{scenario} is a file")


def test_portfolio_report_under_a_file(case: Case) -> None:
    register = case.write(
        "reg.csv",
        "unit_id,district,area_m2,acquired,acquisition_cost,book_value,market_value\n"
        "A-1,Sentrum,60,2014-03-01,2000000,1650000,2900000\n",
    )
    case.refused(
        ["portfolio", "report", register, "-o", register / "out", "-f", "json"],
        "--out",
        f"{register} is a file",
    )


def test_replacing_an_earlier_report_says_which_files(case: Case) -> None:
    scenario = _scenario(case)
    first = case.ok(["run", scenario, "-o", case.out, "-f", "md", "--lang", "en"])
    assert "replaced" not in first.stderr
    (case.out / "mine.txt").write_text("the user's own file", "utf-8")
    second = case.ok(["run", scenario, "-o", case.out, "-f", "md", "--lang", "en"])
    names = sorted(p.name for p in case.out.iterdir() if p.name != "mine.txt")
    assert f"note: replaced {len(names)} earlier file(s) in {case.out}: {', '.join(names)}" in (
        second.stderr
    )
    assert (case.out / "mine.txt").read_text("utf-8") == "the user's own file"
