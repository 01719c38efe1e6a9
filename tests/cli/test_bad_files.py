"""Every kind of input file, broken the same ways, gives one line naming the file and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from housingcalc.cli import app
from housingcalc.resources import example

runner = CliRunner()
REGISTER = str(example("portfolio-example-register.csv"))


def _commands(path: Path, out: Path) -> dict[str, list[str]]:
    return {
        "validate": ["validate", str(path)],
        "run": ["run", str(path), "--out", str(out)],
        "afford": ["afford", str(path)],
        "portfolio": ["portfolio", "value", REGISTER, "--scenario", str(path)],
    }


# command → the packaged example it reads, and a date in it to break
EXAMPLES = {
    "validate": ("refugee-family-rent-to-own.yaml", "reference_date: 2025-09-01"),
    "run": ("refugee-family-rent-to-own.yaml", "reference_date: 2025-09-01"),
    "afford": ("household-refugee-family.yaml", "reference_date: 2026-01-01"),
    "portfolio": ("portfolio-example.yaml", "valuation_date: 2025-01-01"),
}


def _with_bad_date(command: str) -> str:
    name, good = EXAMPLES[command]
    text = example(name).read_text("utf-8")
    assert good in text, (name, good)
    return text.replace(good, good[:-5] + "13-01", 1)


@pytest.mark.parametrize("command", ["validate", "run", "afford", "portfolio"])
@pytest.mark.parametrize(
    ("text", "fragment"),
    [("a: [1\n", "malformed YAML (line 2"), ("BAD-DATE", "-13-01"), ("- a list\n", "")],
    ids=["malformed", "bad-date", "not-a-mapping"],
)
def test_broken_file_is_one_line_exit_2(
    tmp_path: Path, command: str, text: str, fragment: str
) -> None:
    if text == "BAD-DATE":
        text = _with_bad_date(command)
    path = tmp_path / "broken.yaml"
    path.write_text(text, "utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, _commands(path, out)[command])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "broken.yaml" in lines[0]
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists()  # no half-written report
    assert path.read_text("utf-8") == text  # input never modified


@pytest.mark.parametrize("command", ["validate", "run", "afford"])
def test_missing_file_is_one_line_exit_2(tmp_path: Path, command: str) -> None:
    missing = tmp_path / "nope.yaml"
    result = runner.invoke(app, _commands(missing, tmp_path / "out")[command])
    assert result.exit_code == 2, result.output
    assert "nope.yaml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unexpected_bug_is_one_line_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    import housingcalc.cli.params as params_cli

    def boom(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(params_cli, "load_params", boom)
    monkeypatch.delenv("HOUSINGCALC_DEBUG", raising=False)
    result = runner.invoke(app, ["params", "list"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "error: internal error (ZeroDivisionError: oops); this is a bug in housingcalc; "
        "run again with HOUSINGCALC_DEBUG=1 to see the traceback"
    ]
