"""``housingcalc serve``: what it prints and how it starts uvicorn (uvicorn.run is replaced, so
no server is started here; the browser tests start the real one)."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from housingcalc.cli import app as cli


@pytest.fixture()
def started(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    import webbrowser

    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    monkeypatch.setattr(webbrowser, "open", lambda url: seen.update(opened=url))
    return seen


def test_loopback_free_port_no_token(started: dict[str, Any]) -> None:
    result = CliRunner().invoke(cli, ["serve", "--no-browser"])
    assert result.exit_code == 0, result.output
    assert started["host"] == "127.0.0.1" and started["port"] > 0
    assert f"http://127.0.0.1:{started['port']}/" in result.output
    assert "token" not in result.output
    assert started["access_log"] is False  # uvicorn's access log would print query strings
    assert "opened" not in started
    assert started["app"].token is None and started["app"].loopback_only


def test_the_browser_opens_unless_told_not_to(started: dict[str, Any]) -> None:
    result = CliRunner().invoke(cli, ["serve", "--port", "8765"])
    assert result.exit_code == 0, result.output
    assert started["opened"] == "http://127.0.0.1:8765/"


def test_off_loopback_a_token_is_made_and_printed(started: dict[str, Any]) -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--no-browser", "--port", "1"])
    assert result.exit_code == 0, result.output
    token = started["app"].token
    assert token and len(token) >= 16
    assert f"http://0.0.0.0:1/?token={token}" in result.output
    assert not started["app"].loopback_only


def test_a_given_token_is_used_and_a_short_one_refused(started: dict[str, Any]) -> None:
    given = "a-token-of-twenty-chars"
    ok = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--token", given, "--no-browser"])
    assert ok.exit_code == 0 and started["app"].token == given
    short = CliRunner().invoke(cli, ["serve", "--token", "short"])
    assert short.exit_code == 2
    assert "--token" in short.output and "at least 16 characters" in short.output
    assert "Traceback" not in short.output
