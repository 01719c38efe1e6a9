"""Every command exists, has help, and is documented."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from housingcalc.cli import COMMAND_MODULES, app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", COMMAND_MODULES)
def test_every_command_module_exists(name: str) -> None:
    # The CLI skips a missing module only so that a partial checkout still starts; a shipped
    # checkout must have them all.
    module = importlib.import_module(f"housingcalc.cli.{name}")
    assert callable(module.register)


def _command_paths() -> list[list[str]]:
    click_app = typer.main.get_command(app)
    paths: list[list[str]] = []

    def walk(cmd: object, prefix: list[str]) -> None:
        commands = getattr(cmd, "commands", None)
        if commands:
            for name, sub in commands.items():
                paths.append([*prefix, name])
                walk(sub, [*prefix, name])

    walk(click_app, [])
    return paths


def test_top_level_help_lists_every_command_with_a_line() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    top = {p[0] for p in _command_paths()}
    for name in top:
        assert name in result.stdout


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p))
def test_each_command_has_help(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p))
def test_each_command_appears_in_the_docs(path: list[str]) -> None:
    docs = (ROOT / "README.md").read_text("utf-8") + "".join(
        p.read_text("utf-8") for p in sorted((ROOT / "docs").glob("*.md"))
    )
    assert "housingcalc " + " ".join(path) in docs


def test_no_arguments_prints_help() -> None:
    result = runner.invoke(app, [])
    assert result.exit_code == 0
    assert "Usage:" in result.stdout


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys; from housingcalc.cli import app; "
        "heavy = [m for m in ('numpy', 'pandas', 'matplotlib', 'openpyxl') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
