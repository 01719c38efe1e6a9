"""The household: people, income streams, debts, fixed costs and savings.

This model is embedded in scenario files (``household:``) and read on its own by
``housingcalc afford``. It holds only what the household *is*; every rule value (G, tax,
child benefit, SIFO, guideline rates) comes from the parameter set at calculation time.

Time conventions
    Months are first-of-month dates. ``start`` and ``end`` of a stream, debt or cost are
    inclusive months; files may write ``2026-03`` or any day in the month (``2026-03-15`` is
    read as March 2026). ``None`` means open-ended.

Ages
    Give each person either ``birth_date`` or ``age``. An ``age`` is the age in whole years at
    ``household.reference_date`` and is read as if the person were born exactly that many
    years before that date (so they turn a year older on each anniversary of the reference
    date). Give ``birth_date`` when a rule hinges on the exact month (the under-25 rate of the
    introduction benefit, the child benefit's 6- and 18-year limits).

Errors
    Every rule a household file can break raises :class:`housingcalc.errors.InputError` with
    the field path relative to the household (``adults[0].age``); the file reader prefixes
    ``household.``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from housingcalc.errors import InputError
from housingcalc.limits import MAX_AGE, MAX_DATE, MIN_DATE, date_rule

__all__ = [
    "Adult",
    "Child",
    "Debt",
    "FixedCost",
    "Household",
    "IncomeKind",
    "IncomeStream",
    "LivingCostOverride",
    "OwnerCosts",
    "Person",
    "add_years",
    "birth_date_of",
    "first_of_month",
]

IncomeKind = Literal["introduction_benefit", "wage", "benefit", "child_benefit", "other"]
Sex = Literal["female", "male"]
Car = Literal["none", "petrol", "electric"]
FixedCostKind = Literal["childcare", "child_support", "other"]


def first_of_month(d: dt.date) -> dt.date:
    """The first day of ``d``'s month."""
    return d.replace(day=1)


