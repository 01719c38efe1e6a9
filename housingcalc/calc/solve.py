"""What would make it pass: the smallest grant, highest price, least savings, lowest income,
shortest term or interest-only period at which a rent-to-own purchase passes.

:func:`solve` searches one field of the scenario (by bisection over whole kroner, or over
whole years for the term; a scan for the interest-only period) for the value at which the
purchase passes the start loan's stress test in one month, then checks the answer by
re-running the whole engine (:func:`~housingcalc.calc.rent_to_own.run_rent_to_own`): at the
answer the purchase happens in that month; one krone (or one year) on the wrong side it does
not. During the search only the month in question is tested, by the engine's own code (the
purchase test of a one-month window, with the household's income path computed once): the
same engine, a fraction of the work.

Targets (``--for``), the field set, and the direction:

========================  ========================================  =========================
target                    field (``PATH=VALUE``)                    answer
========================  ========================================  =========================
``grant``                 ``financing.establishment_grant.amount``  least NOK that passes
``price``                 ``dwelling.price`` (the year-0 price)     most NOK that passes
``savings``               ``household.savings`` (at move-in)        least NOK that passes
``income``                ``household.income.K.monthly``            least NOK a month
``term``                  ``financing.start_loan.years``            fewest years that pass
``interest-only``         ``financing.start_loan.interest_only_years``  fewest years
========================  ========================================  =========================

``income`` is one income stream ``K``: by default the first wage that starts after move-in
(the job expected after the introduction programme). The ``interest-only`` period does not
enter the stress test (Husbanken tests a full annuity over the term), so for it "passes"
means: the stress test passes *and* no month of the first five years as owners is in deficit
(:attr:`~housingcalc.calc.rent_to_own.Purchase.margin_lowest` ≥ 0).

The month: ``month`` if given, else the scenario's purchase month if it is fixed, else the
earliest month the contract allows (``purchase.earliest_after_months`` after move-in). The
answer's ``set`` list fixes that month (``purchase.month=YYYY-MM``), so feeding it to ``run
--set`` reproduces the passing case.

Legal limits come from the parameters: the start loan's longest term
(``husbanken.startlan.max_term_years_special``; beyond ``max_term_years`` only in special
cases) and interest-only period (``husbanken.startlan.max_interest_only_years``). There is no
national ceiling on the establishment grant; where the scenario sets the municipality's own
(``financing.establishment_grant.max`` with ``amount: need``) the answer says whether it lies
within it.

The gap (:func:`stress_gap`): in a month whose test fails, how much more a month the start
loan's payment at the stress rate needs than the household has for it — the NOK a month the
case fails by.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from housingcalc.errors import InputError

if TYPE_CHECKING:
    from housingcalc.calc.rent_to_own import PurchaseTests, RentToOwnResult
    from housingcalc.models.scenario import Scenario
    from housingcalc.parameters import ParameterSet

__all__ = [
    "TARGETS",
    "Check",
    "Solution",
    "month_gap",
    "solve",
    "stress_gap",
]

Target = Literal["grant", "price", "savings", "income", "term", "interest-only"]

#: target → (field path, unit, direction: the answer is the least ("min") or most ("max")
#: value that passes)
TARGETS: dict[str, tuple[str, str, Literal["min", "max"]]] = {
    "grant": ("financing.establishment_grant.amount", "NOK", "min"),
    "price": ("dwelling.price", "NOK", "max"),
    "savings": ("household.savings", "NOK", "min"),
    "income": ("household.income.{k}.monthly", "NOK/month", "min"),
    "term": ("financing.start_loan.years", "years", "min"),
    "interest-only": ("financing.start_loan.interest_only_years", "years", "min"),
}

#: Targets whose field does not enter the engine's fixed inputs (``rent_to_own.inputs._inputs``):
#: the search reuses them and runs only the purchase test of the month.
_SAME_INPUTS = frozenset({"grant", "savings", "term", "interest-only"})

#: The largest amount the money searches go to (a bracket, not a rule): 100 million NOK.
_SEARCH_CAP = 100_000_000


@dataclass(frozen=True)
class Check:
    """One re-run of the whole engine with ``set`` applied."""

    value: float
    set: tuple[str, ...]
    passes: bool
    surplus_at_stress: float | None  # NOK a month left after the stress-test payment (< 0: gap)
    margin_lowest: float | None  # lowest monthly surplus in the first 5 years (if bought)


@dataclass(frozen=True)
class Solution:
    """The answer to one ``solve``; ``answer`` is ``None`` when no value within the limits
    passes (``reason`` says why)."""

    target: str
    field: str
    unit: str
    direction: Literal["min", "max"]
    month: dt.date
    current: float | None
    passes_now: bool
    gap_now: float  # NOK a month the current case fails by in the month (0 if it passes)
    stress_rate: float
    answer: float | None
    set: tuple[str, ...]  # PATH=VALUE applying the answer (empty when there is none)
    at_answer: Check | None
    wrong_side: Check | None  # one krone / one year on the wrong side (None at a bound)
    limit: float | None  # the legal or municipal limit checked
    limit_name: str | None
    within_limit: bool | None
    reason: str | None  # a code: why there is no answer, or a note on the answer
    price_in_month: float | None  # the purchase price in the month at the answer


# -- the gap ------------------------------------------------------------------------------------


def stress_gap(tests: PurchaseTests, j: int, term_years: int) -> float:
    """NOK a month the purchase test in window position ``j`` fails by: the start loan's
    annuity at the stress rate over its term less what the household has for it (≤ 0 when the
    month passes; the negative of the monthly surplus at the stress rate)."""
    from housingcalc.calc.capacity import loan_payment

    pay = float(loan_payment(float(tests.start_loan[j]), float(tests.stress_rate[j]), term_years))
    have = float(tests.for_loan[j]) if tests.for_loan is not None else float("nan")
    return pay - have


def month_gap(result: RentToOwnResult, month: dt.date) -> float:
    """:func:`stress_gap` of ``month`` in a run's purchase tests."""
    t = result.tests
    j = t.month.index(month)
    return stress_gap(t, j, result.scenario.financing.start_loan.years)


