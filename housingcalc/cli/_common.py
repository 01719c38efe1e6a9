"""Options and behaviour shared by every command.

- ``--format``: the output format (each command lists the ones it supports);
- ``--at DATE``: the date the rule values are read at (default: today);
- ``--params DIR``: a folder of parameter files that override or extend the packaged ones.

Errors: any ``HousingcalcError`` or usage error becomes one line on stderr and exit code 2.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

# typer (>= 0.26) vendors click; its usage errors are caught here to print them as one line.
from typer._click import exceptions as click_exc
from typer.core import TyperGroup

from housingcalc.errors import CollectedErrors, HousingcalcError, InputError

if TYPE_CHECKING:
    from housingcalc.parameters import ParameterSet

EXIT_INPUT = 2
EXIT_BUG = 1


def fail(message: str) -> NoReturn:
    """Print one line to stderr and exit 2."""
    typer.echo(f"error: {message}", err=True)
    raise SystemExit(EXIT_INPUT)


def _cut_long_values(message: str) -> str:
    """Cut every long value a usage message echoes (see ``errors.shown_value``): a quoted
    value, or a long word without ``/`` (paths are shown whole)."""
    import re

    from housingcalc.errors import SHOWN_VALUE_CHARS

    n = SHOWN_VALUE_CHARS

    def cut(m: re.Match[str]) -> str:
        q, body = m.group(1) or "", m.group(2)
        if "/" in body or "\\" in body:
            return m.group(0)
        return f"{q}{body[:n]}…{q} ({len(body)} characters)"

    quoted = r"(['\"])([^'\"]{" + str(n + 1) + r",})\1"
    message = re.sub(quoted, cut, message)
    return re.sub(r"()(?<![\w…])([^\s'\"()…]{" + str(n + 1) + r",})", cut, message)


class HousingcalcGroup(TyperGroup):
    """Turns every expected error into one line on stderr and exit code 2."""

    def main(  # type: ignore[override]  # click's signature differs across typer versions
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        _LOADED.clear()
        try:
            rv = super().main(
                args=args,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
        except click_exc.NoArgsIsHelpError as exc:
            typer.echo(exc.ctx.get_help() if exc.ctx is not None else str(exc))
            rv = 0
        except click_exc.UsageError as exc:
            message = _cut_long_values(exc.format_message().replace("\n", " "))
            hint = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx is not None else ""
            fail(f"{message}{hint}")
        except CollectedErrors as exc:
            for line in exc.lines():
                typer.echo(f"error: {line}", err=True)
            raise SystemExit(EXIT_INPUT) from None
        except HousingcalcError as exc:
            fail(str(exc))
        except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
            fail(f"{exc.filename}: {exc.strerror}")
        except typer.Abort:
            typer.echo("aborted", err=True)
            raise SystemExit(130) from None
        except Exception as exc:  # a bug: still one line for the user, the traceback on request
            if os.environ.get("HOUSINGCALC_DEBUG"):
                raise
            typer.echo(
                f"error: internal error ({type(exc).__name__}: {exc}); this is a bug in "
                "housingcalc; run again with HOUSINGCALC_DEBUG=1 to see the traceback",
                err=True,
            )
            raise SystemExit(EXIT_BUG) from None
        warn_stale()
        code = rv if isinstance(rv, int) else 0
        if standalone_mode:
            raise SystemExit(code)
        return rv


# -- shared options -------------------------------------------------------------------------

AtOption = Annotated[
    str | None,
    typer.Option(
        "--at", metavar="DATE", help="Read rule values as at this date (YYYY-MM-DD; default today)."
    ),
]
ParamsOption = Annotated[
    Path | None,
    typer.Option(
        "--params", metavar="DIR", help="Folder of parameter files overriding the packaged ones."
    ),
]


def format_option(choices: Sequence[str], default: str) -> Any:
    """A ``--format`` option listing its choices in the help."""
    return typer.Option(
        "--format",
        "-f",
        metavar="|".join(choices),
        help=f"Output format: {', '.join(choices)}.",
        show_default=True,
    )


def check_format(value: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise InputError("--format", value, f"must be one of {', '.join(choices)}")
    return value


#: Environment variable fixing "today" (YYYY-MM-DD) for reproducible output: the default of
#: ``--at`` and the date staleness is judged at (used by the docs' sessions, tests/docs_sessions).
TODAY_ENV = "HOUSINGCALC_TODAY"


def today() -> dt.date:
    """Today's date, or ``$HOUSINGCALC_TODAY`` when set."""
    pinned = os.environ.get(TODAY_ENV)
    if pinned:
        try:
            return dt.date.fromisoformat(pinned)
        except ValueError:
            raise InputError(TODAY_ENV, pinned, "must be a date written YYYY-MM-DD") from None
    return dt.date.today()


