"""Helpers for the hostile-input suite (issue 11).

Every refused case is checked the same way by :func:`refused`: exit code 2, exactly one line
on stderr starting ``error:`` and naming the field and the rule, no traceback, every input
file byte-for-byte unchanged and no file left in the output folder. Every command runs with
warnings turned into errors (``-W error`` semantics), so a numpy overflow warning that would
reach a user fails the test.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from housingcalc.cli import app
from housingcalc.resources import example

runner = CliRunner()


def example_text(name: str) -> str:
    return example(name).read_text("utf-8")


def replaced(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced once; fails if the example no longer holds ``old``."""
    assert old in text, old
    return text.replace(old, new, 1)


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def invoke(args: Sequence[str]) -> Result:
    """Run the CLI in-process with every warning an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return runner.invoke(app, [str(a) for a in args])


@dataclass
class Case:
    """A folder of input files and an output folder inside ``tmp_path``."""

    root: Path

    @property
    def inputs(self) -> Path:
        d = self.root / "in"
        d.mkdir(exist_ok=True)
        return d

    @property
    def out(self) -> Path:
        return self.root / "out"

    def write(self, name: str, content: str | bytes) -> Path:
        p = self.inputs / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, "utf-8")
        return p

    def refused(self, args: Sequence[str], *needles: str) -> str:
        """Run ``args``; assert the refusal contract; return the one error line."""
        before = _digest(self.inputs)
        out_before = _digest(self.out) if self.out.exists() else {}
        r = invoke(args)
        lines = r.stderr.splitlines()
        assert r.exit_code == 2, (r.exit_code, r.stderr, r.stdout)
        assert len(lines) == 1, r.stderr
        line = lines[0]
        assert line.startswith("error: "), line
        assert "Traceback" not in r.stderr + r.stdout and "internal error" not in line
        assert len(line) < 400, line
        for needle in needles:
            assert needle in line, (needle, line)
        assert _digest(self.inputs) == before, "an input file was modified"
        after = _digest(self.out) if self.out.exists() else {}
        assert after == out_before, "output was left behind"
        leftovers = [p.name for p in self.root.rglob("*.tmp")]
        assert not leftovers, leftovers
        return line

    def ok(self, args: Sequence[str]) -> Result:
        before = _digest(self.inputs)
        r = invoke(args)
        assert r.exit_code == 0, (r.exit_code, r.stderr)
        assert "Warning" not in r.stderr
        assert _digest(self.inputs) == before, "an input file was modified"
        return r


@pytest.fixture()
def case(tmp_path: Path) -> Case:
    return Case(tmp_path)
