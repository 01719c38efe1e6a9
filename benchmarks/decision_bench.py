"""Issue 12's speed target: one ``housingcalc solve`` within 4× one ``housingcalc run``.

Both are whole processes on the built-in example: ``run`` writing HTML, Markdown and JSON
(the report, with its sensitivity paths and the verdict), and ``solve --for TARGET`` in
September 2026 (a month whose stress test fails, so every search does its full work; the
interest-only target is asked in October 2026, where the stress test passes, so it scans).
The commands are timed interleaved (run, solve A, solve B, …, run, …) so a slow spell of the
shared machine falls on all of them; the ratio is of the medians, wall time and CPU time.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import Measurement, Result, _children_cpu, child_env
from cli_bench import housingcalc_exe

TARGETS = ("grant", "price", "savings", "income", "term", "interest-only")


def _commands(tmp: Path) -> dict[str, list[str]]:
    exe = housingcalc_exe()
    out = {"run": [*exe, "run", "--out", str(tmp / "report"), "--format", "html,md,json"]}
    for t in TARGETS:
        month = "2026-10" if t == "interest-only" else "2026-09"
        out[t] = [*exe, "solve", "--for", t, "--month", month, "--format", "json"]
    return out


def run(quick: bool, repeats: int) -> tuple[list[Result], dict[str, Any]]:
    n = 3 if quick else max(5, min(repeats, 7))
    env = child_env()
    with tempfile.TemporaryDirectory(prefix="hc-bench-") as tmp:
        commands = _commands(Path(tmp))
        for argv in commands.values():  # warm-up: __pycache__, OS file cache
            subprocess.run(argv, check=True, capture_output=True, env=env, cwd=tmp)
        times: dict[str, list[float]] = {k: [] for k in commands}
        cpu: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(n):
            for key, argv in commands.items():
                c0 = _children_cpu()
                t0 = time.perf_counter()
                subprocess.run(argv, check=True, capture_output=True, env=env, cwd=tmp)
                times[key].append(time.perf_counter() - t0)
                cpu[key].append(_children_cpu() - c0)
    base = Measurement(tuple(times["run"]), memory_method="-", cpu_times=tuple(cpu["run"]))
    results = [
        Result("decision", "housingcalc run (built-in example, HTML+MD+JSON)", "1 process", base)
    ]
    for t in TARGETS:
        m = Measurement(tuple(times[t]), memory_method="-", cpu_times=tuple(cpu[t]))
        ratio = m.median_s / base.median_s
        cpu_ratio = statistics.median(cpu[t]) / statistics.median(cpu["run"])
        results.append(
            Result(
                "decision",
                f"housingcalc solve --for {t}",
                "1 process",
                m,
                ratio=ratio,
                target="≤ 4× run",
                met=ratio <= 4.0,
                note=f"{ratio:.2f}× run (wall), {cpu_ratio:.2f}× (cpu)",
                extra={"ratio_cpu_solve_over_run": round(cpu_ratio, 3)},
            )
        )
    return results, {"decision_repeats": n}


if __name__ == "__main__":  # python benchmarks/decision_bench.py
    rs, _extra = run("--quick" in sys.argv, 5)
    for r in rs:
        print(f"{r.name:55s} {r.m.median_s:6.2f} s  cpu {r.m.cpu_median_s or 0:5.2f} s  {r.note}")
