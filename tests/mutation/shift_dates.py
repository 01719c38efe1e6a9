"""Mutation check: does the suite notice a dated lookup one year off?

For each packaged parameter series with more than one dated value, run the given tests in a
child pytest in which that series' effective dates are moved by one year forward and by one
year back (``tests/mutation/shift_plugin.py``), and report which shifts the tests **kill**
(some test fails) and which **survive** (every test passes: nothing pins that change date).
Not part of CI; see ``docs/testing-rules.md``.

    .venv/bin/python -m tests.mutation.shift_dates                 # every series, ±1 year
    .venv/bin/python -m tests.mutation.shift_dates --series tax.interest_deduction_rate
    .venv/bin/python -m tests.mutation.shift_dates --tests tests/household tests/calc

A series whose values never change between dates (a re-confirmation such as
``husbanken.startlan.max_term_years``: 30 → 30) cannot be told apart when shifted and is
reported as ``equivalent``; a series no code reads is killed only by data tests.
Exit code 1 when any non-equivalent shift survives.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: the tests that cross every dated series through the calc functions that read it
DEFAULT_TESTS = ["tests/dated_series"]


def dated_series() -> dict[str, bool]:
    """Every packaged series with more than one value → whether any value differs from the one
    before it (False: shifting it changes nothing a test could see)."""
    from housingcalc.parameters import load_parameters

    ps = load_parameters()
    out: dict[str, bool] = {}
    for name in ps.names():
        values = [v.value for v in ps.series_file(name).values]
        if len(values) > 1:
            out[name] = any(a != b for a, b in itertools.pairwise(values))
    return out


def run_one(name: str, years: int, tests: list[str]) -> tuple[bool, str, float]:
    """(killed, first failing test or '', seconds) for ``name`` shifted by ``years``."""
    # a wide terminal, so pytest's summary line keeps the assertion after the test id
    env = dict(os.environ, HOUSINGCALC_SHIFT=f"{name}:{years:+d}", COLUMNS="400")
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "tests.mutation.shift_plugin"]
    cmd += ["-p", "no:cacheprovider", "--no-header", "-o", "addopts=", *tests]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode == 5:  # no tests collected
        raise SystemExit(f"no tests collected from {' '.join(tests)}")
    if proc.returncode not in (0, 1):
        raise SystemExit(f"pytest failed to run ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    failed = ""
    for line in proc.stdout.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            # "FAILED test_id - assert 0.28 == 0.27 ± …": an assertion, or an exception's name
            # (a kill by an error, not by a wrong figure, is worth a look)
            test, _, why = line.partition(" - ")
            test = test.split(" ", 1)[1]
            failed = f"{test} ({why[:60]})" if why else test
            break
    return proc.returncode == 1, failed, seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--series", nargs="*", help="series names (default: every dated series)")
    ap.add_argument("--tests", nargs="*", default=DEFAULT_TESTS, help="pytest paths to run")
    ap.add_argument("--years", nargs="*", type=int, default=[1, -1], help="shifts (years)")
    args = ap.parse_args(argv)

    series = dated_series()
    names = args.series or sorted(series)
    unknown = [n for n in names if n not in series]
    if unknown:
        ap.error(f"not a packaged series with more than one value: {', '.join(unknown)}")

    survivors = []
    print(f"tests: {' '.join(args.tests)}")
    for name in names:
        if not series[name]:
            print(f"{name:48} equivalent (no value changes at its dates)")
            continue
        for years in args.years:
            killed, by, seconds = run_one(name, years, args.tests)
            verdict = f"killed by {by}" if killed else "SURVIVED"
            print(f"{name:48} {years:+d}y  {verdict}  ({seconds:.1f} s)", flush=True)
            if not killed:
                survivors.append(f"{name} {years:+d}y")
    print(
        f"\n{len(survivors)} surviving shift(s)"
        + (": " + ", ".join(survivors) if survivors else "")
    )
    return 1 if survivors else 0


if __name__ == "__main__":
    raise SystemExit(main())
