"""The rent-to-own (leie til eie) scenario: what a scenario file holds, validated.

A scenario describes one household renting one municipal dwelling with the option to buy it:
the household (the household model), the dwelling, the municipality's side of the unit, the
rent phase, the purchase rule and month, the financing at purchase, and the assumptions
(rate path, price growth, wage growth, CPI). Files are read by :mod:`housingcalc.scenarios`;
this module only defines and checks the model.

Conventions (as everywhere in housingcalc):

- amounts are NOK and may be written ``3150000``, ``3 150 000`` or ``3_150_000``;
- rates are written in percent (``4.5%`` or ``4.5``) and held as fractions (0.045); a bare
  number between 0 and 0.2 is refused as ambiguous;
- dates are ISO (``2025-09-01``); a month may be written ``2028-09``. Everything runs in
  whole months: a date inside a month means that month;
- unknown keys are refused; ``schema_version`` must be :data:`SCHEMA_VERSION`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from housingcalc.errors import InputError
from housingcalc.limits import MAX_DATE, MIN_DATE, date_rule
from housingcalc.models.household import Household
from housingcalc.units import parse_amount, parse_percent

__all__ = [
    "SCHEMA_VERSION",
    "Assumptions",
    "BankLoan",
    "Dwelling",
    "EstablishmentGrantTerms",
    "Financing",
    "HousingAllowance",
    "HusbankenLoan",
    "Municipality",
    "Purchase",
    "RatePoint",
    "RentPhase",
    "RentalGrant",
    "Scenario",
    "StartLoanTerms",
]

#: The scenario file format this version of housingcalc reads.
SCHEMA_VERSION = 1

_FROZEN = ConfigDict(extra="forbid", frozen=True)


# -- value types ------------------------------------------------------------------------------


def _amount(value: Any) -> Any:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        try:
            return parse_amount(value, "amount")
        except InputError as exc:
            raise ValueError(exc.rule) from None
    return value


def _positive_amount(value: Any) -> Any:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        try:
            return parse_amount(value, "amount", allow_zero=False)
        except InputError as exc:
            raise ValueError(exc.rule) from None
    return value


def _percent_factory(max_pct: float, min_pct: float = 0.0) -> BeforeValidator:
    def convert(value: Any) -> Any:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            try:
                return parse_percent(value, "rate", max_pct=max_pct, min_pct=min_pct)
            except InputError as exc:
                raise ValueError(exc.rule) from None
        return value

    return BeforeValidator(convert)


_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def _month(value: Any) -> Any:
    """``2028-09`` or any date in the month → the first day of that month."""
    if isinstance(value, dt.datetime):
        raise ValueError("must be a date (YYYY-MM-DD) or a month (YYYY-MM), not a timestamp")
    if isinstance(value, dt.date):
        return value.replace(day=1)
    if isinstance(value, str):
        m = _MONTH_RE.match(value)
        if m:
            year, month = int(m.group(1)), int(m.group(2))
            if not 1 <= month <= 12:
                raise ValueError("must be a month written YYYY-MM")
            return dt.date(year, month, 1)
        try:
            return dt.date.fromisoformat(value.strip()).replace(day=1)
        except ValueError:
            raise ValueError("must be a date (YYYY-MM-DD) or a month (YYYY-MM)") from None
    return value


#: NOK, ≥ 0.
Amount = Annotated[float, BeforeValidator(_amount), Field(ge=0)]
#: NOK, > 0.
PositiveAmount = Annotated[float, BeforeValidator(_positive_amount), Field(gt=0)]
#: An interest or discount rate, 0–25 %.
Rate = Annotated[float, _percent_factory(25.0)]
#: A yearly growth rate (price, wage, CPI), −20 % … 20 %.
Growth = Annotated[float, _percent_factory(20.0, -20.0)]
#: A share, 0–100 %.
Share = Annotated[float, _percent_factory(100.0)]


def _in_range(d: dt.date) -> dt.date:
    if not MIN_DATE <= d <= MAX_DATE:
        raise ValueError(date_rule())
    return d


#: A month (held as the first day of the month), 1900–2100.
Month = Annotated[dt.date, BeforeValidator(_month), AfterValidator(_in_range)]
#: A date of the case, 1900–2100.
CaseDate = Annotated[dt.date, AfterValidator(_in_range)]


# -- parts ------------------------------------------------------------------------------------


class Dwelling(BaseModel):
    """The municipal dwelling the household rents and may buy."""

    model_config = _FROZEN

    price: PositiveAmount = Field(
        description="Year-0 price: the appraised value (takst) at move-in, NOK."
    )
    appraisal_date: CaseDate | None = Field(
        default=None, description="Date of the appraisal; defaults to the move-in month."
    )
    area_m2: Annotated[float, Field(gt=0, le=500)] = Field(
        description="Usable area (BRA/P-ROM), m²."
    )
    rooms: Annotated[int, Field(ge=1, le=12)]
    tenure: Literal["selveier", "borettslag"] = Field(
        description="selveier (freehold: document duty on purchase) or borettslag (co-op share)."
    )
    common_costs_month: Amount = Field(
        default=0.0, description="Common costs (felleskostnader) per month, NOK."
    )
    municipal_fees_year: Amount = Field(
        default=0.0, description="Municipal fees (kommunale avgifter) per year, NOK."
    )
    insurance_year: Amount = Field(default=0.0, description="Building/contents insurance per year.")
    maintenance_year: Amount = Field(
        default=0.0, description="Expected owner's maintenance per year, NOK (today's money)."
    )
    electricity_month: Amount = Field(
        default=0.0,
        description="Electricity and heating per month, paid by the household as tenant and owner.",
    )


class RentalGrant(BaseModel):
    """Husbanken's grant for the rental unit (tilskudd til utleieboliger), as paid out."""

    model_config = _FROZEN

    amount: Amount
    paid: CaseDate = Field(description="Payout date: write-down counts full years from here.")
    committed: CaseDate | None = Field(
        default=None,
        description="Commitment date: fixes the write-down rule (before 2018: 5 %/20 years; "
        "from 2018: 3.3 %/30 years). Defaults to the payout date.",
    )


