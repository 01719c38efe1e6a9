"""What the workspace asks of the library: parse a case, run it, shape the answer.

Every function here is a thin call into the same loaders and calculations the CLI uses
(:mod:`housingcalc.scenarios`, :func:`housingcalc.reports.household.produce_report`,
:mod:`housingcalc.registers`); nothing here computes. Nothing is kept between calls and
nothing is written to disk, except the register upload and the workbook, which the readers
and writers take as files: they live in a private temporary folder (in memory, ``/dev/shm``,
where the system has one) for the length of one request and are removed before it answers.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from housingcalc.errors import HousingcalcError, InputError, ScenarioError

if TYPE_CHECKING:
    from housingcalc.models.scenario import Scenario
    from housingcalc.parameters import ParameterSet
    from housingcalc.reports.household import HouseholdReport

#: Largest scenario file accepted (a scenario is a few kB; the template is 8 kB).
MAX_SCENARIO_BYTES = 256 * 1024
#: Largest register accepted (about 50 000 units as CSV).
MAX_REGISTER_BYTES = 8 * 1024 * 1024
#: A memory-backed folder for the few files a request needs (where the system has one).
SHM = "/dev/shm"
#: Most variants the page keeps side by side.
MAX_VARIANTS = 4

_PARAMS: dict[dt.date, ParameterSet] = {}


def params() -> ParameterSet:
    """The parameters as the CLI loads them (``cli._common.load_params`` without ``--params``:
    the packaged values merged with the user's default override folder, staleness judged as at
    today), read once a day per process. Each run works on ``fresh()`` copies, so no request
    sees another's lookups."""
    today = dt.date.today()
    if today not in _PARAMS:
        from housingcalc.parameters import load_parameters
        from housingcalc.parameters.update import default_params_dir

        _PARAMS.clear()
        _PARAMS[today] = load_parameters(default_params_dir(), as_of=today)
    return _PARAMS[today]


def decode_text(data: bytes, source: str) -> str:
    if len(data) > MAX_SCENARIO_BYTES:
        raise InputError(source, f"{len(data)} bytes", f"larger than {MAX_SCENARIO_BYTES} bytes")
    from housingcalc.inputs import decode_text as decode  # the one input reader (issue 11)

    text, _encoding = decode(data, source)
    return text


def file_error(source: str, rule: str) -> ScenarioError:
    """``'<source>: <rule>'``: a problem with a whole file (as the CLI words it)."""
    err = ScenarioError(f"{source}: (file)", None, rule)
    err.args = (f"{source}: {rule}",)
    return err


def raw_from_text(text: str, source: str) -> dict[str, Any]:
    """A scenario's text (YAML, of which JSON is a subset) as plain data, checked by the same
    YAML reader as the CLI. Raises ``ScenarioError`` naming the file and line."""
    from housingcalc.yamlio import load_yaml

    raw = load_yaml(text, source)
    if not isinstance(raw, dict):
        raise file_error(source, "must be a mapping of keys")
    return raw


def scenario_from_raw(raw: dict[str, Any], source: str) -> Scenario:
    from housingcalc.scenarios import parse_scenario

    return parse_scenario(raw, source)


def example_raw(name: str) -> tuple[dict[str, Any], str]:
    """A packaged example by name (with or without ``.yaml``): only names the package lists
    are accepted, so no path reaches the file system."""
    from housingcalc.scenarios import example_names, example_text

    names = example_names()
    file = name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"
    if file not in names:
        raise InputError("example", name, f"no packaged example of that name; one of {names}")
    return raw_from_text(example_text(file), file), file


def apply_sets(raw: dict[str, Any], sets: list[str], source: str) -> tuple[dict[str, Any], str]:
    """``PATH=VALUE`` overrides applied as ``--set`` applies them (the library's one function),
    and the source named as the CLI names it (``… (with --set)``)."""
    if not sets:
        return raw, source
    from housingcalc.models.scenario import Scenario
    from housingcalc.overrides import apply_overrides

    return apply_overrides(raw, sets, model=Scenario), f"{source} (with --set)"


def run_json(scenario: Scenario, source: str, raw: dict[str, Any]) -> str:
    """Exactly the text ``housingcalc run --format json`` writes (``<stem>.json``)."""
    from housingcalc.reports.household import produce_report

    files = produce_report(
        scenario, params(), langs=("nb",), formats=("json",), source=source, raw=raw
    )
    (text,) = files.values()
    return text


def report_html(scenario: Scenario, source: str, lang: str, raw: dict[str, Any]) -> str:
    """The full household report (HTML, charts inline, print stylesheet) in one language."""
    from housingcalc.reports.household import produce_report

    files = produce_report(
        scenario, params(), langs=(lang,), formats=("html",), source=source, raw=raw
    )
    (text,) = files.values()
    return text


