"""The family page in a real browser (Debian's headless Chromium through Playwright).

Every language of the built-in example: printed to PDF it is exactly one A4 page (pypdf counts
the pages and reads the page size); opened at 1280 and 400 px wide it has no console errors,
fetches nothing from elsewhere and does not overflow sideways; right-to-left pages lay out right
to left; the Ethiopic and Arabic text is drawn with a font that has those glyphs (Chromium's
own report of the platform fonts used for the heading). Screenshots go to ``tests/artifacts/``.

Fonts: Debian's ``fonts-noto-core`` (Noto Sans Ethiopic, Noto Naskh/Sans Arabic) must be
installed where this runs; ``fonts-sil-abyssinica`` is a named fallback for Tigrinya.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from housingcalc.reports.family import FAMILY_LOCALES
from tests.reports.test_browser import ARGS, ARTIFACTS, _chromium

A4_POINTS = (595.28, 841.89)  # 210 × 297 mm in PDF points (1 pt = 1/72 in)

#: Which platform font must draw the heading, by language (none: any font will do).
SCRIPT_FONT = {"ti": ("Ethiopic", "Abyssinica"), "ar": ("Arabic",), "fa_AF": ("Arabic",)}


@pytest.fixture(scope="module")
def page_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from housingcalc.calc.rent_to_own import run_rent_to_own
    from housingcalc.parameters import load_parameters
    from housingcalc.reports.family import render_family_page
    from housingcalc.scenarios import load_example

    folder = tmp_path_factory.mktemp("family")
    result = run_rent_to_own(load_example(), load_parameters())
    files = {}
    for lang in FAMILY_LOCALES:
        path = folder / f"family.{lang}.html"
        path.write_text(
            render_family_page(result, lang, generated_on=dt.date(2026, 1, 15)), "utf-8"
        )
        files[lang] = path
    return files


def _fonts_of(page: Any, selector: str) -> list[str]:
    """The platform fonts Chromium used to draw the text of the first ``selector``."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return [str(f["familyName"]) for f in fonts if f.get("glyphCount", 0) > 0]


def test_each_language_is_one_a4_page_and_reads_in_chromium(page_files: dict[str, Path]) -> None:
    executable = _chromium()
    pypdf = pytest.importorskip("pypdf")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(executable), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 400, "height": 900})
            page.on(
                "console",
                lambda m: problems.append(m.text) if m.type in ("error", "warning") else None,
            )
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on(
                "request",
                lambda r: None if r.url.startswith(("file:", "data:")) else outside.append(r.url),
            )
            for lang, path in page_files.items():
                page.set_viewport_size({"width": 400, "height": 900})
                page.goto(path.as_uri(), wait_until="load")
                # printed: exactly one A4 page
                pdf = page.pdf(prefer_css_page_size=True, print_background=True)
                (ARTIFACTS / f"family.{lang}.pdf").write_bytes(pdf)
                reader = pypdf.PdfReader(io.BytesIO(pdf))
                assert len(reader.pages) == 1, f"{lang}: {len(reader.pages)} pages"
                box = reader.pages[0].mediabox
                assert float(box.width) == pytest.approx(A4_POINTS[0], abs=1)
                assert float(box.height) == pytest.approx(A4_POINTS[1], abs=1)
                # on screen: a phone (every language) and a desktop (nb, ar, ti)
                for width in (400, 1280) if lang in ("nb", "ar", "ti") else (400,):
                    page.set_viewport_size({"width": width, "height": 900})
                    scroll = page.evaluate("() => document.documentElement.scrollWidth")
                    assert scroll <= width, f"{lang} at {width} px: {scroll} px wide"
                    page.screenshot(
                        path=str(ARTIFACTS / f"family.{lang}.{width}.png"), full_page=True
                    )
                assert problems == [] and outside == [], (lang, problems, outside)
                direction = page.evaluate("() => getComputedStyle(document.body).direction")
                assert direction == ("rtl" if lang in ("ar", "fa_AF") else "ltr")
                if lang in ("ar", "fa_AF"):
                    # right to left: the heading's text starts at the right edge of its box
                    gaps = page.eval_on_selector(
                        "h1",
                        "e => { const r = document.createRange(); r.selectNodeContents(e);"
                        " const b = r.getBoundingClientRect(); const m = e.getBoundingClientRect();"
                        " return [m.right - b.right, b.left - m.left]; }",
                    )
                    assert gaps[0] < 2 < gaps[1], (lang, gaps)
                if lang in SCRIPT_FONT:
                    used = _fonts_of(page, "h1")
                    assert any(any(name in font for name in SCRIPT_FONT[lang]) for font in used), (
                        lang,
                        used,
                    )
        finally:
            browser.close()