class HusbankenLoan(BaseModel):
    """The municipality's Husbanken loan on the unit, as at the move-in month."""

    model_config = _FROZEN

    balance: Amount = Field(description="Outstanding balance at move-in, NOK.")
    rate: Rate = Field(description="Nominal yearly rate of the loan.")
    remaining_years: Annotated[float, Field(gt=0, le=50)]


class Municipality(BaseModel):
    """The municipality's side of the unit: cost, grant, loan, book value, discount rate."""

    model_config = _FROZEN

    acquisition_cost: PositiveAmount = Field(description="What the unit cost the municipality.")
    acquired: CaseDate
    book_value: Amount = Field(description="Book value at move-in (bokført verdi), NOK.")
    land_share: Share = Field(
        default=0.0, description="Share of the acquisition cost that is land (not depreciated)."
    )
    rental_grant: RentalGrant | None = None
    husbanken_loan: HusbankenLoan | None = None
    fdv_per_m2_year: Amount = Field(
        default=0.0, description="FDV (management, operation, maintenance) of the unit, kr/m²/year."
    )
    administration_year: Amount = Field(
        default=0.0, description="Administration per unit and year."
    )
    vacancy: Share = Field(
        default=0.0, description="Share of rent lost to empty months (tomgang), below 100 %."
    )
    rent_loss: Share = Field(
        default=0.0, description="Share of billed rent never paid, below 100 %."
    )
    sale_costs: Amount = Field(default=0.0, description="Seller's costs of the sale, NOK.")
    replacement_cost: Amount | None = Field(
        default=None,
        description="Cost of an equivalent unit bought at the sale to keep serving the waiting "
        "list (today's money, grown with the price growth to the sale); enters the sell case.",
    )
    accounting_view: Literal["straight_line", "minimum_repayment"] = Field(
        default="straight_line",
        description="The yearly cost of keeping the unit in the operating account: straight-line "
        "depreciation, or the minimum repayment on its Husbanken loan (kommuneloven § 14-18).",
    )
    discount_rate: Rate = Field(
        description="Yearly rate for the present value of selling vs keeping (nominal, monthly)."
    )
    keep_years: Annotated[int, Field(ge=1, le=60)] | None = Field(
        default=None,
        description="Horizon for 'keep the unit'; defaults to the scenario's horizon.",
    )

    @field_validator("vacancy", "rent_loss")
    @classmethod
    def _below_all(cls, value: float) -> float:
        if value >= 1:
            raise ValueError("must be below 100 %")
        return value

    @model_validator(mode="after")
    def _grant_after_acquisition(self) -> Municipality:
        if self.rental_grant is not None and self.rental_grant.paid < self.acquired.replace(
            day=1
        ) - dt.timedelta(days=366):
            raise ValueError(
                f"municipality.rental_grant.paid = {self.rental_grant.paid}: "
                f"more than a year before the unit was acquired ({self.acquired})"
            )
        return self


