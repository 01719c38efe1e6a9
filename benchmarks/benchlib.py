"""Shared helpers for the benchmarks: timing, memory, subprocess timing, machine description.

Timing: each figure is the median of ``repeats`` timed runs (``time.perf_counter``) after
``gc.collect()``, with tracing off; the CPU time of each run (``time.process_time``, or the
child's user + sys time for a process) is kept beside it, as it is far less disturbed by
other work on a shared machine. Memory: one further run of the same function under
``tracemalloc``; its peak counts Python objects and numpy buffers (numpy reports its data
allocations to tracemalloc), i.e. what the stage itself allocates above what was already
live. Whole-process figures (RSS high-water mark incl. the interpreter and imported modules)
come from ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` of a fresh subprocess.
"""

from __future__ import annotations

import gc
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True)
class Measurement:
    """Seconds of each timed run, and the traced peak in bytes (None if not traced)."""

    times: tuple[float, ...]
    peak_bytes: int | None = None
    memory_method: str = "tracemalloc"
    #: CPU seconds (user + sys) of each run: this process's, or the child's for a process
    cpu_times: tuple[float, ...] = ()

    @property
    def median_s(self) -> float:
        return statistics.median(self.times)

    @property
    def spread(self) -> tuple[float, float]:
        return min(self.times), max(self.times)

    @property
    def cpu_median_s(self) -> float | None:
        return statistics.median(self.cpu_times) if self.cpu_times else None

    def scaled(self, factor: float) -> Measurement:
        """The same runs scaled by ``factor`` (for a sample extrapolated to the full size)."""
        peak = None if self.peak_bytes is None else int(self.peak_bytes * factor)
        return replace(
            self,
            times=tuple(t * factor for t in self.times),
            cpu_times=tuple(t * factor for t in self.cpu_times),
            peak_bytes=peak,
        )


@dataclass
class Result:
    """One row of the results table."""

    section: str
    name: str
    size: int | str
    m: Measurement
    note: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        cpu = self.m.cpu_median_s
        return {
            "section": self.section,
            "name": self.name,
            "size": self.size,
            "median_s": None if math.isnan(self.m.median_s) else round(self.m.median_s, 4),
            "runs": len([t for t in self.m.times if not math.isnan(t)]),
            "times_s": [round(t, 4) for t in self.m.times if not math.isnan(t)],
            "cpu_median_s": None if cpu is None else round(cpu, 4),
            "peak_mb": None if self.m.peak_bytes is None else round(self.m.peak_bytes / MB, 1),
            "memory_method": self.m.memory_method if self.m.peak_bytes is not None else None,
            "ratio_baseline_over_ours": None if self.ratio is None else round(self.ratio, 1),
            "target": self.target or None,
            "target_met": self.met,
            "note": self.note or None,
            **self.extra,
        }


def measure(fn: Callable[[], object], repeats: int, *, trace_memory: bool = True) -> Measurement:
    """Median-able timings of ``fn`` over ``repeats`` runs, then one traced run for memory."""
    times, cpu = [], []
    for _ in range(repeats):
        gc.collect()
        c0 = time.process_time()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        del out
    peak = None
    if trace_memory:
        gc.collect()
        tracemalloc.start()
        try:
            out = fn()
            _, peak = tracemalloc.get_traced_memory()
            del out
        finally:
            tracemalloc.stop()
    return Measurement(tuple(times), peak, cpu_times=tuple(cpu))


def measure_alternating(fns: Sequence[Callable[[], object]], repeats: int) -> list[Measurement]:
    """Time several functions in turn, ``repeats`` rounds of A B … A B …, so that a change of
    machine load during the rounds falls on all of them alike (for ratios)."""
    times: list[list[float]] = [[] for _ in fns]
    cpu: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            gc.collect()
            c0 = time.process_time()
            t0 = time.perf_counter()
            out = fn()
            times[k].append(time.perf_counter() - t0)
            cpu[k].append(time.process_time() - c0)
            del out
    return [
        Measurement(tuple(t), None, cpu_times=tuple(c)) for t, c in zip(times, cpu, strict=True)
    ]


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for measured child processes: this one, with bytecode caching on.

    ``PYTHONDONTWRITEBYTECODE`` is dropped so the warm-up run writes ``__pycache__`` as a
    normal ``pip install`` (which byte-compiles) would have; otherwise every run would also
    compile every housingcalc module it imports.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **(extra or {})}


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def time_process(
    argv: Sequence[str],
    repeats: int,
    env: dict[str, str] | None = None,
    cwd: str | None = None,
) -> Measurement:
    """Wall time of a whole process, ``repeats`` times (after one untimed warm-up run that
    fills the OS file cache and ``__pycache__``), with each run's CPU time (user + sys) and
    the peak resident memory of one more run."""
    run_env = child_env(env)
    subprocess.run(argv, check=True, capture_output=True, env=run_env, cwd=cwd)
    times, cpu = [], []
    for _ in range(repeats):
        c0 = _children_cpu()
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, env=run_env, cwd=cwd)
        times.append(time.perf_counter() - t0)
        cpu.append(_children_cpu() - c0)
    # ru_maxrss of RUSAGE_CHILDREN is the largest of all waited-for children so far: run the
    # measured command in a fresh helper process so earlier, bigger children do not count.
    probe = (
        "import resource,subprocess,sys;"
        "subprocess.run(sys.argv[1:],check=True,capture_output=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *argv],
        check=True,
        capture_output=True,
        text=True,
        env=run_env,
        cwd=cwd,
    )
    return Measurement(
        tuple(times), int(out.stdout.strip()) * 1024, "maxrss (whole process)", tuple(cpu)
    )


def _cpuinfo() -> dict[str, str]:
    info: dict[str, str] = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    break  # the first processor is enough
                key, _, value = line.partition(":")
                info[key.strip()] = value.strip()
    except OSError:
        pass
    return info


def machine() -> dict[str, Any]:
    """CPU model, cores, memory, OS, Python and library versions."""
    from importlib.metadata import PackageNotFoundError, version

    cpu = _cpuinfo()
    mem_gb = None
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            mem_gb = round(int(f.readline().split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    versions: dict[str, str | None] = {}
    for dist in ("numpy", "numpy-financial", "pandas", "pyarrow", "matplotlib", "housingcalc"):
        try:
            versions[dist.replace("-", "_") + "_version"] = version(dist)
        except PackageNotFoundError:
            versions[dist.replace("-", "_") + "_version"] = None
    hypervisor = "hypervisor" in cpu.get("flags", "").split()
    return {
        "cpu": cpu.get("model name", platform.processor() or platform.machine()),
        "cpu_family_model": f"{cpu.get('cpu family', '?')}/{cpu.get('model', '?')}",
        "cpu_mhz": cpu.get("cpu MHz"),
        "cache": cpu.get("cache size"),
        "virtual_machine": hypervisor,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gb": mem_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        **versions,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _probe_work() -> int:
    s = 0
    for i in range(2_000_000):
        s += i
    return s


def speed_probe(repeats: int = 5) -> dict[str, float]:
    """A fixed pure-Python workload (2 million additions), to show how fast this machine ran
    at a given moment: on a shared virtual machine it varies from minute to minute."""
    m = measure(_probe_work, repeats, trace_memory=False)
    lo, hi = m.spread
    return {"median_s": round(m.median_s, 4), "min_s": round(lo, 4), "max_s": round(hi, 4)}


def self_maxrss_mb() -> float:
    """This process's RSS high-water mark so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
