"""The serialisation layer (housingcalc/output.py): one way from results to JSON, CSV, tables."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from housingcalc import output

ROOT = Path(__file__).resolve().parents[1]


def test_the_docs_example_runs() -> None:
    text = (ROOT / "docs" / "output.md").read_text("utf-8")
    block = text.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(block, "docs/output.md", "exec"), {})


def test_json_is_valid_json_without_nan_and_with_iso_dates() -> None:
    data = {
        "at": dt.date(2027, 3, 1),
        "missing": float("nan"),
        "np": np.float64("inf"),
        "arr": np.array([1.5, np.nan]),
        "i": np.int64(3),
    }
    text = output.to_json(data)
    assert json.loads(text) == {
        "at": "2027-03-01",
        "missing": None,
        "np": None,
        "arr": [1.5, None],
        "i": 3,
    }


def test_rounding_is_to_the_ore_and_leaves_integers() -> None:
    # 7 181.135 kr is not exactly representable; 7 181.1349 rounds down to 7 181.13
    assert output.rounded({"a": 7181.1349, "n": 4, "b": True}) == {"a": 7181.13, "n": 4, "b": True}
    assert output.rounded([0.1234567], 6) == [0.123457]


def test_records_and_csv_of_a_frame_with_dates_and_gaps() -> None:
    frame = pd.DataFrame(
        {
            "unit": ["A", "B"],
            "acquired": pd.to_datetime(["2015-03-01", None]),
            "rent": [7181.134, np.nan],
        }
    )
    assert output.records(frame) == [
        {"unit": "A", "acquired": "2015-03-01T00:00:00", "rent": 7181.13},
        {"unit": "B", "acquired": None, "rent": None},
    ]
    # the CSV as pandas itself writes it (to_csv(index=False, float_format="%.2f"))
    assert output.csv_text(frame) == frame.to_csv(
        index=False, float_format="%.2f", lineterminator="\n"
    )


def test_a_table_is_as_wide_as_its_widest_cell() -> None:
    text = output.table_text(["item", "kr"], [["rent", "7 181"], ["a longer item", "5"]])
    lines = text.splitlines()
    # edge space + 13 (widest item) + 3 + 5 (widest amount) + edge space = 23
    assert {len(line) for line in lines} == {23}
    # text left, numbers right: "rent" + 9 to fill 13, 3 between, "7 181" fills 5
    assert lines[3] == " rent" + " " * (9 + 3) + "7 181 "
    assert lines[4] == " a longer item" + " " * (3 + 4) + "5 "


def test_a_missing_value_is_a_dash_in_kroner() -> None:
    assert output.kr(None) == "–" and output.kr(1553871.6) == "1 553 872"


def test_a_type_json_cannot_hold_is_refused() -> None:
    with pytest.raises(TypeError, match="cannot write object"):
        output.to_json({"x": object()})
