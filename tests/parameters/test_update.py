"""``housingcalc params update`` against recorded responses (tests/parameters/recordings/);
httpx.MockTransport stands in for the network, so no test reaches it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from housingcalc.cli import app
from housingcalc.cli import params as params_cli
from housingcalc.parameters import load_parameters
from housingcalc.parameters.update import (
    UpdateError,
    fetch_all,
    make_client,
    parse_json_stat2,
    parse_sdmx_json,
    write_folder,
)

REC = Path(__file__).parent / "recordings"
TODAY = dt.date(2026, 12, 1)


def _recorded(request: httpx.Request) -> httpx.Response:
    url = str(request.url)
    if request.url.host == "g.nav.no":
        name = "nav_grunnbelop.json"
    elif "IR/B.KPRA.SD.R" in url:
        name = "norges_bank_policy_rate.json"
    elif "GOVT_GENERIC_RATES/A." in url:
        name = "norges_bank_bonds_annual.json"
    elif "GOVT_GENERIC_RATES/M." in url:
        name = "norges_bank_bonds_monthly.json"
    elif url.endswith("/table/03013"):
        assert request.method == "POST"
        assert json.loads(request.content)["response"]["format"] == "json-stat2"
        name = "ssb_03013.json"
    elif url.endswith("/table/07221"):
        name = "ssb_07221.json"
    else:  # pragma: no cover - a request the recordings do not cover
        return httpx.Response(404)
    return httpx.Response(200, content=(REC / name).read_bytes())


def _with(
    patch: Callable[[httpx.Request], httpx.Response | None],
) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        return patch(request) or _recorded(request)

    return handler


def _fetch(handler: Callable[[httpx.Request], httpx.Response]) -> list:  # type: ignore[type-arg]
    with make_client(httpx.MockTransport(handler)) as client:
        return fetch_all(client, TODAY)


def test_update_writes_a_sourced_dated_folder_that_params_reads(tmp_path: Path) -> None:
    files = _fetch(_recorded)
    written = write_folder(files, tmp_path / "p")
    names = sorted(p.relative_to(tmp_path / "p").as_posix() for p in written)
    assert names == [
        "nav/grunnbelop.yaml",
        "norges_bank/gov_bond_yield_10y.yaml",
        "norges_bank/gov_bond_yield_10y_monthly.yaml",
        "norges_bank/gov_bond_yield_3y.yaml",
        "norges_bank/gov_bond_yield_3y_monthly.yaml",
        "norges_bank/policy_rate.yaml",
        "ssb/cpi.yaml",
        "ssb/house_price_index.yaml",
    ]
    ps = load_parameters(tmp_path / "p", as_of=TODAY)
    g = ps.get("nav.grunnbelop", "2025-06-01")
    assert g.value == 130160  # the recorded NAV answer
    assert g.last_verified == TODAY
    assert "retrieved 2026-12-01" in g.references[0].title
    assert str(g.references[0].href).startswith("https://g.nav.no/api/v1/")
    # the policy-rate changes found in the recorded days: 4.25 % from 20 Jun, 4 % from 19 Sep 2025
    assert ps.number("norges_bank.policy_rate", "2025-06-19") == 0.045
    assert ps.number("norges_bank.policy_rate", "2025-06-20") == 0.0425
    assert ps.number("norges_bank.policy_rate", "2025-09-19") == 0.04
    # Norges Bank's annual averages, percent → fraction: 10y 2020 = 0.82 %
    assert ps.number("norges_bank.gov_bond_yield_10y", "2020-07-01") == 0.0082
    assert ps.number("norges_bank.gov_bond_yield_3y_monthly", "2026-10-15") == 0.0358
    assert ps.number("ssb.cpi", "2026-09-30") == 139.6
    assert ps.number("ssb.house_price_index", "2026-08-01") == 155.3  # 2026K3 from 1 Jul
    for path in written:
        text = path.read_text("utf-8")
        assert "retrieved 2026-12-01" in text and "href: https://" in text


def test_update_partial_failure_writes_nothing_and_names_the_source(tmp_path: Path) -> None:
    def ssb_down(request: httpx.Request) -> httpx.Response | None:
        return httpx.Response(503) if request.url.host == "data.ssb.no" else None

    with pytest.raises(UpdateError, match=r"data\.ssb\.no.*HTTP 503.*nothing was written"):
        _fetch(_with(ssb_down))
    assert not (tmp_path / "p").exists()


def test_update_refuses_an_implausible_fetched_value() -> None:
    def negative_g(request: httpx.Request) -> httpx.Response | None:
        if request.url.host == "g.nav.no":
            return httpx.Response(200, json={"dato": "2026-05-01", "grunnbeløp": -5})
        return None

    with pytest.raises(UpdateError, match="outside the plausible range"):
        _fetch(_with(negative_g))


def test_update_refuses_a_response_in_an_unexpected_format() -> None:
    def html(request: httpx.Request) -> httpx.Response | None:
        if "KPRA" in str(request.url):
            return httpx.Response(200, json={"data": {"dataSets": []}})
        return None

    with pytest.raises(UpdateError, match=r"Norges Bank SDMX API.*unexpected format"):
        _fetch(_with(html))


def _cli(monkeypatch: pytest.MonkeyPatch, handler: Callable[..., httpx.Response], *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(params_cli, "_TRANSPORT", httpx.MockTransport(handler))
    return CliRunner().invoke(app, ["params", "update", *args])


def test_cli_update_offline_is_one_line_exit_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def offline(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution")

    r = _cli(monkeypatch, offline, "--into", str(tmp_path / "p"))
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot reach g.nav.no" in lines[0]
    assert not (tmp_path / "p").exists()


def test_cli_update_into_folder_then_used_by_params(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    r = _cli(monkeypatch, _recorded, "--into", str(tmp_path / "p"))
    assert r.exit_code == 0, r.stderr
    assert "Fetched 8 series" in r.stdout
    shown = CliRunner().invoke(
        app, ["params", "show", "ssb.cpi", "--at", "2026-10-01", "--params", str(tmp_path / "p")]
    )
    assert shown.exit_code == 0 and "140.2" in shown.stdout


def test_cli_update_default_folder_from_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOUSINGCALC_PARAMS_DIR", str(tmp_path / "user"))
    r = _cli(monkeypatch, _recorded)
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "user" / "nav" / "grunnbelop.yaml").is_file()
    # commands read the default folder without --params
    shown = CliRunner().invoke(app, ["params", "show", "ssb.house_price_index"])
    assert shown.exit_code == 0 and "155.3" in shown.stdout


def test_parsers_on_the_recordings() -> None:
    series = parse_sdmx_json(json.loads((REC / "norges_bank_bonds_annual.json").read_text()))
    assert series[("A", "10Y", "GBON")] == [("2019", 1.49), ("2020", 0.82)]
    stat = parse_json_stat2(json.loads((REC / "ssb_03013.json").read_text("utf-8")))
    assert stat == [("2026M08", 139.1), ("2026M09", 139.6), ("2026M10", 140.2)]
