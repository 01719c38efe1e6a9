"""Terminal sessions in README.md and docs/*.md, re-run from the code.

Every fenced block marked ``console`` is a session: lines starting with ``$ housingcalc`` are
commands; the lines after each, up to the next command, are what it prints (stdout and stderr
as a terminal shows them, trailing spaces dropped). ``check`` re-runs every command and
compares; ``--write`` rewrites the blocks from the new output. After a change of figures::

    .venv/bin/python -m tests.docs_sessions --write     # rewrite the sessions in place, and
                                                         # re-render the reports in docs/examples
    git diff README.md docs/                             # read what changed

``tests/test_docs_sessions.py`` fails when a block differs from what the code prints now.

Each command runs in process (typer's CliRunner; the same code as the console script) in a
fresh temporary folder holding links to ``scenarios/`` and ``tests/``, so relative paths in
the docs work and files a command writes never reach the checkout. Two shell forms are
understood: ``2>/dev/null`` (leave stderr out) and a final ``| head -N``. "Today" is pinned
to ``TODAY`` below through ``$HOUSINGCALC_TODAY`` (the default of ``--at`` and the date
staleness is judged at); still, give ``--at`` where a session reads rule values, so that a
reader who repeats it gets the same figures.

A session may show only part of an output. An HTML comment on the line just before the fence
says which lines, one line per command of the block (by its number, 1-based), and may set up
files the commands need, with a shell command run in the temporary folder first::

    <!-- session
    setup: sed 's/  area_m2:/  area:/' scenarios/refugee-family-rent-to-own.yaml > bad.yaml
    1: lines 1-3; grep ^ *(stress rate|verdict)
    -->

``lines A-B,C`` keeps those output lines, ``grep REGEX`` the lines the regular expression
finds, ``until REGEX`` the lines up to the first it finds, ``drop REGEX`` leaves out the
lines it finds (from all lines, or from those kept); clauses are separated by ``; ``. Where
lines are left out the block shows one ``…`` line. ``$ echo $?`` after a command shows its
exit code. A block that cannot be re-run here (it needs the network) says why, on a marker
line ``not run: REASON``; it is then shown as written. A block shown in the text can be a
file the sessions of the same document read: mark it ``<!-- session-file: units.csv -->`` on
the line before its fence.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: "today" for every session (``$HOUSINGCALC_TODAY``): the default of ``--at`` and the date
#: staleness warnings are judged at, so that the docs do not change by themselves
TODAY = "2026-12-01"
ELLIPSIS = "…"
PROMPT = "$ "

_FENCE = re.compile(r"^(```+)(\w*)[^\n]*$")
_MARKER = re.compile(r"^<!--\s*session\b(.*?)-->\s*$", re.S)
_FILE_MARKER = re.compile(r"^<!--\s*session-file:\s*(\S+)\s*-->\s*$")


def documents() -> list[Path]:
    """The Markdown files whose sessions are checked."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@dataclass
class Block:
    """One ``console`` block: where it is in the file, its marker and its commands."""

    start: int  # index of the first line inside the fence
    end: int  # index of the closing fence
    lines: list[str]
    setup: list[str] = field(default_factory=list)
    filters: dict[int, str] = field(default_factory=dict)
    skip: str = ""  # why the block is shown as written and not re-run (e.g. it needs a network)

    def commands(self) -> list[str]:
        return [ln[len(PROMPT) :] for ln in self.lines if ln.startswith(PROMPT)]


def _parse_marker(text: str) -> tuple[list[str], dict[int, str], str]:
    setup: list[str] = []
    filters: dict[int, str] = {}
    skip = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"session marker line {line!r}: expected 'setup: …' or 'N: …'")
        if key.strip() == "setup":
            setup.append(value.strip())
        elif key.strip() == "not run":
            skip = value.strip()
        elif key.strip().isdigit():
            filters[int(key)] = value.strip()
        else:
            raise ValueError(f"session marker line {line!r}: expected 'setup: …' or 'N: …'")
    return setup, filters, skip


def files(text: str) -> dict[str, str]:
    """Blocks marked ``<!-- session-file: NAME -->`` on the line before the fence: files the
    sessions of the same document can read (e.g. a CSV shown in the text)."""
    lines = text.split("\n")
    out: dict[str, str] = {}
    for i, line in enumerate(lines[:-1]):
        m = _FILE_MARKER.match(line)
        nxt = _FENCE.match(lines[i + 1])
        if m and nxt:
            j = i + 2
            while j < len(lines) and not lines[j].startswith(nxt.group(1)):
                j += 1
            out[m.group(1)] = "\n".join(lines[i + 2 : j]) + "\n"
    return out


