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


def test_readme_library_example_runs_and_its_commented_values_hold() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme.split("## As a library", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        exec(compile(block, "README.md", "exec"), namespace)
    finally:
        os.chdir(cwd)
    # the values the README states in comments
    checked = 0
    for line in block.splitlines():
        code, _, comment = line.partition("#")
        expected = comment.strip()
        if expected.replace(".", "", 1).isdigit() and code.strip():
            expr = code.strip().removeprefix("r = ").strip()
            assert eval(expr, namespace) == float(expected), line
            checked += 1
    assert checked >= 2


def test_readme_quotation_of_the_example_report_is_what_the_report_says() -> None:
    # The README quotes the opening of the rendered English report; docs_sessions --write
    # re-renders that report, so a changed figure makes the quotation fail here.
    def words(text: str) -> str:
        return " ".join(text.replace("**", "").split())

    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## The main job", 1)[1].split("\n## ", 1)[0]
    quoted = [line[2:] for line in section.splitlines() if line.startswith("> ")]
    assert len(quoted) > 8
    report = words((ROOT / "docs/examples/refugee-family-rent-to-own.en.md").read_text("utf-8"))
    pieces = [p.strip() for p in words(" ".join(quoted)).replace("[…]", "").split("- ")]
    sentences = [s for p in pieces for s in re.split(r"(?<=[.:])\s+(?=[A-Z✓!])", p) if s]
    assert len(sentences) > 8
    for sentence in sentences:
        assert sentence in report, sentence
