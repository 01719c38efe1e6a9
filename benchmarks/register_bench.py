"""Registers in (issue 16): reading beside the parsers, on the same file in the same run.

* a 115 000-row CSV: ``read_register`` (read + every rule checked) against
  ``pandas.read_csv(path)`` (C engine, types inferred), timed alternately; target ≤ 2×;
* the same register as XLSX (dates as date cells, rates formatted as percent, as a
  property system exports them): ``read_register`` against
  ``fastexcel.read_excel(path).load_sheet(0).to_pandas()``, timed alternately; target ≤ 2×;
* the whole pipeline on 1 150 000 units (ten times Norway's municipal stock): read the CSV,
  complete, value, cost, tariff, 30-year projection with sales and three stress scenarios, as
  one fresh process: wall time and peak resident memory; target < 8 s and < 2 GB.

Run alone: ``python benchmarks/register_bench.py [--quick]`` (prints the table), or as the
``registers`` section of ``benchmarks/run.py``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for p in (str(HERE), str(ROOT)):
    if p not in sys.path:
        sys.path.insert(0, p)

from benchlib import (  # noqa: E402
    MB,
    Measurement,
    Result,
    child_env,
    measure_alternating,
)
from portfolio_bench import SEED, write_inputs  # noqa: E402


def write_xlsx(csv_path: Path, out: Path) -> Path:
    """The register as a property system's export: date cells, rates as percent cells."""
    import pandas as pd
    import xlsxwriter

    df = pd.read_csv(csv_path, dtype={"unit_id": str})
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    ws = wb.add_worksheet("boliger")
    date = wb.add_format({"num_format": "dd.mm.yyyy"})
    pct = wb.add_format({"num_format": "0.00%"})
    ws.write_row(0, 0, list(df.columns))
    kinds = []
    for c in df.columns:
        if c in ("acquired", "grant_date"):
            kinds.append("date")
        elif c == "loan_rate":
            kinds.append("pct")
        elif pd.api.types.is_numeric_dtype(df[c].dtype):
            kinds.append("num")
        else:
            kinds.append("text")
    columns = []
    for c, k in zip(df.columns, kinds, strict=True):
        if k == "date":
            columns.append(pd.to_datetime(df[c], errors="coerce").dt.to_pydatetime().tolist())
        else:
            columns.append(df[c].tolist())
    for i, row in enumerate(zip(*columns, strict=True), start=1):
        for j, (v, k) in enumerate(zip(row, kinds, strict=True)):
            if v is None or v != v or v is pd.NaT:
                continue
            if k == "date":
                ws.write_datetime(i, j, v, date)
            elif k == "pct":
                ws.write_number(i, j, v / 100, pct)
            elif k == "num":
                ws.write_number(i, j, v)
            else:
                ws.write_string(i, j, str(v))
    wb.close()
    return out


def _one_process(argv: list[str]) -> Measurement:
    """One run of a fresh process (at 1 150 000 units a run takes long): its wall time,
    CPU time and peak resident memory, taken by a helper process that waits for it."""
    probe = (
        "import resource,subprocess,sys,time;t=time.perf_counter();"
        "subprocess.run(sys.argv[1:],check=True,capture_output=True);"
        "w=time.perf_counter()-t;r=resource.getrusage(resource.RUSAGE_CHILDREN);"
        "print(w,r.ru_utime+r.ru_stime,r.ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *argv],
        check=True,
        capture_output=True,
        text=True,
        env=child_env(),
    )
    wall, cpu, rss = out.stdout.split()
    return Measurement((float(wall),), int(rss) * 1024, "maxrss (whole process)", (float(cpu),))


def _ratio(results: list[Result], ours: Any, base: Any, name: str, base_name: str, n: int) -> None:
    ratio = ours.median_s / base.median_s
    results.append(Result("registers", base_name, n, base))
    results.append(
        Result(
            "registers",
            name,
            n,
            ours,
            note=f"ours ÷ baseline = {ratio:.2f} (timed alternately)",
            target="≤ 2× baseline",
            met=ratio <= 2,
        )
    )


def run(quick: bool, repeats: int) -> tuple[list[Result], dict[str, Any]]:
    import fastexcel
    import pandas as pd

    from housingcalc.registers import read_register

    n = 10_000 if quick else 115_000
    big = 20_000 if quick else 1_150_000
    reps = max(3, min(repeats, 7))
    results: list[Result] = []
    info: dict[str, Any] = {"units": n, "pipeline_units": big}
    with tempfile.TemporaryDirectory(prefix="hc-registers-") as tmp:
        folder = Path(tmp)
        files = write_inputs(n, folder)
        t0 = time.perf_counter()
        xlsx = write_xlsx(files["csv"], folder / f"register-{n}.xlsx")
        info["xlsx_write_seconds"] = round(time.perf_counter() - t0, 1)
        info["csv_mb"] = round(files["csv"].stat().st_size / MB, 1)
        info["xlsx_mb"] = round(xlsx.stat().st_size / MB, 1)

        read_register(files["csv"])  # warm-up: imports
        base, ours = measure_alternating(
            [lambda: pd.read_csv(files["csv"]), lambda: read_register(files["csv"])], reps
        )
        _ratio(
            results,
            ours,
            base,
            "ours: read_register, CSV (read + every rule)",
            "baseline: pandas.read_csv (C engine)",
            n,
        )
        read_register(xlsx)
        base, ours = measure_alternating(
            [
                lambda: fastexcel.read_excel(str(xlsx)).load_sheet(0).to_pandas(),
                lambda: read_register(xlsx),
            ],
            reps,
        )
        _ratio(
            results,
            ours,
            base,
            "ours: read_register, XLSX (read + every rule)",
            "baseline: fastexcel read_excel → load_sheet → to_pandas",
            n,
        )

        # the whole pipeline at ten times the national stock, as one fresh process
        (folder / "big").mkdir()
        bf = write_inputs(big, folder / "big")
        info["pipeline_csv_mb"] = round(bf["csv"].stat().st_size / MB, 1)
        whole = _one_process(
            [
                sys.executable,
                str(HERE / "portfolio_bench.py"),
                "--pipeline",
                str(bf["csv"]),
                str(bf["scenario"]),
            ]
        )
        results.append(
            Result(
                "registers",
                "pipeline as one process: read CSV, value, cost, tariff, 30-year projection",
                big,
                whole,
                target="< 8 s, < 2 GB",
                met=whole.median_s < 8
                and whole.peak_bytes is not None
                and whole.peak_bytes < 2 * 1024 * MB,
            )
        )
    info["seed"] = SEED
    return results, info


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    rs, extra = run(quick, 3 if quick else 5)
    for r in rs:
        peak = "-" if r.m.peak_bytes is None else f"{r.m.peak_bytes / MB:,.0f} MB"
        lo, hi = r.m.spread
        print(
            f"{r.name:<80} {r.size:>9} {r.m.median_s:7.2f} s ({lo:.2f}–{hi:.2f}) {peak:>9} "
            f"{r.note} {r.target} {'' if r.met is None else ('✓' if r.met else '✗')}"
        )
    print(extra)
