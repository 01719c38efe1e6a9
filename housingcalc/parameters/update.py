"""Fetch the rule values that have an open data interface and write them as an override folder.

Sources (all open, no key):

* G (grunnbeløpet): NAV's open API, ``https://g.nav.no/api/v1/grunnbeløp`` (JSON:
  ``{"dato": "2025-05-01", "grunnbeløp": 130160, "grunnbeløpPerMåned": ..., ...}``);
* Norges Bank's policy rate (``IR/B.KPRA.SD.R``, business days) and generic government bond
  yields (``GOVT_GENERIC_RATES``, 3 and 10 years, monthly and annual averages) from Norges
  Bank's SDMX API, ``https://data.norges-bank.no/api/data/...?format=sdmx-json``;
* KPI (table 03013, ``KpiIndMnd``, 2015 = 100) and the house-price index (table 07221,
  ``Boligindeks``, quarterly) from Statistics Norway's PxWebApi, JSON-stat 2.

HTTP goes through ``httpx`` (a maintained client with timeouts, redirects and a
``MockTransport`` for tests, so the tests replay recorded responses and never reach the
network). Every value carries its URL and retrieval date. Everything is fetched and validated
(the same schema and plausibility checks as packaged data, and for a packaged series the same
unit and range) before anything is written; one failing source writes nothing and names the
source.

The default folder is ``platformdirs.user_data_path("housingcalc") / "params"`` (on Linux
``~/.local/share/housingcalc/params``), or ``$HOUSINGCALC_PARAMS_DIR``; commands read it when
no ``--params`` is given and it exists.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from housingcalc.errors import HousingcalcError

if TYPE_CHECKING:
    import httpx

ENV_DIR = "HOUSINGCALC_PARAMS_DIR"

NAV_G_URL = "https://g.nav.no/api/v1/grunnbeløp"
NB_BASE = "https://data.norges-bank.no/api/data"
NB_POLICY = f"{NB_BASE}/IR/B.KPRA.SD.R"
NB_BONDS = f"{NB_BASE}/GOVT_GENERIC_RATES/{{freq}}.3Y+10Y.GBON"
SSB_TABLE = "https://data.ssb.no/api/v0/no/table/{table}"


class UpdateError(HousingcalcError):
    """A source could not be fetched or gave data that fails validation (nothing written)."""


def default_params_dir() -> Path | None:
    """The user's default override folder, if it exists (``$HOUSINGCALC_PARAMS_DIR`` or
    platformdirs' user data folder + ``params``)."""
    folder = default_params_path()
    return folder if folder.is_dir() else None


def default_params_path() -> Path:
    """Where ``params update`` writes by default (whether or not it exists yet)."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    import platformdirs

    return platformdirs.user_data_path("housingcalc") / "params"


# -- parsing the sources' formats -----------------------------------------------------------


def parse_nav_g(data: Any) -> tuple[dt.date, int]:
    """``(date in force, G)`` from NAV's grunnbeløp API response."""
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    g = data.get("grunnbeløp", data.get("grunnbeloep"))
    date = data.get("dato")
    if not isinstance(g, int) or isinstance(g, bool) or not isinstance(date, str):
        raise ValueError("expected 'dato' (YYYY-MM-DD) and 'grunnbeløp' (an integer)")
    return dt.date.fromisoformat(date[:10]), g


def parse_sdmx_json(data: Any) -> dict[tuple[str, ...], list[tuple[str, float]]]:
    """Series of an SDMX-JSON data message: ``{(dimension value ids...): [(period, value)]}``."""
    try:
        body = data["data"]
        structure = body["structure"]["dimensions"]
        series_dims = structure["series"]
        periods = [v["id"] for v in structure["observation"][0]["values"]]
        out: dict[tuple[str, ...], list[tuple[str, float]]] = {}
        for key, series in body["dataSets"][0]["series"].items():
            idx = [int(i) for i in key.split(":")]
            ids = tuple(series_dims[d]["values"][i]["id"] for d, i in enumerate(idx))
            obs = sorted(series["observations"].items(), key=lambda kv: int(kv[0]))
            out[ids] = [(periods[int(k)], float(v[0])) for k, v in obs]
        return out
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise ValueError(f"not an SDMX-JSON data message ({type(exc).__name__}: {exc})") from None