def household_context(scenario: Scenario, source: str, lang: str) -> HouseholdReport:
    """The report's context without charts: the verdict panel renders from its ``verdict``
    (outcome and reasons) and ``key``. The ways out of a failing case are left to the solve
    buttons (each would cost two more searches on every keystroke), and of the sensitivity
    paths only the no-job case the verdict reads is run (the rate ladder and price-growth
    cases are in the full report)."""
    from housingcalc.calc.rent_to_own import run_rent_to_own
    from housingcalc.calc.verdict import decide
    from housingcalc.reports.decision import verdict_section
    from housingcalc.reports.household import build_context

    ps = params().fresh()
    result = run_rent_to_own(scenario, ps, sensitivity="no_job")
    verdict = decide(result, ps)
    return build_context(
        result,
        ps.used(),
        lang=lang,
        source=source,
        generated_on=dt.date.today(),
        charts=False,
        verdict=verdict_section(verdict, ()),
    )


def dump_yaml(raw: dict[str, Any]) -> str:
    """A case as a scenario file the CLI reads (key order kept; comments are not kept)."""
    import yaml

    head = (
        "# housingcalc scenario, saved from `housingcalc serve` on "
        f"{dt.date.today().isoformat()}.\n# Run it with: housingcalc run THIS-FILE.yaml\n"
    )
    return head + yaml.safe_dump(raw, allow_unicode=True, sort_keys=False, width=100)


def dump_json(raw: dict[str, Any]) -> str:
    return json.dumps(raw, ensure_ascii=False, separators=(",", ":"))


@contextlib.contextmanager
def private_folder() -> Iterator[Path]:
    """A private temporary folder for one request, removed when the block ends (in
    ``/dev/shm``, memory, where the system has it)."""
    base = SHM if os.path.isdir(SHM) and os.access(SHM, os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="housingcalc-serve-", dir=base) as folder:
        yield Path(folder)


def register_suffix(filename: str) -> str:
    suffix = Path(filename or "").suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
        raise InputError("register", filename or "(no name)", "must be a .csv or .xlsx file")
    return suffix


def examples(lang: str) -> list[tuple[str, str]]:
    """(file name, title in ``lang``) of each packaged rent-to-own example, the built-in one
    first (a name given in several languages shows in the page's language)."""
    from housingcalc.scenarios import describe_examples

    return [(file, title or file) for file, title in describe_examples(lang)]


# -- solve, compare, the family page: from the caseworker-decision library where present ------


def solve_targets() -> tuple[str, ...]:
    """The ``solve --for`` targets, in the CLI's order."""
    from housingcalc.calc.solve import TARGETS

    return tuple(TARGETS)


def solve(
    raw: dict[str, Any],
    target: str,
    source: str,
    *,
    month: dt.date | None = None,
    stream: int | None = None,
) -> dict[str, Any]:
    """What ``housingcalc solve --for TARGET --format json`` prints (with its ``set`` list)."""
    from housingcalc.calc.solve import solve as solve_
    from housingcalc.reports.decision import solution_json

    if target not in solve_targets():
        raise InputError("--for", target, f"must be one of {', '.join(solve_targets())}")
    solution = solve_(raw, params().fresh(), target, month=month, stream=stream)
    return {**solution_json(solution, source=source), "stale": stale_values()}


def stale_values() -> list[dict[str, Any]]:
    """The stale rule values, as ``cli._common.echo_json`` adds them to a command's JSON."""
    found = {v.series: v.as_dict() for v in params().stale(everything=True)}
    return [found[k] for k in sorted(found)]


def compare_offers(
    raw: dict[str, Any], offers: list[str], source: str, scenario_name: str
) -> dict[str, Any]:
    """What ``housingcalc compare --offer … --format json`` prints."""
    from housingcalc.calc.compare import compare as compare_
    from housingcalc.calc.compare import split_offer
    from housingcalc.reports.decision import comparison_json

    if not offers:
        raise InputError(
            "--offer", "", "give at least one offer (e.g. --offer purchase.price_rule=year0)"
        )
    result = compare_(raw, [split_offer(o) for o in offers], params())
    data = comparison_json(result, source=source, scenario_name=scenario_name)
    return {**data, "stale": stale_values()}


def family_languages() -> dict[str, str]:
    """``{code: name in itself}`` of the family page's languages (nb, en, uk, ar, ti, …)."""
    from housingcalc.reports.family import family_language_names

    return family_language_names()


def family_html(scenario: Scenario, source: str, lang: str, raw: dict[str, Any]) -> str:
    """The family's one-page summary in one of :func:`family_languages`, as
    ``housingcalc run --format family --lang LANG`` writes it."""
    from housingcalc.reports.family import parse_family_langs
    from housingcalc.reports.household import produce_report

    langs = parse_family_langs(lang)
    files = produce_report(
        scenario,
        params(),
        langs=(),
        formats=("family",),
        source=source,
        raw=raw,
        family_langs=langs[:1],
    )
    (text,) = files.values()
    return text