# -- one evaluation ------------------------------------------------------------------------------


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


@dataclass
class _Case:
    raw: Mapping[str, Any]
    params: ParameterSet
    month: dt.date
    k: int  # month index from move-in
    fields: tuple[str, ...]  # the field(s) set to the value
    base: Scenario
    same_inputs: bool  # the field does not enter calc.rent_to_own.inputs._inputs
    household_changes: bool  # the field is part of the household's income
    calls: int = 0

    def sets(self, value: float) -> tuple[str, ...]:
        out = [f"{f}={_fmt(value) if not f.endswith('.yearly') else 'null'}" for f in self.fields]
        return (*out, f"purchase.month={self.month:%Y-%m}")

    def scenario(self, value: float) -> Scenario:
        from housingcalc.overrides import apply_overrides
        from housingcalc.scenarios import parse_scenario

        return parse_scenario(apply_overrides(self.raw, self.sets(value)), "solve")

    def quick(self, value: float, *, path: bool = False) -> tuple[bool, float, float | None]:
        """(passes, surplus at stress, lowest margin if bought) of the month alone: the
        engine's purchase test over a one-month window (``path``: with the owner's path)."""
        from housingcalc.calc.rent_to_own import inputs as rto_inputs
        from housingcalc.calc.rent_to_own import path as rto_path

        self.calls += 1
        s = self.scenario(value)
        base_inp = self._base_inputs()
        if self.same_inputs:  # the field does not enter the engine's inputs: reuse them
            inp = base_inp
        else:
            hh = (base_inp.hh, base_inp.hh_no_job, base_inp.dropped_streams)
            if self.household_changes:  # income: the household's income path again
                arr = rto_inputs._household_arrays(
                    self.params,
                    base_inp.months,
                    s.household,
                    base_inp.wage_index,
                    np.ones(base_inp.n),  # not used: living and fixed costs are reused
                    costs=(base_inp.hh.living_costs, base_inp.hh.other_fixed_costs),
                )
                hh = (arr, arr, 0)
            inp = rto_inputs._inputs(s, self.params, households=hh)
        one = dataclasses.replace(inp, first_allowed=self.k, option_months=self.k)
        run = rto_path._simulate(
            s,
            self.params,
            one,
            growth=s.assumptions.price_growth,
            hh=inp.hh,
            test_only=not path,
        )
        ok = bool(run.tests.passes[0])
        surplus = -stress_gap(run.tests, 0, s.financing.start_loan.years)
        low = run.purchase.margin_lowest if run.purchase is not None else None
        return ok, surplus, low

    _inp: Any = None

    def _base_inputs(self) -> Any:
        from housingcalc.calc.rent_to_own import inputs as rto_inputs

        if self._inp is None:
            self._inp = rto_inputs._inputs(self.base, self.params)
        return self._inp

    def test_base(self) -> PurchaseTests:
        """The purchase test of the month for the scenario as given."""
        from housingcalc.calc.rent_to_own import path as rto_path

        inp = self._base_inputs()
        one = dataclasses.replace(inp, first_allowed=self.k, option_months=self.k)
        b = self.base
        run = rto_path._simulate(
            b, self.params, one, growth=b.assumptions.price_growth, hh=inp.hh, test_only=True
        )
        return run.tests

    def full(self, value: float) -> tuple[Check, RentToOwnResult]:
        """The whole engine with the value set (the check)."""
        from housingcalc.calc.rent_to_own import run_rent_to_own

        s = self.scenario(value)
        r = run_rent_to_own(s, self.params, sensitivity=False)
        j = r.tests.month.index(self.month)
        surplus = -stress_gap(r.tests, j, s.financing.start_loan.years)
        p = r.purchase
        bought = p is not None and p.month == self.month
        low = p.margin_lowest if p is not None else None
        return Check(value, self.sets(value), bought, surplus, low), r