def add_years(d: dt.date, years: int) -> dt.date:
    """``d`` moved by whole years (29 February becomes 28 February in common years)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def _parse_month(v: object) -> object:
    if v is None or isinstance(v, dt.datetime):
        return v.date().replace(day=1) if isinstance(v, dt.datetime) else v
    if isinstance(v, dt.date):
        return v.replace(day=1)
    if isinstance(v, str):
        text = v.strip()
        try:
            if len(text) == 7:
                return dt.date.fromisoformat(text + "-01")
            return dt.date.fromisoformat(text).replace(day=1)
        except ValueError:
            raise ValueError("must be a month written YYYY-MM (or a date YYYY-MM-DD)") from None
    raise ValueError("must be a month written YYYY-MM (or a date YYYY-MM-DD)")


def _parse_date(v: object) -> object:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v.strip())
        except ValueError:
            raise ValueError("must be a date written YYYY-MM-DD") from None
    return v


def _parse_amount(v: object) -> object:
    """Amounts as :func:`housingcalc.units.parse_amount` reads them (``25 000``, ``25_000``;
    negative, ambiguous and implausibly large amounts refused)."""
    from housingcalc.units import parse_amount

    if isinstance(v, (str, int, float)):
        try:
            return parse_amount(v, "amount")
        except InputError as exc:
            raise ValueError(exc.rule) from None
    return v


def _in_range(d: dt.date) -> dt.date:
    if not MIN_DATE <= d <= MAX_DATE:
        raise ValueError(date_rule())
    return d


Month = Annotated[dt.date, BeforeValidator(_parse_month), AfterValidator(_in_range)]
Date = Annotated[dt.date, BeforeValidator(_parse_date), AfterValidator(_in_range)]
Amount = Annotated[float, BeforeValidator(_parse_amount)]

_CONFIG = ConfigDict(extra="forbid", frozen=True)


class Person(BaseModel):
    """A member of the household: ``birth_date`` or ``age`` (see the module notes)."""

    model_config = _CONFIG

    name: str | None = Field(None, description="Optional name or label, shown in reports.")
    birth_date: Date | None = Field(None, description="Date of birth (YYYY-MM-DD).")
    age: Annotated[int, Field(ge=0, le=MAX_AGE)] | None = Field(
        None, description="Age in whole years at household.reference_date (if no birth_date)."
    )
    sex: Sex | None = Field(
        None,
        description=(
            "female or male; used only for the SIFO reference budget (mean of both if not given)."
        ),
    )

    @model_validator(mode="after")
    def _one_of_age_or_birth(self) -> Person:
        if self.birth_date is None and self.age is None:
            raise InputError("age", None, "give either age or birth_date")
        if self.birth_date is not None and self.age is not None:
            raise InputError("age", self.age, "give either age or birth_date, not both")
        return self


class Adult(Person):
    """An adult member (a possible earner or participant in the introduction programme)."""

    lives_with_parents: bool = Field(
        False,
        description=(
            "Lives with one or both parents (integration act: an introduction-benefit "
            "participant under 25 who does so gets 1/3 instead of 2/3 of the full rate)."
        ),
    )


class Child(Person):
    """A child under 18 at the reference date."""


class IncomeStream(BaseModel):
    """One income stream with inclusive start and end months.

    Kinds
        ``introduction_benefit``: computed from G in each month (2 G a year, 1/12 a month;
        2/3 or 1/3 under 25); no amount may be given. ``wage`` and ``benefit``: a gross amount
        for one adult. ``child_benefit``: computed per child from the dated rates unless an
        amount is given. ``other``: any amount (tax-free unless ``taxable: true``).
    """

    model_config = _CONFIG

    kind: IncomeKind = Field(
        description="introduction_benefit, wage, benefit, child_benefit or other."
    )
    label: str | None = Field(None, description="Shown in reports instead of the kind.")
    adult: Annotated[int, Field(ge=0)] | None = Field(
        None, description="Index of the adult in `adults` who receives it (0 = first)."
    )
    start: Month | None = Field(None, description="First month paid (YYYY-MM); open if omitted.")
    end: Month | None = Field(
        None, description="Last month paid (YYYY-MM, inclusive); open if omitted."
    )
    monthly: Amount | None = Field(
        None, description="Amount per month, NOK (gross unless net: true)."
    )
    yearly: Amount | None = Field(
        None, description="Amount per year, NOK (paid as 1/12 each month)."
    )
    net: bool = Field(
        False, description="The amount is already after tax (the user's own net figure)."
    )
    taxable: bool | None = Field(
        None,
        description="Taxed or not (default by kind: tax.income_treatment).",
    )
    integration_act: bool = Field(
        True,
        description=(
            "introduction_benefit only: the participant falls under integreringsloven (residence "
            "granted from 2021), where under-25s living with parents get 1/3; false = "
            "introduksjonsloven 2003 (2/3 for every under-25)."
        ),
    )
    share: Annotated[float, Field(gt=0, le=1)] = Field(
        1.0,
        description="introduction_benefit only: share of the full benefit paid (e.g. absence).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> IncomeStream:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise InputError(
                "end", self.end.strftime("%Y-%m"), f"must not be before start ({self.start:%Y-%m})"
            )
        if self.monthly is not None and self.yearly is not None:
            raise InputError("yearly", self.yearly, "give monthly or yearly, not both")
        has_amount = self.monthly is not None or self.yearly is not None
        if self.kind == "introduction_benefit":
            if has_amount:
                raise InputError(
                    "monthly" if self.monthly is not None else "yearly",
                    self.monthly if self.monthly is not None else self.yearly,
                    "the introduction benefit is computed from G; give no amount",
                )
            if self.adult is None:
                raise InputError("adult", None, "say which adult takes part (index in adults)")
        elif self.kind in ("wage", "benefit", "other"):
            if not has_amount:
                raise InputError("monthly", None, f"a {self.kind} stream needs monthly or yearly")
            if self.kind in ("wage", "benefit") and self.adult is None:
                raise InputError("adult", None, "say which adult earns it (index in adults)")
        if self.kind != "introduction_benefit" and self.share != 1.0:
            raise InputError("share", self.share, "only for introduction_benefit")
        return self

    @property
    def amount_monthly(self) -> float | None:
        """The given amount per month (``yearly / 12``), or ``None`` if computed."""
        if self.monthly is not None:
            return float(self.monthly)
        if self.yearly is not None:
            return float(self.yearly) / 12.0
        return None

    @property
    def title(self) -> str:
        return self.label or self.kind.replace("_", " ")


class Debt(BaseModel):
    """Existing debt that continues (student loan, car loan, consumer debt)."""

    model_config = _CONFIG

    label: str | None = Field(None, description="What the debt is.")
    monthly_payment: Amount = Field(description="Payment per month on its actual terms, NOK.")
    balance: Amount = Field(
        0.0, description="Outstanding balance, NOK (for the banks' debt-to-income test)."
    )
    end: Month | None = Field(None, description="Last month paid (YYYY-MM); open if omitted.")


class FixedCost(BaseModel):
    """A fixed monthly cost outside living costs: childcare, child support, other."""

    model_config = _CONFIG

    kind: FixedCostKind = Field("other", description="childcare, child_support or other.")
    label: str | None = Field(None, description="Shown in reports.")
    monthly: Amount = Field(description="NOK per month.")
    start: Month | None = Field(None, description="First month (YYYY-MM); open if omitted.")
    end: Month | None = Field(None, description="Last month (YYYY-MM, inclusive); open if omitted.")

    @model_validator(mode="after")
    def _order(self) -> FixedCost:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise InputError(
                "end", self.end.strftime("%Y-%m"), f"must not be before start ({self.start:%Y-%m})"
            )
        return self


class LivingCostOverride(BaseModel):
    """The household's actual living costs, replacing the SIFO reference (never below the floor)."""

    model_config = _CONFIG

    monthly: Amount | None = Field(
        None, description="Total living costs per month, NOK (replaces the reference budget)."
    )
    items: dict[str, Amount] = Field(
        default_factory=dict,
        description=(
            "Replace single reference-budget items (household totals per month), e.g. "
            "{food: 9000}. Item names: food, clothes, personal_care, play_media, travel, "
            "infant_equipment, other_daily_goods, household_articles, furniture, "
            "media_leisure, car."
        ),
    )


