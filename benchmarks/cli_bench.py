"""Whole-process benchmarks: start-up (``housingcalc --help``) and the scenario report
(``housingcalc run`` on the built-in example, writing HTML, Markdown and JSON).

Each is timed as a fresh process (median of N, after one untimed warm-up run), beside
``python -c pass`` with the same interpreter as the floor no command can go below.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchlib import Measurement, Result, time_process

ROOT = Path(__file__).resolve().parents[1]


def housingcalc_exe() -> list[str]:
    """The console script beside this interpreter, else ``python -m``-style entry."""
    exe = Path(sys.executable).with_name("housingcalc")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("housingcalc")
    if found:
        return [found]
    return [sys.executable, "-c", "from housingcalc.cli import main; main()"]


def startup(repeats: int) -> list[Result]:
    base = time_process([sys.executable, "-c", "pass"], repeats)
    imp = time_process([sys.executable, "-c", "import housingcalc.cli"], repeats)
    helped = time_process([*housingcalc_exe(), "--help"], repeats)
    return [
        Result("start-up", "baseline: python -c pass", "1 process", base),
        Result("start-up", "python -c 'import housingcalc.cli'", "1 process", imp),
        Result(
            "start-up",
            "housingcalc --help",
            "1 process",
            helped,
            ratio=None,
            target="< 0.3 s",
            met=helped.median_s < 0.3,
            note=f"{helped.median_s - base.median_s:.3f} s above the bare interpreter",
        ),
    ]


def scenario_report(repeats: int) -> list[Result]:
    """``housingcalc run`` on the built-in example, writing HTML+MD+JSON to a temp folder."""
    if importlib.util.find_spec("housingcalc.cli.run") is None:
        return [_skipped("housingcalc.cli.run does not exist in this checkout (issue 5)")]
    with tempfile.TemporaryDirectory(prefix="hc-bench-") as tmp:
        argv = [*housingcalc_exe(), "run", *run_args(Path(tmp))]
        probe = subprocess.run(argv, capture_output=True, text=True, cwd=tmp)
        if probe.returncode != 0:
            last = (probe.stderr.strip().splitlines() or ["(no output)"])[-1]
            return [_skipped(f"housingcalc run exited {probe.returncode}: {last}")]
    with tempfile.TemporaryDirectory(prefix="hc-bench-") as tmp:
        argv = [*housingcalc_exe(), "run", *run_args(Path(tmp))]
        base = time_process([sys.executable, "-c", "pass"], repeats)
        m = time_process(argv, repeats, cwd=tmp)
        written = sorted(p.name for p in Path(tmp).rglob("*") if p.is_file())
    return [
        Result("scenario report", "baseline: python -c pass", "1 process", base),
        Result(
            "scenario report",
            "housingcalc run (built-in example → HTML+MD+JSON)",
            "1 process",
            m,
            target="< 2 s",
            met=m.median_s < 2.0,
            extra={"files_written": written},
        ),
    ]


def _skipped(why: str) -> Result:
    return Result(
        "scenario report",
        "housingcalc run: skipped",
        "-",
        Measurement((float("nan"),)),
        target="< 2 s",
        note=why,
    )


def run_args(out: Path) -> list[str]:
    """Arguments for ``housingcalc run``: built-in example, all three formats, into ``out``."""
    return ["--out", str(out / "report"), "--format", "html,md,json"]


def run(quick: bool, repeats: int) -> tuple[list[Result], dict[str, Any]]:
    n = 5 if quick else max(repeats, 15)
    results = startup(n) + scenario_report(max(3, n // 3) if not quick else 3)
    return results, {"process_repeats": n}
