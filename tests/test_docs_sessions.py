"""Every terminal session in README.md and docs/*.md is what the code prints (issue 12 §6).

On a failure, regenerate and read the diff:
``.venv/bin/python -m tests.docs_sessions --write && git diff README.md docs/``.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from tests import docs_sessions as ds


@pytest.mark.parametrize("path", ds.documents(), ids=lambda p: p.name)
def test_sessions_are_what_the_code_prints(path: Path) -> None:
    old = path.read_text("utf-8")
    new = ds.regenerate(path)
    if new != old:
        diff = "\n".join(
            difflib.unified_diff(old.splitlines(), new.splitlines(), "as written", "as run", n=1)
        )
        pytest.fail(
            f"{path.name}: a session differs from the code's output; run "
            f"`.venv/bin/python -m tests.docs_sessions --write`\n{diff}"
        )


def test_the_docs_hold_sessions() -> None:
    found = sum(len(ds.blocks(p.read_text("utf-8"), p.name)) for p in ds.documents())
    assert found >= 20  # README and docs/ show over twenty sessions


def test_a_session_outside_a_console_block_is_refused() -> None:
    with pytest.raises(ValueError, match="not marked"):
        ds.blocks("```\n$ housingcalc loan --help\n```\n", "x.md")


def test_a_changed_figure_is_caught(tmp_path: Path) -> None:
    text = "```console\n$ housingcalc loan --amount 12000 --rate 6% --terms 12 | head -3\n```\n"
    block = ds.blocks(text)[0]
    ds.Workspace.make(tmp_path)
    shown = ds.render_block(block, tmp_path)
    # 12 000 kr at 6 % over 12 months: PMT = 12000 × 0.005 / (1 − 1.005^−12) = 1 032.80
    assert "first payment   1 032.80" in shown
    assert shown != ["$ housingcalc loan --amount 12000 --rate 6% --terms 12 | head -3"]


def test_filters_keep_lines_and_mark_gaps() -> None:
    lines = ["a", "b", "c", "d", "e"]
    assert ds.select(lines, "lines 2") == ["…", "b", "…"]
    assert ds.select(["a", "", "c"], "grep a|c") == ["a", "", "c"]
    assert ds.select(lines, "lines 1-2; grep ^e") == ["a", "b", "…", "e"]
