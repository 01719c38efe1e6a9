"""The pages: server-rendered from ``templates/serve/`` with htmx partial updates.

Every handler reads the posted form (the whole case travels with each request, in the hidden
``case`` field and the shown fields; saved variants in hidden ``variant`` fields), makes one
library call through :mod:`housingcalc.serve.core` and renders a template. Nothing is kept on
the server between requests.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from housingcalc.errors import CollectedErrors, HousingcalcError, InputError
from housingcalc.overrides import value_at
from housingcalc.serve import core, form

if TYPE_CHECKING:
    import jinja2

    from housingcalc.reports.i18n import Translator

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).resolve().parent / "static"
#: The only files ``/static/`` serves (a fixed list: no path from a request reaches the disk).
STATIC_FILES = {
    "htmx.min.js": "text/javascript; charset=utf-8",
    "serve.css": "text/css; charset=utf-8",
    "htmx.LICENSE": "text/plain; charset=utf-8",
}
SERVE_CATALOGUE = "serve"
#: How the page names each ``solve --for`` target (message ids of serve.po).
SOLVE_LABELS = {
    "grant": "the establishment grant",
    "price": "the price",
    "savings": "the savings",
    "income": "the income after the programme",
    "term": "the loan term",
    "interest-only": "the interest-only period",
}


# -- rendering --------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def serve_translator(lang: str) -> Translator:
    """The report's catalogue with the workspace's own ``serve.po`` over it."""
    from babel.messages.pofile import read_po

    from housingcalc.reports.i18n import Translator, catalogue_path, translator
    from housingcalc.resources import templates_dir

    base = translator(lang)
    messages = dict(base.messages)
    path = catalogue_path(Path(str(templates_dir())), lang).with_name(f"{SERVE_CATALOGUE}.po")
    if path.is_file():
        with path.open("rb") as fh:
            for m in read_po(fh):
                if m.id and m.string and not m.fuzzy and isinstance(m.id, str):
                    messages[m.id] = str(m.string)
    return Translator(base.lang, messages, base.plural_rule)


@lru_cache(maxsize=4)
def environment(lang: str) -> jinja2.Environment:
    """The report environment (locale filters) speaking the workspace's catalogue."""
    from housingcalc.reports.render import make_environment

    env = make_environment(lang)
    t = serve_translator(lang)
    env.install_gettext_callables(t.gettext, t.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["sections"] = form.SECTIONS
    env.globals["get_path"] = value_at
    env.globals["shown"] = form.shown
    env.globals["field_id"] = field_id
    env.globals["max_variants"] = core.MAX_VARIANTS
    env.globals["solve_labels"] = SOLVE_LABELS
    from housingcalc.reports.decision import OUTCOME_LABELS

    env.globals["outcome_labels"] = OUTCOME_LABELS
    return env


def field_id(path: str) -> str:
    return "f-" + path.replace(".", "-")


def render(template: str, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    text = environment(lang).get_template(f"serve/{template}").render(lang=lang, **context)
    return HTMLResponse(text, status_code=status)


def error_fragment(request: Request, lines: list[str], status: int) -> Response:
    lang = _lang_of(request.query_params.get("lang"))
    response = render("_error.html.j2", lang, status, lines=lines)
    if request.headers.get("hx-request"):
        # htmx leaves error answers unswapped by default: show them in the message area
        response.status_code = 200
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


def _lang_of(value: str | None) -> str:
    from housingcalc.reports.i18n import check_lang

    if not value:
        return "nb"
    try:
        return check_lang(value)
    except InputError:
        return "nb"


async def _form(request: Request) -> tuple[dict[str, str], list[str]]:
    """The posted fields (last value wins) and the saved variants."""
    data = await request.form(max_files=1, max_fields=2000, max_part_size=core.MAX_SCENARIO_BYTES)
    fields: dict[str, str] = {}
    for key, value in data.multi_items():
        if isinstance(value, str) and key != "variant":
            fields[key] = value
    variants = [v for v in data.getlist("variant") if isinstance(v, str)]
    return fields, variants[: core.MAX_VARIANTS]


def _variants(texts: list[str]) -> list[dict[str, Any]]:
    out = []
    for text in texts:
        try:
            v = json.loads(text)
        except json.JSONDecodeError:
            continue
        if isinstance(v, dict) and isinstance(v.get("case"), dict):
            out.append({"label": str(v.get("label", "")), "case": v["case"], "json": text})
    return out


def _case_context(
    raw: dict[str, Any], source: str, lang: str, variants: list[dict[str, Any]]
) -> dict[str, Any]:
    """What the case area shows: the fields, and the verdict or the first error."""
    verdict = _verdict_context(raw, source, lang)
    return {
        "raw": raw,
        "case_json": core.dump_json(raw),
        "source": source,
        "variants": variants,
        "solve_targets": core.solve_targets(),
        "family_languages": core.family_languages(),
        **verdict,
    }


def _verdict_context(raw: dict[str, Any], source: str, lang: str) -> dict[str, Any]:
    try:
        scenario = core.scenario_from_raw(raw, source)
        report = core.household_context(scenario, source, lang)
    except HousingcalcError as exc:
        return {
            "key": None,
            "verdict": None,
            "error": str(exc),
            "error_field": form.error_field(exc),
        }
    return {
        "key": report.key,
        "verdict": report.verdict,
        "error": None,
        "error_field": None,
    }


# -- pages ------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def index(request: Request, lang: str | None = None, example: str | None = None) -> Response:
    code = _lang_of(lang)
    raw, source = core.example_raw(example or "refugee-family-rent-to-own")
    return render(
        "workspace.html.j2",
        code,
        examples=core.examples(code),
        chosen=source,
        **_case_context(raw, source, code, []),
    )


@router.post("/", response_class=HTMLResponse)
async def index_with_case(request: Request, lang: str | None = None) -> Response:
    """The page again with the posted case (switching language keeps the case)."""
    code = _lang_of(lang)
    fields, variant_texts = await _form(request)
    raw = form.case_from_form(fields)
    source = fields.get("source", "case")
    return render(
        "workspace.html.j2",
        code,
        examples=core.examples(code),
        chosen=source,
        **_case_context(raw, source, code, _variants(variant_texts)),
    )


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(status_code=204)


@router.get("/static/{name}")
def static(name: str) -> Response:
    media = STATIC_FILES.get(name)
    if media is None:
        return Response("not found", status_code=404, media_type="text/plain")
    return Response((STATIC / name).read_bytes(), media_type=media)


@router.post("/ui/load", response_class=HTMLResponse)
async def load(request: Request) -> Response:
    """Start from a packaged example or an uploaded scenario file."""
    data = await request.form(max_files=1, max_fields=10, max_part_size=core.MAX_SCENARIO_BYTES)
    lang = _lang_of(str(data.get("lang") or ""))
    upload = data.get("file")
    if upload is not None and not isinstance(upload, str) and upload.filename:
        name = Path(upload.filename).name or "upload.yaml"
        content = await upload.read(core.MAX_SCENARIO_BYTES + 1)
        raw = core.raw_from_text(core.decode_text(content, name), name)
        core.scenario_from_raw(raw, name)  # a bad file: the CLI's message, nothing loaded
        source = name
    else:
        raw, source = core.example_raw(str(data.get("example") or "refugee-family-rent-to-own"))
    return render("_case.html.j2", lang, **_case_context(raw, source, lang, []))


@router.post("/ui/verdict", response_class=HTMLResponse)
async def verdict(request: Request) -> Response:
    """The verdict panel for the case as typed (and the field errors beside the fields)."""
    fields, _ = await _form(request)
    lang = _lang_of(fields.get("lang"))
    raw = form.case_from_form(fields)
    source = fields.get("source", "case")
    ctx = _verdict_context(raw, source, lang)
    return render("_verdict.html.j2", lang, oob=True, paths=form.field_names(raw), **ctx)


@router.post("/ui/case", response_class=HTMLResponse)
async def case(request: Request) -> Response:
    """Add or remove a row, or apply a solve answer: the case area again."""
    fields, variant_texts = await _form(request)
    lang = _lang_of(fields.get("lang"))
    raw = form.case_from_form(fields)
    op = fields.get("op", "")
    if "apply" in fields:  # a solve answer's `set` list, applied as `--set` applies it
        raw, _ = core.apply_sets(raw, form.assignments(fields["apply"]), "case")
    elif op:
        raw = form.apply_op(raw, op)
    source = fields.get("source", "case")
    return render(
        "_case.html.j2", lang, **_case_context(raw, source, lang, _variants(variant_texts))
    )


@router.post("/ui/solve", response_class=HTMLResponse)
async def solve(request: Request, target: str) -> Response:
    fields, _ = await _form(request)
    lang = _lang_of(fields.get("lang"))
    raw = form.case_from_form(fields)
    source = fields.get("source", "case")
    core.scenario_from_raw(raw, source)  # a bad case: the CLI's message first
    answer = core.solve(raw, target, source)
    return render(
        "_solve.html.j2", lang, target=target, answer=answer, label=SOLVE_LABELS.get(target, "")
    )


@router.post("/ui/variant", response_class=HTMLResponse)
async def save_variant(request: Request) -> Response:
    """Save the case as it stands as a variant (kept in the page, not on the server)."""
    fields, variant_texts = await _form(request)
    lang = _lang_of(fields.get("lang"))
    if len(variant_texts) >= core.MAX_VARIANTS:
        raise InputError(
            "variants", len(variant_texts), f"at most {core.MAX_VARIANTS} side by side"
        )
    raw = form.case_from_form(fields)
    source = fields.get("source", "case")
    core.scenario_from_raw(raw, source)  # only a valid case is saved
    label = (fields.get("variant_label") or "").strip()[:60] or f"{len(variant_texts) + 1}"
    text = json.dumps({"label": label, "case": raw}, ensure_ascii=False)
    return render("_variant.html.j2", lang, v={"label": label, "case": raw, "json": text})


@router.post("/ui/compare", response_class=HTMLResponse)
async def compare(request: Request) -> Response:
    fields, variant_texts = await _form(request)
    lang = _lang_of(fields.get("lang"))
    variants = _variants(variant_texts)
    if len(variants) < 2:
        raise InputError("variants", len(variants), "save at least two variants to compare")
    table = core.compare(variants, lang)
    return render("_compare.html.j2", lang, table=table)


@router.post("/ui/download")
async def download(request: Request) -> Response:
    """The case as a scenario YAML file (the file `housingcalc run` reads)."""
    fields, _ = await _form(request)
    raw = form.case_from_form(fields)
    source = fields.get("source", "case")
    core.scenario_from_raw(raw, source)
    stem = Path(source).stem if source.endswith((".yaml", ".yml")) else "case"
    stem = "".join(c for c in stem if c.isalnum() or c in "-_")[:80] or "case"
    return Response(
        core.dump_yaml(raw),
        media_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{stem}.yaml"'},
    )


@router.post("/ui/report", response_class=HTMLResponse)
async def report(request: Request) -> Response:
    """The full household report (print it to PDF from the browser)."""
    fields, _ = await _form(request)
    lang = _lang_of(fields.get("lang"))
    raw = form.case_from_form(fields)
    source = fields.get("source", "case")
    scenario = core.scenario_from_raw(raw, source)
    return HTMLResponse(core.report_html(scenario, source, lang, raw))


@router.post("/ui/family", response_class=HTMLResponse)
async def family(request: Request) -> Response:
    """The family's one-page summary (when this build has it)."""
    fields, _ = await _form(request)
    lang = _lang_of(fields.get("lang"))
    raw = form.case_from_form(fields)
    source = fields.get("source", "case")
    scenario = core.scenario_from_raw(raw, source)
    family_lang = fields.get("family_lang") or lang
    return HTMLResponse(core.family_html(scenario, source, family_lang, raw))


# -- the stock --------------------------------------------------------------------------------


@router.get("/stock", response_class=HTMLResponse)
def stock(lang: str | None = None) -> Response:
    return render("stock.html.j2", _lang_of(lang))


async def _register(request: Request) -> tuple[core.StockUpload, str]:
    data = await request.form(max_files=2, max_fields=10, max_part_size=1024)
    lang = _lang_of(str(data.get("lang") or ""))
    upload = data.get("register")
    if upload is None or isinstance(upload, str) or not upload.filename:
        raise InputError("register", "(none)", "choose a register file (CSV or XLSX)")
    name = Path(upload.filename).name
    content = await upload.read(core.MAX_REGISTER_BYTES + 1)
    if len(content) > core.MAX_REGISTER_BYTES:
        raise InputError(name, f"{len(content)} bytes", f"larger than {core.MAX_REGISTER_BYTES}")
    extra = data.get("assumptions")
    assumptions, assumptions_name = None, ""
    if extra is not None and not isinstance(extra, str) and extra.filename:
        assumptions = await extra.read(core.MAX_SCENARIO_BYTES + 1)
        assumptions_name = Path(extra.filename).name
        core.decode_text(assumptions, assumptions_name)  # the size limit
    use_example = str(data.get("assumptions_example") or "") == core.PORTFOLIO_EXAMPLE
    return (
        core.StockUpload(content, name, assumptions, assumptions_name, use_example),
        lang,
    )


@router.post("/ui/stock/check", response_class=HTMLResponse)
async def stock_check(request: Request) -> Response:
    """Validate a register: the CLI's errors grouped by column, or a summary."""
    upload, lang = await _register(request)
    name = upload.name
    try:
        summary = core.register_summary(upload.content, name)
    except CollectedErrors as exc:
        return render("_stock_result.html.j2", lang, name=name, groups=core.group_errors(exc))
    return render("_stock_result.html.j2", lang, name=name, groups=None, summary=summary)


@router.post("/ui/stock/report", response_class=HTMLResponse)
async def stock_report(request: Request) -> Response:
    upload, lang = await _register(request)
    return HTMLResponse(core.portfolio_html(upload, lang))


@router.post("/ui/stock/workbook")
async def stock_workbook(request: Request) -> Response:
    upload, lang = await _register(request)
    data = core.portfolio_workbook(upload, lang)
    stem = "".join(c for c in Path(upload.name).stem if c.isalnum() or c in "-_")[:80] or "register"
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{stem}.{lang}.xlsx"'},
    )


def messages() -> set[str]:
    """Every message id the workspace shows (its templates, form labels and help texts, solve
    labels): each must be in ``serve.po`` (or the report's catalogue) of every language."""
    from babel.messages.extract import extract

    from housingcalc.resources import templates_dir

    found: set[str] = set()
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2)}
    for path in sorted((Path(str(templates_dir())) / "serve").glob("*.j2")):
        with path.open("rb") as fh:
            for _line, msg, _c, _ctx in extract(
                "jinja2.ext.babel_extract",
                fh,
                keywords=keywords,
                options={"extensions": "jinja2.ext.i18n"},
            ):
                if isinstance(msg, str):
                    found.add(msg)
    for section in form.SECTIONS:
        found.add(section.title)
        for f in section.fields:
            found.update((f.label, f.help))
    found.update(SOLVE_LABELS.values())
    return found
