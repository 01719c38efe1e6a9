"""The workspace's pages through Starlette's TestClient: the form, the verdict as it changes,
variants, download and upload, the report, the stock; every text escaped; nb and en complete."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from housingcalc.resources import example

EXAMPLE = "refugee-family-rent-to-own.yaml"
#: The reviewed key figures of the built-in example (tests/golden/, reviewed by hand).
GOLDEN = json.loads(
    (Path(__file__).resolve().parents[1] / "golden" / "refugee-family-rent-to-own.json").read_text(
        "utf-8"
    )
)["key_figures"]


def kr(value: float) -> str:
    """Whole kroner as the nb report writes them: ``12 312 kr``."""
    return f"{round(value):,} kr".replace(",", " ")


def _form_of(html: str) -> dict[str, str]:
    """The case form's fields as a browser would post them (inputs and selected options)."""
    fields: dict[str, str] = {}
    for m in re.finditer(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', html):
        if m.group(1) not in ("variant", "set"):
            fields[unescape(m.group(1))] = unescape(m.group(2))
    for m in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', m.group(2))
        if chosen:
            fields[unescape(m.group(1))] = unescape(chosen.group(1))
    return fields


@pytest.fixture(scope="module")
def page(client: Any) -> str:
    answer = client.get("/")
    assert answer.status_code == 200
    return str(answer.text)


def test_the_page_loads_the_built_in_example_with_its_verdict(page: str) -> None:
    # the verdict sentence and the reviewed figures of the built-in example (purchase
    # 2026-10, monthly cost now and after, from tests/golden/)
    assert GOLDEN["purchase_month"] == "2026-10-01"
    assert "Kjøpet består stresstesten for startlån fra <strong>oktober 2026</strong>" in page
    plain = page.replace("\u00a0", " ").replace("\u202f", " ")
    now = re.search(r'id="cost-now">([^<]*)<', plain)
    after = re.search(r'id="cost-after">([^<]*)<', plain)
    assert now is not None and now.group(1) == kr(GOLDEN["monthly_cost_now"])
    assert after is not None and after.group(1) == kr(GOLDEN["monthly_cost_after"])
    assert 'name="household.income.2.monthly" value="40000"' in page
    assert "/static/htmx.min.js" in page and "https://" not in page.split("<body>")[0]


def test_changing_an_income_changes_the_verdict(client: Any, page: str) -> None:
    fields = _form_of(page)
    fields["household.income.2.monthly"] = "20000"  # Amir's wage halved
    answer = client.post("/ui/verdict", data=fields)
    assert answer.status_code == 200
    assert "oktober 2026" not in answer.text.split('id="purchase-month"')[1][:80]
    fields["household.income.2.monthly"] = "40000"
    again = client.post("/ui/verdict", data=fields)
    assert "oktober 2026" in again.text.split('id="purchase-month"')[1][:80]


def test_a_bad_field_gets_the_cli_message_beside_it(client: Any, page: str) -> None:
    fields = _form_of(page)
    fields["dwelling.price"] = "-5"
    answer = client.post("/ui/verdict", data=fields)
    # the same line the CLI prints for this value in a file named like the case
    assert "refugee-family-rent-to-own.yaml: dwelling.price = -5: must be &gt; 0" in answer.text
    beside = re.search(r'id="f-dwelling-price-err" hx-swap-oob="true">([^<]*)<', answer.text)
    assert beside is not None and "must be &gt; 0" in beside.group(1)


def test_user_text_is_escaped(client: Any, page: str) -> None:
    fields = _form_of(page)
    fields["name"] = '<script>alert("x")</script>'
    fields["household.adults.0.name"] = "<img src=x onerror=alert(1)>"
    answer = client.post("/ui/case", data=fields)
    assert answer.status_code == 200
    assert "<script>alert" not in answer.text and "<img src=x" not in answer.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in answer.text


def test_add_and_remove_an_income_stream(client: Any, page: str) -> None:
    fields = _form_of(page)
    added = client.post("/ui/case", data={**fields, "op": "add:household.income"})
    assert 'name="household.income.5.kind"' in added.text
    removed = client.post(
        "/ui/case", data={**_form_of(added.text), "op": "remove:household.income.5"}
    )
    assert 'name="household.income.5.kind"' not in removed.text
    assert client.post("/ui/case", data={**fields, "op": "add:../../etc"}).status_code == 422
    bad = client.post(
        "/ui/case", data={**fields, "op": "add:../../etc"}, headers={"hx-request": "1"}
    )
    assert "not an action of the form" in bad.text


def test_download_gives_the_scenario_file_the_cli_reads(
    client: Any, page: str, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from housingcalc.cli import app as cli

    fields = _form_of(page)
    fields["household.income.3.monthly"] = "26000"
    answer = client.post("/ui/download", data=fields)
    assert answer.status_code == 200
    assert "attachment" in answer.headers["content-disposition"]
    saved = tmp_path / "case.yaml"
    saved.write_bytes(answer.content)
    ran = CliRunner().invoke(cli, ["run", str(saved), "-f", "json", "-o", str(tmp_path / "o")])
    assert ran.exit_code == 0, ran.output
    data = json.loads((tmp_path / "o" / "case.json").read_text("utf-8"))
    assert data["scenario"]["household"]["income"][3]["monthly"] == 26000.0
    # and the workspace opens it again with the same value
    opened = client.post("/ui/load", files={"file": ("case.yaml", answer.content)})
    assert 'name="household.income.3.monthly" value="26000"' in opened.text


def test_a_bad_upload_gets_the_cli_message(client: Any) -> None:
    text = example(EXAMPLE).read_text("utf-8").replace("rooms: 3", "rooms: three")
    answer = client.post(
        "/ui/load", files={"file": ("mine.yaml", text.encode())}, headers={"hx-request": "1"}
    )
    assert "mine.yaml: dwelling.rooms = &#39;three&#39;: must be a whole number" in answer.text
    assert answer.headers["hx-retarget"] == "#messages"
    binary = client.post("/ui/load", files={"file": ("x.yaml", b"\x00\xff\xfe")})
    assert "not a text file" in binary.text  # the one input reader's words (issue 11)


def test_variants_are_kept_in_the_page_and_compared(client: Any, page: str) -> None:
    fields = _form_of(page)
    first = client.post("/ui/variant", data={**fields, "variant_label": "year0"})
    v1 = re.search(r'name="variant" value="([^"]*)"', first.text)
    assert v1 is not None
    fields2 = {**fields, "purchase.price_rule": "appraisal", "variant_label": "appraisal"}
    second = client.post("/ui/variant", data=fields2)
    v2 = re.search(r'name="variant" value="([^"]*)"', second.text)
    assert v2 is not None
    variants = [unescape(v1.group(1)), unescape(v2.group(1))]
    table = client.post("/ui/compare", data={**fields, "variant": variants})
    assert table.status_code == 200
    assert "purchase.price_rule = appraisal" in table.text
    assert ">year0<" in table.text and ">appraisal<" in table.text
    assert "Anbefales" in table.text  # each variant's verdict outcome (nb)
    five = client.post("/ui/variant", data={**fields, "variant": variants * 2})
    assert "at most 4" in five.text


def test_the_full_report_opens_from_the_case(client: Any, page: str) -> None:
    answer = client.post("/ui/report", data={**_form_of(page), "lang": "en"})
    assert answer.status_code == 200
    assert "The purchase passes the start-loan stress test from" in answer.text
    assert "@media print" in answer.text


def test_the_family_page_opens_in_the_chosen_language(client: Any, page: str) -> None:
    # the choice offers every language of the family page, named in itself
    assert 'name="family_lang"' in page
    for name in ("Norsk bokmål", "Українська", "العربية", "ትግርኛ", "دری", "Soomaali"):
        assert name in page
    fields = _form_of(page)
    assert fields["family_lang"] == "nb"  # the workspace's language by default
    answer = client.post("/ui/family", data={**fields, "family_lang": "ar"})
    assert answer.status_code == 200
    assert '<html lang="ar" dir="rtl">' in answer.text
    assert '<meta name="translation-status" content="unreviewed">' in answer.text


def test_switching_language_keeps_the_case(client: Any, page: str) -> None:
    fields = {**_form_of(page), "household.savings": "15001"}
    answer = client.post("/?lang=en", data=fields)
    assert "Monthly cost now" in answer.text
    assert 'name="household.savings" value="15001"' in answer.text


def test_every_workspace_text_is_translated() -> None:
    from housingcalc.reports.i18n import LANGUAGES
    from housingcalc.serve.pages import messages, serve_translator

    for lang in LANGUAGES:
        t = serve_translator(lang)
        assert t.missing(messages()) == [], lang
        untranslated = [m for m in messages() if lang == "nb" and t.gettext(m) == m]
        # nb words every text differently from English, except these few
        assert set(untranslated) <= {
            "Register",
            "Variant",
            "Felleskostnader.",
            "Kommunale avgifter.",
        }, untranslated


# -- the stock --------------------------------------------------------------------------------


def test_register_errors_are_grouped_with_row_and_column(client: Any) -> None:
    bad = Path(__file__).resolve().parents[1] / "portfolio" / "broken" / "text_in_numeric.csv"
    answer = client.post(
        "/ui/stock/check", files={"register": (bad.name, bad.read_bytes())}, data={"lang": "en"}
    )
    assert answer.status_code == 200
    # the CLI's lines: "row 3, area_m2 = 'sixty': must be a number" and so on
    assert "<code>area_m2</code>" in answer.text
    assert "<td>3</td><td>&#39;sixty&#39;</td><td>must be a number</td>" in answer.text


def test_a_good_register_gives_the_report_and_the_workbook(client: Any) -> None:
    reg = example("portfolio-example-register.csv")
    files = {"register": (reg.name, reg.read_bytes())}
    form = {"lang": "en", "assumptions_example": "portfolio-example.yaml"}
    ok = client.post("/ui/stock/check", files=files, data=form)
    assert 'id="register-ok"' in ok.text
    report = client.post("/ui/stock/report", files=files, data=form)
    assert report.status_code == 200 and "<html" in report.text
    book = client.post("/ui/stock/workbook", files=files, data=form)
    assert book.status_code == 200
    assert book.content[:2] == b"PK"  # an XLSX is a zip archive


def test_a_register_of_another_kind_is_refused(client: Any) -> None:
    answer = client.post(
        "/ui/stock/check",
        files={"register": ("passwd", b"root:x:0:0")},
        headers={"hx-request": "1"},
    )
    assert "must be a .csv or .xlsx file" in answer.text


def test_nothing_is_left_on_disk(
    client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from housingcalc.serve import core

    monkeypatch.setattr(core, "SHM", str(tmp_path / "no-shm"))  # use tempfile's folder
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    reg = example("portfolio-example-register.csv")
    book = client.post(
        "/ui/stock/workbook",
        files={"register": (reg.name, reg.read_bytes())},
        data={"assumptions_example": "portfolio-example.yaml"},
    )
    assert book.status_code == 200
    assert list(tmp_path.iterdir()) == []


def test_the_family_page_opens_from_the_case_as_the_cli_writes_it(
    client: Any, page: str, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from housingcalc.cli import app as cli

    assert 'id="open-family"' in page and '<option value="uk"' in page
    out = tmp_path / "o"
    ran = CliRunner().invoke(
        cli, ["run", EXAMPLE, "--format", "family", "--lang", "uk", "--out", str(out)]
    )
    assert ran.exit_code == 0, ran.output
    (written,) = out.glob("*.html")
    answer = client.post("/ui/family", data={**_form_of(page), "family_lang": "uk"})
    assert answer.status_code == 200
    assert answer.text == written.read_text("utf-8")