# -- searches -------------------------------------------------------------------------------------


def _bisect_min(ok: Callable[[int], bool], lo: int, hi: int) -> int:
    """Least integer in [lo, hi] with ok (ok(hi) is true, ok monotone rising)."""
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _bisect_max(ok: Callable[[int], bool], lo: int, hi: int) -> int:
    """Most integer in [lo, hi] with ok (ok(lo) is true, ok monotone falling)."""
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if ok(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _bracket_up(ok: Callable[[int], bool], start: int, cap: int) -> int | None:
    """The first of start, 2·start, 4·start … (up to cap) for which ok is true."""
    v = max(start, 1)
    while True:
        if ok(v):
            return v
        if v >= cap:
            return None
        v = min(v * 2, cap)


def _income_stream(s: Scenario, stream: int | None) -> int:
    streams = s.household.income
    if stream is not None:
        if not 0 <= stream < len(streams):
            raise InputError(
                "--stream",
                stream,
                f"household.income has {len(streams)} stream(s), 0–{len(streams) - 1}",
            )
        kind = streams[stream].kind
        if streams[stream].monthly is None and streams[stream].yearly is None:
            raise InputError(
                "--stream", stream, f"the {kind} stream's amount is set by rule, not in the file"
            )
        return stream
    for k, inc in enumerate(streams):
        if inc.kind == "wage" and inc.start is not None and inc.start > s.move_in:
            return k
    for k, inc in enumerate(streams):
        if inc.kind == "wage":
            return k
    raise InputError(
        "--for income",
        "income",
        "the household has no wage stream; name one with --stream N (household.income.N)",
    )


def _window(s: Scenario) -> tuple[int, int]:
    option = round(s.purchase.option_years * 12)
    return min(s.purchase.earliest_after_months, option), option


def _month_of(s: Scenario, k: int) -> dt.date:
    y, m = divmod(s.move_in.month - 1 + k, 12)
    return dt.date(s.move_in.year + y, m + 1, 1)


def _pick_month(s: Scenario, month: dt.date | None) -> tuple[dt.date, int]:
    first, last = _window(s)
    if month is None:
        month = s.purchase.month if isinstance(s.purchase.month, dt.date) else _month_of(s, first)
    month = month.replace(day=1)
    k = (month.year - s.move_in.year) * 12 + month.month - s.move_in.month
    if not first <= k <= last:
        raise InputError(
            "--month",
            f"{month:%Y-%m}",
            f"must be within the option window, {_month_of(s, first):%Y-%m} to "
            f"{_month_of(s, last):%Y-%m}",
        )
    return month, k


def _field_and_current(
    base: Scenario, target: str, stream: int | None
) -> tuple[str, tuple[str, ...], float | None]:
    """The field solved for, the fields set (income given yearly: ``yearly`` cleared) and the
    value in the scenario now (``None``: the grant is 'as needed')."""
    field = TARGETS[target][0]
    sl = base.financing.start_loan
    if target == "income":
        kk = _income_stream(base, stream)
        inc = base.household.income[kk]
        field = field.format(k=kk)
        fields = (field,) if inc.yearly is None else (field, f"household.income.{kk}.yearly")
        return field, fields, inc.monthly if inc.monthly is not None else (inc.yearly or 0.0) / 12
    current: dict[str, float | None] = {
        "grant": None
        if base.financing.establishment_grant.amount == "need"
        else float(base.financing.establishment_grant.amount),
        "price": base.dwelling.price,
        "savings": base.household.savings,
        "term": float(sl.years),
        "interest-only": float(sl.interest_only_years),
    }
    return field, (field,), current[target]


@dataclass
class _Found:
    answer: int | None = None
    step_back: int | None = None  # one krone / one year on the wrong side
    limit: float | None = None
    limit_name: str | None = None
    reason: str | None = None


def _search(case: _Case, target: str, current: float | None, now: PurchaseTests) -> _Found:
    base, params = case.base, case.params
    sl = base.financing.start_loan

    def ok(v: int) -> bool:
        return case.quick(v)[0]

    f = _Found()
    if target == "grant":
        eg = base.financing.establishment_grant
        if eg.amount == "need":
            f.limit, f.limit_name = eg.max, "financing.establishment_grant.max"
        hi = max(math.ceil(float(now.start_loan[0] + now.establishment_grant[0])), 0)
        f.answer = _bisect_min(ok, 0, hi) if ok(hi) else None
        f.reason = None if f.answer is not None else "no_grant_passes"
    elif target in ("savings", "income"):
        cap = _SEARCH_CAP if target == "savings" else _SEARCH_CAP // 10
        hi_m = _bracket_up(ok, int(max(current or 0.0, 10_000)), cap)
        if hi_m is None:
            f.reason = "no_savings_pass" if target == "savings" else "no_income_passes"
        else:
            f.answer = _bisect_min(ok, 0, hi_m)
    elif target == "price":
        if not ok(1):
            f.reason = "no_price_passes"
            return f
        start = int(current or 1)
        hi_p = start
        if ok(start):
            top = _bracket_up(lambda v: not ok(v), start * 2, _SEARCH_CAP)
            hi_p = top if top is not None else _SEARCH_CAP
            f.reason = None if top is not None else "passes_at_any_price"
        f.answer = _bisect_max(ok, 1, hi_p)
        f.step_back = f.answer + 1 if f.reason is None else None
        return f
    elif target == "term":
        longest = int(params.number("husbanken.startlan.max_term_years_special", base.move_in))
        normal = params.number("husbanken.startlan.max_term_years", base.move_in)
        f.limit, f.limit_name = float(longest), "husbanken.startlan.max_term_years_special"
        lo = sl.interest_only_years + 1
        if not ok(longest):
            f.reason = "no_term_passes"
            return f
        f.answer = _bisect_min(ok, lo, longest)
        f.step_back = f.answer - 1 if f.answer > lo else None
        f.reason = "special_cases_only" if f.answer > normal else None
        return f
    else:  # interest-only: a scan (the cash-flow criterion need not be monotone)
        most = int(params.number("husbanken.startlan.max_interest_only_years", base.move_in))
        f.limit, f.limit_name = (
            float(min(most, sl.years - 1)),
            ("husbanken.startlan.max_interest_only_years"),
        )
        if not ok(sl.interest_only_years):
            f.reason = "interest_only_not_in_stress_test"
            return f
        for y in range(0, int(f.limit) + 1):
            okay, _s, low = case.quick(y, path=True)
            if okay and low is not None and low >= 0:
                f.answer = y
                break
        f.reason = None if f.answer is not None else "no_interest_only_period_passes"
    f.step_back = f.answer - 1 if f.answer else None
    return f


def _confirm(
    case: _Case, target: str, field: str, found: _Found
) -> tuple[Check | None, Check | None, float | None]:
    """Re-run the whole engine at the answer and one step on the wrong side."""
    if found.answer is None:
        return None, None, None
    need_margin = target == "interest-only"

    def good(c: Check) -> bool:
        return c.passes and (not need_margin or (c.margin_lowest or 0.0) >= 0)

    at, r = case.full(found.answer)
    if not good(at):
        raise RuntimeError(
            f"solve --for {target}: the engine does not confirm {field}={found.answer} "
            f"in {case.month:%Y-%m} (a bug in housingcalc)"
        )
    wrong = None
    if found.step_back is not None:
        wrong, _ = case.full(found.step_back)
        if good(wrong):
            raise RuntimeError(
                f"solve --for {target}: {field}={found.step_back} passes too, so "
                f"{found.answer} is not the bound (a bug in housingcalc)"
            )
    return at, wrong, (r.purchase.price if r.purchase is not None else None)


def solve(
    raw: Mapping[str, Any],
    params: ParameterSet,
    target: str,
    *,
    month: dt.date | None = None,
    stream: int | None = None,
) -> Solution:
    """Solve for ``target`` (one of :data:`TARGETS`) in the scenario given as its raw mapping
    (after any ``--set``); see the module docstring. The answer and the figures beside it come
    from the whole engine's re-runs; raises :class:`RuntimeError` if the engine does not
    confirm the search (a bug)."""
    from housingcalc.scenarios import parse_scenario

    if target not in TARGETS:
        raise InputError("--for", target, f"must be one of {', '.join(TARGETS)}")
    base = parse_scenario(dict(raw), "solve")
    when, k = _pick_month(base, month)
    _f, unit, direction = TARGETS[target]
    field, fields, current = _field_and_current(base, target, stream)
    case = _Case(
        raw,
        params,
        when,
        k,
        fields,
        base,
        same_inputs=target in _SAME_INPUTS,
        household_changes=target == "income",
    )
    now = case.test_base()
    passes_now = bool(now.passes[0])
    years = base.financing.start_loan.years
    found = _search(case, target, current, now)
    at, wrong, price_at = _confirm(case, target, field, found)
    within = None if found.limit is None or found.answer is None else found.answer <= found.limit
    return Solution(
        target=target,
        field=field,
        unit=unit,
        direction=direction,
        month=when,
        current=current,
        passes_now=passes_now,
        gap_now=0.0 if passes_now else max(stress_gap(now, 0, years), 0.0),
        stress_rate=float(now.stress_rate[0]),
        answer=float(found.answer) if found.answer is not None else None,
        set=at.set if at is not None else (),
        at_answer=at,
        wrong_side=wrong,
        limit=found.limit,
        limit_name=found.limit_name,
        within_limit=within,
        reason=found.reason,
        price_in_month=price_at,
    )


def solve_many(
    raw: Mapping[str, Any],
    params: ParameterSet,
    targets: Sequence[str],
    *,
    month: dt.date | None = None,
) -> list[Solution]:
    """:func:`solve` for several targets in the same month (the failing report's ways out)."""
    return [solve(raw, params, t, month=month) for t in targets]