def parse_json_stat2(data: Any) -> list[tuple[str, float]]:
    """``[(period, value)]`` from a JSON-stat 2 dataset with one series along ``Tid``."""
    try:
        if data.get("class") != "dataset":
            raise ValueError("class is not 'dataset'")
        sizes = dict(zip(data["id"], data["size"], strict=True))
        others = [d for d, n in sizes.items() if d != "Tid" and n != 1]
        if others:
            raise ValueError(f"more than one series (dimensions {others})")
        index = data["dimension"]["Tid"]["category"]["index"]
        values = data["value"]
        out = []
        for period, i in sorted(index.items(), key=lambda kv: kv[1]):
            v = values[i]
            if v is not None:
                out.append((period, float(v)))
        return out
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a JSON-stat 2 dataset ({type(exc).__name__}: {exc})") from None


def _period_start(period: str) -> dt.date:
    """``2024-05-02`` / ``2024-05`` / ``2024`` / ``2024M05`` / ``2024K2`` → first day."""
    if "M" in period:
        y, m = period.split("M")
        return dt.date(int(y), int(m), 1)
    if "K" in period or "Q" in period:
        y, q = period.replace("Q", "K").split("K")
        return dt.date(int(y), 3 * int(q) - 2, 1)
    parts = period.split("-")
    if len(parts) == 3:
        return dt.date.fromisoformat(period)
    if len(parts) == 2:
        return dt.date(int(parts[0]), int(parts[1]), 1)
    return dt.date(int(parts[0]), 1, 1)


# -- building override files ------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    """One override file to write: relative path, and its YAML text."""

    path: str
    text: str


def _file(
    *,
    description: str,
    label: tuple[str, str],
    unit: str,
    title: str,
    url: str,
    retrieved: dt.date,
    values: list[tuple[dt.date, Any]],
    cadence: dict[str, Any] | None = None,
    range_: tuple[float, float] | None = None,
) -> str:
    doc: dict[str, Any] = {
        "description": description,
        "label": {"nb": label[0], "en": label[1]},
        "unit": unit,
    }
    if cadence:
        doc["cadence"] = cadence
    if range_:
        doc["range"] = {"min": range_[0], "max": range_[1]}
    doc["reference"] = [{"title": f"{title} (retrieved {retrieved.isoformat()})", "href": url}]
    doc["last_verified"] = retrieved.isoformat()
    doc["notes"] = f"Fetched by `housingcalc params update` on {retrieved.isoformat()} from {url}."
    doc["values"] = [{"effective": d.isoformat(), "value": v} for d, v in values]
    head = f"# Written by `housingcalc params update` on {retrieved.isoformat()}; source: {url}\n"
    return head + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)


def _get_json(client: httpx.Client, source: str, url: str, **kw: Any) -> Any:
    import httpx

    try:
        if "json" in kw:
            r = client.post(url, json=kw["json"])
        else:
            r = client.get(url, params=kw.get("params"))
        r.raise_for_status()
        return r.json()
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        raise OfflineError(source, url, str(exc)) from None
    except httpx.HTTPStatusError as exc:
        raise UpdateError(
            f"params update: {source} ({url}) answered HTTP {exc.response.status_code}; "
            "nothing was written"
        ) from None
    except (httpx.HTTPError, ValueError) as exc:
        raise UpdateError(
            f"params update: {source} ({url}) failed: {type(exc).__name__}: {exc}; "
            "nothing was written"
        ) from None


class OfflineError(UpdateError):
    def __init__(self, source: str, url: str, detail: str) -> None:
        host = url.split("/")[2]
        super().__init__(
            f"params update: cannot reach {host} ({source}): no network? ({detail[:80]}); "
            "nothing was written"
        )


def _checked(source: str, url: str, parse: Callable[[], Any]) -> Any:
    try:
        return parse()
    except ValueError as exc:
        raise UpdateError(
            f"params update: {source} ({url}) gave data in an unexpected format: {exc}; "
            "nothing was written"
        ) from None


