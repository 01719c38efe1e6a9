"""``--set PATH=VALUE``: one library function (housingcalc.overrides) for run, afford, solve,
compare and the browser workspace."""

from __future__ import annotations

import pytest

from housingcalc.errors import InputError, ScenarioError
from housingcalc.models.scenario import Scenario
from housingcalc.overrides import apply_overrides, load_scenario_with, parse_assignment
from tests.decision._cases import raw


def test_values_are_read_as_yaml_and_dates_stay_text() -> None:
    assert parse_assignment("dwelling.price=2 500 000").value == "2 500 000"
    assert parse_assignment("dwelling.price=2500000").value == 2500000
    assert parse_assignment("purchase.month=2027-03").value == "2027-03"
    assert parse_assignment("financing.start_loan.rate=null").value is None
    assert parse_assignment("assumptions.rate_ladder_pp=[1, 2]").value == [1, 2]
    assert parse_assignment("household.income.1.monthly=26000").parts == (
        "household",
        "income",
        "1",
        "monthly",
    )


def test_the_file_mapping_is_not_changed() -> None:
    base = raw()
    out = apply_overrides(base, ["purchase.price_rule=appraisal"], model=Scenario)
    assert base["purchase"]["price_rule"] == "year0"
    assert out["purchase"]["price_rule"] == "appraisal"


def test_list_items_by_index_and_validation_as_in_the_file() -> None:
    s = load_scenario_with(None, ["household.income.3.monthly=26000"]).scenario
    assert s.household.income[3].monthly == 26000
    s = load_scenario_with(None, ["financing.start_loan.rate=4.9%"]).scenario
    assert s.financing.start_loan.rate == pytest.approx(0.049)  # percent, as in the file


def test_a_key_the_file_leaves_out_may_be_set() -> None:
    s = load_scenario_with(
        None, ["financing.start_loan.fixed_years=5", "financing.start_loan.rate_type=fixed"]
    ).scenario
    assert s.financing.start_loan.fixed_years == 5
    s = load_scenario_with(None, ["financing.bank_loan.amount=100000"]).scenario
    assert s.financing.bank_loan is not None and s.financing.bank_loan.amount == 100000


def test_a_later_term_wins() -> None:
    s = load_scenario_with(None, ["dwelling.price=2000000", "dwelling.price=2100000"]).scenario
    assert s.dwelling.price == 2100000


@pytest.mark.parametrize(
    ("term", "message"),
    [
        ("dwelling.pric=5", "no field 'dwelling.pric' (did you mean dwelling.price?)"),
        ("household.incme.1.monthly=5", "(did you mean household.income?)"),
        ("household.income.9.monthly=5", "household.income has 5 item(s) (numbers 0–4), not 9"),
        ("household.income.x=1", "household.income is a list: give an item number"),
        ("dwelling.price.x=1", "is a single value, it has no field 'x'"),
        ("dwelling.price", "must be PATH=VALUE"),
        ("dwelling.price=", "give a value after '='"),
        ("=5", "the path before '=' must be dotted keys"),
    ],
)
def test_bad_paths_name_the_nearest_valid_one(term: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        load_scenario_with(None, [term])
    assert str(info.value).startswith("--set = ")
    assert message in str(info.value)


def test_a_bad_value_is_refused_by_the_files_own_rule() -> None:
    with pytest.raises(ScenarioError, match=r"dwelling.price = -5: must be > 0"):
        load_scenario_with(None, ["dwelling.price=-5"])
    with pytest.raises(ScenarioError, match=r"purchase.price_rule = 'cheap': must be one of"):
        load_scenario_with(None, ["purchase.price_rule=cheap"])
    with pytest.raises(ScenarioError, match=r"looks like a fraction"):
        load_scenario_with(None, ["assumptions.cpi=0.025"])


def test_the_source_says_the_file_was_changed() -> None:
    assert load_scenario_with(None, ["dwelling.price=2000000"]).source.endswith("(with --set)")
    assert load_scenario_with(None, []).source == "refugee-family-rent-to-own.yaml"
