"""The workspace's JSON API and its guard, through Starlette's TestClient (in-process).

The API mirrors the CLI: what ``POST /api/run`` returns is compared byte for byte with the file
``housingcalc run --format json`` writes for the same scenario.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from housingcalc.cli import app as cli
from housingcalc.resources import example

EXAMPLE = "refugee-family-rent-to-own"


def _cli_json(args: list[str], out: Path) -> str:
    result = CliRunner().invoke(cli, ["run", *args, "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    (written,) = out.glob("*.json")
    return written.read_text("utf-8")


def test_api_run_returns_what_the_cli_writes_for_a_file(client: Any, tmp_path: Path) -> None:
    scenario = tmp_path / "case.yaml"
    scenario.write_text(example(f"{EXAMPLE}.yaml").read_text("utf-8"), "utf-8")
    expected = _cli_json([str(scenario)], tmp_path / "out")
    answer = client.post(
        "/api/run",
        params={"source": str(scenario)},
        content=scenario.read_bytes(),
        headers={"content-type": "application/yaml"},
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.text == expected


def test_api_run_takes_json_too(client: Any, tmp_path: Path) -> None:
    import json

    from housingcalc.yamlio import load_yaml

    raw = load_yaml(example(f"{EXAMPLE}.yaml").read_text("utf-8"), "x")
    expected = _cli_json([EXAMPLE], tmp_path / "out")
    answer = client.post(
        "/api/run",
        params={"source": f"{EXAMPLE}.yaml"},
        content=json.dumps(raw),
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 200
    assert answer.text == expected


def test_api_run_an_example_by_name(client: Any, tmp_path: Path) -> None:
    expected = _cli_json([EXAMPLE], tmp_path / "out")
    assert client.post("/api/run", params={"example": EXAMPLE}).text == expected


def test_bad_scenario_gives_the_cli_line(client: Any, tmp_path: Path) -> None:
    text = example(f"{EXAMPLE}.yaml").read_text("utf-8").replace("price: 2700000", "price: -5")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, "utf-8")
    cli_result = CliRunner().invoke(cli, ["run", str(bad), "--out", str(tmp_path / "o")])
    assert cli_result.exit_code == 2
    cli_line = cli_result.output.strip().removeprefix("error: ")
    answer = client.post("/api/run", params={"source": bad.name}, content=text)
    assert answer.status_code == 422
    assert answer.json()["error"] == cli_line
    assert "dwelling.price" in cli_line
    assert "Traceback" not in answer.text


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"schema_version: [1\n", "malformed YAML"),
        # the one input reader (issue 11): FF FE is a UTF-16 byte-order mark, so bytes that
        # are not UTF-16 after it, and Latin-1 text, are each named for what they are
        (b"\xff\xfe\x00\xd8", "not UTF-16"),
        (b"\xe5bad: 1\n", "not UTF-8"),
        (b"\x00\xff\xfe", "not a text file"),
        (b"- a list\n", "must be a mapping"),
        (b"", "send a scenario"),
    ],
)
def test_bad_upload_gets_a_clear_message(client: Any, body: bytes, expected: str) -> None:
    answer = client.post("/api/run", content=body)
    assert answer.status_code == 422
    assert expected in answer.json()["error"]
    assert "Traceback" not in answer.text


def test_unknown_example_is_refused(client: Any) -> None:
    answer = client.post("/api/run", params={"example": "../../etc/passwd"})
    assert answer.status_code == 422
    assert "no packaged example" in answer.json()["error"]


def test_too_large_a_body_is_refused_before_reading(client: Any) -> None:
    from housingcalc.serve.app import MAX_BODY_BYTES

    answer = client.post("/api/run", content=b"x" * (MAX_BODY_BYTES + 1))
    assert answer.status_code == 413
    # and the server still serves
    assert client.get("/api/examples").status_code == 200


def test_every_answer_carries_a_csp_allowing_no_outside_origin(client: Any) -> None:
    for answer in (client.get("/"), client.get("/api/examples"), client.get("/nope")):
        csp = answer.headers["content-security-policy"]
        assert "default-src 'none'" in csp
        assert "http" not in csp and "*" not in csp
        assert answer.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/static/../serve/app.py",
        "/static/..%2Fapp.py",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/serve.css/../../app.py",
        "/static/.%2F..%2F__init__.py",
    ],
)
def test_static_files_cannot_be_reached_by_path_tricks(client: Any, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    assert "import" not in answer.text


def test_static_files_are_served(client: Any) -> None:
    js = client.get("/static/htmx.min.js")
    assert js.status_code == 200
    assert "htmx" in js.text[:200]
    assert client.get("/static/serve.css").status_code == 200


def test_openapi_documents_the_api_and_the_scenario(client: Any) -> None:
    doc = client.get("/openapi.json").json()
    assert "/api/run" in doc["paths"]
    assert "Scenario" in doc["components"]["schemas"]
    assert "Dwelling" in doc["components"]["schemas"]


def test_internal_error_is_a_clear_message_and_the_server_keeps_serving(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from housingcalc.serve import core

    def broken(*_a: object, **_k: object) -> str:
        raise ZeroDivisionError("household income 40000 / 0")

    monkeypatch.setattr(core, "run_json", broken)
    answer = client.post("/api/run", params={"example": EXAMPLE})
    assert answer.status_code == 500
    assert "internal error (ZeroDivisionError)" in answer.json()["error"]
    assert "40000" not in answer.text and "Traceback" not in answer.text
    monkeypatch.undo()
    assert client.post("/api/run", params={"example": EXAMPLE}).status_code == 200


# -- the token and the host -------------------------------------------------------------------

TOKEN = "s3cret-token-for-the-tests-1234"


@pytest.fixture()
def shared() -> Any:
    from fastapi.testclient import TestClient

    from housingcalc.serve import create_app

    return TestClient(create_app(token=TOKEN, loopback_only=False), base_url="http://10.0.0.5")


def test_off_loopback_every_request_needs_the_token(shared: Any) -> None:
    for path in ("/", "/api/examples", "/static/htmx.min.js", "/openapi.json"):
        answer = shared.get(path)
        assert answer.status_code == 401, path
        assert "token required" in answer.text
    assert shared.post("/api/run", params={"example": EXAMPLE}).status_code == 401
    assert shared.get("/api/examples", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_the_token_opens_the_door(shared: Any) -> None:
    ok = shared.get("/api/examples", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200
    page = shared.get("/", params={"token": TOKEN})
    assert page.status_code == 200
    assert "HttpOnly" in page.headers["set-cookie"]
    # the browser then carries the cookie
    assert shared.get("/api/examples").status_code == 200


def test_loopback_server_refuses_other_host_names(client: Any) -> None:
    answer = client.get("/", headers={"host": "evil.example:8000"})
    assert answer.status_code == 421
    assert client.get("/", headers={"host": "127.0.0.1:8000"}).status_code == 200


def test_the_log_holds_no_figures_and_no_query(
    client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    text = example(f"{EXAMPLE}.yaml").read_text("utf-8").replace("40000", "41234")
    with caplog.at_level(logging.INFO, logger="housingcalc.serve"):
        client.post("/api/run", params={"source": "secret-name"}, content=text)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "POST /api/run 200" in logged
    assert "41234" not in logged and "41 234" not in logged and "secret-name" not in logged


# -- solve and compare mirror the CLI ------------------------------------------------------------


def test_api_solve_returns_what_the_cli_prints(client: Any) -> None:
    import json

    sets = ["household.income.2.monthly=15000"]  # a failing case: a low wage after the programme
    cli_result = CliRunner().invoke(
        cli, ["solve", EXAMPLE, "--for", "grant", "--set", sets[0], "--format", "json"]
    )
    assert cli_result.exit_code == 0, cli_result.output
    expected = json.loads(cli_result.stdout)
    answer = client.post("/api/solve", params={"for": "grant", "example": EXAMPLE, "set": sets})
    assert answer.status_code == 200
    assert answer.json() == expected
    assert expected["found"] and expected["set"]  # the answer carries the set list to apply


def test_api_compare_returns_what_the_cli_prints(client: Any) -> None:
    import json

    offers = ["purchase.price_rule=year0", "purchase.price_rule=appraisal,purchase.option_years=3"]
    args = ["compare", EXAMPLE, "--format", "json"]
    for o in offers:
        args += ["--offer", o]
    cli_result = CliRunner().invoke(cli, args)
    assert cli_result.exit_code == 0, cli_result.output
    answer = client.post("/api/compare", params={"example": EXAMPLE, "offer": offers})
    assert answer.status_code == 200
    assert answer.json() == json.loads(cli_result.stdout)
    assert len(answer.json()["offers"]) == 2


def test_api_run_with_set_mirrors_run_set(client: Any, tmp_path: Path) -> None:
    sets = ["household.income.1.label=Sara", "purchase.price_rule=appraisal"]
    out = tmp_path / "out"
    args = ["run", EXAMPLE, "--format", "json", "--out", str(out)]
    for s in sets:
        args += ["--set", s]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    (written,) = out.glob("*.json")
    answer = client.post("/api/run", params={"example": EXAMPLE, "set": sets})
    assert answer.text == written.read_text("utf-8")
    bad = client.post("/api/run", params={"example": EXAMPLE, "set": ["purchase.price_rul=x"]})
    assert bad.status_code == 422
    assert "price_rule" in bad.json()["error"]  # the nearest valid path is named
