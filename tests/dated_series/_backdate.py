"""A ``--params`` folder that holds some rules back in time, for date tests only.

Some series change at dates before every other rule their calc function needs: the interest
deduction rate changes 2014–2019, but the tax model's allowances are packaged from 2024 only,
so ``income_path`` cannot run in 2018 and a one-year shift of that series is invisible to the
packaged data. A date test then lets the *other* series reach back: each named series gets its
first packaged value also at an earlier date, in an override folder written through the public
``--params`` mechanism and marked as a test fixture. The series under test stays as packaged,
and the expected figures are chosen so that the held-back values do not enter them.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from housingcalc.parameters import ParameterSet, load_parameters


def backdated(folder: Path, since: str, names: list[str]) -> ParameterSet:
    """The packaged parameters with each of ``names``' first value also in force from ``since``."""
    packaged = load_parameters()
    for name in names:
        f = packaged.series_file(name)
        first = f.values[0]
        href = str((first.reference or f.reference or [])[0].href)
        data = {
            "description": f"TEST FIXTURE: {name} held back to {since} for a date test.",
            "label": {"nb": f.label.nb, "en": f.label.en},
            "unit": f.unit,
            "reference": [{"title": "test fixture (the packaged first value)", "href": href}],
            "last_verified": "2026-12-01",
            "confidence": "unconfirmed",
            "notes": "Not a rule value: the packaged first value, held back for a test.",
            "values": [{"effective": since, "value": first.value}],
        }
        path = folder.joinpath(*name.split(".")).with_suffix(".yaml")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return load_parameters(folder)
