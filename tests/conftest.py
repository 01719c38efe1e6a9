"""Suite-wide set-up and hooks.

- The user's default parameter folder is pointed at a missing folder, so a developer's own
  overrides never change a test's result.
- A run that skips the tests needing programs from outside Python (Debian's chromium for the
  browser tests, LibreOffice Calc for the workbook test) says so in its last lines, naming the
  tests and the one command that installs what they need, so the README's test command never
  skips them silently (``-rs`` is not needed to see it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True, scope="session")
def _no_user_parameter_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Commands read the user's default parameter folder when it exists
    (``housingcalc.parameters.update.default_params_dir``); point it at a missing folder."""
    missing = tmp_path_factory.mktemp("user") / "no-user-params"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOUSINGCALC_PARAMS_DIR", str(missing))
        yield


#: A skip reason mentioning one of these → the package that installs it.
NEEDS = {
    "chromium": "chromium",
    "playwright": "chromium",
    "libreoffice": "libreoffice-calc-nogui",
    "soffice": "libreoffice-calc-nogui",
}


def _skip_reason(report: Any) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    del exitstatus, config
    missing: dict[str, list[str]] = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = _skip_reason(report).lower()
        for word, package in NEEDS.items():
            if word in reason:
                missing.setdefault(package, []).append(report.nodeid)
                break
    if not missing:
        return
    packages = sorted(missing)
    count = sum(len(v) for v in missing.values())
    terminalreporter.write_sep("=", f"{count} test(s) SKIPPED: programs missing", yellow=True)
    for package in packages:
        for nodeid in missing[package]:
            terminalreporter.write_line(f"  skipped (needs {package}): {nodeid}")
    terminalreporter.write_line(
        f"  install them with: apt-get install {' '.join(packages)}   (as .ci/run does)",
        yellow=True,
        bold=True,
    )
