"""Fixtures for the workspace: the application in-process (Starlette's TestClient)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    from fastapi.testclient import TestClient

    from housingcalc.serve import create_app

    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c
