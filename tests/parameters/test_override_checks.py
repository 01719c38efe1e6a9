"""Issue 11 class 3: ``--params`` override folders are checked like packaged data.

Every case: one line on stderr naming the file, the field and the rule, exit code 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from housingcalc.cli import app

HEAD = """description: A municipality's own value for this series.
label: {nb: Egen verdi, en: Own value}
reference:
  - {title: "Kommunens vedtak", href: "https://example.kommune.no/vedtak"}
last_verified: 2026-11-30
"""

CASES = [
    # (file, body, expected fragment)
    (
        "nav/grunnbelop.yaml",
        "unit: fraction\nvalues:\n  - {effective: 2026-05-01, value: 0.5}\n",
        "unit = 'fraction': must be 'NOK/year'",
    ),
    (
        "nav/grunnbelop.yaml",
        "unit: NOK/year\nvalues:\n  - {effective: 2026-05-01, value: -130160}\n",
        "outside the plausible range",
    ),
    (
        "husbanken/startlan/municipal_margin_max.yaml",
        "unit: fraction\nvalues:\n  - {effective: 2026-01-01, value: 25}\n",
        "25 is outside the plausible range 0 … 0.05",
    ),
    (
        "nav/grunnbelop.yaml",
        "unit: NOK/year\nvalues:\n  - {effective: 2026-05-01, value: abc}\n",
        "'abc' is text; a NOK/year series holds numbers",
    ),
    (
        "bostotte/cost_ceiling.yaml",
        "unit: NOK/year\nvalues:\n  - {effective: 2026-01-01, value: {1: 80000, 2: lots}}\n",
        "'lots' at 2 is not a number",
    ),
    (
        "nav/grunnbelop.yaml",
        "unit: NOK/year\nvalues:\n  - {effective: 2026-05-01, value: 1.0e+308}\n",
        "outside the plausible range 50000 … 300000",
    ),
    (
        "nav/grunnbelop.yaml",
        "unit: NOK/year\nvalues:\n  - {effective: 2026-05-01, value: 1e308}\n",
        "'1e308' is read as text, not a number",
    ),
    (
        "husbanken/rates/floating.yaml",
        "unit: fraction\nrate_basis: effective\n"
        "values:\n  - {effective: 2026-01-01, value: 0.05}\n",
        "rate_basis = 'effective': must be 'nominal_monthly'",
    ),
    (
        "norges_bank/policy_rate.yaml",
        "unit: fraction\nvalues:\n  - {effective: 2026-03-20, value: 4.25}\n",
        "4.25 is outside the plausible range -0.02 … 0.3",
    ),
]


@pytest.mark.parametrize(("rel", "body", "expected"), CASES)
def test_hostile_override_is_one_line_exit_2(
    tmp_path: Path, rel: str, body: str, expected: str
) -> None:
    path = tmp_path / rel
    path.parent.mkdir(parents=True)
    path.write_text(HEAD + body, "utf-8")
    before = path.read_bytes()
    r = CliRunner().invoke(app, ["params", "list", "--params", str(tmp_path)])
    assert r.exit_code == 2, r.stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert expected in lines[0] and rel.split("/")[-1] in lines[0]
    assert "Traceback" not in r.stderr
    assert path.read_bytes() == before  # input never modified


def test_a_plausible_override_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "nav" / "grunnbelop.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(
        HEAD + "unit: NOK/year\nvalues:\n  - {effective: 2026-05-01, value: 135000}\n", "utf-8"
    )
    r = CliRunner().invoke(
        app, ["params", "show", "grunnbelop", "--at", "2026-06-01", "--params", str(tmp_path)]
    )
    assert r.exit_code == 0, r.stderr
    assert "135 000" in r.stdout and "STALE" not in r.stdout
