"""What a rent-to-own run returns: the timeline, the purchase test and the purchase, the
comparison with renting on, the sensitivity and the municipality's view (frozen dataclasses),
and the constants they are built with."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from housingcalc.models.scenario import Scenario


#: The purchase-price rules (``purchase.price_rule``).
PRICE_RULES = {
    "appraisal": "appraised value at purchase: year-0 price grown at the price growth",
    "year0": "the year-0 price (the option price fixed at move-in)",
    "year0_indexed": "the year-0 price indexed by CPI",
    "rent_credit": "the year-0 price minus a share of the rent paid",
}


#: Months over which the stress test takes the household's lowest disposable amount.
TEST_WINDOW_MONTHS = 12


#: Years after the purchase at which owning and renting are compared (within the horizon).
COMPARISON_YEARS = (5, 10, 20)


F64 = NDArray[np.float64]


B8 = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Timeline:
    """One value per month; index 0 is the move-in month. Money NOK per month unless a balance.

    ``phase`` is ``"rent"`` or ``"own"``. Balances (``savings``, ``*_balance``,
    ``grant_repayable``, ``dwelling_value``, ``net_equity``, ``net_wealth``) are at the end of
    the month. ``rent_only_*`` is the household that keeps renting (no purchase).
    """

    month: list[dt.date]
    phase: list[str]
    income_after_tax: F64
    living_costs: F64
    other_fixed_costs: F64
    available: F64
    rent: F64
    electricity: F64
    interest: F64
    repayment: F64
    loan_fees: F64
    running_costs: F64
    interest_deduction: F64
    housing_cost: F64
    housing_allowance: F64
    surplus: F64
    saved: F64
    spent_more: F64
    equity_used: F64
    shortfall: F64
    savings: F64
    dwelling_value: F64
    start_loan_balance: F64
    bank_loan_balance: F64
    grant_repayable: F64
    net_equity: F64
    net_wealth: F64
    start_loan_rate: F64
    rent_only_housing_cost: F64
    rent_only_housing_allowance: F64
    rent_only_savings: F64

    def __len__(self) -> int:
        return len(self.month)

    def columns(self) -> dict[str, list[Any]]:
        """Every column as a list (JSON-ready; dates as ISO strings)."""
        out: dict[str, list[Any]] = {
            "month": [m.isoformat()[:7] for m in self.month],
            "phase": list(self.phase),
        }
        for name in self.__dataclass_fields__:
            if name in ("month", "phase"):
                continue
            values = getattr(self, name)
            out[name] = [round(float(v), 2) for v in values]
        return out


@dataclass(frozen=True, eq=False)
class PurchaseTests:
    """The purchase test of each month in the option window (``index`` into the timeline)."""

    index: NDArray[np.int64]
    month: list[dt.date]
    price: F64
    buying_costs: F64
    equity: F64
    establishment_grant: F64
    start_loan: F64
    max_start_loan: F64
    stress_rate: F64
    test_available: F64
    housing_allowance: F64  # bostøtte counted in the stress test (0 where not counted)
    passes: B8
    #: what the household has for the start loan each month of the test (after running costs,
    #: electricity and any bank loan at the stress rate); the stress test's payment must fit it
    for_loan: F64 | None = None

    def columns(self) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {"month": [m.isoformat()[:7] for m in self.month]}
        for name in (
            "price",
            "buying_costs",
            "equity",
            "establishment_grant",
            "start_loan",
            "max_start_loan",
            "test_available",
            "housing_allowance",
        ):
            out[name] = [round(float(v), 2) for v in getattr(self, name)]
        out["stress_rate"] = [round(float(v), 6) for v in self.stress_rate]
        out["passes"] = [bool(v) for v in self.passes]
        return out


@dataclass(frozen=True)
class Purchase:
    """The purchase: when, at what price, and how it is financed."""

    index: int
    month: dt.date
    price: float
    document_duty: float
    registration_fees: float
    setup_fee: float
    buying_costs: float
    equity_used: float
    establishment_grant: float
    start_loan: float
    bank_loan: float
    start_loan_rate: float  # nominal, at purchase
    start_loan_rate_effective: float
    stress_rate: float
    max_start_loan: float
    stress_margin: float  # max_start_loan − start_loan (NOK of loan)
    first_payment: float  # start + bank loan, first month, with fees
    monthly_cost: float  # housing cost in the purchase month
    monthly_cost_first_year: float  # mean over the first 12 months of ownership
    margin_first_year: float  # mean surplus over the first 12 months
    margin_lowest: float  # lowest monthly surplus in the first 5 years of ownership
    margin_lowest_month: dt.date
    breakeven_rate_rise: float | None  # pp (fraction) the rate can rise before the surplus is 0
    savings_after: float


@dataclass(frozen=True)
class ComparisonRow:
    """Owning (after the purchase) against renting on, ``years`` after the purchase."""

    years: int
    month: dt.date
    monthly_cost_own: float
    monthly_cost_rent: float
    cumulative_cost_own: float
    cumulative_cost_rent: float
    net_wealth_own: float
    net_wealth_rent: float

    @property
    def wealth_difference(self) -> float:
        return self.net_wealth_own - self.net_wealth_rent


@dataclass(frozen=True)
class LadderRow:
    """Rates ``rise`` (fraction) above the path from the purchase on."""

    rise: float
    start_loan_rate: float
    monthly_cost: float
    monthly_cost_first_year: float
    margin_first_year: float
    deficit: bool


@dataclass(frozen=True)
class PriceGrowthRow:
    """The whole path again at another price growth."""

    case: Literal["low", "base", "high"]
    growth: float
    purchase_month: dt.date | None
    price: float | None
    net_equity: dict[int, float]  # years after purchase → net equity
    net_wealth: dict[int, float]


@dataclass(frozen=True)
class NoJobOutcome:
    """What happens if no job follows the introduction programme (expected wages dropped)."""

    dropped_streams: int
    earliest_month: dt.date | None  # earliest passing month without the job (None: never)
    margin_first_year: float | None  # if bought in the base month anyway
    margin_lowest: float | None
    months_in_deficit: int | None  # in the first 5 years of ownership
    housing_allowance_first_year: float | None = None  # mean bostøtte a month, first year


@dataclass(frozen=True)
class Sensitivity:
    ladder: list[LadderRow]
    price_growth: list[PriceGrowthRow]
    no_job: NoJobOutcome


@dataclass(frozen=True)
class MunicipalityView:
    """The municipality's side of the sale in the purchase month."""

    sale_month: dt.date
    price: float
    sale_costs: float
    husbanken_loan_repaid: float
    grant_repaid: float
    grant_written_down: float
    net_cash: float
    book_value: float
    accounting_gain: float
    rent_given_up_yearly: float  # collected rent in the first year after the sale
    rent_given_up_total: float  # over the keep horizon, undiscounted
    keep_years: int
    discount_rate: float
    pv_keep: float
    pv_sell: float
    npv_sell_vs_keep: float
    establishment_grant_given: float
    value_at_horizon: float
    # the keep case at the horizon (it nets the loan and the grant not yet written down)
    loan_balance_at_horizon: float = 0.0
    grant_repayable_at_horizon: float = 0.0
    cash_at_horizon: float = 0.0
    pv_keep_flows: float = 0.0  # rent collected − FDV − administration − loan payments
    pv_keep_sale: float = 0.0  # the horizon sale's cash, discounted
    # the sell case with a replacement unit (0 without one)
    replacement_cost: float = 0.0
    pv_replacement: float = 0.0  # the replacement's rent − FDV − admin and horizon value
    # the operating account, first year of keeping (kommuneloven § 14-18)
    accounting_view: str = "straight_line"
    depreciation_yearly: float = 0.0
    minimum_repayment_yearly: float = 0.0
    interest_first_year: float = 0.0
    operating_result_straight_line: float = 0.0
    operating_result_minimum_repayment: float = 0.0


@dataclass(frozen=True, eq=False)
class RentToOwnResult:
    """Everything :func:`run_rent_to_own` computes for one scenario."""

    scenario: Scenario
    timeline: Timeline
    tests: PurchaseTests
    purchase: Purchase | None
    status: Literal[
        "buy_at_first_chance", "buy_later", "fixed_month", "fixed_month_fails", "not_in_option"
    ]
    earliest_allowed: dt.date
    option_end: dt.date
    earliest_passing: dt.date | None
    monthly_cost_now: float
    available_now: float
    rent_now: float
    comparison: list[ComparisonRow]
    sensitivity: Sensitivity
    municipality: MunicipalityView | None
    rent_components: dict[str, float] | None  # the cost-covering rent at move-in, NOK/year
    #: what could go wrong (calc.risks; thresholds are housingcalc policy defaults)
    risks: list[Any] = field(default_factory=list)
    shortfall_months: int = 0  # months savings could not cover (above policy.shortfall_month)
    #: each change of the tenant's rent (calc.rent_law.RentStep: KPI, assumption, prevailing)
    rent_steps: tuple[Any, ...] = ()
