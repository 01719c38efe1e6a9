from __future__ import annotations

from pathlib import Path

import pytest

from housingcalc.parameters import ParameterSet, load_parameters

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="session")
def params() -> ParameterSet:
    return load_parameters()
