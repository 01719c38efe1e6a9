"""The user's cache of the packaged parameters (housingcalc.cache): the same values as a fresh
parse, parsed again when a file changes, and never in the way when it cannot be used."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from housingcalc import cache
from housingcalc.parameters.loader import _read_packaged, read_packaged

DATA = Path(__file__).resolve().parents[2] / "housingcalc" / "parameters" / "data"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOUSINGCALC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("HOUSINGCALC_NO_CACHE", raising=False)
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    return data


def _counting(calls: list[Path]) -> Any:
    def parse(root: Path) -> Any:
        calls.append(root)
        return _read_packaged(root)

    return parse


def test_cached_values_equal_a_fresh_parse(folder: Path) -> None:
    calls: list[Path] = []
    first = cache.parameters(folder, _counting(calls))
    second = cache.parameters(folder, _counting(calls))
    assert len(calls) == 1  # the second came from the cache
    assert list((folder.parent / "cache").glob("parameters-*.pickle"))
    assert second == first == _read_packaged(folder)


def test_the_packaged_folder_read_through_the_cache(folder: Path) -> None:
    assert read_packaged() == read_packaged() == _read_packaged(DATA)


def test_a_changed_file_is_parsed_again(folder: Path) -> None:
    calls: list[Path] = []
    cache.parameters(folder, _counting(calls))
    g = folder / "nav" / "grunnbelop.yaml"
    text = g.read_text("utf-8")
    g.write_text(text.replace("description:", "description: (edited)", 1), "utf-8")
    st = g.stat()
    os.utime(g, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    after = cache.parameters(folder, _counting(calls))
    assert len(calls) == 2
    assert after["nav.grunnbelop"][0].description.startswith("(edited)")
    # one cache file: the other version's file was removed
    assert len(list((folder.parent / "cache").glob("parameters-*.pickle"))) == 1


def test_a_broken_cache_file_is_replaced(folder: Path) -> None:
    calls: list[Path] = []
    cache.parameters(folder, _counting(calls))
    (pickled,) = (folder.parent / "cache").glob("parameters-*.pickle")
    pickled.write_bytes(b"not a pickle")
    assert cache.parameters(folder, _counting(calls)).keys() == _read_packaged(folder).keys()
    assert len(calls) == 2


def test_off_or_unwritable_means_no_cache(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []
    monkeypatch.setenv("HOUSINGCALC_NO_CACHE", "1")
    cache.parameters(folder, _counting(calls))
    cache.parameters(folder, _counting(calls))
    assert len(calls) == 2
    monkeypatch.delenv("HOUSINGCALC_NO_CACHE")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("HOUSINGCALC_CACHE_DIR", str(blocker / "cache"))  # cannot be made
    assert cache.parameters(folder, _counting(calls)).keys() == _read_packaged(folder).keys()
    assert len(calls) == 3


def test_a_message_catalogue_is_kept_and_read_again_when_edited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from housingcalc.reports import i18n

    monkeypatch.setenv("HOUSINGCALC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("HOUSINGCALC_NO_CACHE", raising=False)
    po = tmp_path / "housingcalc.po"
    po.write_text('msgid "Rent"\nmsgstr "Husleie"\n', "utf-8")
    first = i18n._load(po)[0]
    assert first == {"Rent": "Husleie"}
    assert len(list((tmp_path / "cache").glob("catalogue-*.pickle"))) == 1
    i18n._catalogue.cache_clear()  # a new process: read from the cache folder
    assert i18n._load(po)[0] == first
    po.write_text('msgid "Rent"\nmsgstr "Leie"\n', "utf-8")
    st = po.stat()
    os.utime(po, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert i18n._load(po)[0] == {"Rent": "Leie"}
    assert len(list((tmp_path / "cache").glob("catalogue-*.pickle"))) == 1  # the old one gone
