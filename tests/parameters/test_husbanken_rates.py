"""Husbanken's published rates: stored as published (nominal, monthly terms), converted once.

Source: Husbanken, "Renter" (https://www.husbanken.no/rente), the table for July 2024:

    Terminforfall  Flytende (to 30 Jun)  Ny flytende fra 1. juli
    Månedlig       4,554 %               4,640 %
    Kvartalsvis    4,571 %               4,658 %
    Halvårlig      4,597 %               4,685 %

and Husbanken's formula (veileder for lån, "Beregning av renter",
https://www.husbanken.no/bransje/lan-og-tilskudd/veileder-laan/rente-og-avdragsvilkar/beregning-av-renter/):
r_n = ((1 + r_e)^(1/n) − 1)·n, "De nominelle og effektive rentene blir oppgitt med tre
desimaler". Each column is ONE effective rate: 4.640 % monthly ⇔ (1 + 0.0464/12)^12 − 1 =
4.740 % effective.
"""

from __future__ import annotations

import pytest

from housingcalc.parameters import load_parameters
from housingcalc.parameters.rates import (
    husbanken_effective,
    husbanken_rate,
    nominal_for_terms,
)

# (date, monthly, quarterly, half-yearly) in percent, as published
PUBLISHED = [
    ("2024-06-01", 4.554, 4.571, 4.597),
    ("2024-07-01", 4.640, 4.658, 4.685),
]


@pytest.mark.parametrize(("at", "monthly", "quarterly", "half_yearly"), PUBLISHED)
def test_husbanken_july_2024_table_reproduced_from_one_effective_rate(
    at: str, monthly: float, quarterly: float, half_yearly: float
) -> None:
    ps = load_parameters()
    for terms, published in ((12, monthly), (4, quarterly), (2, half_yearly)):
        got = husbanken_rate(ps, "floating", at, terms_per_year=terms) * 100
        assert round(got, 3) == pytest.approx(published, abs=0.0005), (at, terms)


def test_the_three_frequencies_share_one_effective_rate_of_4740() -> None:
    # Husbanken publishes the effective rate rounded to three decimals: 4.740 %.
    eff = 0.04740
    assert round(nominal_for_terms(eff, 12) * 100, 3) == 4.640
    assert round(nominal_for_terms(eff, 4) * 100, 3) == 4.658
    assert round(nominal_for_terms(eff, 2) * 100, 3) == 4.685
    ps = load_parameters()
    # (1 + 0.0464/12)**12 - 1 = 0.0473989...
    assert husbanken_effective(ps, "floating", "2024-07-01") == pytest.approx(
        (1 + 0.0464 / 12) ** 12 - 1, rel=1e-12
    )
    assert round(husbanken_effective(ps, "floating", "2024-07-01") * 100, 3) == 4.740


def test_monthly_terms_use_the_published_figure_without_conversion() -> None:
    ps = load_parameters()
    assert husbanken_rate(ps, "floating", "2024-07-01") == 0.04640
    assert husbanken_rate(ps, "fixed", "2024-07-01", fixed_years=5) == 0.04054


def test_floating_rate_changes_on_1_july_2024() -> None:
    ps = load_parameters()
    assert husbanken_rate(ps, "floating", "2024-06-30") == 0.04554
    assert husbanken_rate(ps, "floating", "2024-07-01") == 0.04640


def test_start_loan_at_the_july_2024_floating_rate_uses_4640_nominal() -> None:
    """A start loan assessed in July 2024: Husbanken 4.640 % nominal (monthly terms) plus the
    municipality's margin of at most 0.25 pp = 4.890 %."""
    from housingcalc.calc.capacity import _instalment

    ps = load_parameters()
    import datetime as dt

    out = _instalment(ps, dt.date(2024, 7, 15), 1_000_000.0, None, 30, 0)
    assert out["rate"] == pytest.approx(0.0464 + 0.0025, abs=1e-9)
    assert "4.640% nominal" in out["rate_basis"]
