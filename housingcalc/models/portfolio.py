"""Portfolio assumptions: everything a register does not say (a scenario file, YAML).

The file ``scenarios/portfolio-example.yaml`` shows every key. Rates are written in percent
(``3.5`` or ``"3.5%"``; a bare number between 0 and 0.2 is refused as ambiguous, see
:mod:`housingcalc.units`); amounts in NOK. Unknown keys are errors (``extra="forbid"``).

Values that come from law or official sources are NOT here: they are dated parameters
(``accounting.depreciation_life_years``, ``beregningsutvalget.*``,
``husbanken.rental_grant.*``). What is here is the municipality's own choice or estimate:
prices, growth, costs, the weight table, the sales plan, reinvestment and stress tests.

>>> a = PortfolioAssumptions.model_validate({"valuation_date": "2025-01-01",
...     "market": {"price_per_m2": {"Sentrum": 52000}, "price_growth": "3%"}})
>>> a.market.price_growth, a.projection.years
(0.03, 30)
>>> growth_path(a.market.price_growth, 3).tolist()
[0.03, 0.03, 0.03]
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from housingcalc.errors import InputError
from housingcalc.limits import MAX_AMOUNT, MAX_AREA_M2, MAX_DATE, MIN_DATE
from housingcalc.models.rent import Basis, CapitalMethod
from housingcalc.units import parse_percent

if TYPE_CHECKING:
    import numpy as np


def _percent(max_pct: float, min_pct: float = 0.0) -> Any:
    def convert(v: object) -> object:
        if isinstance(v, (str, int, float)) and not isinstance(v, bool):
            try:
                return parse_percent(v, "value", max_pct=max_pct, min_pct=min_pct)
            except InputError as exc:
                raise ValueError(exc.rule) from None
        return v

    return BeforeValidator(convert)


#: A rate written in percent, 0–25 %.
Percent = Annotated[float, _percent(25.0)]
#: A share written in percent, 0–100 %.
Share = Annotated[float, _percent(100.0)]
#: A yearly change written in percent, −50 % … +50 %.
Change = Annotated[float, _percent(50.0, -50.0)]
#: A yearly change, or a path of them (one per projection year; the last repeats).
ChangePath = Change | Annotated[list[Change], Field(min_length=1, max_length=60)]
#: NOK, ≥ 0 and at most the plausible maximum (housingcalc.limits).
Money = Annotated[float, Field(ge=0, le=MAX_AMOUNT)]
#: kr per m², > 0 and at most the plausible maximum.
PerM2 = Annotated[float, Field(gt=0, le=MAX_AMOUNT)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SizeBand(_Model):
    """A size class for units whose register row has no ``size_class``: area ≤ max_area_m2."""

    name: Annotated[str, Field(min_length=1)]
    max_area_m2: Annotated[float, Field(gt=0, le=MAX_AREA_M2)] | None = None


def _default_bands() -> tuple[SizeBand, ...]:
    return (
        SizeBand(name="small", max_area_m2=45),
        SizeBand(name="medium", max_area_m2=75),
        SizeBand(name="large", max_area_m2=None),
    )


class MarketAssumptions(_Model):
    """Market value default (kr/m² × area by district) and its growth."""

    price_per_m2: dict[str, PerM2] = Field(default_factory=dict)
    default_price_per_m2: PerM2 | None = None
    price_growth: ChangePath = 0.0
    source: str = "municipality's own estimate"


class RegisterDefaults(_Model):
    """Values used where a register cell is empty (each use is counted and reported)."""

    standard: str = "normal"
    maintenance_per_m2: Money = 150.0
    other_costs_per_m2: Money = 250.0
    #: None: Husbanken's floating rate at the valuation date (husbanken.rates.floating)
    loan_rate: Percent | None = None
    loan_years_left: Annotated[float, Field(gt=0, le=60)] = 20.0
    #: share of acquisition cost that is land (not depreciated)
    land_share: Share = 0.0
    size_bands: tuple[SizeBand, ...] = Field(default_factory=_default_bands)

    @model_validator(mode="after")
    def _bands(self) -> RegisterDefaults:
        bounds = [b.max_area_m2 for b in self.size_bands]
        if not bounds or bounds[-1] is not None or any(b is None for b in bounds[:-1]):
            raise ValueError(
                "size_bands: every band but the last needs max_area_m2; the last has none"
            )
        finite = [b for b in bounds[:-1] if b is not None]
        if finite != sorted(finite) or len(set(finite)) != len(finite):
            raise ValueError("size_bands: max_area_m2 must increase")
        return self


class TariffAssumptions(_Model):
    """The cost-covering tariff over the register (computed by ``calc.tariff``)."""

    #: return (rate × value basis), annuity (basis over a life) or beregningsutvalget (the
    #: dated seed parameter × market value; the default, as no national rate exists)
    capital_method: CapitalMethod = "beregningsutvalget"
    #: the value the return / annuity is computed on (``*_net``: less the grant still repayable)
    basis: Basis = "market"
    #: the rate for return / annuity; leave empty for beregningsutvalget or with capital_rate_from
    capital_rate: Percent | None = None
    #: build the rate as a dated reference yield + margin instead (e.g. Drammen: the 3-year
    #: government bond, ``bond3y``, + 2 pp); see ``calc.rent.reference_rate``
    capital_rate_from: Literal["bond3y", "bond10y"] | None = None
    capital_margin: Annotated[float, _percent(10.0, -10.0)] | None = None
    #: the reference yield's year (default: the last full year before the valuation date)
    capital_rate_year: int | None = None
    economic_life_years: Annotated[int, Field(ge=1, le=100)] = 40
    #: None: each unit's own maintenance + other costs from the register
    fdv_per_m2: Money | None = None
    vacancy_rate: Share = 0.03
    rent_loss_rate: Share = 0.01
    administration_per_unit: Money = 0.0
    #: "ore": rents to the øre, collected total within a few øre of the cost (the default);
    #: "krone": whole-krone rents, the collected total a few kroner off (reported)
    rounding: Literal["ore", "krone"] = "ore"
    #: size class → standard → weight (missing pairs are an error)
    weights: dict[str, dict[str, Annotated[float, Field(gt=0, le=10)]]] = Field(
        default_factory=lambda: {
            "small": {"simple": 1.05, "normal": 1.15, "high": 1.25},
            "medium": {"simple": 0.9, "normal": 1.0, "high": 1.1},
            "large": {"simple": 0.8, "normal": 0.9, "high": 1.0},
        }
    )


class SalePlanItem(_Model):
    unit_id: Annotated[str, Field(min_length=1)]
    #: projection year 1–60, or a calendar year (≥ 1900)
    year: Annotated[int, Field(ge=1, le=2200)]


class SalesAssumptions(_Model):
    """Leie-til-eie sales: a list of (unit, year), and/or a share of eligible units per year."""

    plan: tuple[SalePlanItem, ...] = ()
    #: share of the eligible units at the start sold each year (cumulative rounding)
    share_per_year: Share = 0.0
    eligible_status: tuple[Literal["let", "vacant", "rent_to_own"], ...] = ("rent_to_own",)
    #: selection order among eligible units; see docs/portfolio.md
    order: Literal["oldest_first", "largest_hidden_value_first", "register_order"] = "oldest_first"
    #: sale price = this share × market value that year (100 %: appraised value)
    price_factor: Annotated[float, _percent(200.0), Field(gt=0)] = 1.0
    costs_per_sale: Money = 0.0


class ReinvestmentAssumptions(_Model):
    """Buying new units with the net cash from sales (bought as identical cohorts)."""

    enabled: bool = False
    share_of_proceeds: Share = 1.0
    area_m2: Annotated[float, Field(gt=0, le=1000)] = 60.0
    district: str | None = None
    #: None: the district's (or the default) kr/m² grown by the price path to the year
    price_per_m2: PerM2 | None = None
    size_class: str | None = None
    standard: str = "normal"
    rent_monthly_per_m2: Money = 160.0
    #: Husbanken grant on the 2018+ per-m² rule for this municipality (None = no grant)
    grant_municipality: str | None = None
    loan_share: Share = 0.0
    loan_rate: Percent | None = None
    loan_years: Annotated[int, Field(ge=1, le=50)] = 30


class StressScenario(_Model):
    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")]
    label_nb: str = ""
    label_en: str = ""
    #: added to every loan rate (percentage points, written like a rate: 2 or "2%")
    loan_rate_add: Annotated[float, _percent(20.0, -20.0)] = 0.0
    #: one-off change of market values at the start (−15 % = prices fall 15 %)
    price_shock: Change = 0.0
    vacancy_factor: Annotated[float, Field(ge=0, le=20)] = 1.0
    #: added to the yearly price growth (pp)
    price_growth_add: Annotated[float, _percent(20.0, -20.0)] = 0.0


def _default_stress() -> tuple[StressScenario, ...]:
    return tuple(
        StressScenario.model_validate(s)
        for s in (
            {
                "name": "rates_plus_2pp",
                "label_nb": "Rente +2 prosentpoeng",
                "label_en": "Rates +2 pp",
                "loan_rate_add": "2%",
            },
            {
                "name": "prices_minus_15",
                "label_nb": "Boligpriser −15 %",
                "label_en": "Prices −15%",
                "price_shock": "-15%",
            },
            {
                "name": "vacancy_doubled",
                "label_nb": "Dobbel tomgang",
                "label_en": "Vacancy doubled",
                "vacancy_factor": 2.0,
            },
        )
    )


class ProjectionAssumptions(_Model):
    years: Annotated[int, Field(ge=1, le=30)] = 30
    cpi: ChangePath = 0.025
    vacancy_rate: Share = 0.03
    rent_loss_rate: Share = 0.0
    administration_per_unit: Money = 0.0
    #: discount rate for the present value of the yearly cash flows
    discount_rate: Percent = 0.04
    stress: tuple[StressScenario, ...] = Field(default_factory=_default_stress)

    @model_validator(mode="after")
    def _unique(self) -> ProjectionAssumptions:
        names = [s.name for s in self.stress]
        if len(set(names)) != len(names) or "base" in names:
            raise ValueError("stress: names must be unique and not 'base'")
        return self


class BeregningsutvalgetAssumptions(_Model):
    """Overrides of the two seed parameters (None: the parameter files' values)."""

    capital_rate: Percent | None = None
    maintenance_rate: Percent | None = None
    administration_per_unit: Money = 0.0
    #: administration as a lump sum a year (instead of per unit × units served)
    administration_total: Money | None = None
    #: the units administration serves (default: every unit in the register)
    administration_units: Annotated[int, Field(ge=1)] | None = None
    #: rented-in net cost as a lump sum a year (lease + maintenance + other − rent), replacing
    #: the register's rented-in units; ``rented_in_units`` is then the count it covers
    rented_in_net_cost_total: float | None = None
    rented_in_units: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> BeregningsutvalgetAssumptions:
        if self.administration_total is not None and self.administration_per_unit:
            raise ValueError(
                "beregningsutvalget.administration_total: give it or administration_per_unit, "
                "not both"
            )
        if (self.rented_in_net_cost_total is None) != (self.rented_in_units is None):
            raise ValueError(
                "beregningsutvalget.rented_in_net_cost_total and rented_in_units: give both "
                "or neither"
            )
        return self


class RentLawAssumptions(_Model):
    """Phasing today's rents in to the cost-covering tariff as husleieloven lets them move
    (§ 4-2 KPI once a year, § 4-3 prevailing rent after 2½ years + 6 months' notice); see
    ``calc.rent_law.phase_in`` and ``docs/rent-law.md``."""

    #: true: the projection's rent income follows the phase-in (the tariff is computed from the
    #: ``tariff`` section); false (the default): today's rents indexed by CPI, as before
    phase_in: bool = False
    #: today's prevailing rent (gjengs leie), NOK per m² a month: a § 4-3 step reaches at most
    #: this (none: assumed at or above the tariff)
    prevailing_rent_per_m2_month: Money | None = None
    #: when today's rents were last fixed other than by KPI (default: the valuation date)
    last_fixed: Annotated[dt.date, Field(ge=MIN_DATE, le=MAX_DATE)] | None = None


class PortfolioAssumptions(_Model):
    """One portfolio scenario file."""

    name: str = "portfolio"
    description: str = ""
    #: the date values are measured at (book value depreciation, grant write-down, parameters)
    valuation_date: Annotated[dt.date, Field(ge=MIN_DATE, le=MAX_DATE)]
    municipality: str | None = None
    market: MarketAssumptions = Field(default_factory=MarketAssumptions)
    defaults: RegisterDefaults = Field(default_factory=RegisterDefaults)
    beregningsutvalget: BeregningsutvalgetAssumptions = Field(
        default_factory=BeregningsutvalgetAssumptions
    )
    tariff: TariffAssumptions = Field(default_factory=TariffAssumptions)
    projection: ProjectionAssumptions = Field(default_factory=ProjectionAssumptions)
    sales: SalesAssumptions = Field(default_factory=SalesAssumptions)
    reinvestment: ReinvestmentAssumptions = Field(default_factory=ReinvestmentAssumptions)
    rent_law: RentLawAssumptions = Field(default_factory=RentLawAssumptions)

    @model_validator(mode="after")
    def _consistent(self) -> PortfolioAssumptions:
        t = self.tariff
        if t.capital_method == "beregningsutvalget":
            if t.capital_rate is not None or t.capital_rate_from is not None:
                raise ValueError(
                    "tariff: the beregningsutvalget method uses the dated parameter "
                    "beregningsutvalget.capital_rate; remove capital_rate"
                )
        elif (t.capital_rate is None) == (t.capital_rate_from is None):
            raise ValueError(
                "tariff: give either capital_rate or capital_rate_from (+ capital_margin)"
            )
        r = self.reinvestment
        if (
            r.enabled
            and r.price_per_m2 is None
            and self.market.default_price_per_m2 is None
            and (r.district is None or r.district not in self.market.price_per_m2)
        ):
            raise ValueError(
                "reinvestment: give price_per_m2, a district listed in "
                "market.price_per_m2, or market.default_price_per_m2"
            )
        return self


def growth_path(path: float | list[float] | tuple[float, ...], years: int) -> np.ndarray:
    """A yearly rate path of length ``years``: a constant, or a list whose last value repeats."""
    import numpy as np

    values = [path] if isinstance(path, (int, float)) else list(path)
    out = np.empty(years, dtype=np.float64)
    n = min(len(values), years)
    out[:n] = values[:n]
    out[n:] = values[-1]
    return out


def load_assumptions(path: str | Any) -> PortfolioAssumptions:
    """Read a portfolio scenario YAML file (errors name the file and the key)."""
    from pathlib import Path

    from pydantic import ValidationError

    from housingcalc.errors import ScenarioError

    p = Path(path)
    from housingcalc.inputs import read_text_file
    from housingcalc.yamlio import load_yaml

    # one reader for every input file; YamlError is a one-line ScenarioError
    raw = load_yaml(read_text_file(p), str(p))
    if not isinstance(raw, dict):
        raise ScenarioError(
            str(p), "file", "must be a mapping of keys (see scenarios/portfolio-example.yaml)"
        )
    if "portfolio" in raw and isinstance(raw["portfolio"], dict) and len(raw) == 1:
        raw = raw["portfolio"]
    try:
        return PortfolioAssumptions.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"]) or "(file)"
        msg = str(err["msg"]).removeprefix("Value error, ")
        msg = msg.replace("Input should be less than or equal to", "must be ≤")
        msg = msg.replace("Input should be greater than or equal to", "must be ≥")
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        value = err.get("input")
        shown = value if isinstance(value, (str, int, float)) else "…"
        raise ScenarioError(f"{p}: {loc}", shown, msg) from None
