"""Run every benchmark, print a table, write the same figures as JSON.

    python benchmarks/run.py [--json FILE] [--quick] [--repeats N] [--only SECTION ...]

Sections: schedules (loans), portfolio, cli (start-up and the scenario report). ``--quick``
uses small sizes for a smoke run (about a minute); the full run takes several minutes on
2 cores. See ``benchmarks/README.md`` and ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # so the sibling modules import when run from anywhere
    sys.path.insert(0, str(HERE))

from benchlib import MB, Measurement, Result, machine, self_maxrss_mb, speed_probe  # noqa: E402

SECTIONS = {
    "schedules": "loans_bench",
    "portfolio": "portfolio_bench",
    "registers": "register_bench",
    "cli": "cli_bench",
    "decision": "decision_bench",
    "workbook": "workbook_bench",
}


def fmt_seconds(s: float) -> str:
    if math.isnan(s):
        return "-"
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def spread_text(r: Result) -> str:
    lo, hi = r.m.spread
    if len(r.m.times) < 2 or math.isnan(lo):
        return "-"
    return f"{fmt_seconds(lo)} – {fmt_seconds(hi)}"


def ratio_text(r: Result) -> str:
    if r.ratio is None:
        return "-"
    cpu = r.extra.get("ratio_cpu_baseline_over_ours")
    return f"{r.ratio:,.1f}×" + ("" if cpu is None else f" (cpu {cpu:,.1f}×)")


def table(results: list[Result]) -> str:
    """A plain-text table (also valid Markdown)."""
    head = [
        "section",
        "what",
        "size",
        "median",
        "min – max",
        "cpu",
        "runs",
        "peak memory",
        "ratio",
        "target",
    ]
    rows = []
    for r in results:
        peak = "-" if r.m.peak_bytes is None else f"{r.m.peak_bytes / MB:,.0f} MB"
        if r.m.peak_bytes is not None and r.m.memory_method != "tracemalloc":
            peak += " (RSS)"
        target = r.target
        if r.met is not None:
            target += " ✓" if r.met else " ✗ missed"
        rows.append(
            [
                r.section,
                r.name,
                f"{r.size:,}" if isinstance(r.size, int) else str(r.size),
                fmt_seconds(r.m.median_s),
                spread_text(r),
                "-" if r.m.cpu_median_s is None else fmt_seconds(r.m.cpu_median_s),
                str(len(r.m.times)),
                peak,
                ratio_text(r),
                target or "-",
            ]
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(row) for row in rows]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--json", type=Path, default=HERE / "results" / "latest.json")
    p.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    p.add_argument("--repeats", type=int, default=None, help="timed runs per figure")
    p.add_argument("--only", nargs="+", choices=sorted(SECTIONS), default=sorted(SECTIONS))
    args = p.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 7)

    started = time.perf_counter()
    probe_start = speed_probe()
    results: list[Result] = []
    info: dict[str, Any] = {}
    failed: list[str] = []
    for section in [s for s in SECTIONS if s in args.only]:
        print(f"running {section} …", file=sys.stderr, flush=True)
        try:
            mod = importlib.import_module(SECTIONS[section])
            rs, extra = mod.run(args.quick, repeats)
        except Exception as exc:  # one broken section must not hide the others' figures
            traceback.print_exc()
            failed.append(section)
            why = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
            rs, extra = [Result(section, "FAILED", "-", Measurement((math.nan,)), note=why)], {}
        if args.quick and section != "cli":  # reduced sizes: size targets are not judged
            for r in rs:
                if not r.name.startswith("check:"):
                    r.met = None
        results += rs
        info[section] = extra

    probe_end = speed_probe()
    report = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", "benchmarks/run.py", *(argv or sys.argv[1:])]),
        "quick": args.quick,
        "repeats": repeats,
        "machine": machine(),
        "failed_sections": failed,
        "results": [r.as_dict() for r in results],
        "details": info,
        "benchmark_process_maxrss_mb": round(self_maxrss_mb()),
        "total_seconds": round(time.perf_counter() - started, 1),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "speed_probe": {"start": probe_start, "end": probe_end},
    }
    print(table(results))
    for section, extra in info.items():
        for key, value in extra.items():
            print(f"{section}.{key}: {json.dumps(value, ensure_ascii=False)}")
    m = report["machine"]
    print(
        f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, Python {m['python']}, "
        f"numpy {m['numpy_version']}, pandas {m['pandas_version']}; "
        f"load average {m['load_average_at_start'][0]} at start, "
        f"{report['load_average_at_end'][0]} at end; total {report['total_seconds']} s"
    )
    print(
        "speed probe (2 million pure-Python additions, median of 5): "
        f"{probe_start['median_s'] * 1000:.0f} ms at start, "
        f"{probe_end['median_s'] * 1000:.0f} ms at end"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {args.json}")
    if failed:
        print(f"failed sections: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
