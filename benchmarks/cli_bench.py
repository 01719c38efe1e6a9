"""Whole-process benchmarks: start-up (``housingcalc --help``) and the scenario report
(``housingcalc run`` on the built-in example, writing HTML, Markdown and JSON).

Each is timed as a fresh process (median of N, after one untimed warm-up run), beside
``python -c pass`` with the same interpreter as the floor no command can go below. ``run`` and
``loan`` are timed interleaved with ``python -c pass`` and judged by their ratio to it (issue
12: ≤ 25× and ≤ 10×). With ``HOUSINGCALC_BENCH_BEFORE=DIR`` (a source tree of an earlier
version, e.g. ``git archive REF | tar -x -C DIR``) that version is timed in the same rounds.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
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


#: ``housingcalc loan`` as timed: a 30-year annuity, the 360-term schedule as a table
LOAN_ARGS = ["loan", "--amount", "2000000", "--rate", "5%", "--years", "30"]

#: Environment variable naming a source tree of an earlier version (e.g. ``git archive``d),
#: timed interleaved with this one: ``HOUSINGCALC_BENCH_BEFORE=/tmp/before``.
BEFORE_ENV = "HOUSINGCALC_BENCH_BEFORE"


def time_interleaved(
    commands: dict[str, tuple[list[str], dict[str, str] | None]], repeats: int, cwd: str
) -> dict[str, Measurement]:
    """Time several commands round-robin (a, b, c, a, b, c, …) after one warm-up run of each,
    so that a slow spell of the shared machine falls on all of them alike."""
    from benchlib import _children_cpu, child_env

    envs = {k: child_env(extra) for k, (_, extra) in commands.items()}
    for k, (argv, _) in commands.items():
        subprocess.run(argv, check=True, capture_output=True, env=envs[k], cwd=cwd)
    times: dict[str, list[float]] = {k: [] for k in commands}
    cpu: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(repeats):
        for k, (argv, _) in commands.items():
            c0 = _children_cpu()
            t0 = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True, env=envs[k], cwd=cwd)
            times[k].append(time.perf_counter() - t0)
            cpu[k].append(_children_cpu() - c0)
    return {k: Measurement(tuple(times[k]), None, "not measured", tuple(cpu[k])) for k in commands}


def scenario_report(repeats: int) -> list[Result]:
    """``housingcalc run`` on the built-in example (HTML+MD+JSON into a temp folder) and
    ``housingcalc loan``, interleaved with ``python -c pass``: the targets are ratios to it
    (issue 12 §7: run ≤ 25×, loan ≤ 10×), in wall time and in CPU time."""
    if importlib.util.find_spec("housingcalc.cli.run") is None:
        return [_skipped("housingcalc.cli.run does not exist in this checkout (issue 5)")]
    with tempfile.TemporaryDirectory(prefix="hc-bench-") as tmp:
        argv = [*housingcalc_exe(), "run", *run_args(Path(tmp))]
        probe = subprocess.run(argv, capture_output=True, text=True, cwd=tmp)
        if probe.returncode != 0:
            last = (probe.stderr.strip().splitlines() or ["(no output)"])[-1]
            return [_skipped(f"housingcalc run exited {probe.returncode}: {last}")]
    entry = [sys.executable, "-c", "from housingcalc.cli import main; main()"]
    with tempfile.TemporaryDirectory(prefix="hc-bench-") as tmp:
        commands: dict[str, tuple[list[str], dict[str, str] | None]] = {
            "pass": ([sys.executable, "-c", "pass"], None),
            "run": ([*housingcalc_exe(), "run", *run_args(Path(tmp))], None),
            "loan": ([*housingcalc_exe(), *LOAN_ARGS], None),
        }
        before = os.environ.get(BEFORE_ENV)
        if before:
            pp = {"PYTHONPATH": before}
            commands["run (before)"] = ([*entry, "run", *run_args(Path(tmp) / "b")], pp)
            commands["loan (before)"] = ([*entry, *LOAN_ARGS], pp)
        m = time_interleaved(commands, repeats, tmp)
        written = sorted(p.name for p in (Path(tmp) / "report").rglob("*") if p.is_file())
    base = m["pass"]

    def ratio_row(key: str, what: str, limit: float | None) -> Result:
        r = m[key].median_s / base.median_s
        cpu_r = (m[key].cpu_median_s or 0.0) / (base.cpu_median_s or 1.0)
        return Result(
            "scenario report",
            what,
            "1 process",
            m[key],
            ratio=r,
            target=f"≤ {limit:g}× python -c pass" if limit else "",
            met=(r <= limit) if limit else None,
            note=f"{r:.1f}× python -c pass (cpu {cpu_r:.1f}×)",
            extra={"files_written": written} if key == "run" else {},
        )

    rows = [
        Result("scenario report", "baseline: python -c pass (interleaved)", "1 process", base),
        ratio_row("run", "housingcalc run (built-in example → HTML+MD+JSON)", 25.0),
        ratio_row("loan", "housingcalc " + " ".join(LOAN_ARGS), 10.0),
    ]
    if before:
        rows.append(ratio_row("run (before)", f"before ({before}): housingcalc run", None))
        rows.append(ratio_row("loan (before)", f"before ({before}): housingcalc loan", None))
    return rows


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
