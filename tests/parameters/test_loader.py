"""The parameter loader: strict validation, dated look-up, user overrides, tracing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from housingcalc.errors import ParameterError, ParameterNotFound
from housingcalc.parameters import load_parameters
from housingcalc.parameters.loader import parse_file, read_packaged

BROKEN = Path(__file__).parent / "broken"

# file → a fragment the one-line error must contain (the file name is always in it)
EXPECTED = {
    "bad_date.yaml": "values.0.effective: '2020-13-01' is not an ISO date",
    "bad_href.yaml": "reference.0.href",
    "bad_unit.yaml": "unknown unit 'dollars'",
    "duplicate_date.yaml": "duplicate effective date",
    "malformed_yaml.yaml": "malformed YAML (line 2",
    "missing_last_verified.yaml": "no last_verified date",
    "missing_reference.yaml": "no reference",
    "missing_value.yaml": "values.0.value: Field required",
    "no_values.yaml": "values: List should have at least 1 item",
    "not_a_mapping.yaml": "expected a mapping",
    "unconfirmed_without_note.yaml": "needs a note",
    "unknown_top_key.yaml": "vlaues: unknown key",
    "unknown_value_key.yaml": "values.0.colour: unknown key",
    "unordered_dates.yaml": "ascending order",
}


def test_every_broken_file_has_an_expectation() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_is_refused_naming_file_and_problem(name: str) -> None:
    path = BROKEN / name
    with pytest.raises(ParameterError) as info:
        parse_file(path.read_text("utf-8"), str(path))
    message = str(info.value)
    assert message.startswith(str(path) + ": ")
    assert EXPECTED[name] in message
    assert "\n" not in message


def test_every_packaged_value_has_reference_unit_and_verification() -> None:
    packaged = read_packaged()
    assert len(packaged) >= 20
    ps = load_parameters()
    for name in ps.names():
        for value in ps.series(name).all():
            assert value.references, name
            assert all(str(r.href).startswith("http") for r in value.references), name
            assert value.unit, name
            assert value.last_verified <= dt.date.today(), name
            if value.confidence != "confirmed":
                assert value.notes, f"{name} {value.effective}: unconfirmed without a note"


def test_grunnbelop_in_force_at_a_date() -> None:
    ps = load_parameters()
    # G 2025 = 130 160 from 1 May 2025; the day before, the 2024 value 124 028 applies.
    assert ps.value("nav.grunnbelop", "2025-06-01") == 130160
    assert ps.value("nav.grunnbelop", "2025-04-30") == 124028
    assert ps.get("grunnbelop", dt.date(2025, 5, 1)).effective == dt.date(2025, 5, 1)


def test_date_before_first_value_is_an_error_naming_the_first_date() -> None:
    with pytest.raises(ParameterNotFound, match="first value is from 2009-05-01"):
        load_parameters().get("nav.grunnbelop", "2000-01-01")


def test_unknown_and_ambiguous_names() -> None:
    ps = load_parameters()
    with pytest.raises(ParameterNotFound, match="no parameter named 'nope'"):
        ps.get("nope", "2025-01-01")


def test_tracing_records_each_value_read_once() -> None:
    ps = load_parameters().fresh()
    assert ps.used() == []
    ps.value("nav.grunnbelop", "2025-06-01")
    ps.value("nav.grunnbelop", "2025-07-01")
    ps.value("nav.grunnbelop", "2024-07-01")
    used = ps.used()
    assert [(u.name, u.value) for u in used] == [
        ("nav.grunnbelop", 124028),
        ("nav.grunnbelop", 130160),
    ]


def _write_user_g(folder: Path, body: str) -> None:
    target = folder / "nav"
    target.mkdir(parents=True)
    (target / "grunnbelop.yaml").write_text(body, "utf-8")


USER_G = """\
description: Our own forecast of G for budgeting (not an official figure).
label: {nb: G (prognose), en: G (forecast)}
unit: NOK/year
reference: [{title: Municipal budget assumption, href: "https://example.org/budget-2026"}]
last_verified: 2026-10-01
confidence: unconfirmed
notes: Forecast used for the 2027 budget.
values:
  - effective: 2025-05-01
    value: 130000
  - effective: 2026-05-01
    value: 136000
"""


def test_user_folder_overrides_and_extends(tmp_path: Path) -> None:
    _write_user_g(tmp_path, USER_G)
    ps = load_parameters(tmp_path)
    assert ps.value("nav.grunnbelop", "2026-06-01") == 136000  # extended
    replaced = ps.get("nav.grunnbelop", "2025-06-01")  # same date: the user's value wins
    assert replaced.value == 130000
    assert replaced.confidence == "unconfirmed"
    assert "example.org/budget-2026" in replaced.source
    assert ps.value("nav.grunnbelop", "2024-06-01") == 124028  # packaged values kept
    # the packaged set itself is unchanged
    assert load_parameters().value("nav.grunnbelop", "2025-06-01") == 130160


def test_user_folder_with_broken_file_names_it(tmp_path: Path) -> None:
    _write_user_g(tmp_path, USER_G.replace("2026-05-01", "2026-05-32"))
    with pytest.raises(ParameterError, match=r"grunnbelop.yaml: values.1.effective"):
        load_parameters(tmp_path)


def test_missing_user_folder(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="does not exist"):
        load_parameters(tmp_path / "missing")
