"""The household report in a real browser: Debian's headless Chromium through Playwright.

Opens the HTML report of the built-in example (nb and en), fails on any console error or page
error and on any request leaving the file, checks that the key figures (verdict, monthly cost
now and after, purchase month) are on the page and that the charts are drawn, and saves a
screenshot to ``tests/artifacts/`` (git-ignored).

``.ci/run`` installs ``chromium``. Without ``/usr/bin/chromium`` the test is skipped locally,
but fails when the ``CI`` environment variable is set.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

EXPECTED = {
    "nb": [
        "Kjøpet består stresstesten for startlån fra oktober 2026",
        "12 312 kr",  # monthly cost now
        "17 712 kr",  # monthly cost after the purchase (golden: 4.640 % nominal Husbanken rate)
        "oktober 2026",  # purchase month
        "Hva kan gå galt",
    ],
    "en": [
        "The purchase passes the start-loan stress test from October 2026",
        "NOK 12,312",
        "NOK 17,712",
        "October 2026",
        "What could go wrong",
    ],
}


def _chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing on CI: .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api")
    return CHROMIUM


def _open_in_chromium(
    executable: Path, page_file: Path, screenshot: str
) -> tuple[list[str], list[str], str, list[float], int]:
    """Open a file in headless Chromium: console/page errors, outside requests, the page's
    text, the heights of its charts and its scroll width; saves a full-page screenshot."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(executable), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            page.on(
                "console",
                lambda m: (
                    problems.append(f"console {m.type}: {m.text}")
                    if m.type in ("error", "warning")
                    else None
                ),
            )
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on(
                "request",
                lambda r: None if r.url.startswith(("file:", "data:")) else outside.append(r.url),
            )
            page.goto(page_file.as_uri(), wait_until="load")
            text = page.inner_text("body").replace("\u00a0", " ")
            charts = page.eval_on_selector_all(
                "figure svg", "els => els.map(e => e.getBoundingClientRect().height)"
            )
            width = page.evaluate("() => document.documentElement.scrollWidth")
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)
        finally:
            browser.close()
    assert (ARTIFACTS / screenshot).stat().st_size > 50_000
    return problems, outside, text, charts, width


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_report_renders_in_chromium_without_errors(tmp_path: Path, lang: str) -> None:
    executable = _chromium()
    from housingcalc.parameters import load_parameters
    from housingcalc.reports.household import produce_report
    from housingcalc.scenarios import load_example

    files = produce_report(
        load_example(),
        load_parameters(),
        langs=(lang,),
        formats=("html",),
        stem="report",
        source="refugee-family-rent-to-own.yaml",
        generated_on=dt.date(2026, 1, 15),
    )
    page_file = tmp_path / f"report.{lang}.html"
    page_file.write_text(files[f"report.{lang}.html"], "utf-8")

    problems, outside, text, charts, width = _open_in_chromium(
        executable, page_file, f"household-report.{lang}.png"
    )
    assert problems == []
    assert outside == []  # self-contained: nothing fetched from elsewhere
    for figure in EXPECTED[lang]:
        assert figure in text, figure
    assert len(charts) == 3 and all(h > 100 for h in charts)  # the three charts are drawn
    assert width <= 1100  # nothing overflows the page sideways


PORTFOLIO_EXPECTED = {
    "nb": [
        "Hva boligmassen er verdt",
        "747 192 100 kr",
        "Kostnad etter Beregningsutvalgets metode",
    ],
    "en": ["What the stock is worth", "NOK 747,192,100", "Sources of the rule values used"],
}


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_portfolio_report_renders_in_chromium_without_errors(tmp_path: Path, lang: str) -> None:
    executable = _chromium()
    from typer.testing import CliRunner

    from housingcalc.cli import app
    from housingcalc.resources import example

    out = tmp_path / "report"
    result = CliRunner().invoke(
        app,
        [
            "portfolio",
            "report",
            str(example("portfolio-example-register.csv")),
            "-s",
            str(example("portfolio-example.yaml")),
            "-o",
            str(out),
            "-f",
            "html",
            "--lang",
            lang,
        ],
    )
    assert result.exit_code == 0, result.output
    problems, outside, text, charts, width = _open_in_chromium(
        executable, out / f"portfolio-example-register.{lang}.html", f"portfolio-report.{lang}.png"
    )
    assert problems == []
    assert outside == []
    for figure in PORTFOLIO_EXPECTED[lang]:
        assert figure in text, figure
    assert len(charts) >= 2 and all(h > 100 for h in charts)
    assert width <= 1100