def blocks(text: str, where: str = "") -> list[Block]:
    """Every ``console`` block of a Markdown text. A ``$ housingcalc`` line in a block of any
    other kind is an error (it would escape the check)."""
    lines = text.split("\n")
    out: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, kind = m.group(1), m.group(2)
        j = i + 1
        while j < len(lines) and not lines[j].startswith(fence):
            j += 1
        body = lines[i + 1 : j]
        if kind == "console":
            setup: list[str] = []
            filters: dict[int, str] = {}
            skip = ""
            k = i - 1
            if k >= 0 and lines[k].rstrip().endswith("-->"):
                while k > 0 and "<!--" not in lines[k]:
                    k -= 1
                mm = _MARKER.match("\n".join(lines[k:i]))
                if mm:
                    setup, filters, skip = _parse_marker(mm.group(1))
            block = Block(i + 1, j, body, setup, filters, skip)
            bad = [
                c for c in block.commands() if not c.startswith("housingcalc") and c != "echo $?"
            ]
            if not skip and (bad or not block.commands()):
                raise ValueError(
                    f"{where}:{i + 1}: a console block holds `$ housingcalc …` commands only"
                )
            out.append(block)
        elif any(ln.startswith(PROMPT + "housingcalc") for ln in body):
            raise ValueError(
                f"{where}:{i + 1}: a session (`$ housingcalc …`) in a block not marked "
                "```console: mark it so that it is checked"
            )
        i = j + 1
    return out


# -- running ----------------------------------------------------------------------------------


def _split(command: str) -> tuple[list[str], bool, int | None]:
    """argv (without ``housingcalc``), whether stderr is shown, and ``head -N``'s N."""
    head: int | None = None
    pipe = re.search(r"\|\s*head\s+-(?:n\s*)?(\d+)\s*$", command)
    if pipe:
        head = int(pipe.group(1))
        command = command[: pipe.start()]
    elif "|" in command:
        raise ValueError(f"{command!r}: only a final `| head -N` is understood")
    words = shlex.split(command)
    show_stderr = "2>/dev/null" not in words
    words = [w for w in words if w != "2>/dev/null"]
    if words[0] != "housingcalc":
        raise ValueError(f"{command!r}: not a housingcalc command")
    return words[1:], show_stderr, head


