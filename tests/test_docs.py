"""The README stays true: its test command is the one CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text("utf-8")
    head = readme.split("## ", 1)[0]
    return re.findall(r"^(python3 -m venv .+)$", head, flags=re.M)


def test_readme_opens_with_two_commands() -> None:
    commands = _readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith("housingcalc run")
    assert "pytest" in commands[1]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert _readme_commands()[1] in ci.splitlines()


def test_changelog_exists_with_an_entry() -> None:
    assert "## " in (ROOT / "CHANGELOG.md").read_text("utf-8")
