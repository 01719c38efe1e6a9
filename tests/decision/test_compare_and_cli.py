"""``compare`` (offers side by side) and the decision commands on the command line:
``run --set``, ``afford --set``, ``solve``, ``compare``, and their bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from housingcalc.calc.compare import compare, split_offer
from housingcalc.cli import app
from tests.decision._cases import params, raw

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
OFFERS = ["purchase.price_rule=year0", "purchase.price_rule=appraisal,purchase.option_years=3"]


def test_split_offer_keeps_commas_inside_values() -> None:
    assert split_offer("assumptions.rate_ladder_pp=[1,2],purchase.option_years=3") == [
        "assumptions.rate_ladder_pp=[1,2]",
        "purchase.option_years=3",
    ]


@pytest.fixture(scope="module")
def two_offers():  # type: ignore[no-untyped-def]
    return compare(raw(), [split_offer(o) for o in OFFERS], params())


def test_two_offers_side_by_side(two_offers) -> None:  # type: ignore[no-untyped-def]
    c = two_offers
    assert [o.label for o in c.offers] == ["offer 1", "offer 2"]
    assert c.offers[1].terms == ("purchase.price_rule=appraisal", "purchase.option_years=3")
    # the differing terms, each offer's value (offer 1 keeps the file's option_years: 5)
    assert c.differing == {
        "purchase.price_rule": ("year0", "appraisal"),
        "purchase.option_years": ("5", "3"),
    }
    year0, appraisal = c.offers
    # year0: the built-in example's own purchase (docs/rent-to-own.md: October 2026, 202 652 kr)
    assert f"{year0.purchase_month:%Y-%m}" == "2026-10"
    assert year0.grant_needed == pytest.approx(202_652, abs=1)
    assert year0.price == 2_700_000
    # appraisal: the price has grown at 2.5 % a year from move-in, so it is higher
    assert appraisal.price is not None and appraisal.price > 2_700_000
    assert appraisal.purchase_month is not None and appraisal.purchase_month > year0.purchase_month
    for o in c.offers:
        assert o.verdict.outcome in (
            "recommend",
            "recommend_with_conditions",
            "not_yet",
            "not_advisable",
        )
        assert o.net_wealth_10y is not None and o.municipality_npv is not None


def test_compare_json_offers_in_order() -> None:
    args = ["compare", "--offer", OFFERS[1], "--offer", OFFERS[0], "-f", "json"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [o["terms"] for o in data["offers"]] == [split_offer(OFFERS[1]), split_offer(OFFERS[0])]
    assert data["offers"][0]["differing"] == {
        "purchase.price_rule": "appraisal",
        "purchase.option_years": "3",
    }
    assert {"outcome", "reasons"} <= set(data["offers"][0]["verdict"])


def test_compare_writes_html_and_markdown(tmp_path: Path) -> None:
    for fmt in ("html", "md"):
        out = tmp_path / f"c.{fmt}"
        res = runner.invoke(
            app,
            [
                "compare",
                "--offer",
                OFFERS[0],
                "--offer",
                OFFERS[1],
                "-f",
                fmt,
                "-o",
                str(out),
                "-l",
                "nb",
            ],
        )
        assert res.exit_code == 0, res.output
        text = out.read_text("utf-8")
        assert "Tilbud side om side" in text and "purchase.option_years" in text
        assert text.count("Anbefales") >= 2


def test_solve_json_set_reproduces_the_passing_case_through_run(tmp_path: Path) -> None:
    res = runner.invoke(app, ["solve", "--for", "grant", "--month", "2026-09", "-f", "json"])
    assert res.exit_code == 0, res.output
    sol = json.loads(res.stdout)
    assert sol["found"] and not sol["passes_now"]
    args = ["run", "-o", str(tmp_path / "r"), "-f", "json"]
    for term in sol["set"]:
        args += ["--set", term]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "r" / "refugee-family-rent-to-own.json").read_text("utf-8"))
    assert data["status"] == "fixed_month" and data["key_figures"]["purchase_month"] == "2026-09-01"
    assert data["verdict"]["outcome"] in ("recommend", "recommend_with_conditions")


def test_solve_table_says_plainly_when_nothing_passes() -> None:
    res = runner.invoke(
        app,
        [
            "solve",
            "--for",
            "term",
            "--set",
            "dwelling.price=3600000",
            "--set",
            "financing.establishment_grant.max=0",
            "--month",
            "2026-09",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "answer: none. no term within the legal limit makes it pass" in res.stdout
    assert "limit checked: 50 years (husbanken.startlan.max_term_years_special)" in res.stdout


def test_afford_set() -> None:
    path = str(ROOT / "scenarios" / "household-couple-wages.yaml")
    base = json.loads(runner.invoke(app, ["afford", path, "-f", "json"]).stdout)
    res = runner.invoke(app, ["afford", path, "-f", "json", "--set", "household.savings=400000"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["savings"] == 400000 != base["savings"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["run", "--set", "dwelling.pric=5"],
            "error: --set = 'dwelling.pric=5': no field 'dwelling.pric' "
            "(did you mean dwelling.price?)",
        ),
        (["run", "--set", "dwelling.price"], "error: --set = 'dwelling.price': must be PATH=VALUE"),
        (
            ["run", "--set", "dwelling.price=-5"],
            "error: refugee-family-rent-to-own.yaml (with --set): dwelling.price = -5: must be > 0",
        ),
        (
            ["solve", "--for", "rent"],
            "error: --for = 'rent': must be one of grant, price, savings, income, term, "
            "interest-only",
        ),
        (
            ["solve", "--month", "2027-13"],
            "error: --month = '2027-13': must be a month written YYYY-MM",
        ),
        (
            ["solve", "--month", "2031-01"],
            "error: --month = '2031-01': must be within the option window",
        ),
        (["solve", "-f", "xml"], "error: --format = 'xml': must be one of table, json"),
        (["compare"], "error: --offer = '': give at least one offer"),
        (
            ["compare", "--offer", "purchase.rule=x"],
            "error: --offer (offer 1) = 'purchase.rule=x': no field 'purchase.rule' "
            "(did you mean purchase.price_rule?)",
        ),
        (
            ["compare", "--offer", "purchase.price_rule=cheap"],
            "error: offer 1: purchase.price_rule = 'cheap': must be one of",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    res = runner.invoke(app, [*args, *(["-o", str(tmp_path / "out")] if args[0] == "run" else [])])
    assert res.exit_code == 2
    assert res.stderr.startswith(message), res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()  # no half-written report
