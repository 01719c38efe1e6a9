"""Debt-service capacity (betjeningsevne), maximum start loan, grant need and the bank test.

Husbanken's method (startlån veileder, "Beregne betjeningsevnen"):

    available = net income − living costs − other fixed costs − owner's running costs

and the loan must be serviceable at the stress rate in force at the date
(``husbanken.startlan.stress_rate``: 6.25 % before 2020, 5 % in 2020, later Norges Bank's
policy rate + 2.5 pp), as a 30-year annuity with no interest-only period unless asked
otherwise. Every loan figure comes from the loan engine (:mod:`housingcalc.calc.loans`):
``annuity_payment`` for the payment, ``present_value`` for the largest loan, so the maximum
loan fed back through the engine leaves a surplus of 0 (± 1 kr).

Public API:

``stress_rate(params, at)`` → :class:`StressRate`
``budget_path(household, months, params, *, owner_costs=None, housing_interest_monthly=None)``
    ``income_path`` + living costs + fixed costs + owner's costs + ``available_monthly``.
``monthly_budget(household, at, params, owner_costs=None)`` → :class:`MonthlyBudget`
``loan_payment`` / ``surplus`` / ``max_loan`` / ``breaking_point_rate`` (vectorised)
``purchase_costs(price, tenure, params, at, mortgages=1)`` → :class:`PurchaseCosts`
``grant_need(total_cost, savings, start_loan, bank_loan=0)``
``bank_test(...)`` → :class:`BankTest` (utlånsforskriften, for the bank's share)
``instalment(loan, annual_rate, ...)`` and ``repayment_time(loan, payment, annual_rate)``:
    thin wrappers over the engine.
``assess(household, params, at, ...)`` → :class:`Assessment`: everything ``housingcalc
afford`` prints, as one call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from housingcalc.calc.household import (
    INCOME_KINDS,
    LivingCosts,
    fixed_costs_arrays,
    fixed_costs_path,
    income_arrays,
    income_by_stream_arrays,
    income_path,
    living_costs,
    living_costs_path,
    month_index,
)
from housingcalc.calc.housing_allowance import (
    HousingAllowanceEstimate,
    housing_allowance,
    resolve_municipality,
)
from housingcalc.calc.loans import (
    annuity_payment,
    present_value,
    terms_to_repay,
)
from housingcalc.calc.loans.model import MAX_RATE
from housingcalc.errors import InputError
from housingcalc.models.household import Household, OwnerCosts
from housingcalc.parameters import ParameterSet, ResolvedValue

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Assessment",
    "BankTest",
    "LoanTest",
    "MonthlyBudget",
    "PurchaseCosts",
    "StressRate",
    "assess",
    "bank_test",
    "breaking_point_rate",
    "budget_path",
    "grant_need",
    "instalment",
    "loan_payment",
    "max_loan",
    "monthly_budget",
    "purchase_costs",
    "repayment_time",
    "stress_rate",
    "surplus",
    "verdict",
]

Tenure = Literal["selveier", "borettslag"]
F64 = np.ndarray[Any, np.dtype[np.float64]]


# -- stress rate ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StressRate:
    """The start-loan stress rate in force at a date, and how it was built."""

    rate: float
    method: str
    effective: dt.date
    policy_rate: float | None = None
    policy_rate_effective: dt.date | None = None
    margin: float | None = None

    def describe(self) -> str:
        if (
            self.method == "policy_rate_plus"
            and self.policy_rate is not None
            and self.margin is not None
        ):
            return (
                f"{self.rate:.2%} = policy rate {self.policy_rate:.2%} "
                f"({self.policy_rate_effective}) + {self.margin:.2%}"
            )
        return f"{self.rate:.2%} (fixed rate, rule from {self.effective})"


def stress_rate(params: ParameterSet, at: dt.date) -> StressRate:
    """Resolve ``husbanken.startlan.stress_rate`` at ``at`` (policy rate + margin if so)."""
    rule = params.get("husbanken.startlan.stress_rate", at)
    value = rule.value
    method = value.get("method") if isinstance(value, dict) else None
    if method == "fixed":
        return StressRate(float(value["rate"]), "fixed", rule.effective)
    if method == "policy_rate_plus":
        policy = params.get("norges_bank.policy_rate", at)
        margin = float(value["margin"])
        return StressRate(
            float(policy.value) + margin,
            "policy_rate_plus",
            rule.effective,
            float(policy.value),
            policy.effective,
            margin,
        )
    raise InputError(
        "husbanken.startlan.stress_rate", value, "unknown method (fixed or policy_rate_plus)"
    )


# -- the monthly budget -------------------------------------------------------------------------


def _owner_total(owner_costs: OwnerCosts | None) -> float:
    return 0.0 if owner_costs is None else owner_costs.total


def budget_path(
    household: Household,
    months: Any,
    params: ParameterSet,
    *,
    owner_costs: OwnerCosts | None = None,
    housing_interest_monthly: Any = None,
) -> pd.DataFrame:
    """The capacity budget month by month (NOK per month).

    Columns: everything from :func:`~housingcalc.calc.household.income_path`, then
    ``reference_budget``, ``floor``, ``living_costs``, ``debt_payments``, ``childcare``,
    ``child_support``, ``other_fixed``, ``fixed_costs``, ``owner_costs`` and
    ``available_monthly`` = net income − living costs − fixed costs − owner's costs.
    ``owner_costs`` defaults to the household file's ``owner_costs`` (or none).
    """
    import pandas as pd

    idx = month_index(months)
    owner = owner_costs if owner_costs is not None else household.owner_costs
    inc = income_path(household, idx, params, housing_interest_monthly=housing_interest_monthly)
    liv = living_costs_path(household, idx, params)[["reference_budget", "floor", "living_costs"]]
    fix = fixed_costs_path(household, idx)
    frame = pd.concat([inc, liv, fix], axis=1)
    frame["owner_costs"] = _owner_total(owner)
    frame["available_monthly"] = (
        frame["net_income"] - frame["living_costs"] - frame["fixed_costs"] - frame["owner_costs"]
    )
    return frame


@dataclass(frozen=True)
class MonthlyBudget:
    """One month of the capacity budget with every intermediate figure."""

    at: dt.date
    income_by_stream: dict[str, float]
    income: dict[str, float]
    living: LivingCosts
    fixed: dict[str, float]
    owner_costs: dict[str, float]
    available_monthly: float


def monthly_budget(
    household: Household, at: dt.date, params: ParameterSet, owner_costs: OwnerCosts | None = None
) -> MonthlyBudget:
    """The capacity budget for the month containing ``at``."""
    month = [dt.date(at.year, at.month, 1)]
    owner = owner_costs if owner_costs is not None else household.owner_costs
    inc = {k: float(v[0]) for k, v in income_arrays(household, month, params).items()}
    streams = {k: float(v[0]) for k, v in income_by_stream_arrays(household, month, params).items()}
    liv = living_costs(household, month[0], params)
    fix = {k: float(v[0]) for k, v in fixed_costs_arrays(household, month).items()}
    owner_items = {} if owner is None else {k: float(v) for k, v in owner.model_dump().items()}
    owner_items["total"] = _owner_total(owner)
    available = (
        float(inc["net_income"]) - liv.total - float(fix["fixed_costs"]) - owner_items["total"]
    )
    return MonthlyBudget(
        at=month[0],
        income_by_stream={str(k): float(v) for k, v in streams.items()},
        income={str(k): float(v) for k, v in inc.items()},
        living=liv,
        fixed={str(k): float(v) for k, v in fix.items()},
        owner_costs=owner_items,
        available_monthly=available,
    )


# -- loan figures (vectorised wrappers over the engine) ----------------------------------------


def _n(term_years: Any, interest_only_years: Any = 0) -> Any:
    n = (
        np.asarray(term_years, dtype=np.int64) - np.asarray(interest_only_years, dtype=np.int64)
    ) * 12
    if np.any(n < 1):
        raise InputError(
            "interest_only_years", interest_only_years, "must be shorter than the term"
        )
    return n


def loan_payment(
    loan: Any, annual_rate: Any, term_years: Any = 30, interest_only_years: Any = 0
) -> Any:
    """The monthly annuity payment the test uses (no fees), 0 for a zero loan.

    With an interest-only period the test uses the annuity over the remaining term, i.e. the
    payment once instalments start (the larger one).
    """
    loan_a, rate_a, n = np.broadcast_arrays(
        np.asarray(loan, dtype=np.float64),
        np.asarray(annual_rate, dtype=np.float64),
        _n(term_years, interest_only_years),
    )
    out = np.zeros(loan_a.shape)
    pos = loan_a > 0
    if pos.any():
        out[pos] = annuity_payment(loan_a[pos], rate_a[pos], n[pos])
    return float(out) if out.ndim == 0 else out


def surplus(
    available_monthly: Any,
    loan: Any,
    annual_rate: Any,
    term_years: Any = 30,
    interest_only_years: Any = 0,
) -> Any:
    """Available amount − payment on ``loan`` at ``annual_rate`` (negative = deficit)."""
    return (
        np.asarray(available_monthly, dtype=np.float64)
        - loan_payment(loan, annual_rate, term_years, interest_only_years)
        + 0.0
    )


def max_loan(
    available_monthly: Any, annual_rate: Any, term_years: Any = 30, interest_only_years: Any = 0
) -> Any:
    """The largest loan whose payment at ``annual_rate`` fits ``available_monthly`` (0 if ≤ 0)."""
    avail, rate_a, n = np.broadcast_arrays(
        np.asarray(available_monthly, dtype=np.float64),
        np.asarray(annual_rate, dtype=np.float64),
        _n(term_years, interest_only_years),
    )
    out = np.zeros(avail.shape)
    pos = avail >= 0.01
    if pos.any():
        out[pos] = present_value(np.floor(avail[pos] * 100) / 100, rate_a[pos], n[pos])
    return float(out) if out.ndim == 0 else out


def breaking_point_rate(
    available_monthly: Any,
    loan: Any,
    term_years: Any = 30,
    interest_only_years: Any = 0,
    *,
    tol: float = 1e-7,
) -> Any:
    """The annual rate at which the surplus on ``loan`` reaches zero (vectorised bisection).

    ``nan`` when there is a deficit even at 0 %; ``inf`` when there is still a surplus at the
    engine's highest rate (30 %) or the loan is zero.
    """
    avail, loan_a, n = np.broadcast_arrays(
        np.asarray(available_monthly, dtype=np.float64),
        np.asarray(loan, dtype=np.float64),
        _n(term_years, interest_only_years),
    )
    avail, loan_a, n = (np.atleast_1d(x).astype(float) for x in (avail, loan_a, n))
    out = np.full(avail.shape, np.inf)
    pos = loan_a > 0
    if pos.any():
        a, p, k = avail[pos], loan_a[pos], n[pos].astype(np.int64)
        lo = np.zeros(a.shape)
        hi = np.full(a.shape, MAX_RATE)
        at_zero = a - annuity_payment(p, lo, k)
        at_top = a - annuity_payment(p, hi, k)
        for _ in range(60):
            mid = (lo + hi) / 2
            ok = a - annuity_payment(p, mid, k) >= 0
            lo = np.where(ok, mid, lo)
            hi = np.where(ok, hi, mid)
            if np.all(hi - lo < tol):
                break
        res = np.round(lo, 6)
        res = np.where(at_zero < 0, np.nan, res)
        res = np.where(at_top >= 0, np.inf, res)
        out[pos] = res
    return float(out[0]) if np.ndim(available_monthly) == 0 and np.ndim(loan) == 0 else out


def verdict(surplus_monthly: float, stress: float | None = None) -> str:
    """The verdict in words."""
    at = f" at the stress rate {stress:.2%}" if stress is not None else ""
    if surplus_monthly >= 0:
        return f"PASSES: {surplus_monthly:,.0f} kr a month left over{at}".replace(",", " ")
    return f"FAILS: a deficit of {-surplus_monthly:,.0f} kr a month{at}".replace(",", " ")


def instalment(
    loan: float,
    annual_rate: float,
    term_years: int = 30,
    *,
    interest_only_years: int = 0,
    term_fee: float = 0.0,
) -> dict[str, float]:
    """Monthly instalment on ``loan`` (engine annuity): during and after any interest-only years.

    ``annual_rate`` is the nominal rate; ``term_fee`` is added to each payment.
    """
    after = loan_payment(loan, annual_rate, term_years, interest_only_years)
    during = round(loan * annual_rate / 12, 2) if interest_only_years else after
    return {
        "interest_only_payment": float(during) + term_fee if interest_only_years else 0.0,
        "annuity_payment": float(after) + term_fee,
        "term_fee": term_fee,
    }


def repayment_time(loan: float, payment: float, annual_rate: float) -> dict[str, int]:
    """Terms (months) a level monthly ``payment`` needs to repay ``loan`` (engine), and years."""
    k = int(terms_to_repay(loan, payment, annual_rate))
    return {"months": k, "years": k // 12, "extra_months": k % 12}


# -- purchase, grant, bank ----------------------------------------------------------------------


@dataclass(frozen=True)
class PurchaseCosts:
    """Price plus transaction costs.

    Documents registered: the deed (or the co-op share transfer) plus one mortgage per lender.
    """

    price: float
    tenure: str
    document_duty_rate: float
    document_duty: float
    documents: int
    registration_fee: float
    registration_fees: float
    total: float


def purchase_costs(
    price: float, tenure: Tenure, params: ParameterSet, at: dt.date, *, mortgages: int = 1
) -> PurchaseCosts:
    """Document duty (selveier only) and registration fees for a purchase."""
    if price <= 0:
        raise InputError("price", price, "must be > 0")
    if tenure not in ("selveier", "borettslag"):
        raise InputError("tenure", tenure, "must be selveier or borettslag")
    duty_rate = params.number("tax.document_duty_rate", at) if tenure == "selveier" else 0.0
    duty = round(price * duty_rate, 0)
    fee = params.number("kartverket.registration_fee", at)
    docs = 1 + max(0, int(mortgages))
    fees = docs * fee
    return PurchaseCosts(price, tenure, duty_rate, duty, docs, fee, fees, price + duty + fees)


def grant_need(total_cost: Any, savings: Any, start_loan: Any, bank_loan: Any = 0.0) -> Any:
    """Grant needed: total cost − savings − start loan − bank loan, never below 0."""
    out = np.maximum(
        np.asarray(total_cost, dtype=np.float64) - savings - start_loan - bank_loan, 0.0
    )
    return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class BankTest:
    """The bank's share tested by the lending regulation (utlånsforskriften)."""

    bank_loan: float
    bank_rate: float
    stress_add: float
    stress_floor: float
    stress_rate: float
    bank_payment_stressed: float
    start_loan_payment_stressed: float
    surplus_monthly: float
    total_debt: float
    gross_income_yearly: float
    debt_to_income: float
    max_debt_to_income: float
    bank_ltv: float
    total_ltv: float
    max_ltv: float
    passes_stress: bool
    passes_dti: bool
    passes_ltv: bool

    @property
    def passes(self) -> bool:
        return self.passes_stress and self.passes_dti and self.passes_ltv