class CostCoveringRent(BaseModel):
    """How the cost-covering rent is computed (``calc/rent.py``); FDV, administration, vacancy
    and rent loss are the municipality's (``municipality.*``)."""

    model_config = _FROZEN

    method: Literal["return", "annuity", "beregningsutvalget"] = "return"
    capital_rate: Rate | None = Field(
        default=None, description="Rate of the capital cost (not for beregningsutvalget)."
    )
    basis: Literal[
        "acquisition_net", "acquisition_gross", "book", "book_net", "market", "market_net"
    ] = Field(default="market", description="Value the capital cost is computed on.")
    life_years: Annotated[int, Field(ge=1, le=100)] = Field(
        default=40, description="Economic life for the annuity method."
    )

    @model_validator(mode="after")
    def _rate(self) -> CostCoveringRent:
        if self.method != "beregningsutvalget" and self.capital_rate is None:
            raise ValueError(
                f"rent.cost_covering.capital_rate = missing: required for method {self.method!r}"
            )
        return self


class RentPhase(BaseModel):
    """The rent the household pays while renting, and how it is indexed."""

    model_config = _FROZEN

    method: Literal["given", "cost_covering"]
    amount_month: Amount | None = Field(default=None, description="method given: rent per month.")
    cost_covering: CostCoveringRent | None = None
    indexation: Literal["cpi", "none"] = Field(
        default="cpi",
        description="cpi: indexed by KPI on each anniversary of the last fixing (husleieloven "
        "§ 4-2; published KPI from ssb.cpi_12_month_change, else assumptions.cpi); none: flat.",
    )
    prevailing_rent_month: Amount | None = Field(
        default=None,
        description="The prevailing rent (gjengs leie) per month the rent is set to from "
        "prevailing_from (husleieloven § 4-3), in the money of that month.",
    )
    prevailing_from: Month | None = Field(
        default=None,
        description="The month the prevailing rent applies from: at the earliest 2½ years "
        "unchanged + 6 months' notice = 36 months after move-in (husleieloven § 4-3).",
    )

    @model_validator(mode="after")
    def _complete(self) -> RentPhase:
        if (self.prevailing_rent_month is None) != (self.prevailing_from is None):
            raise ValueError(
                "rent.prevailing_rent_month and rent.prevailing_from: give both or neither"
            )
        if self.method == "given" and self.amount_month is None:
            raise ValueError("rent.amount_month = missing: required when rent.method is 'given'")
        if self.method == "cost_covering" and self.cost_covering is None:
            raise ValueError(
                "rent.cost_covering = missing: required when rent.method is 'cost_covering'"
            )
        return self


