"""The workspace in a real browser: Debian's headless Chromium through Playwright, against the
real server (uvicorn on 127.0.0.1, a free port, in a thread), used as a caseworker would.

Open the page, load the example, change an income and see the verdict change, solve for the
grant and apply it, save two offers and compare them, download the case and open it again,
print to PDF; at 1280 px and at 400 px nothing overflows sideways. Screenshots go to
``tests/artifacts/`` (git-ignored). Without ``/usr/bin/chromium`` the tests are skipped
(and named at the end of the run; see tests/conftest.py), and fail when ``CI`` is set.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


def _need_chromium() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing on CI: .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    _need_chromium()
    import uvicorn

    from housingcalc.cli.serve import free_port
    from housingcalc.serve import create_app

    port = free_port("127.0.0.1")
    config = uvicorn.Config(
        create_app(), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _page(browser: Any, width: int, problems: list[str], outside: list[str], base: str) -> Any:
    page = browser.new_page(viewport={"width": width, "height": 900}, accept_downloads=True)
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    return page


def _text(page: Any, selector: str) -> str:
    return str(page.locator(selector).inner_text()).replace("\u00a0", " ").replace("\u202f", " ")


def _settled(page: Any) -> None:
    """Wait until htmx has no request in flight and has finished swapping (polled from
    Python: Playwright's wait_for_function evaluates a string, which the page's CSP forbids)."""
    deadline = time.monotonic() + 30
    busy = "!!document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')"
    while page.evaluate(busy):
        assert time.monotonic() < deadline, "htmx did not settle within 30 s"
        page.wait_for_timeout(50)


def _answered(page: Any, action: Any, path: str) -> None:
    """Do ``action`` and wait for the server's answer to ``path`` to be swapped in."""
    with page.expect_response(lambda r: r.url.split("?")[0].endswith(path), timeout=30000):
        action()
    _settled(page)


def test_a_caseworker_builds_a_case_and_keeps_it(browser: Any, server: str, tmp_path: Path) -> None:
    problems: list[str] = []
    outside: list[str] = []
    page = _page(browser, 1280, problems, outside, server)
    page.goto(f"{server}/?lang=en")
    page.select_option("#example", "refugee-family-rent-to-own.yaml")
    _answered(page, lambda: page.click("#load-example"), "/ui/load")
    # the built-in example: the purchase passes from October 2026 (the README's example)
    assert _text(page, "#purchase-month") == "October 2026"
    golden = json.loads(
        (
            Path(__file__).resolve().parents[1] / "golden" / "refugee-family-rent-to-own.json"
        ).read_text("utf-8")
    )["key_figures"]  # the reviewed figures of the built-in example
    assert _text(page, "#cost-now") == f"NOK {round(golden['monthly_cost_now']):,}"

    # change an income: Amir's wage after the programme halved; the verdict follows
    _answered(page, lambda: page.fill("#f-household-income-2-monthly", "20000"), "/ui/verdict")
    # 20 000 kr a month after the programme: no month in the option period passes
    assert _text(page, "#purchase-month") == "–"
    assert "does not pass" in _text(page, "#verdict-text")

    # a bad value: the CLI's message beside the field, then fixed again
    _answered(page, lambda: page.fill("#f-dwelling-rooms", "three"), "/ui/verdict")
    assert "dwelling.rooms = 'three': must be a whole number" in _text(
        page, "#f-dwelling-rooms-err"
    )
    _answered(page, lambda: page.fill("#f-dwelling-rooms", "3"), "/ui/verdict")
    assert _text(page, "#f-dwelling-rooms-err") == ""

    # save two offers and compare them
    page.fill("#variant-label", "wage 20000")
    _answered(page, lambda: page.click("#save-variant"), "/ui/variant")
    _answered(page, lambda: page.fill("#f-household-income-2-monthly", "40000"), "/ui/verdict")
    assert _text(page, "#purchase-month") == "October 2026"
    page.fill("#variant-label", "wage 40000")
    _answered(page, lambda: page.click("#save-variant"), "/ui/variant")
    assert page.locator("#variants .variant").count() == 2
    _answered(page, lambda: page.click("#compare-variants"), "/ui/compare")
    table = _text(page, "#comparison")
    assert "household.income.2.monthly = 40000" in table
    assert "October 2026" in table

    # download the case and open it again
    _answered(page, lambda: page.fill("#f-household-savings", "15001"), "/ui/verdict")
    with page.expect_download() as info:
        page.click("#download")
    saved = tmp_path / "case.yaml"
    info.value.save_as(saved)
    text = saved.read_text("utf-8")
    assert "savings: 15001" in text
    page.goto(f"{server}/?lang=en")
    page.set_input_files("#upload", str(saved))
    _answered(page, lambda: page.click("#load-file"), "/ui/load")
    assert page.locator("#f-household-savings").input_value() == "15001"
    assert page.locator("#f-household-income-2-monthly").input_value() == "40000"

    # the full report opens from the case and prints on A4
    with page.expect_popup() as popup:
        page.click("#open-report")
    report = popup.value
    report.wait_for_load_state()
    assert "The purchase passes the start-loan stress test" in report.inner_text("body")
    pdf = report.pdf(format="A4", print_background=True)
    assert pdf[:5] == b"%PDF-" and len(pdf) > 10_000
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "serve-report.pdf").write_bytes(pdf)
    workspace_pdf = page.pdf(format="A4")
    assert workspace_pdf[:5] == b"%PDF-"
    page.screenshot(path=str(ARTIFACTS / "serve-1280.png"), full_page=True)
    assert problems == [], problems
    assert outside == [], outside


def test_solve_for_the_grant_and_apply_it(browser: Any, server: str) -> None:
    from housingcalc.serve.core import solve_targets

    if "grant" not in solve_targets():
        pytest.fail("the solver (housingcalc.calc.solve) is not in this build")
    problems: list[str] = []
    outside: list[str] = []
    page = _page(browser, 1280, problems, outside, server)
    page.goto(f"{server}/?lang=en")
    # a failing case: no wage after the programme for Amir
    _answered(page, lambda: page.fill("#f-household-income-2-monthly", "15000"), "/ui/verdict")
    assert _text(page, "#purchase-month") == "–"
    _answered(page, lambda: page.click("#solve-grant"), "/ui/solve")
    _answered(page, lambda: page.click("#apply-grant"), "/ui/case")
    assert page.locator("#verdict.passes").count() == 1
    assert problems == [] and outside == []


@pytest.mark.parametrize("width", [1280, 400])
def test_nothing_overflows_sideways(browser: Any, server: str, width: int) -> None:
    problems: list[str] = []
    outside: list[str] = []
    for path in ("/?lang=nb", "/stock?lang=en"):
        page = _page(browser, width, problems, outside, server)
        page.goto(server + path)
        page.wait_for_load_state("load")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{path} at {width} px is {scroll} px wide"
        ARTIFACTS.mkdir(exist_ok=True)
        name = "case" if path.startswith("/?") else "stock"
        page.screenshot(path=str(ARTIFACTS / f"serve-{name}-{width}.png"), full_page=True)
        page.close()
    assert problems == [] and outside == []
