"""The KPI series (``ssb.cpi_12_month_change``) read by the tenancy act's indexation
(``calc.rent_law.rent_path``, husleieloven § 4-2), at the months its published values are for.

The series is sparse and a value counts only for its own month, so "crossing a change date"
here means: an indexation that needs a month the series holds uses that month's published
figure, and the next month's indexation uses the next month's figure (or, where the series has
no figure, the scenario's assumption). A KPI value one year off fails these tests.
"""

from __future__ import annotations

import datetime as dt

import pytest

from housingcalc.calc.rent_law import rent_path
from housingcalc.parameters import load_parameters

PS = load_parameters()
D = dt.date
ASSUMED = 0.02  # the scenario's CPI assumption, where no published month applies


@pytest.mark.parametrize(
    ("start", "kpi_month", "change", "kind"),
    [
        # the rent from month 12 is indexed by the KPI month 3 months before it (one month's
        # notice, § 4-2, + SSB publishing about the 10th of the next month)
        # SSB monthly releases: 12-month change Dec 2022 5.9 %, Jan 2023 7.0 %, Feb 2023 6.3 %
        (D(2022, 3, 1), D(2022, 12, 1), 0.059, "kpi"),
        (D(2022, 4, 1), D(2023, 1, 1), 0.070, "kpi"),
        (D(2022, 5, 1), D(2023, 2, 1), 0.063, "kpi"),
        # Finansavisen 10 Sep 2025 (SSB, August 2025): 3.5 %; July 2025 is not in the series
        (D(2024, 10, 1), D(2025, 7, 1), ASSUMED, "assumption"),
        (D(2024, 11, 1), D(2025, 8, 1), 0.035, "kpi"),
    ],
)
def test_indexation_uses_the_published_kpi_of_its_own_month(
    start: dt.date, kpi_month: dt.date, change: float, kind: str
) -> None:
    p = rent_path(PS, 10_000.0, start, 13, indexation="cpi", cpi_assumption=ASSUMED)
    (step,) = p.steps
    assert (step.month, step.kind) == (12, kind)
    if kind == "kpi":
        assert step.kpi_months == (kpi_month,)
    assert p.rent[12] == pytest.approx(10_000 * (1 + change), abs=0.005)
