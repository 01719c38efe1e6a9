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
#: Most variants the page keeps side by side.
MAX_VARIANTS = 4

_PARAMS: ParameterSet | None = None


def params() -> ParameterSet:
    """The packaged parameters, read once per process (they are package data, not user data;
    each run works on ``fresh()`` copies, so no request sees another's lookups)."""
    global _PARAMS
    if _PARAMS is None:
        from housingcalc.parameters import load_parameters

        _PARAMS = load_parameters(None)
    return _PARAMS


def decode_text(data: bytes, source: str) -> str:
    if len(data) > MAX_SCENARIO_BYTES:
        raise InputError(source, f"{len(data)} bytes", f"larger than {MAX_SCENARIO_BYTES} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise file_error(source, "not UTF-8 text") from None


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


def run_json(scenario: Scenario, source: str) -> str:
    """Exactly the text ``housingcalc run --format json`` writes (``<stem>.json``)."""
    from housingcalc.reports.household import produce_report

    files = produce_report(scenario, params(), langs=("nb",), formats=("json",), source=source)
    (text,) = files.values()
    return text


def report_html(scenario: Scenario, source: str, lang: str) -> str:
    """The full household report (HTML, charts inline, print stylesheet) in one language."""
    from housingcalc.reports.household import produce_report

    files = produce_report(scenario, params(), langs=(lang,), formats=("html",), source=source)
    (text,) = files.values()
    return text


def household_context(scenario: Scenario, source: str, lang: str) -> HouseholdReport:
    """The report's context without charts: the verdict panel renders from its ``key``."""
    from housingcalc.calc.rent_to_own import run_rent_to_own
    from housingcalc.reports.household import build_context

    ps = params().fresh()
    result = run_rent_to_own(scenario, ps)
    return build_context(
        result, ps.used(), lang=lang, source=source, generated_on=dt.date.today(), charts=False
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
    base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="housingcalc-serve-", dir=base) as folder:
        yield Path(folder)


def register_suffix(filename: str) -> str:
    suffix = Path(filename or "").suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
        raise InputError("register", filename or "(no name)", "must be a .csv or .xlsx file")
    return suffix


def examples() -> list[tuple[str, str]]:
    """(file name, title) of each packaged rent-to-own example, the built-in one first."""
    from housingcalc.scenarios import describe_examples

    return describe_examples()


# -- solve, compare, the family page: from the caseworker-decision library where present ------


def solve_targets() -> tuple[str, ...]:
    """The ``solve --for`` targets this build offers (none before the solver is installed)."""
    import importlib

    try:
        solver = importlib.import_module("housingcalc.calc.solve")
    except ImportError:
        return ()
    return tuple(getattr(solver, "TARGETS", ()))


def solve(raw: dict[str, Any], target: str, source: str) -> dict[str, Any]:
    """What ``housingcalc solve --for TARGET --format json`` prints (with its ``set`` list)."""
    import importlib

    if target not in solve_targets():
        raise InputError("--for", target, f"must be one of {', '.join(solve_targets()) or '-'}")
    solver = importlib.import_module("housingcalc.calc.solve")
    decision = importlib.import_module("housingcalc.reports.decision")
    solution = solver.solve(raw, params().fresh(), target)
    data: dict[str, Any] = decision.solution_json(solution, source=source)
    return data


def family_page_available() -> bool:
    return False


def family_html(scenario: Scenario, source: str, lang: str) -> str:
    raise InputError("family page", lang, "the family's one-page summary is not in this build")


def compare(variants: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """The saved variants side by side: the key figures of each run (the same numbers the run
    JSON carries), with the terms in which each differs from the first named."""
    rows: list[dict[str, Any]] = []
    for i, v in enumerate(variants):
        source = f"variant {i + 1}"
        scenario = scenario_from_raw(v["case"], source)
        data = json.loads(run_json(scenario, source))
        rows.append({"label": v["label"], "key": data["key_figures"], "status": data["status"]})
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