def bank_test(
    *,
    bank_loan: float,
    bank_rate: float,
    start_loan: float,
    available_monthly: float,
    gross_income_yearly: float,
    other_debt: float,
    price: float,
    params: ParameterSet,
    at: dt.date,
    term_years: int = 30,
) -> BankTest:
    """Stress (rate + ``bank_lending.stress_add``, at least ``stress_floor``) on both loans,
    total debt ≤ ``max_debt_to_income`` × gross income, and bank loan ≤ ``max_ltv`` × price."""
    add = params.number("bank_lending.stress_add", at)
    floor = params.number("bank_lending.stress_floor", at)
    dti_max = params.number("bank_lending.max_debt_to_income", at)
    ltv_max = params.number("bank_lending.max_ltv", at)
    stressed = max(bank_rate + add, floor)
    bank_pay = float(loan_payment(bank_loan, stressed, term_years))
    start_pay = float(loan_payment(start_loan, stressed, term_years))
    total_debt = bank_loan + start_loan + other_debt
    dti = total_debt / gross_income_yearly if gross_income_yearly > 0 else float("inf")
    left = available_monthly - bank_pay - start_pay
    return BankTest(
        bank_loan,
        bank_rate,
        add,
        floor,
        stressed,
        bank_pay,
        start_pay,
        left,
        total_debt,
        gross_income_yearly,
        dti,
        dti_max,
        bank_loan / price,
        (bank_loan + start_loan) / price,
        ltv_max,
        left >= 0,
        dti <= dti_max,
        bank_loan / price <= ltv_max + 1e-12,
    )


