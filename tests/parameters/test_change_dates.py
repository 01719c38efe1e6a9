"""Dated series crossed at their change dates: a lookup shifted by a day or a year fails here.

Expected values and dates name their source (as in each parameter file's references).
"""

from __future__ import annotations

import pytest

from housingcalc.parameters import load_parameters

PS = load_parameters()

# (series, day before, change day, value before, value after, source)
CHANGES = [
    # NAV: G 124 028 from 1 May 2024, 130 160 from 1 May 2025
    ("nav.grunnbelop", "2025-04-30", "2025-05-01", 124028, 130160),
    ("nav.grunnbelop", "2024-04-30", "2024-05-01", 118620, 124028),
    # Norges Bank press releases: 4.25 % from 20 Jun 2025, 4 % from 19 Sep 2025
    ("norges_bank.policy_rate", "2025-06-19", "2025-06-20", 0.045, 0.0425),
    ("norges_bank.policy_rate", "2025-09-18", "2025-09-19", 0.0425, 0.04),
    # Norges Bank annual averages (10y): 2019 1.49 %, 2020 0.82 %; (3y): 2019 1.23 %, 2020 0.44 %
    ("norges_bank.gov_bond_yield_10y", "2019-12-31", "2020-01-01", 0.0149, 0.0082),
    ("norges_bank.gov_bond_yield_3y", "2019-12-31", "2020-01-01", 0.0123, 0.0044),
    # Kartverket: 500 kr from 1 Jan 2024, 545 kr in 2025
    ("kartverket.registration_fee", "2024-12-31", "2025-01-01", 500, 545),
    ("kartverket.registration_fee", "2023-12-31", "2024-01-01", 540, 500),
    # Husbanken (husbanken.no/rente): floating 4.554 % to 30 Jun 2024, 4.640 % from 1 Jul 2024
    ("husbanken.rates.floating", "2024-06-30", "2024-07-01", 0.04554, 0.04640),
    # Husbanken startlån: fixed 5 % from 1 Jan 2020 (kalkulasjonsrenten page)
    (
        "husbanken.startlan.stress_rate",
        "2019-12-31",
        "2020-01-01",
        {"method": "fixed", "rate": 0.0625},
        {"method": "fixed", "rate": 0.05},
    ),
]


@pytest.mark.parametrize(("name", "before", "on", "old", "new"), CHANGES)
def test_series_changes_exactly_on_its_date(
    name: str, before: str, on: str, old: object, new: object
) -> None:
    assert PS.value(name, before) == old
    assert PS.value(name, on) == new


def test_rental_grant_oslo_rate_by_commitment_year() -> None:
    # 2018 table 17 200 (Husbanken); 2020 table 18 800 (regjeringen.no id2683630);
    # 16 Jun 2023 table 21 200 (Husbanken veileder § 9)
    def oslo(at: str) -> int:
        return int(
            PS.value("husbanken.rental_grant.group_rates", at)["groups"]["group_1"]["rate_per_m2"]
        )

    assert [oslo(d) for d in ("2019-12-31", "2020-01-01", "2023-06-15", "2023-06-16")] == [
        17200,
        18800,
        18800,
        21200,
    ]
