"""What-if measurements for speed-ups proposed in modules the benchmarks do not own.

Nothing here changes the package: each fix is applied by monkeypatching inside a child process,
and measured against the same child without the patch, runs interleaved (A B A B …) so that
machine load hits both alike. Each also checks that results stay identical.

    python benchmarks/what_if.py [--repeats N] [--json FILE]

Fixes measured:

* ``yaml-c-loader``: ``housingcalc.yamlio._Loader`` derived from libyaml's ``yaml.CSafeLoader``
  instead of the pure-Python ``yaml.SafeLoader`` (same resolvers, timestamps still kept as
  text). Every parameter file is parsed by it on every command that loads parameters.
* ``jinja-file-cache``: ``housingcalc.reports.render``'s bytecode cache kept on disk
  (``jinja2.FileSystemBytecodeCache``) instead of in memory, so templates compiled by one run
  are not compiled again by the next (jinja keys each entry by a checksum of the template
  source, so an edited or user-supplied template is recompiled).
* ``charts-without-matplotlib``: an upper bound for the report's charts drawn as plain SVG
  without matplotlib: the chart functions replaced by stubs that return an empty ``<svg>``.
  The reports then differ (no chart content), so this one is not checked for identity; a
  hand-written SVG line/bar chart costs a few milliseconds, so the bound is close.
* ``jinja-file-cache+charts-without-matplotlib``: the two together.

For the schedules (``--only schedules``), in this process, alternating, every variant's
yearly totals checked equal to the unpatched engine's:

* ``chunk 131072``: ``amortize_yearly(batch, chunk=131_072)`` instead of the default
  ``CHUNK = 32_768`` of ``housingcalc/calc/loans/engine.py``: one chunk per loan kind for
  100 000 loans, so the per-term Python overhead (rate changes, amortisation starts, the
  end-of-term checks) is paid twice per term instead of four times.
* ``small-array PMT``: ``engine.pmt_1d`` answered with Python floats (``math.expm1`` /
  ``math.log1p``, the same near-half exact fallback) when at most 16 loans re-compute their
  annuity in a term, instead of some twenty numpy calls on tiny arrays (≈ 18 µs a call).
* ``both``.

(The first fix measured here, libyaml's ``CSafeLoader`` in ``housingcalc/yamlio.py``, is now
in the tree; ``same_yaml_everywhere`` still checks that both loaders read every YAML file of the
repository alike.)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from benchlib import _children_cpu, child_env, machine  # noqa: E402


def _loader(base: type) -> type:
    """``base`` with timestamps left as text, like ``housingcalc.yamlio._Loader``."""
    import yaml

    loader = type("Loader", (base,), {})
    loader.yaml_implicit_resolvers = {  # type: ignore[attr-defined]
        key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return loader


def _c_loader() -> type:
    import yaml

    return _loader(yaml.CSafeLoader)


PATCHES: dict[str, Any] = {"none": lambda: None}


def _patch_jinja() -> None:
    import jinja2

    import housingcalc.reports.render as render

    folder = os.environ["HC_WHATIF_JINJA_CACHE"]
    render._BYTECODE = jinja2.FileSystemBytecodeCache(folder)  # type: ignore[attr-defined]


def _patch_charts() -> None:
    """Upper bound for drawing the charts without matplotlib: a chart that costs nothing."""
    import html

    import housingcalc.reports.charts as charts

    def stub(chart: Any, fmt: Any) -> str:
        del fmt
        title = html.escape(chart.title)
        return f'<svg xmlns="http://www.w3.org/2000/svg" role="img"><title>{title}</title></svg>'

    charts.line_chart = stub  # type: ignore[assignment]
    charts.bar_chart = stub  # type: ignore[assignment]


def _patch_both() -> None:
    _patch_jinja()
    _patch_charts()


PATCHES["jinja-file-cache"] = _patch_jinja
PATCHES["charts-without-matplotlib"] = _patch_charts
PATCHES["jinja-file-cache+charts-without-matplotlib"] = _patch_both


def same_yaml_everywhere() -> dict[str, Any]:
    """Every YAML file in the repository parsed by the pure-Python loader (timestamps kept as
    text, as ``housingcalc.yamlio`` does) and by the libyaml one gives equal data."""
    import yaml

    files = sorted((ROOT / "housingcalc").rglob("*.yaml")) + sorted(
        (ROOT / "scenarios").rglob("*.yaml")
    )
    c_loader = _c_loader()
    py_loader = _loader(yaml.SafeLoader)
    differ = []
    for f in files:
        text = f.read_text("utf-8")
        try:
            a = yaml.load(text, Loader=py_loader)
        except yaml.YAMLError:
            a = "error"
        try:
            b = yaml.load(text, Loader=c_loader)
        except yaml.YAMLError:
            b = "error"
        if a != b:
            differ.append(str(f.relative_to(ROOT)))
    return {"files": len(files), "differ": differ}


def ab_process(argv_for: dict[str, list[str]], repeats: int, cwd: str) -> dict[str, Any]:
    """Interleaved runs of each variant's command line; median wall and CPU seconds, and the
    least CPU seconds (the least disturbed by other work on a shared machine)."""
    env = child_env()
    for argv in argv_for.values():  # warm-up: file cache, __pycache__
        subprocess.run(argv, check=True, capture_output=True, env=env, cwd=cwd)
    wall: dict[str, list[float]] = {k: [] for k in argv_for}
    cpu: dict[str, list[float]] = {k: [] for k in argv_for}
    for _ in range(repeats):
        for name, argv in argv_for.items():
            c0 = _children_cpu()
            t0 = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True, env=env, cwd=cwd)
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(_children_cpu() - c0)
    return {
        name: {
            "wall_median_s": round(statistics.median(wall[name]), 3),
            "cpu_median_s": round(statistics.median(cpu[name]), 3),
            "cpu_min_s": round(min(cpu[name]), 3),
            "runs": repeats,
        }
        for name in argv_for
    }


def child(patch: str, args: list[str]) -> None:
    PATCHES[patch]()
    from housingcalc.cli import main

    sys.argv = ["housingcalc", *args]
    main()


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def report_case(repeats: int) -> dict[str, Any]:
    out: dict[str, Any] = {"yaml_parse_check": same_yaml_everywhere()}
    variants = tuple(PATCHES)
    with tempfile.TemporaryDirectory(prefix="hc-whatif-") as tmp:
        cache = Path(tmp) / "jinja-cache"
        cache.mkdir()
        os.environ["HC_WHATIF_JINJA_CACHE"] = str(cache)
        cmds = {
            v: [sys.executable, __file__, "--child", v, "run", "-o", str(Path(tmp) / v)]
            for v in variants
        }
        out["housingcalc run"] = ab_process(cmds, repeats, tmp)
        base = _outputs(Path(tmp) / "none")
        out["housingcalc run"]["jinja_file_cache_reports_identical"] = (
            _outputs(Path(tmp) / "jinja-file-cache") == base
        )
    return out


def _pmt_small(orig: Any) -> Any:
    import math

    import numpy as np

    from housingcalc.calc.loans._exact import _pmt_exact

    def pmt(b: Any, r: Any, n: Any, d: Any) -> Any:
        if b.size > 16 or not isinstance(d, int):
            return orig(b, r, n, d)
        out = []
        for bj, rj, nj in zip(b.tolist(), r.tolist(), n.tolist(), strict=True):
            if rj == 0:
                out.append((2 * bj + nj) // (2 * nj))
                continue
            i = rj / d
            x = bj * i / -math.expm1(-nj * math.log1p(i))
            fl = math.floor(x)
            frac = x - fl
            near = abs(frac - 0.5) <= 1e-12 * x + 1e-9
            out.append(_pmt_exact(bj, rj, nj, d) if near else fl + (frac >= 0.5))
        return np.array(out, dtype=np.int64)

    return pmt


def schedules_case(repeats: int) -> dict[str, Any]:
    import loans_bench
    import numpy as np

    import housingcalc.calc.loans.engine as engine
    from housingcalc.calc.loans import amortize_yearly

    mix = loans_bench.generate(100_000)
    arrays = loans_bench.api_arrays(mix)
    batch = loans_bench.batch_from_mix(mix, arrays)
    ref = amortize_yearly(batch)
    orig = engine.pmt_1d
    small = _pmt_small(orig)
    variants = {
        "as is": (orig, engine.CHUNK),
        "chunk 131072": (orig, 131_072),
        "small-array PMT": (small, engine.CHUNK),
        "both": (small, 131_072),
    }
    times: dict[str, list[float]] = {k: [] for k in variants}
    identical = True
    try:
        for _ in range(repeats):
            for name, (pmt, chunk) in variants.items():
                engine.pmt_1d = pmt  # type: ignore[attr-defined]
                t0 = time.perf_counter()
                y = amortize_yearly(batch, chunk=chunk)
                times[name].append(time.perf_counter() - t0)
                identical &= bool(
                    np.array_equal(y.interest, ref.interest)
                    and np.array_equal(y.closing_balance, ref.closing_balance)
                    and np.array_equal(y.n_terms, ref.n_terms)
                )
    finally:
        engine.pmt_1d = orig  # type: ignore[attr-defined]
    out: dict[str, Any] = {
        name: {
            "median_s": round(statistics.median(t), 4),
            "min_s": round(min(t), 4),
            "max_s": round(max(t), 4),
            "runs": repeats,
        }
        for name, t in times.items()
    }
    out["default_chunk"] = engine.CHUNK
    out["results_identical"] = identical
    return out


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3:])
        return 0
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=9)
    p.add_argument("--json", type=Path, default=HERE / "results" / "what_if.json")
    p.add_argument("--only", nargs="+", choices=["report", "schedules"])
    args = p.parse_args()
    only = args.only or ["report", "schedules"]
    report: dict[str, Any] = {"machine": machine()}
    if "schedules" in only:
        report["schedules"] = schedules_case(args.repeats)
    if "report" in only:
        report["scenario_report"] = report_case(args.repeats)
    print(json.dumps({k: v for k, v in report.items() if k != "machine"}, indent=2))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