def parse_date(value: str | None, field: str = "--at") -> dt.date:
    """A date option (``YYYY-MM-DD``) within housingcalc's plausible dates (1900–2100)."""
    from housingcalc.limits import check_date

    if value is None:
        return today()
    try:
        date = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(field, value, "must be a date written YYYY-MM-DD") from None
    return check_date(date, field)


#: the parameter sets a command loaded (their stale values are warned about on exit and
#: listed in JSON output)
_LOADED: list[ParameterSet] = []


def load_params(params_dir: Path | None) -> ParameterSet:
    """The packaged parameters, merged with ``--params DIR`` or else the user's default
    folder (``housingcalc.parameters.user_dir``); values are judged stale as at today."""
    from housingcalc.parameters import load_parameters
    from housingcalc.parameters.update import default_params_dir

    folder = params_dir if params_dir is not None else default_params_dir()
    ps = load_parameters(folder, as_of=today())
    _LOADED.append(ps)
    return ps


def stale_values() -> list[dict[str, Any]]:
    """The stale values every loaded parameter set served so far (for JSON output)."""
    out: dict[str, dict[str, Any]] = {}
    for ps in _LOADED:
        for v in ps.stale(everything=True):
            out[v.series] = v.as_dict()
    return [out[k] for k in sorted(out)]


def warn_stale() -> None:
    """One warning line on stderr per stale series served by this command."""
    seen: set[str] = set()
    for ps in _LOADED:
        for v in ps.stale(everything=True):
            if v.series not in seen:
                seen.add(v.series)
                typer.echo(f"warning: {v.message()}", err=True)
    _LOADED.clear()


def percent(field: str, *, max_pct: float = 25.0) -> Callable[[str | None], float | None]:
    """A typer callback parsing ``3.5%`` / ``3.5`` into a fraction (see housingcalc.units)."""
    from housingcalc.units import parse_percent

    def convert(value: str | None) -> float | None:
        if value is None:
            return None
        return parse_percent(value, field, max_pct=max_pct)

    return convert


def bounded(field: str, maximum: float, unit: str) -> Callable[[float | None], float | None]:
    """A typer callback for a number option: finite, and at most ``maximum`` (a plausible
    range from :mod:`housingcalc.limits`, checked before any arithmetic)."""

    def check(value: float | None) -> float | None:
        if value is None:
            return None
        if value != value or abs(value) == float("inf"):
            raise InputError(field, value, "must be a finite number")
        if abs(value) > maximum:
            raise InputError(field, value, f"above the plausible maximum of {maximum:g} {unit}")
        return value

    return check


# -- output ---------------------------------------------------------------------------------


def to_json(obj: Any) -> str:
    """JSON text of a result (see :mod:`housingcalc.output`, the one serialisation layer)."""
    from housingcalc.output import to_json as _to_json

    return _to_json(obj)


def echo_json(obj: Any) -> None:
    """Print JSON; an object from a command that read rule values carries ``stale``."""
    if isinstance(obj, dict) and _LOADED and "stale" not in obj:
        obj = {**obj, "stale": stale_values()}
    typer.echo(to_json(obj))


def echo_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    right_align_from: int = 1,
) -> None:
    """Print a plain-text table (:func:`housingcalc.output.table_text`)."""
    from housingcalc.output import table_text

    typer.echo(table_text(headers, rows, title=title, right_align_from=right_align_from), nl=False)


def money(value: float) -> str:
    """Plain machine-friendly money for terminal tables: ``1234567.89`` → ``1 234 567.89``."""
    from housingcalc.output import money as _money

    return _money(value)


def _output_error(option: str, path: Path, exc: OSError) -> InputError:
    """An output path that cannot be written, named as the user gave it (never the staging
    folder or temporary file beside it)."""
    blocker = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None and blocker != path:
        return InputError(option, path, f"cannot be created: {blocker} is a file")
    reason = (exc.strerror or type(exc).__name__).lower()
    return InputError(option, path, f"cannot write there ({reason})")