def compare(variants: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """The saved variants side by side: the key figures of each run (the same numbers the run
    JSON carries), with the terms in which each differs from the first named."""
    rows: list[dict[str, Any]] = []
    for i, v in enumerate(variants):
        source = f"variant {i + 1}"
        scenario = scenario_from_raw(v["case"], source)
        data = json.loads(run_json(scenario, source, v["case"]))
        rows.append(
            {
                "label": v["label"],
                "key": data["key_figures"],
                "status": data["status"],
                "outcome": (data.get("verdict") or {}).get("outcome"),
            }
        )
    first = _flat(variants[0]["case"])
    differs = []
    for v in variants:
        flat = _flat(v["case"])
        names = sorted(k for k in set(first) | set(flat) if first.get(k) != flat.get(k))
        differs.append([f"{k} = {flat.get(k, '—')}" for k in names])
    return {"rows": rows, "differs": differs}


def _flat(node: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for k, v in node.items():
            out.update(_flat(v, f"{prefix}{k}."))
        return out
    if isinstance(node, list):
        out = {}
        for i, v in enumerate(node):
            out.update(_flat(v, f"{prefix}{i}."))
        return out
    return {prefix.rstrip("."): node}


# -- the stock --------------------------------------------------------------------------------


@contextlib.contextmanager
def register_file(content: bytes, name: str) -> Iterator[Path]:
    """The upload as a file the register reader takes, for the length of the block."""
    suffix = register_suffix(name)
    with private_folder() as folder:
        path = folder / f"register{suffix}"
        path.write_bytes(content)
        yield path


def register_summary(content: bytes, name: str) -> dict[str, Any]:
    from housingcalc.registers import read_register

    with register_file(content, name) as path:
        reg = read_register(path, source=name)
    return {"units": reg.units, "notes": list(reg.notes), "columns": list(reg.provided)}


def group_errors(exc: Any) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """The register's error lines grouped by column: [(column, [(row, value, rule)])]."""
    import re

    pattern = re.compile(r"^row (\d+), ([A-Za-z0-9_ ]+) = (.*?): (.*)$")
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for line in exc.errors:
        m = pattern.match(line)
        if m:
            groups.setdefault(m.group(2), []).append((m.group(1), m.group(3), m.group(4)))
        else:
            groups.setdefault("", []).append(("", "", line))
    return list(groups.items())


#: The packaged portfolio assumptions the stock page offers.
PORTFOLIO_EXAMPLE = "portfolio-example.yaml"


@dataclasses.dataclass(frozen=True)
class StockUpload:
    """A register upload and, optionally, the portfolio assumptions (a file or the example)."""

    content: bytes
    name: str
    assumptions: bytes | None = None
    assumptions_name: str = ""
    use_example: bool = False


def _assumptions(upload: StockUpload, folder: Path) -> Any:
    from housingcalc.models.portfolio import PortfolioAssumptions, load_assumptions
    from housingcalc.resources import example

    if upload.assumptions:
        name = Path(upload.assumptions_name).name or "assumptions.yaml"
        path = folder / name
        path.write_bytes(upload.assumptions)
        try:
            return load_assumptions(path)
        except HousingcalcError as exc:  # name the file as the user knows it
            exc.args = tuple(str(a).replace(str(path), name) for a in exc.args)
            raise
    if upload.use_example:
        return load_assumptions(example(PORTFOLIO_EXAMPLE))
    return PortfolioAssumptions(valuation_date=dt.date.today())


def _portfolio(upload: StockUpload, lang: str, folder: Path) -> Any:
    from housingcalc.calc.portfolio import analyse_portfolio
    from housingcalc.registers import read_register
    from housingcalc.reports.portfolio import build_report

    path = folder / f"register{register_suffix(upload.name)}"
    path.write_bytes(upload.content)
    reg = read_register(path, source=upload.name)
    res = analyse_portfolio(
        reg.frame,
        _assumptions(upload, folder),
        params().fresh(),
        parts=("value", "cost", "tariff", "project"),
        source=upload.name,
        notes=tuple(reg.notes),
    )
    report = build_report(res, lang, register_source=upload.name, register_notes=reg.notes)
    return report, res


def portfolio_html(upload: StockUpload, lang: str) -> str:
    """The portfolio report (HTML) for an uploaded register."""
    from housingcalc.reports.portfolio import render_html

    with private_folder() as folder:
        report, _ = _portfolio(upload, lang, folder)
        return render_html(report)


def portfolio_workbook(upload: StockUpload, lang: str) -> bytes:
    """The portfolio report's Excel workbook for an uploaded register."""
    from housingcalc.reports.portfolio import per_unit_frames, write_workbook

    with private_folder() as folder:
        report, res = _portfolio(upload, lang, folder)
        out = folder / "report.xlsx"
        write_workbook(report, out, per_unit=per_unit_frames(res))
        return out.read_bytes()
