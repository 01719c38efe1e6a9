"""Shared test set-up."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _no_user_parameter_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Commands read the user's default parameter folder when it exists
    (``housingcalc.parameters.update.default_params_dir``); point it at a missing folder so a
    developer's own overrides never change a test's result."""
    missing = tmp_path_factory.mktemp("user") / "no-user-params"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOUSINGCALC_PARAMS_DIR", str(missing))
        yield