def fetch_g(client: httpx.Client, retrieved: dt.date) -> list[Fetched]:
    data = _get_json(client, "NAV grunnbeløp API", NAV_G_URL)
    date, g = _checked("NAV grunnbeløp API", NAV_G_URL, lambda: parse_nav_g(data))
    text = _file(
        description="G (grunnbeløpet) in force, from NAV's open grunnbeløp API.",
        label=("Grunnbeløpet (G)", "National Insurance base amount (G)"),
        unit="NOK/year",
        title="NAV: grunnbeløp API",
        url=NAV_G_URL,
        retrieved=retrieved,
        values=[(date, g)],
    )
    return [Fetched("nav/grunnbelop.yaml", text)]


def _changes(points: list[tuple[str, float]]) -> list[tuple[dt.date, float]]:
    """The dates a daily series changed value (first observation included)."""
    out: list[tuple[dt.date, float]] = []
    for period, v in points:
        if not out or round(v, 6) != round(out[-1][1], 6):
            out.append((_period_start(period), v))
    return out


def fetch_norges_bank(client: httpx.Client, retrieved: dt.date, since: str) -> list[Fetched]:
    source = "Norges Bank SDMX API"
    params = {"format": "sdmx-json", "startPeriod": since, "locale": "en"}
    policy = _get_json(client, source, NB_POLICY, params=params)
    series = _checked(source, NB_POLICY, lambda: parse_sdmx_json(policy))
    if len(series) != 1:
        raise UpdateError(f"params update: {source} ({NB_POLICY}) gave {len(series)} series")
    points = next(iter(series.values()))
    files = [
        Fetched(
            "norges_bank/policy_rate.yaml",
            _file(
                description=(
                    "Norges Bank's policy rate (sight deposit rate), each change on the first "
                    "day the new rate applied, from Norges Bank's open data (IR/B.KPRA.SD.R)."
                ),
                label=("Styringsrenten", "Norges Bank policy rate"),
                unit="fraction",
                title="Norges Bank open data: policy rate (IR/B.KPRA.SD.R)",
                url=NB_POLICY,
                retrieved=retrieved,
                values=[(d, round(v / 100, 6)) for d, v in _changes(points)],
            ),
        )
    ]
    for freq, suffix, what, cadence in (
        ("A", "", "annual average", None),
        (
            "M",
            "_monthly",
            "monthly average",
            {"kind": "months", "every": 1, "text": "monthly: a new average after each month"},
        ),
    ):
        url = NB_BONDS.format(freq=freq)
        data = _get_json(client, source, url, params=params)
        by_key = _checked(source, url, lambda data=data: parse_sdmx_json(data))  # type: ignore[misc]
        for tenor in ("3Y", "10Y"):
            found = [pts for ids, pts in by_key.items() if tenor in ids]
            if not found:
                raise UpdateError(f"params update: {source} ({url}) has no {tenor} series")
            name = f"gov_bond_yield_{tenor.lower()}{suffix}"
            files.append(
                Fetched(
                    f"norges_bank/{name}.yaml",
                    _file(
                        description=(
                            f"Norwegian {tenor[:-1]}-year government bond yield (Norges Bank "
                            f"generic rate, GOVT_GENERIC_RATES {freq}.{tenor}.GBON), {what}; a "
                            "value dated at the start of its period is that period's average."
                        ),
                        label=(
                            f"Statsobligasjonsrente {tenor[:-1]} år, {what}",
                            f"{tenor[:-1]}-year government bond yield, {what}",
                        ),
                        unit="fraction",
                        title=f"Norges Bank open data: GOVT_GENERIC_RATES {freq}.{tenor}.GBON",
                        url=url,
                        retrieved=retrieved,
                        values=[(_period_start(p), round(v / 100, 6)) for p, v in found[0]],
                        cadence=cadence,
                        range_=(-0.02, 0.3) if cadence else None,
                    ),
                )
            )
    return files


