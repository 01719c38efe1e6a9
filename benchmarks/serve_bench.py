"""``housingcalc serve`` under load: the verdict as you type, the full report, 20 clients at once.

    python benchmarks/serve_bench.py [--repeats N] [--json FILE]

Starts the real server (uvicorn, 127.0.0.1, a free port, in a thread of this process) and talks
to it over loopback HTTP with httpx, as the browser does:

- **verdict update**: ``POST /ui/verdict`` with the built-in example's form (the request htmx
  sends while a field is typed in), warm: the median of ``--repeats`` after two warm-up runs.
  Target (issue 13): under 100 ms;
- **full report page**: ``POST /ui/report`` (the household report, HTML with charts). Target:
  under 300 ms;
- **/api/run**: the run JSON, for comparison with ``housingcalc run --format json``;
- **20 concurrent clients**: each sends the example with its own wage (20 000, 21 000, …) to
  ``/api/run`` at the same moment; every answer must carry that client's own wage back and
  the same key figures as the library computes for that case alone (no state shared between
  requests). Loopback only, one request per client, bounded by a 300 s timeout.

Not a test: nothing asserts a time. Prints a table; ``--json`` writes the figures.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from pathlib import Path
from typing import Any

EXAMPLE = "refugee-family-rent-to-own.yaml"
WAGE_PATH = "household.income.2.monthly"


def _start() -> tuple[Any, threading.Thread, str]:
    import uvicorn

    from housingcalc.cli.serve import free_port
    from housingcalc.serve import create_app

    port = free_port("127.0.0.1")
    config = uvicorn.Config(
        create_app(), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("the server did not start within 30 s")
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _form(html: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for m in re.finditer(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', html):
        fields[unescape(m.group(1))] = unescape(m.group(2))
    for m in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', m.group(2))
        if chosen:
            fields[unescape(m.group(1))] = unescape(chosen.group(1))
    return fields


def _timed(fn: Any, repeats: int, warm: int = 2) -> dict[str, Any]:
    for _ in range(warm):
        fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return {
        "median_ms": statistics.median(times) * 1000,
        "min_ms": min(times) * 1000,
        "max_ms": max(times) * 1000,
        "runs_ms": [round(t * 1000, 1) for t in times],
    }


def _case_with_wage(text: str, wage: int) -> str:
    return text.replace("monthly: 40000", f"monthly: {wage}")


def _concurrent(base: str, clients: int) -> dict[str, Any]:
    """``clients`` requests at once, each with its own wage; each answer checked against the
    library's own run of that case."""
    import httpx

    from housingcalc.resources import example
    from housingcalc.serve import core

    text = example(EXAMPLE).read_text("utf-8")
    wages = [20_000 + 1_000 * i for i in range(clients)]
    expected = {}
    for w in wages:  # the library alone, one case at a time (no server)
        raw = core.raw_from_text(_case_with_wage(text, w), "bench")
        data = json.loads(core.run_json(core.scenario_from_raw(raw, "bench"), "bench", raw))
        expected[w] = data["key_figures"]
    barrier = threading.Barrier(clients)

    def one(w: int) -> tuple[int, bool, float]:
        with httpx.Client(timeout=300) as client:
            barrier.wait(timeout=60)
            t = time.perf_counter()
            answer = client.post(
                f"{base}/api/run",
                params={"source": "bench"},
                content=_case_with_wage(text, w).encode(),
            )
            took = time.perf_counter() - t
        data = answer.json()
        own = data["scenario"]["household"]["income"][2]["monthly"] == w
        same = data["key_figures"] == expected[w]
        return w, answer.status_code == 200 and own and same, took

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(one, wages))
    wall = time.perf_counter() - started
    distinct = len({json.dumps(expected[w], sort_keys=True) for w in wages})
    return {
        "clients": clients,
        "all_correct": all(ok for _, ok, _ in results),
        "wrong": [w for w, ok, _ in results if not ok],
        "distinct_answers_expected": distinct,
        "wall_s": wall,
        "slowest_s": max(t for _, _, t in results),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    import httpx

    server, thread, base = _start()
    out: dict[str, Any] = {}
    try:
        with httpx.Client(timeout=120) as client:
            page = client.get(f"{base}/?lang=en")
            form = _form(page.text)

            def verdict() -> None:
                r = client.post(f"{base}/ui/verdict", data=form)
                assert r.status_code == 200 and 'id="purchase-month"' in r.text

            def report() -> None:
                r = client.post(f"{base}/ui/report", data=form)
                assert r.status_code == 200 and "<svg" in r.text

            def api_run() -> None:
                r = client.post(f"{base}/api/run", params={"example": EXAMPLE})
                assert r.status_code == 200

            out["verdict_update"] = _timed(verdict, args.repeats)
            out["full_report_page"] = _timed(report, args.repeats)
            out["api_run"] = _timed(api_run, args.repeats)
        out["concurrent"] = _concurrent(base, args.clients)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
    targets = {"verdict_update": 100.0, "full_report_page": 300.0, "api_run": None}
    print(f"{'measure':<22}{'median':>10}{'min':>10}{'max':>10}  target")
    for name, target in targets.items():
        m = out[name]
        shown = f"< {target:.0f} ms" if target else ""
        print(
            f"{name:<22}{m['median_ms']:>8.0f}ms{m['min_ms']:>8.0f}ms{m['max_ms']:>8.0f}ms  {shown}"
        )
    c = out["concurrent"]
    print(
        f"{c['clients']} concurrent clients: all correct and separate: {c['all_correct']} "
        f"({c['distinct_answers_expected']} distinct answers expected); wall {c['wall_s']:.1f} s, "
        f"slowest {c['slowest_s']:.1f} s"
    )
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", "utf-8")
    return 0 if c["all_correct"] else 1


if __name__ == "__main__":
    sys.exit(main())