# -- the whole assessment -----------------------------------------------------------------------


@dataclass(frozen=True)
class LoanTest:
    """The start-loan test of one loan (with any bank loan) at the stress rate."""

    loan: float
    loan_basis: str
    term_years: int
    interest_only_years: int
    payment_stressed: float
    bank_loan_payment_stressed: float
    surplus_monthly: float
    verdict: str
    breaking_point_rate: float


@dataclass(frozen=True)
class Assessment:
    """Everything ``housingcalc afford`` shows, with every intermediate figure (NOK, fractions)."""

    at: dt.date
    household: dict[str, Any]
    budget: MonthlyBudget
    stress: StressRate
    max_loan: float
    max_loan_special: float
    term_years: int
    term_years_special: int
    test: LoanTest
    purchase: PurchaseCosts | None
    savings: float
    bank_loan: float
    start_loan_used: float | None
    grant_need: float | None
    grant_need_special: float | None
    bank: BankTest | None
    instalment: dict[str, Any] | None
    outlook: list[dict[str, Any]]
    notes: list[str]
    housing_allowance: HousingAllowanceEstimate | None = None
    sources: list[ResolvedValue] = field(default_factory=list)

    @property
    def available_monthly(self) -> float:
        return self.budget.available_monthly

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict; the headline keys are at the top level."""
        b = self.budget
        out: dict[str, Any] = {
            "at": self.at.isoformat(),
            "household": self.household,
            "available_monthly": round(self.available_monthly, 2),
            "stress_rate": round(self.stress.rate, 6),
            "max_loan": round(self.max_loan, 2),
            "grant_need": None if self.grant_need is None else round(self.grant_need, 2),
            "surplus_monthly": round(self.test.surplus_monthly, 2),
            "verdict": self.test.verdict,
            "breaking_point_rate": _json_rate(self.test.breaking_point_rate),
            "income": {
                "by_stream": _r(b.income_by_stream),
                "by_kind": _r({k: b.income[k] for k in INCOME_KINDS}),
                "gross_income": round(b.income["gross_income"], 2),
                "tax": _r(
                    {
                        k: b.income[k]
                        for k in (
                            "tax_ordinary_income",
                            "tax_bracket",
                            "social_security",
                            "interest_deduction",
                            "tax",
                        )
                    }
                ),
                "net_income": round(b.income["net_income"], 2),
                "tax_is_approximation": True,
            },
            "living_costs": b.living.as_dict(),
            "fixed_costs": _r(b.fixed),
            "owner_costs": _r(b.owner_costs),
            "stress": {
                "rate": round(self.stress.rate, 6),
                "method": self.stress.method,
                "policy_rate": self.stress.policy_rate,
                "margin": self.stress.margin,
                "rule_effective": self.stress.effective.isoformat(),
                "description": self.stress.describe(),
            },
            "loan_test": {
                **{k: v for k, v in asdict(self.test).items() if k != "breaking_point_rate"},
                "breaking_point_rate": _json_rate(self.test.breaking_point_rate),
            },
            "max_loan_special": round(self.max_loan_special, 2),
            "term_years": self.term_years,
            "term_years_special": self.term_years_special,
            "purchase": None if self.purchase is None else asdict(self.purchase),
            "savings": self.savings,
            "bank_loan": self.bank_loan,
            "start_loan_used": self.start_loan_used,
            "grant_need_special": self.grant_need_special,
            "bank_test": None
            if self.bank is None
            else {**asdict(self.bank), "passes": self.bank.passes},
            "instalment": self.instalment,
            "outlook": self.outlook,
            "housing_allowance_estimate": None
            if self.housing_allowance is None
            else self.housing_allowance.as_dict(),
            "notes": self.notes,
            "sources": [
                {
                    "name": s.name,
                    "value": s.value,
                    "effective": s.effective.isoformat(),
                    "confidence": s.confidence,
                    "source": s.source,
                }
                for s in self.sources
            ],
        }
        return out


def _r(d: dict[str, float]) -> dict[str, float]:
    return {k: round(float(v), 2) for k, v in d.items()}


def _json_rate(r: float) -> float | str | None:
    if r != r:
        return None
    if r == float("inf"):
        return "above 30%"
    return round(r, 6)


def _next_month(m: dt.date) -> dt.date:
    return dt.date(m.year + m.month // 12, m.month % 12 + 1, 1)


def _change_months(household: Household, at: dt.date, horizon_years: int) -> list[dt.date]:
    """Months after ``at`` where an income stream, debt or fixed cost starts or stops."""
    last = dt.date(at.year + horizon_years, at.month, 1)
    points: set[dt.date] = set()
    spans = [(s.start, s.end) for s in household.income]
    spans += [(None, d.end) for d in household.debts]
    spans += [(c.start, c.end) for c in household.fixed_costs]
    for start, end in spans:
        if start is not None:
            points.add(start)
        if end is not None:
            points.add(_next_month(end))
    first = at.replace(day=1)
    return sorted(p for p in points if first < p <= last)[:12]


def _note_params(used: list[ResolvedValue], at: dt.date) -> list[str]:
    notes = []
    for v in used:
        if v.confidence != "confirmed":
            text = " ".join((v.notes or "").split())
            notes.append(f"{v.name} (from {v.effective}) is {v.confidence.upper()}: {text}")
        elif v.name in _STALE_WATCH and (at - v.effective).days > 550:
            notes.append(
                f"{v.name}: the newest value found is from {v.effective}; check for a newer one."
            )
        elif v.name in _YEARLY and v.effective.year < at.year:
            notes.append(
                f"{v.name}: no {at.year} value in the data; the {v.effective.year} value is used."
            )
    return notes


_YEARLY = frozenset(
    {
        "tax.personal_allowance",
        "tax.minimum_deduction_max",
        "tax.minimum_deduction_rate",
        "tax.social_security_rate",
        "tax.social_security_threshold",
        "tax.bracket_tax",
    }
)


_STALE_WATCH = frozenset(
    {
        "nav.child_benefit",
        "social_assistance.guideline_rates",
        "norges_bank.policy_rate",
        "husbanken.rates.floating",
        "nav.grunnbelop",
    }
)


def _check_terms(
    params: ParameterSet, at: dt.date, term_years: int | None, interest_only_years: int
) -> tuple[int, int]:
    term = int(
        term_years
        if term_years is not None
        else params.number("husbanken.startlan.max_term_years", at)
    )
    special = int(params.number("husbanken.startlan.max_term_years_special", at))
    max_io = params.number("husbanken.startlan.max_interest_only_years", at)
    if interest_only_years < 0 or interest_only_years > max_io:
        raise InputError(
            "interest_only_years", interest_only_years, f"must be 0 … {max_io:g} years"
        )
    if term < 1 or term > special:
        raise InputError("term_years", term, f"must be 1 … {special} years")
    return term, special


def _instalment(
    params: ParameterSet,
    at: dt.date,
    loan: float,
    loan_rate: float | None,
    term: int,
    interest_only_years: int,
) -> dict[str, Any]:
    if loan_rate is None:
        from housingcalc.parameters.rates import husbanken_rate

        nominal = husbanken_rate(params, "floating", at)
        margin = params.number("husbanken.startlan.municipal_margin_max", at)
        loan_rate = nominal + margin
        basis = f"Husbanken floating {nominal:.3%} nominal (monthly terms) + margin {margin:.2%}"
    else:
        basis = "as given"
    fee = params.number("husbanken.startlan.term_fee", at)
    return {
        "loan": loan,
        "rate": round(loan_rate, 6),
        "rate_basis": basis,
        **instalment(loan, loan_rate, term, interest_only_years=interest_only_years, term_fee=fee),
        "setup_fee": params.number("husbanken.startlan.setup_fee", at),
    }


def _outlook(
    household: Household,
    at: dt.date,
    params: ParameterSet,
    owner_costs: OwnerCosts | None,
    years: int,
    stress: float,
    term: int,
    io: int,
    bank_payment: float,
    payment: float,
) -> list[dict[str, Any]]:
    months = _change_months(household, at, years)
    if not months:
        return []
    path = budget_path(household, months, params, owner_costs=owner_costs)
    out = []
    for m, avail, net, liv in zip(
        path.index, path["available_monthly"], path["net_income"], path["living_costs"], strict=True
    ):
        room = float(avail) - bank_payment
        out.append(
            {
                "month": m.strftime("%Y-%m"),
                "net_income": round(float(net), 2),
                "living_costs": round(float(liv), 2),
                "available_monthly": round(float(avail), 2),
                "max_loan": round(float(max_loan(room, stress, term, io)), 2),
                "surplus_on_tested_loan": round(room - payment, 2),
            }
        )
    return out


_FIXED_NOTES = (
    "Income tax is an APPROXIMATION (each month's income as if for a whole year; minimum "
    "deduction, personal allowance, trygdeavgift, trinnskatt and 22 % on ordinary income only).",
    "The stress test uses an annuity without fees over the term; the actual instalment adds "
    "the term fee.",
)


def _allowance_in_test(
    household: Household,
    params: ParameterSet,
    at: dt.date,
    owner: OwnerCosts | None,
    room: float,
    bank_payment: float,
    rule: str,
) -> float:
    """The bostøtte the stress test counts at ``at`` (NOK a month; 0 if not counted), solved
    on the owner's costs at the largest loan (calc.housing_allowance.stress_test_room)."""
    from housingcalc.calc.household import income_arrays
    from housingcalc.calc.housing_allowance import (
        STRESS_TEST_RULES,
        housing_allowance_path,
        stable_income,
        stress_test_room,
    )

    if rule not in STRESS_TEST_RULES:
        raise InputError(
            "housing_allowance_rule", rule, f"must be one of {', '.join(STRESS_TEST_RULES)}"
        )
    if rule == "never":
        return 0.0
    months = [
        dt.date(at.year + (at.month - 1 + k) // 12, (at.month - 1 + k) % 12 + 1, 1)
        for k in range(12)
    ]
    frame = income_arrays(household, months, params)
    counted = frame["gross_income"] - frame["child_benefit"]
    intro = frame["introduction_benefit"] > 0
    if rule == "stable_income" and not bool(stable_income(counted, intro, 12)[0]):
        return 0.0
    path = housing_allowance_path(
        household_size=household.size,
        housing_costs_monthly=0.0,
        income_monthly=counted[:1],
        months=months[:1],
        params=params,
        municipality=household.municipality,
    )
    other = bank_payment + (0.0 if owner is None else owner.common_costs + owner.municipal_fees)
    _, allowance = stress_test_room(room, other, path.ceiling, path.own_share, path.share_of_gap)
    return float(allowance[0])


def assess(
    household: Household,
    params: ParameterSet,
    at: dt.date,
    *,
    price: float | None = None,
    tenure: Tenure = "selveier",
    loan: float | None = None,
    owner_costs: OwnerCosts | None = None,
    bank_loan: float = 0.0,
    bank_rate: float | None = None,
    term_years: int | None = None,
    interest_only_years: int = 0,
    loan_rate: float | None = None,
    outlook_years: int = 5,
    housing_allowance_rule: str = "stable_income",
) -> Assessment:
    """The full start-loan assessment at ``at`` (one call; see the module docstring).

    ``loan`` is the start loan to test; if omitted, the loan needed to buy at ``price``
    (total cost − savings − bank loan, before any grant), or else the maximum loan.
    ``loan_rate`` is the nominal rate for the actual instalment (default: Husbanken's floating
    effective rate at ``at``, made nominal, + the municipality's maximum margin). The caller's
    parameter trace is left alone; the result lists the values it used in ``sources``.
    ``housing_allowance_rule`` says whether the estimated bostøtte on the owner's costs counts
    as income in the stress test, as the rent-to-own engine does it
    (calc.housing_allowance.STRESS_TEST_RULES; "stable_income" follows Husbanken's startlån
    veileder: only where the income is stable).
    """
    params = params.fresh()
    if bank_loan < 0:
        raise InputError("bank_loan", bank_loan, "must be ≥ 0")
    if bank_loan > 0 and bank_rate is None:
        raise InputError(
            "bank_rate", None, "give the bank's rate for the bank loan (--bank-rate 5.5%)"
        )
    if bank_loan > 0 and price is None:
        raise InputError("price", None, "the bank test needs the purchase price (--price)")
    term, special = _check_terms(params, at, term_years, interest_only_years)
    if household.municipality is not None:
        resolve_municipality(household.municipality, params, at)
    owner = owner_costs if owner_costs is not None else household.owner_costs

    budget = monthly_budget(household, at, params, owner)
    avail = budget.available_monthly
    stress = stress_rate(params, at)
    bank_pay = float(loan_payment(bank_loan, stress.rate, term)) if bank_loan else 0.0
    room = avail - bank_pay
    counted_allowance = _allowance_in_test(
        household, params, at, owner, room, bank_pay, housing_allowance_rule
    )
    room += counted_allowance
    max30 = float(max_loan(room, stress.rate, term, interest_only_years))
    max50 = float(max_loan(room, stress.rate, special, interest_only_years))

    purchase = None
    need = grant = grant50 = used = None
    if price is not None:
        purchase = purchase_costs(price, tenure, params, at, mortgages=1 + (1 if bank_loan else 0))
        need = max(0.0, purchase.total - household.savings - bank_loan)
        used = min(max30, need)
        grant = float(grant_need(purchase.total, household.savings, max30, bank_loan))
        grant50 = float(grant_need(purchase.total, household.savings, max50, bank_loan))
    if loan is not None:
        tested, basis = float(loan), "as given"
    elif need is not None:
        tested, basis = need, "needed to buy, before grant"
    else:
        tested, basis = max30, "the maximum start loan"
    pay = float(loan_payment(tested, stress.rate, term, interest_only_years))
    left = room - pay
    test = LoanTest(
        tested,
        basis,
        term,
        interest_only_years,
        pay,
        bank_pay,
        left,
        verdict(left, stress.rate),
        float(breaking_point_rate(room, tested, term, interest_only_years)),
    )

    bank = None
    if bank_loan and price is not None and bank_rate is not None:
        bank = bank_test(
            bank_loan=bank_loan,
            bank_rate=bank_rate,
            start_loan=tested,
            available_monthly=avail,
            gross_income_yearly=12.0 * budget.income["gross_income"],
            other_debt=sum(float(d.balance) for d in household.debts),
            price=price,
            params=params,
            at=at,
            term_years=term,
        )

    inst = (
        _instalment(params, at, tested, loan_rate, term, interest_only_years)
        if tested > 0
        else None
    )
    outlook = _outlook(
        household,
        at,
        params,
        owner,
        outlook_years,
        stress.rate,
        term,
        interest_only_years,
        bank_pay,
        pay,
    )
    allowance = None
    if inst is not None:
        housing = float(inst["annuity_payment"]) + (
            0.0 if owner is None else owner.common_costs + owner.municipal_fees
        )
        allowance = housing_allowance(
            household_size=household.size,
            housing_costs_monthly=housing,
            income_yearly=12.0 * (budget.income["gross_income"] - budget.income["child_benefit"]),
            params=params,
            at=at,
            municipality=household.municipality,
        )

    notes = [
        _FIXED_NOTES[0],
        f"Living costs: {budget.living.basis}; never below the state guideline rates for "
        "social assistance.",
        _FIXED_NOTES[1],
    ]
    if counted_allowance > 0:
        notes.append(
            f"Housing allowance (bostøtte), an ESTIMATE from the simplified formula, is counted "
            f"in the stress test: {counted_allowance:,.0f} kr a month on the owner's costs at "
            "the largest loan (Husbanken's startlån veileder: where the income is stable)."
        )
    elif allowance is not None:
        notes.append(
            "Housing allowance (bostøtte) is an ESTIMATE from the simplified formula; it is "
            f"NOT counted in the available amount (rule: {housing_allowance_rule})."
        )
    if any(s.kind == "introduction_benefit" for s in household.income):
        notes.append(
            "Introduction benefit is temporary: judge the loan on income after the "
            "programme (see the outlook)."
        )
    notes += _note_params(params.used(), at)
    info = {
        "name": household.name,
        "adults": len(household.adults),
        "children": len(household.children),
        "size": household.size,
        "municipality": household.municipality,
    }
    return Assessment(
        at,
        info,
        budget,
        stress,
        max30,
        max50,
        term,
        special,
        test,
        purchase,
        float(household.savings),
        bank_loan,
        used,
        grant,
        grant50,
        bank,
        inst,
        outlook,
        notes,
        allowance,
        params.used(),
    )
