"""The loan engine: exact (øre) amortisation schedules for one loan or 100 000 at once.

Money inside is integer øre (int64); rates are quantised to 1e-8. Loans are on axis 0, terms
(or years) on axis 1. See :mod:`housingcalc.calc.loans.engine` for the rules and
:mod:`housingcalc.calc.loans._exact` for the rounding formulas.

>>> from housingcalc.calc.loans import Loan, summary_dict
>>> summary_dict(Loan(1_000_000, 0.05, years=25))["first_payment"]
5845.9
"""

from housingcalc.calc.loans.engine import TermSchedule, YearlyTotals, amortize, amortize_yearly
from housingcalc.calc.loans.formulas import (
    annuity_payment,
    effective_from_nominal,
    nominal_from_effective,
    present_value,
    terms_to_repay,
)
from housingcalc.calc.loans.model import (
    ExtraMode,
    ExtraRepayment,
    Kind,
    Loan,
    LoanBatch,
    RateChange,
)
from housingcalc.calc.loans.summary import (
    LoanSummary,
    effective_rate,
    schedule_columns,
    schedule_frame,
    summarize,
    summary_dict,
    yearly_columns,
    yearly_frame,
)

__all__ = [
    "ExtraMode",
    "ExtraRepayment",
    "Kind",
    "Loan",
    "LoanBatch",
    "LoanSummary",
    "RateChange",
    "TermSchedule",
    "YearlyTotals",
    "amortize",
    "amortize_yearly",
    "annuity_payment",
    "effective_from_nominal",
    "effective_rate",
    "nominal_from_effective",
    "present_value",
    "schedule_columns",
    "schedule_frame",
    "summarize",
    "summary_dict",
    "terms_to_repay",
    "yearly_columns",
    "yearly_frame",
]
