"""Workbook benchmark (issue 16 §1): the portfolio workbook with its per-unit sheets at
115 000 synthetic units (the register of ``portfolio_bench``), against xlsxwriter writing the
same cells raw in the same run.

The analysis is run once here; the report and the per-unit frames are pickled, and each
measured write runs in a fresh child process that loads the pickle and then writes, timing
the write alone (wall and CPU) and reporting its peak resident memory (``ru_maxrss``: the
frames and report loaded count, as they do in ``housingcalc portfolio report``). Rounds are
interleaved (ours, raw, ours, raw, …) so a slow spell of the shared machine falls on both.

* **ours**: ``write_workbook(report, path, per_unit=frames)``, the whole workbook (every
  summary sheet, the Inputs sheet, the per-unit sheets with their formulas and cached values).
* **baseline, xlsxwriter raw**: the same per-unit frames written by xlsxwriter in
  constant-memory mode, ``write_row`` per row, one number format, no formulas, no other sheet:
  the least xlsxwriter itself needs for these cells.
* **before** (optional): with ``HOUSINGCALC_BENCH_BEFORE=DIR`` (a source tree of an earlier
  version, ``git archive REF | tar -x -C DIR``) that version's ``write_workbook`` on the same
  pickle, once (it took minutes).

``python benchmarks/workbook_bench.py --write PICKLE OUT ours|raw`` is the child.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# not ROOT: a child imports housingcalc from its PYTHONPATH (this tree, or the "before" one)
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from benchlib import MB, Measurement, Result, child_env  # noqa: E402

BEFORE_ENV = "HOUSINGCALC_BENCH_BEFORE"


def _raw(frames: dict[str, Any], out: Path) -> None:
    """The baseline: xlsxwriter writing the frames' cells, nothing else."""
    import numpy as np
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True, "nan_inf_to_errors": True})
    fmt = wb.add_format({"num_format": "#,##0"})
    for name, frame in frames.items():
        ws = wb.add_worksheet(name[:31])
        ws.write_row(0, 0, [str(c) for c in frame.columns])
        cols = []
        for c in frame.columns:
            col = frame[c]
            if col.dtype.kind in "fiu":
                x = col.to_numpy(dtype=np.float64)
                cols.append(np.where(np.isfinite(x), x, 0.0).tolist())
            elif col.dtype.kind == "b":
                cols.append(col.tolist())
            else:
                cols.append(["" if v is None or v != v else str(v) for v in col.tolist()])
        for i, row in enumerate(zip(*cols, strict=True), start=1):
            ws.write_row(i, 0, row, fmt)
    wb.close()


def child(pickled: Path, out: Path, mode: str) -> None:
    import resource

    with pickled.open("rb") as fh:
        report, frames = pickle.load(fh)
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    c0, t0 = time.process_time(), time.perf_counter()
    if mode == "raw":
        _raw(frames, out)
    else:
        from housingcalc.reports.portfolio import write_workbook

        write_workbook(report, out, per_unit=frames)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    size = out.stat().st_size
    print(
        json.dumps({"seconds": seconds, "cpu": cpu, "peak": peak, "loaded": loaded, "bytes": size})
    )


def _run_child(pickled: Path, out: Path, mode: str, env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--write", str(pickled), str(out), mode],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _measurement(runs: list[dict[str, float]]) -> Measurement:
    return Measurement(
        tuple(r["seconds"] for r in runs),
        int(max(r["peak"] for r in runs)),
        "maxrss (whole process)",
        tuple(r["cpu"] for r in runs),
    )


def run(quick: bool, repeats: int) -> tuple[list[Result], dict[str, Any]]:
    from portfolio_bench import pipeline, write_inputs

    from housingcalc.reports.portfolio import build_report, per_unit_frames

    n = 10_000 if quick else 115_000
    reps = max(1, min(repeats, 3))
    info: dict[str, Any] = {"units": n}
    with tempfile.TemporaryDirectory(prefix="hc-workbook-") as tmp:
        folder = Path(tmp)
        files = write_inputs(n, folder)
        res = pipeline(files["csv"], files["scenario"])
        report = build_report(res, "en", register_source=str(files["csv"]))
        frames = per_unit_frames(res)
        info["per_unit_rows"] = {k: len(v) for k, v in frames.items()}
        info["per_unit_cells"] = int(sum(v.size for v in frames.values()))
        pickled = folder / "report.pickle"
        with pickled.open("wb") as fh:
            pickle.dump((report, frames), fh)
        del res, report, frames
        env = child_env({"PYTHONPATH": str(ROOT)})
        ours: list[dict[str, float]] = []
        raw: list[dict[str, float]] = []
        _run_child(pickled, folder / "warm.xlsx", "ours", env)  # warm-up: caches, bytecode
        for _ in range(reps):
            ours.append(_run_child(pickled, folder / "ours.xlsx", "ours", env))
            raw.append(_run_child(pickled, folder / "raw.xlsx", "raw", env))
        # the peak is the whole child's: loading the pickle may set it; this says how much
        info["peak_after_loading_mb"] = {
            "ours": round(max(r["loaded"] for r in ours) / MB),
            "raw": round(max(r["loaded"] for r in raw) / MB),
        }
        info["file_mb"] = {
            "ours": round(ours[-1]["bytes"] / MB, 1),
            "raw": round(raw[-1]["bytes"] / MB, 1),
        }
        m_ours, m_raw = _measurement(ours), _measurement(raw)
        results = [
            Result(
                "workbook",
                "write_workbook with the per-unit sheets (formulas, cached values, all sheets)",
                n,
                m_ours,
                ratio=m_raw.median_s / m_ours.median_s,
                target="≤ 15 s, ≤ 1 GB",
                met=m_ours.median_s <= 15
                and m_ours.peak_bytes is not None
                and m_ours.peak_bytes <= 1024 * MB,
            ),
            Result(
                "workbook",
                "baseline: xlsxwriter raw, the same per-unit cells (write_row, no formulas)",
                n,
                m_raw,
            ),
        ]
        before = os.environ.get(BEFORE_ENV)
        if before:
            old = _run_child(
                pickled,
                folder / "before.xlsx",
                "ours",
                child_env({"PYTHONPATH": str(Path(before).resolve())}),
            )
            results.append(
                Result(
                    "workbook",
                    f"before: write_workbook of {before} (one run)",
                    n,
                    _measurement([old]),
                    ratio=old["seconds"] / m_ours.median_s,
                )
            )
    return results, info


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--write":
        child(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])
    else:
        print("usage: workbook_bench.py --write PICKLE OUT ours|raw", file=sys.stderr)
        raise SystemExit(2)