def check_out_folder(out: Path, option: str = "--out") -> None:
    """Refuse an output folder that cannot be written *before* the work is done: a path under
    a file, a file, a folder without write permission (:func:`staged_folder` checks again)."""
    if out.exists() and not out.is_dir():
        raise InputError(option, out, "exists and is not a folder")
    blocker = next((p for p in out.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise InputError(option, out, f"cannot be created: {blocker} is a file")
    existing = next((p for p in (out, *out.parents) if p.exists()), None)
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(option, out, "cannot write there (permission denied)")


@contextmanager
def _writable(option: str, path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise _output_error(option, path, exc) from None


@contextmanager
def atomic_write(path: Path, mode: str = "w", *, option: str = "output file") -> Iterator[Any]:
    """Write to a temporary file beside ``path`` and rename it into place on success.

    ``option`` (e.g. ``--units-out``) names the path in the one-line error when it cannot be
    written (under a file, no permission).
    """
    if path.is_dir():
        raise InputError(option, path, "is a folder; give a file name")
    with _writable(option, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual permissions
    try:
        encoding = None if "b" in mode else "utf-8"
        with open(fd, mode, encoding=encoding) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def staged_folder(out: Path, *, option: str = "--out") -> Iterator[Path]:
    """Yield an empty staging folder beside ``out``; when the block succeeds, move every file
    written there into ``out`` (a new ``out`` appears in one rename). On any error the staging
    folder is removed, so no half-written report is left behind.

    Errors name ``out`` as the user gave it: a path under a file, a folder that cannot be
    written. When ``out`` already holds files of the same names (an earlier report), they are
    replaced and a ``note:`` line on stderr names them.
    """
    check_out_folder(out, option)
    with _writable(option, out):
        parent = out.resolve().parent
        parent.mkdir(parents=True, exist_ok=True)
        if out.is_dir() and not os.access(out, os.W_OK | os.X_OK):
            raise PermissionError(13, "Permission denied", str(out))
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes the folder private; a report folder is not
    try:
        yield staging
        with _writable(option, out):
            if not out.exists():
                os.replace(staging, out)
            else:
                replaced = sorted(f.name for f in staging.iterdir() if (out / f.name).exists())
                for f in staging.iterdir():
                    os.replace(f, out / f.name)
                if replaced:
                    typer.echo(
                        f"note: replaced {len(replaced)} earlier file(s) in {out}: "
                        + ", ".join(replaced),
                        err=True,
                    )
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def progress(message: str) -> None:
    """A progress line on stderr for people watching a terminal (never on stdout)."""
    if sys.stderr.isatty():
        typer.echo(f"  … {message}", err=True)


def parse_list(value: str, choices: Sequence[str], field: str) -> tuple[str, ...]:
    """``"html, md"`` → ``("html", "md")``, each one of ``choices``; no duplicates."""
    chosen = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    if not chosen or any(v not in choices for v in chosen):
        raise InputError(field, value, f"must be a comma-separated list of {', '.join(choices)}")
    return chosen


def parse_langs(value: str) -> tuple[str, ...]:
    """``--lang``: ``nb``, ``en``, ``nb,en`` or ``all``."""
    from housingcalc.reports.i18n import LANGUAGES, check_lang

    if value.strip().lower() in ("all", "both"):
        return tuple(LANGUAGES)
    chosen = tuple(dict.fromkeys(check_lang(v) for v in value.split(",") if v.strip()))
    if not chosen:
        raise InputError("--lang", value, f"must be one of {', '.join(LANGUAGES)} (or all)")
    return chosen


def out_option() -> Any:
    return typer.Option("--out", "-o", metavar="DIR", help="Folder to write the report into.")


def lang_option() -> Any:
    return typer.Option(
        "--lang", "-l", metavar="nb|en|all", help="Report language(s): nb, en, nb,en or all."
    )


#: ``--set PATH=VALUE`` (repeatable): override a field of the input file (housingcalc.overrides).
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="Override a field of the file by its dotted path as written in the file, list "
        "items by number (household.income.1.monthly=26000); repeatable. Checked as the file is.",
        show_default=False,
    ),
]
