"""Class 5: one reader for every input file (``housingcalc.inputs``): UTF-8 with or without a
BOM and UTF-16 with a BOM are read alike by every loader; binary content and text that is not
UTF-8 (outside registers, which fall back to Windows-1252) are refused in one line."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from housingcalc.inputs import decode_text
from tests.hostile.conftest import Case, example_text

SCENARIO = "refugee-family-rent-to-own.yaml"
HOUSEHOLD = "household-single-parent.yaml"
# the first bytes of an XLSX workbook (a zip archive) given where text is expected
BINARY = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256))
REGISTER = (
    "unit_id;district;area_m2;acquired;acquisition_cost;book_value;market_value\n"
    "Å-1;Sør;62,5;2014-03-01;2 000 000;1 650 000;2 900 000\n"
)


def _afford_json(case: Case, name: str, data: bytes) -> dict[str, object]:
    r = case.ok(["afford", case.write(name, data), "-f", "json", "--at", "2026-06-01"])
    out: dict[str, object] = json.loads(r.stdout)
    return out


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_household_file_in_any_unicode_with_bom_valid_but_odd(case: Case, encoding: str) -> None:
    text = example_text(HOUSEHOLD)
    if encoding == "utf-16-be":  # big-endian with its byte-order mark
        data = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    plain = _afford_json(case, "plain.yaml", text.encode("utf-8"))
    assert _afford_json(case, "h.yaml", data) == plain


def test_scenario_in_utf16_valid_but_odd(case: Case) -> None:
    path = case.write("s.yaml", example_text(SCENARIO).encode("utf-16"))
    assert "ok" in case.ok(["validate", path]).stdout
    # `run` (through --set's reader) gives the same report as from the UTF-8 file
    plain = case.write("p.yaml", example_text(SCENARIO))
    case.ok(["run", plain, "-o", case.root / "a", "-f", "json", "--set", "name=X"])
    case.ok(["run", path, "-o", case.root / "b", "-f", "json", "--set", "name=X"])
    a = json.loads((case.root / "a" / "p.json").read_text("utf-8"))
    b = json.loads((case.root / "b" / "s.json").read_text("utf-8"))
    assert a["timeline"] == b["timeline"]


@pytest.mark.parametrize("command", ["afford", "validate", "portfolio-scenario", "register"])
def test_binary_file_refused(case: Case, command: str) -> None:
    path = case.write("file.yaml" if command != "register" else "file.csv", BINARY)
    args = {
        "afford": ["afford", path],
        "validate": ["validate", path],
        "portfolio-scenario": ["portfolio", "value", "REG", "--scenario", path],
        "register": ["portfolio", "value", path],
    }[command]
    reg = case.write("reg.csv", REGISTER)
    case.refused([str(reg) if a == "REG" else a for a in args], "not a text file", "UTF-8")


def test_household_in_windows_1252_refused(case: Case) -> None:
    text = example_text(HOUSEHOLD).replace("Single parent", "Enslig forsørger (Ås)")
    path = case.write("h.yaml", text.encode("cp1252"))
    case.refused(["afford", path], "h.yaml", "not UTF-8 text", "save it as UTF-8")


def test_params_override_in_utf16_read_and_binary_refused(case: Case) -> None:
    data = resources.files("housingcalc.parameters").joinpath(
        "data", "husbanken", "startlan", "setup_fee.yaml"
    )
    folder = case.inputs / "params"
    target = "husbanken/startlan/setup_fee.yaml"
    case.write(f"params/{target}", data.read_text("utf-8").encode("utf-16"))
    r = case.ok(["params", "show", "husbanken.startlan.setup_fee", "--params", folder])
    assert "600" in r.stdout
    case.write(f"params/{target}", BINARY)
    case.refused(
        ["params", "show", "husbanken.startlan.setup_fee", "--params", folder],
        "setup_fee.yaml",
        "not a text file",
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_register_same_result_in_every_encoding_valid_but_odd(case: Case, encoding: str) -> None:
    plain = case.ok(["portfolio", "value", case.write("plain.csv", REGISTER), "-f", "json"])
    other = case.ok(
        ["portfolio", "value", case.write("r.csv", REGISTER.encode(encoding)), "-f", "json"]
    )
    assert json.loads(other.stdout)["units"] == json.loads(plain.stdout)["units"]


def test_units_file_utf16_valid_but_odd(case: Case) -> None:
    units = "unit_id,area_m2,size_class,standard,yearly_cost\nÅ-1,50,2-rom,A,60000\n"
    weights = case.write("w.csv", "size_class,standard,weight\n2-rom,A,1.0\n")
    a = case.ok(["rent", "tariff", case.write("u8.csv", units), "--weights", weights, "-f", "json"])
    b = case.ok(
        [
            "rent",
            "tariff",
            case.write("u16.csv", units.encode("utf-16")),
            "--weights",
            weights,
            "-f",
            "json",
        ]
    )
    assert json.loads(a.stdout)["per_unit"] == json.loads(b.stdout)["per_unit"]


def test_decode_text_rules() -> None:
    assert decode_text("æøå".encode("utf-8-sig"), "x")[0] == "æøå"
    assert decode_text(b"\xe6\xf8\xe5", "x", legacy=True) == ("æøå", "cp1252")
    with pytest.raises(ValueError, match="not UTF-8 text"):
        decode_text(b"\xe6\xf8\xe5", "x")
    with pytest.raises(ValueError, match="not a text file"):
        decode_text(b"a\x00b", "x", legacy=True)
    with pytest.raises(ValueError, match="UTF-16 byte-order mark but is not UTF-16"):
        decode_text(b"\xff\xfe\x00\xd8", "x")  # a lone surrogate