SSB_QUERIES: dict[str, dict[str, Any]] = {
    "03013": {
        "query": [
            {"code": "Konsumgrp", "selection": {"filter": "item", "values": ["TOTAL"]}},
            {"code": "ContentsCode", "selection": {"filter": "item", "values": ["KpiIndMnd"]}},
            {"code": "Tid", "selection": {"filter": "top", "values": ["36"]}},
        ],
        "response": {"format": "json-stat2"},
    },
    "07221": {
        "query": [
            {"code": "Region", "selection": {"filter": "item", "values": ["TOTAL"]}},
            {"code": "Boligtype", "selection": {"filter": "item", "values": ["00"]}},
            {"code": "ContentsCode", "selection": {"filter": "item", "values": ["Boligindeks"]}},
            {"code": "Tid", "selection": {"filter": "top", "values": ["12"]}},
        ],
        "response": {"format": "json-stat2"},
    },
}


def fetch_ssb(client: httpx.Client, retrieved: dt.date) -> list[Fetched]:
    source = "Statistics Norway (SSB) PxWebApi"
    out = []
    for table, path, desc, label, cadence in (
        (
            "03013",
            "ssb/cpi.yaml",
            "Consumer price index (KPI), total, 2015 = 100, monthly (SSB table 03013).",
            ("Konsumprisindeksen (KPI)", "Consumer price index (CPI)"),
            {"kind": "months", "every": 1, "text": "monthly (SSB publishes about the 10th)"},
        ),
        (
            "07221",
            "ssb/house_price_index.yaml",
            "Price index for existing dwellings, whole country, all dwelling types, 2015 = 100, "
            "quarterly (SSB table 07221).",
            ("Prisindeks for brukte boliger", "House price index (existing dwellings)"),
            {"kind": "months", "every": 3, "text": "quarterly"},
        ),
    ):
        url = SSB_TABLE.format(table=table)
        data = _get_json(client, source, url, json=SSB_QUERIES[table])
        points = _checked(source, url, lambda data=data: parse_json_stat2(data))  # type: ignore[misc]
        if not points:
            raise UpdateError(f"params update: {source} ({url}) returned no values")
        out.append(
            Fetched(
                path,
                _file(
                    description=desc,
                    label=label,
                    unit="index",
                    title=f"Statistics Norway, table {table}",
                    url=url,
                    retrieved=retrieved,
                    values=[(_period_start(p), v) for p, v in points],
                    cadence=cadence,
                    range_=(1.0, 1000.0),
                ),
            )
        )
    return out


def fetch_all(
    client: httpx.Client, retrieved: dt.date, *, since: str = "2023-01-01"
) -> list[Fetched]:
    """Fetch every source and validate each file like packaged data; raise on the first
    failure (nothing is written by this function)."""
    from housingcalc.parameters import _packaged
    from housingcalc.parameters.loader import check_override, name_from_path, parse_file

    files = fetch_g(client, retrieved)
    files += fetch_norges_bank(client, retrieved, since)
    files += fetch_ssb(client, retrieved)
    packaged = _packaged()
    for f in files:
        origin = f"{f.path} (fetched)"
        try:
            parsed = parse_file(f.text, origin)
            name = name_from_path(f.path)
            if name in packaged:
                check_override(parsed, packaged[name].file, origin)
        except HousingcalcError as exc:
            raise UpdateError(f"params update: {exc}; nothing was written") from None
    return files


def write_folder(files: list[Fetched], into: Path) -> list[Path]:
    """Write every file under ``into`` (created if needed): all are written to a staging
    folder first and then renamed into place, so an error leaves ``into`` as it was."""
    if into.exists() and not into.is_dir():
        raise UpdateError(f"--into = {into}: exists and is not a folder")
    parent = into.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{into.name}.", suffix=".tmp", dir=parent))
    try:
        for f in files:
            target = staging / f.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f.text, "utf-8")
        written = []
        for f in files:
            dest = into / f.path
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / f.path, dest)
            written.append(dest)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def make_client(transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """An ``httpx`` client with timeouts and redirects; tests pass a ``MockTransport``."""
    from importlib.metadata import PackageNotFoundError, version

    import httpx

    try:
        ver = version("housingcalc")
    except PackageNotFoundError:  # pragma: no cover - a bare checkout
        ver = "0+unknown"
    return httpx.Client(
        transport=transport,
        timeout=httpx.Timeout(20.0, connect=5.0),
        follow_redirects=True,
        headers={"User-Agent": f"housingcalc/{ver} (params update)"},
    )