class OwnerCosts(BaseModel):
    """An owner's running costs per month (Husbanken's capacity method deducts them)."""

    model_config = _CONFIG

    common_costs: Amount = Field(
        0.0, description="Felleskostnader (co-op / condominium common costs)."
    )
    municipal_fees: Amount = Field(
        0.0, description="Kommunale avgifter (water, sewage, waste; property tax)."
    )
    insurance: Amount = Field(0.0, description="Home and contents insurance.")
    maintenance: Amount = Field(0.0, description="Expected maintenance.")
    electricity: Amount = Field(
        0.0, description="Electricity and heating (not in SIFO or the guideline rates)."
    )

    @property
    def total(self) -> float:
        return float(
            self.common_costs
            + self.municipal_fees
            + self.insurance
            + self.maintenance
            + self.electricity
        )


_ITEM_NAMES = frozenset(
    {
        "food",
        "clothes",
        "personal_care",
        "play_media",
        "travel",
        "infant_equipment",
        "other_daily_goods",
        "household_articles",
        "furniture",
        "media_leisure",
        "car",
    }
)


class Household(BaseModel):
    """A household applying for a start loan (see the module notes for dates and ages)."""

    model_config = _CONFIG

    name: str | None = Field(None, description="A label for the household.")
    reference_date: Date | None = Field(
        None, description="The date every `age` is given at (required if any person gives age)."
    )
    municipality: str | None = Field(
        None,
        description="Municipality name or number (checked against nav.municipalities).",
    )
    adults: Annotated[list[Adult], Field(min_length=1)] = Field(description="One or more adults.")
    children: list[Child] = Field(default_factory=list, description="Children under 18.")
    income: list[IncomeStream] = Field(default_factory=list, description="Income streams.")
    debts: list[Debt] = Field(default_factory=list, description="Existing debts that continue.")
    fixed_costs: list[FixedCost] = Field(
        default_factory=list, description="Childcare, child support, other fixed costs."
    )
    savings: Amount = Field(0.0, description="Savings available for the purchase, NOK.")
    car: Car = Field("none", description="none, petrol or electric (SIFO car running costs).")
    living_costs: LivingCostOverride | None = Field(
        None, description="The household's actual living costs (optional)."
    )
    owner_costs: OwnerCosts | None = Field(
        None,
        description="Running costs of the dwelling to buy, per month (CLI options override).",
    )
    notes: str | None = Field(None, description="Free text, carried into reports.")

    @model_validator(mode="after")
    def _rules(self) -> Household:
        people: list[tuple[str, Person]] = [(f"adults[{i}]", a) for i, a in enumerate(self.adults)]
        people += [(f"children[{i}]", c) for i, c in enumerate(self.children)]
        if self.reference_date is None:
            for where, p in people:
                if p.birth_date is None:
                    raise InputError(
                        f"{where}.age",
                        p.age,
                        "an age needs household.reference_date (or give birth_date)",
                    )
        ref = self.reference_date
        if ref is not None:
            self.check_born_by(ref, "reference_date")
        adult_births = [birth_date_of(a, ref) for a in self.adults]
        oldest = min(adult_births)
        for i, c in enumerate(self.children):
            b = birth_date_of(c, ref)
            field = f"children[{i}].{'age' if c.age is not None else 'birth_date'}"
            shown: object = c.age if c.age is not None else c.birth_date
            if b < oldest:
                raise InputError(
                    field, shown, "a child cannot be older than every adult in the household"
                )
            if ref is not None and add_years(b, 18) <= ref:
                raise InputError(field, shown, "is 18 or older at reference_date; list as an adult")
        for i, s in enumerate(self.income):
            if s.adult is not None and s.adult >= len(self.adults):
                raise InputError(
                    f"income[{i}].adult",
                    s.adult,
                    f"no such adult (the household has {len(self.adults)}; counting from 0)",
                )
        if self.living_costs is not None:
            for k in self.living_costs.items:
                if k not in _ITEM_NAMES:
                    raise InputError(
                        f"living_costs.items.{k}",
                        k,
                        f"unknown item; use one of {', '.join(sorted(_ITEM_NAMES))}",
                    )
        return self

    def check_born_by(self, date: dt.date, what: str) -> None:
        """Refuse a person born after ``date`` (the case's date: the reference date, a
        scenario's move-in, ``--at``) or older than :data:`~housingcalc.limits.MAX_AGE` then.

        ``what`` names the date in the message (``move_in``, ``--at``).
        """
        for where, p in self.persons():
            if p.birth_date is None:
                continue
            if p.birth_date > date:
                raise InputError(
                    f"{where}.birth_date",
                    p.birth_date.isoformat(),
                    f"born after {what} ({date.isoformat()}); list only people already born",
                )
            if add_years(p.birth_date, MAX_AGE) < date:
                raise InputError(
                    f"{where}.birth_date",
                    p.birth_date.isoformat(),
                    f"older than {MAX_AGE} years at {what} ({date.isoformat()}): implausible",
                )

    @property
    def size(self) -> int:
        return len(self.adults) + len(self.children)

    def persons(self) -> list[tuple[str, Person]]:
        """(``adults[i]`` / ``children[i]``, person) pairs, adults first."""
        out: list[tuple[str, Person]] = [(f"adults[{i}]", a) for i, a in enumerate(self.adults)]
        return out + [(f"children[{i}]", c) for i, c in enumerate(self.children)]


def birth_date_of(person: Person, reference_date: dt.date | None) -> dt.date:
    """The person's birth date, or ``reference_date − age`` years when only age is given."""
    if person.birth_date is not None:
        return person.birth_date
    if reference_date is None or person.age is None:  # pragma: no cover - guarded by Household
        raise InputError("age", person.age, "an age needs household.reference_date")
    return add_years(reference_date, -person.age)
