"""The built wheel carries templates, example scenarios and parameter data, and runs from them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("housingcalc-*.whl")
    return path


def test_wheel_contains_templates_examples_and_parameters(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    expected_dirs = {
        "housingcalc/templates/": ROOT / "templates",
        "housingcalc/examples/": ROOT / "scenarios",
    }
    for prefix, folder in expected_dirs.items():
        for f in folder.rglob("*"):
            if f.is_file() and "__pycache__" not in f.parts:
                assert prefix + f.relative_to(folder).as_posix() in names
    params = [n for n in names if n.startswith("housingcalc/parameters/data/")]
    assert "housingcalc/parameters/data/nav/grunnbelop.yaml" in params
    assert "housingcalc/py.typed" in names


def test_installed_wheel_reads_its_own_resources(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import housingcalc.resources as r, housingcalc.parameters as p;"
        f"assert str(r.templates_dir()).startswith({str(site)!r}), r.templates_dir();"
        "assert any(r.examples_dir().iterdir());"
        "print(p.load_parameters().value('nav.grunnbelop', '2025-06-01'))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "130160"


def test_every_python_package_is_listed_for_the_wheel() -> None:
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"][
            "packages"
        ]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "housingcalc").rglob("__init__.py")
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def test_wheel_ships_the_workspace_script_and_its_licence(wheel: Path) -> None:
    """`housingcalc serve` needs no CDN: htmx, its licence, the stylesheet and the page
    templates are in the wheel."""
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "housingcalc/serve/static/htmx.min.js",
        "housingcalc/serve/static/htmx.LICENSE",
        "housingcalc/serve/static/serve.css",
        "housingcalc/templates/serve/workspace.html.j2",
        "housingcalc/templates/locales/nb/LC_MESSAGES/serve.po",
    ):
        assert name in names, name
