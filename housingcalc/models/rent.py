"""Result models for cost-covering rent and Husbanken's rental-housing grant.

Every model is frozen and refuses unknown keys. Amounts are NOK (float), rates and shares are
fractions (0.035). Yearly amounts say so in their name (``*_yearly``), monthly ones likewise.
The calculations that fill these models live in :mod:`housingcalc.calc.rent`,
:mod:`housingcalc.calc.grants` and :mod:`housingcalc.calc.tariff`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

__all__ = [
    "Basis",
    "CapitalMethod",
    "GroupMatch",
    "PerM2GrantResult",
    "PvGrantResult",
    "PvRentResult",
    "RateBuild",
    "RentComponents",
    "RentResult",
    "SaleRepayment",
    "SourceRef",
    "WriteDownResult",
    "WriteDownTerms",
    "WriteDownYear",
]

_FROZEN = ConfigDict(extra="forbid", frozen=True)

#: How the capital cost of a dwelling is computed (see ``calc/rent.py``).
CapitalMethod = Literal["annuity", "return", "beregningsutvalget"]

#: The value the capital cost is computed on. ``*_net`` deducts the grant.
Basis = Literal["acquisition_net", "acquisition_gross", "book", "book_net", "market", "market_net"]


class SourceRef(BaseModel):
    """One parameter value a result used, with its source (for reports and ``--format json``)."""

    model_config = _FROZEN

    name: str
    value: Any = None
    effective: dt.date
    unit: str
    confidence: str
    source: str
    notes: str | None = None


class RateBuild(BaseModel):
    """The rate a capital cost was computed at, and how it was obtained.

    ``origin``: ``given`` (the user's number), ``reference`` (reference yield + margin from a
    dated series) or ``parameter`` (a dated rule value, e.g. the Beregningsutvalget 4 %).
    """

    model_config = _FROZEN

    rate: float
    origin: Literal["given", "reference", "parameter"]
    parameter: str | None = None
    reference: str | None = None
    year: int | None = None
    reference_yield: float | None = None
    margin: float | None = None
    effective: dt.date | None = None
    note: str | None = None


class RentComponents(BaseModel):
    """How a cost-covering rent is built (NOK per year, or per month in ``components_monthly``).

    ``cost = capital_cost + fdv + admin``;
    ``rent = cost + vacancy_allowance + rent_loss_allowance``.
    """

    model_config = _FROZEN

    capital_cost: float
    fdv: float
    admin: float
    cost: float
    vacancy_allowance: float
    rent_loss_allowance: float


class RentResult(BaseModel):
    """Cost-covering rent of one dwelling, with every component separately."""

    model_config = _FROZEN

    method: CapitalMethod
    basis: Basis
    basis_value: float
    rate: RateBuild
    life_years: float | None
    terms_per_year: int | None
    area_m2: float
    fdv_per_m2: float
    vacancy: float
    rent_loss: float
    admin_per_unit: float
    admin_share: float
    components: RentComponents
    components_monthly: RentComponents
    yearly_rent: float
    monthly_rent: float
    collected_yearly: float
    notes: list[str] = []
    sources: list[SourceRef] = []


# -- grants -------------------------------------------------------------------------------------


class PvGrantResult(BaseModel):
    """Husbanken's 2014–2017 present-value grant: ``T = min(cap·P, P − PV(net rent))``."""

    model_config = _FROZEN

    committed: dt.date
    cost: float
    rent_monthly: float
    vacancy: float
    rent_loss: float
    fdv_yearly: float
    admin_yearly: float
    target_return: float
    horizon_years: float
    terms_per_year: int
    net_rent_yearly: float
    pv_net_rent: float
    uncapped_grant: float
    cap: float
    cap_amount: float
    grant: float
    grant_share: float
    capped: bool
    notes: list[str] = []
    sources: list[SourceRef] = []


class PvRentResult(BaseModel):
    """The inverse of the present-value model: the rent a given grant makes cost-covering."""

    model_config = _FROZEN

    committed: dt.date
    cost: float
    grant: float
    grant_share: float
    cap: float
    above_cap: bool
    vacancy: float
    rent_loss: float
    fdv_yearly: float
    admin_yearly: float
    target_return: float
    horizon_years: float
    terms_per_year: int
    net_rent_yearly: float
    yearly_rent: float
    monthly_rent: float
    notes: list[str] = []
    sources: list[SourceRef] = []


class GroupMatch(BaseModel):
    """Which group of a per-m² rate table a municipality (or a named group) fell in.

    ``matched``: ``listed`` (the municipality is named in the group), ``default`` (not named in
    any group, so the default group applies) or ``group`` (the user named the group).
    """

    model_config = _FROZEN

    group_id: str
    group_name: str
    rate_per_m2: float
    municipality: str | None
    matched: Literal["listed", "default", "group"]


class PerM2GrantResult(BaseModel):
    """Husbanken's grant from 2018: ``rate(group) × min(area, max area)``."""

    model_config = _FROZEN

    committed: dt.date
    table_effective: dt.date
    group: GroupMatch
    area_m2: float
    max_area_m2: float
    counted_area_m2: float
    grant: float
    max_grant: float
    notes: list[str] = []
    sources: list[SourceRef] = []


class WriteDownTerms(BaseModel):
    """The write-down rule that applies to a grant, fixed by its commitment date."""

    model_config = _FROZEN

    committed: dt.date
    rule: Literal["pre2018", "2018"]
    rate: float
    period_years: int
    small_grant_threshold: float
    sources: list[SourceRef] = []


class WriteDownYear(BaseModel):
    """The repayable balance after ``years`` full years from payout (from ``date`` on)."""

    model_config = _FROZEN

    years: int
    date: dt.date
    written_down: float
    repayable: float


class SaleRepayment(BaseModel):
    """The grant due for repayment when the unit is sold on ``sold``."""

    model_config = _FROZEN

    sold: dt.date
    full_years: int
    written_down: float
    repayable: float


class WriteDownResult(BaseModel):
    """A grant's write-down schedule, and the repayment due on a sale if a date was given."""

    model_config = _FROZEN

    grant: float
    paid_out: dt.date
    terms: WriteDownTerms
    written_off_at_once: bool
    schedule: list[WriteDownYear]
    sale: SaleRepayment | None = None
    notes: list[str] = []
