"""Offers side by side: the same case run under different offer terms.

:func:`compare` takes the scenario's raw mapping and a list of offers, each a list of
``PATH=VALUE`` terms (``purchase.price_rule=appraisal``), runs the whole engine for each
(:func:`~housingcalc.calc.rent_to_own.run_rent_to_own`, with the sensitivity the verdict
weighs) and returns one :class:`Offer` per offer, in order: the earliest purchase month,
the monthly cost before and after, the grant needed, what is left over each month, net
wealth 10 years after the purchase, the municipality's cash and net present value, and the
verdict (:func:`~housingcalc.calc.verdict.decide`). :attr:`Comparison.differing` names the
terms in which the offers differ, with each offer's value (the file's value where an offer
does not set it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from housingcalc.errors import InputError
from housingcalc.overrides import value_at

if TYPE_CHECKING:
    from housingcalc.calc.verdict import Verdict
    from housingcalc.parameters import ParameterSet

__all__ = ["Comparison", "Offer", "compare", "split_offer"]

#: Years after the purchase at which net wealth is compared.
WEALTH_YEARS = 10


@dataclass(frozen=True)
class Offer:
    """One offer's results. Money NOK; monthly figures NOK a month (``*_after``,
    ``left_over``: the mean over the first 12 months as owners); ``None`` where there is no
    purchase."""

    label: str
    terms: tuple[str, ...]
    status: str
    purchase_month: dt.date | None
    monthly_cost_before: float
    monthly_cost_after: float | None
    price: float | None
    grant_needed: float | None
    start_loan: float | None
    left_over: float | None
    net_wealth_10y: float | None
    net_wealth_10y_renting: float | None
    municipality_cash: float | None
    municipality_npv: float | None
    verdict: Verdict


@dataclass(frozen=True)
class Comparison:
    """The offers in the order given; ``differing``: path → each offer's value (as text, in
    offer order) for every term in which the offers differ."""

    offers: tuple[Offer, ...]
    differing: dict[str, tuple[str, ...]]


_SPLIT = re.compile(r",(?=\s*[A-Za-z_][\w]*(?:\.[\w]+)*\s*=)")


def split_offer(text: str) -> list[str]:
    """``"a.b=v,c.d=w"`` → ``["a.b=v", "c.d=w"]`` (a comma starts a new term only where a
    ``path=`` follows, so a value may hold commas: ``assumptions.rate_ladder_pp=[1,2]``).

    >>> split_offer("purchase.price_rule=appraisal, purchase.option_years=3")
    ['purchase.price_rule=appraisal', 'purchase.option_years=3']
    """
    terms = [t.strip() for t in _SPLIT.split(text) if t.strip()]
    if not terms:
        raise InputError("--offer", text, "give PATH=VALUE terms separated by commas")
    return terms


def _text(value: Any) -> str:
    return "(default)" if value is None else str(value)


def compare(
    raw: Mapping[str, Any],
    offers: Sequence[Sequence[str]],
    params: ParameterSet,
    *,
    labels: Sequence[str] | None = None,
) -> Comparison:
    """Run every offer (see the module docstring). ``offers``: each a list of ``PATH=VALUE``
    terms applied on top of ``raw`` (validated as the file is; an error names the offer)."""
    from housingcalc.calc.rent_to_own import run_rent_to_own
    from housingcalc.calc.verdict import decide
    from housingcalc.models.scenario import Scenario
    from housingcalc.overrides import apply_overrides, parse_assignment
    from housingcalc.scenarios import parse_scenario

    if not offers:
        raise InputError("--offer", "", "give at least one offer")
    names = list(labels) if labels else [f"offer {i + 1}" for i in range(len(offers))]
    parsed = []
    for name, terms in zip(names, offers, strict=True):
        assignments = [parse_assignment(t, f"--offer ({name})") for t in terms]
        changed = apply_overrides(raw, assignments, model=Scenario, option=f"--offer ({name})")
        parsed.append((name, tuple(terms), assignments, parse_scenario(changed, name)))
    # the terms in which offers differ: every path any offer sets, each offer's value
    paths: dict[str, tuple[str, ...]] = {}
    for _n, _t, assignments, _s in parsed:
        for a in assignments:
            paths.setdefault(".".join(a.parts), a.parts)
    differing: dict[str, tuple[str, ...]] = {}
    for path, parts in paths.items():
        values = []
        for _n, _t, assignments, _s in parsed:
            mine = [a.value for a in assignments if a.parts == parts]
            values.append(_text(mine[-1] if mine else value_at(raw, parts)))
        if len(set(values)) > 1 or len(parsed) == 1:
            differing[path] = tuple(values)

    out = []
    for name, terms, _a, s in parsed:
        ps = params.fresh()
        r = run_rent_to_own(s, ps)
        p = r.purchase
        row10 = next((c for c in r.comparison if c.years == WEALTH_YEARS), None)
        m = r.municipality
        out.append(
            Offer(
                label=name,
                terms=terms,
                status=r.status,
                purchase_month=p.month if p is not None else None,
                monthly_cost_before=r.monthly_cost_now,
                monthly_cost_after=p.monthly_cost_first_year if p is not None else None,
                price=p.price if p is not None else None,
                grant_needed=p.establishment_grant if p is not None else None,
                start_loan=p.start_loan if p is not None else None,
                left_over=p.margin_first_year if p is not None else None,
                net_wealth_10y=row10.net_wealth_own if row10 is not None else None,
                net_wealth_10y_renting=row10.net_wealth_rent if row10 is not None else None,
                municipality_cash=m.net_cash if m is not None else None,
                municipality_npv=m.npv_sell_vs_keep if m is not None else None,
                verdict=decide(r, ps),
            )
        )
    return Comparison(tuple(out), differing)