def run_command(command: str, cwd: Path) -> tuple[list[str], int]:
    """What ``command`` prints in ``cwd``, as lines without trailing spaces, and its exit
    code."""
    from typer.testing import CliRunner

    from housingcalc.cli import app

    argv, show_stderr, head = _split(command)
    old = Path.cwd()
    os.chdir(cwd)
    try:
        # help text as in an 80-column terminal (click keeps 2 columns free)
        env = {
            "COLUMNS": "80",
            "HOUSINGCALC_TODAY": TODAY,
            # no user override folder (params update's default) may change the figures
            "HOUSINGCALC_PARAMS_DIR": str(cwd / ".no-user-params"),
            "XDG_DATA_HOME": str(cwd / ".no-user-data"),
        }
        result = CliRunner(env=env).invoke(app, argv, prog_name="housingcalc", terminal_width=78)
    finally:
        os.chdir(old)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise RuntimeError(f"{command!r} raised {result.exception!r}") from result.exception
    text = result.output if show_stderr else result.stdout
    lines = [ln.rstrip() for ln in text.rstrip("\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return (lines[:head] if head is not None else lines), result.exit_code


def _ranges(spec: str) -> set[int]:
    keep: set[int] = set()
    for part in spec.split(","):
        a, _, b = part.strip().partition("-")
        keep.update(range(int(a), int(b or a) + 1))
    return keep


def select(lines: list[str], spec: str | None) -> list[str]:
    """The lines a filter keeps, with ``…`` where lines were left out."""
    if not spec:
        return lines
    numbers: set[int] = set()
    patterns: list[re.Pattern[str]] = []
    drops: list[re.Pattern[str]] = []
    for clause in spec.split("; "):
        kind, _, arg = clause.strip().partition(" ")
        if kind == "lines":
            numbers |= _ranges(arg)
        elif kind == "grep":
            patterns.append(re.compile(arg))
        elif kind == "drop":
            drops.append(re.compile(arg))
        elif kind == "until":
            first = next((n for n, ln in enumerate(lines, 1) if re.search(arg, ln)), len(lines))
            numbers |= set(range(1, first + 1))
        else:
            raise ValueError(
                f"session filter {clause!r}: expected `lines A-B`, `grep REGEX`, "
                "`until REGEX` or `drop REGEX`"
            )
    keep_all = not numbers and not patterns
    out: list[str] = []
    gap: list[str] = []  # the lines left out since the last kept one
    for n, line in enumerate(lines, start=1):
        kept = keep_all or n in numbers or any(p.search(line) for p in patterns)
        if kept and not any(p.search(line) for p in drops):
            # a gap of blank lines only is shown as it is: nothing was left out
            out += gap if not any(gap_line for gap_line in gap) else [ELLIPSIS]
            out.append(line)
            gap = []
        else:
            gap.append(line)
    if gap:
        out.append(ELLIPSIS)
    return out


@dataclass
class Workspace:
    """A temporary folder with links to the checkout's example and test files."""

    path: Path

    @classmethod
    def make(cls, base: Path) -> Workspace:
        for name in ("scenarios", "tests"):
            (base / name).symlink_to(ROOT / name, target_is_directory=True)
        return cls(base)


def render_block(block: Block, cwd: Path) -> list[str]:
    """The block's lines as the code prints them now."""
    for cmd in block.setup:
        subprocess.run(["bash", "-c", cmd], cwd=cwd, check=True)
    out: list[str] = []
    status = 0
    for n, command in enumerate(block.commands(), start=1):
        if command == "echo $?":  # the exit code of the command before, as a shell prints it
            out += [PROMPT + command, str(status)]
            continue
        if out:
            out.append("")
        out.append(PROMPT + command)
        shown, status = run_command(command, cwd)
        out += select(shown, block.filters.get(n))
    return out


def regenerate(path: Path) -> str:
    """The Markdown file with every session re-run."""
    text = path.read_text("utf-8")
    lines = text.split("\n")
    found = blocks(text, str(path.relative_to(ROOT)))
    shared = files(text)
    with tempfile.TemporaryDirectory(prefix="hc-docs-") as tmp:
        for index, block in enumerate(reversed(found)):
            if block.skip:
                if not block.skip.strip():
                    raise ValueError(f"{path.name}: `not run:` needs a reason")
                continue
            cwd = Path(tmp) / str(index)
            cwd.mkdir()
            Workspace.make(cwd)
            for name, content in shared.items():
                (cwd / name).write_text(content, "utf-8")
            lines[block.start : block.end] = render_block(block, cwd)
    return "\n".join(lines)


def diffs() -> Iterator[tuple[Path, str]]:
    """(file, unified diff) for every document whose sessions differ from the code's output."""
    for path in documents():
        old = path.read_text("utf-8")
        new = regenerate(path)
        if new != old:
            rel = str(path.relative_to(ROOT))
            diff = difflib.unified_diff(
                old.splitlines(), new.splitlines(), f"{rel} (as written)", f"{rel} (as run)", n=1
            )
            yield path, "\n".join(diff)


#: The rendered example reports the README links to, and the commands that make them
#: (refreshed by ``--write``; files of those names already in docs/examples are replaced).
EXAMPLES = ROOT / "docs" / "examples"
EXAMPLE_COMMANDS = (
    "housingcalc run --lang all --out out",
    "housingcalc portfolio report scenarios/portfolio-example-register.csv "
    "-s scenarios/portfolio-example.yaml --lang en --out out",
)


def refresh_examples() -> list[str]:
    """Re-render the example reports in docs/examples; the names of the files replaced."""
    import shutil

    replaced: list[str] = []
    with tempfile.TemporaryDirectory(prefix="hc-examples-") as tmp:
        cwd = Workspace.make(Path(tmp)).path
        for command in EXAMPLE_COMMANDS:
            _, status = run_command(command, cwd)
            if status != 0:
                raise RuntimeError(f"{command!r} exited {status}")
        for made in sorted((cwd / "out").iterdir()):
            if (EXAMPLES / made.name).exists():
                shutil.copyfile(made, EXAMPLES / made.name)
                replaced.append(made.name)
    return replaced


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    write = "--write" in args
    changed = 0
    for path in documents():
        old = path.read_text("utf-8")
        new = regenerate(path)
        if new == old:
            continue
        changed += 1
        rel = path.relative_to(ROOT)
        if write:
            path.write_text(new, "utf-8")
            print(f"rewrote the sessions in {rel}")
        else:
            print(
                "\n".join(
                    difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1)
                )
            )
    if write:
        for name in refresh_examples():
            print(f"re-rendered docs/examples/{name}")
    if not changed:
        print("every session is as the code prints it")
    return 0 if (write or not changed) else 1


if __name__ == "__main__":
    raise SystemExit(main())