class Purchase(BaseModel):
    """When and at what price the household buys."""

    model_config = _FROZEN

    price_rule: Literal["appraisal", "year0", "year0_indexed", "rent_credit"] = Field(
        description="appraisal: appraised value at purchase (price growth); year0: the year-0 "
        "price; year0_indexed: year-0 price indexed by CPI; rent_credit: year-0 price minus a "
        "share of rent paid."
    )
    rent_credit_share: Share = Field(
        default=0.0, description="price_rule rent_credit: the share of rent paid credited."
    )
    month: Month | Literal["earliest"] = Field(
        default="earliest", description="A month (YYYY-MM) or 'earliest' (first month that passes)."
    )
    option_years: Annotated[float, Field(gt=0, le=10)] = Field(
        default=5.0, description="The option period from move-in (Prop. 158 L: at most 5 years)."
    )
    earliest_after_months: Annotated[int, Field(ge=0, le=120)] = Field(
        default=12, description="The lease lets the household buy no sooner than this."
    )

    @field_validator("month", mode="before")
    @classmethod
    def _month_or_earliest(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() == "earliest":
            return "earliest"
        return _month(value)

    @model_validator(mode="after")
    def _credit(self) -> Purchase:
        if self.price_rule == "rent_credit" and self.rent_credit_share <= 0:
            raise ValueError(
                "purchase.rent_credit_share = 0: must be > 0 when price_rule is 'rent_credit'"
            )
        return self


class StartLoanTerms(BaseModel):
    """The start loan (startlån) at purchase."""

    model_config = _FROZEN

    rate_type: Literal["floating", "fixed"] = "floating"
    fixed_years: Literal[3, 5, 10, 20] | None = None
    rate: Rate | None = Field(
        default=None,
        description="Effective yearly rate at purchase; default: Husbanken's published rate "
        "for the rate type, plus the municipal margin.",
    )
    municipal_margin: Annotated[float, _percent_factory(1.0)] = Field(
        default=0.0025, description="Margin the municipality adds (at most 0.25 pp)."
    )
    years: Annotated[int, Field(ge=1, le=50)] = 30
    interest_only_years: Annotated[int, Field(ge=0, le=10)] = 0
    kind: Literal["annuity", "serial"] = "annuity"
    fees: bool = Field(default=True, description="Charge Husbanken's set-up and term fees.")

    @model_validator(mode="after")
    def _fixed(self) -> StartLoanTerms:
        if self.rate_type == "fixed" and self.fixed_years is None:
            raise ValueError(
                "financing.start_loan.fixed_years = missing: "
                "required for a fixed rate (3, 5, 10 or 20)"
            )
        if self.interest_only_years >= self.years:
            raise ValueError(
                f"financing.start_loan.interest_only_years = {self.interest_only_years}: "
                f"must be shorter than the loan ({self.years} years)"
            )
        return self


class EstablishmentGrantTerms(BaseModel):
    """The household's establishment grant (tilskudd til etablering) at purchase."""

    model_config = _FROZEN

    amount: Amount | Literal["need"] = Field(
        default=0.0, description="A fixed amount, or 'need': what closes the gap, up to max."
    )
    max: Amount = Field(
        default=0.0, description="With amount 'need': the most the municipality gives."
    )
    repayment: Literal["write_down", "repayable_at_sale"] = "write_down"

    @field_validator("amount", mode="before")
    @classmethod
    def _need(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() == "need":
            return "need"
        return _amount(value)


class BankLoan(BaseModel):
    """An optional bank loan beside the start loan."""

    model_config = _FROZEN

    amount: Amount = 0.0
    rate: Rate = 0.055
    years: Annotated[int, Field(ge=1, le=40)] = 25


class Financing(BaseModel):
    """Savings and loans: how the household saves while renting and pays at purchase."""

    model_config = _FROZEN

    saving_share: Share = Field(
        default=1.0, description="Share of each month's surplus the household saves."
    )
    buffer: Amount = Field(default=0.0, description="Savings kept back at purchase, NOK.")
    start_loan: StartLoanTerms = StartLoanTerms()
    establishment_grant: EstablishmentGrantTerms = EstablishmentGrantTerms()
    bank_loan: BankLoan | None = None


class RatePoint(BaseModel):
    """From ``from`` on, Husbanken's floating start-loan rate (effective) is ``rate``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: Month = Field(alias="from")
    rate: Rate


class Assumptions(BaseModel):
    """What the future is assumed to bring."""

    model_config = _FROZEN

    horizon_years: Annotated[int, Field(ge=1, le=40)] = Field(
        default=20, description="Years of ownership shown after the purchase."
    )
    price_growth: Growth = 0.025
    price_growth_low: Growth = 0.0
    price_growth_high: Growth = 0.05
    wage_growth: Growth = 0.035
    cpi: Growth = 0.025
    rate_path: tuple[RatePoint, ...] = Field(
        default=(),
        description="Floating start-loan rate (effective) from given months; before the first "
        "point the rate at move-in holds. Rate rises of the sensitivity ladder come on top.",
    )
    rate_ladder_pp: tuple[Annotated[float, Field(gt=0, le=10)], ...] = (1.0, 2.0, 3.0)

    @model_validator(mode="after")
    def _ordered(self) -> Assumptions:
        months = [p.from_ for p in self.rate_path]
        if months != sorted(months) or len(set(months)) != len(months):
            raise ValueError("assumptions.rate_path = ...: months must be increasing")
        if not self.price_growth_low <= self.price_growth <= self.price_growth_high:
            raise ValueError(
                f"assumptions.price_growth = {self.price_growth:.2%}: must lie between "
                "price_growth_low and price_growth_high"
            )
        return self


class HousingAllowance(BaseModel):
    """Husbanken's housing allowance (bostøtte) on the path, as tenant and as owner."""

    model_config = _FROZEN

    applied: bool = Field(
        default=True,
        description="The household applies for bostøtte; false = 'not applied for' (none counted).",
    )
    stress_test: Literal["stable_income", "always", "never"] = Field(
        default="stable_income",
        description="Count the estimated bostøtte as income in the start-loan stress test: "
        "stable_income (Husbanken's startlån veileder: only where the income is stable), "
        "always, or never.",
    )
    adapted_home: bool = Field(
        default=False, description="The home is adapted for a disabled household member."
    )


#: A language code as a key of ``name``/``description``: ``nb``, ``en``, ``fa_AF`` …
LangCode = Annotated[str, Field(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")]


# -- the scenario -----------------------------------------------------------------------------


class Scenario(BaseModel):
    """One rent-to-own scenario (a scenario file, validated)."""

    model_config = _FROZEN

    schema_version: Literal[1] = Field(description="The scenario format version (1).")
    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: str = ""
    # A name/description may be given per language ({nb: …, en: …}); ``name``/``description``
    # then hold the English (else Norwegian, else first) text and these hold all of them.
    names: dict[LangCode, Annotated[str, Field(min_length=1, max_length=200)]] = {}
    descriptions: dict[LangCode, str] = {}
    move_in: Month = Field(description="The month the household moves in (month 0).")
    household: Household
    dwelling: Dwelling
    municipality: Municipality
    rent: RentPhase
    purchase: Purchase
    financing: Financing = Financing()
    housing_allowance: HousingAllowance = HousingAllowance()
    assumptions: Assumptions = Assumptions()

    @model_validator(mode="before")
    @classmethod
    def _per_language(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key, many in (("name", "names"), ("description", "descriptions")):
            value = data.get(key)
            if isinstance(value, dict):
                texts = {str(k): v for k, v in value.items()}
                data[many] = texts
                data[key] = texts.get("en") or texts.get("nb") or next(iter(texts.values()), "")
        return data

    def name_in(self, lang: str) -> str:
        """The scenario's name in ``lang``; else English, else Norwegian, else ``name``."""
        n = self.names
        return n.get(lang) or n.get(lang.split("_")[0]) or n.get("en") or n.get("nb") or self.name

    def description_in(self, lang: str) -> str:
        """The description in ``lang`` (fallbacks as :meth:`name_in`)."""
        d = self.descriptions
        return (
            d.get(lang)
            or d.get(lang.split("_")[0])
            or d.get("en")
            or d.get("nb")
            or self.description
        )

    @model_validator(mode="after")
    def _dates(self) -> Scenario:
        if self.household.owner_costs is not None:
            raise ValueError(
                "household.owner_costs = {…}: give the running costs under dwelling "
                "(common_costs_month, municipal_fees_year, insurance_year, maintenance_year, "
                "electricity_month)"
            )
        try:  # the household file's own check, at the case's date
            self.household.check_born_by(self.move_in, "move_in")
        except InputError as exc:
            raise InputError(f"household.{exc.field}", exc.value, exc.rule) from None
        p = self.purchase
        if isinstance(p.month, dt.date):
            if p.month < self.move_in:
                raise ValueError(
                    f"purchase.month = {p.month:%Y-%m}: must not be before move_in "
                    f"({self.move_in:%Y-%m})"
                )
            months = (p.month.year - self.move_in.year) * 12 + p.month.month - self.move_in.month
            if months > round(p.option_years * 12):
                raise ValueError(
                    f"purchase.month = {p.month:%Y-%m}: after the option period "
                    f"({p.option_years:g} years from move-in)"
                )
        if self.municipality.acquired > self.move_in.replace(day=28) + dt.timedelta(days=4):
            raise ValueError(
                f"municipality.acquired = {self.municipality.acquired}: after move_in "
                f"({self.move_in:%Y-%m})"
            )
        if p.earliest_after_months > round(p.option_years * 12):
            raise ValueError(
                f"purchase.earliest_after_months = {p.earliest_after_months}: longer than the "
                "option period"
            )
        return self
