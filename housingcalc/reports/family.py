"""The family's own page: one plain A4 page about their home, in the family's language.

:func:`build_family_context` turns a rent-to-own result into a :class:`FamilyPage`, the one
object ``templates/family.html.j2`` renders; :func:`render_family_page` does both and returns
the HTML (the browser workspace and ``housingcalc run --format family`` call it).

Texts live in their own gettext domain, ``family``:
``templates/locales/<lang>/LC_MESSAGES/family.po``. Message ids are the English texts. Each
catalogue records its translation status in its header::

    "X-Translation-Status: unreviewed\\n"     (or: reviewed)
    "X-Reviewed-By: \\n"                      (the qualified translator, when reviewed)
    "X-Reviewed-On: \\n"                      (YYYY-MM-DD)

A catalogue counts as reviewed only when all three are filled in; until then the page says,
in its language and in Norwegian, that the translation has not been checked and that the
Norwegian version is the one that counts.

A municipality adds or corrects a language without touching code: a folder given with
``--templates DIR`` may hold ``locales/<lang>/LC_MESSAGES/family.po``; its entries override the
packaged ones, and a language found only there becomes available (``--lang <lang>``), formatted
with the babel locale named in the catalogue's ``Language:`` header (see docs/translations.md).

Numbers, months and dates are formatted by babel for each language's locale
(:data:`FAMILY_LOCALES`); money is whole kroner with ``kr`` in every language (the unit the
family meets on letters and price tags).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from housingcalc.errors import InputError

if TYPE_CHECKING:
    import markupsafe

    from housingcalc.calc.rent_to_own import RentToOwnResult
    from housingcalc.models.scenario import Scenario
    from housingcalc.parameters import ParameterSet

__all__ = [
    "FAMILY_DOMAIN",
    "FAMILY_LOCALES",
    "FamilyPage",
    "FamilyTranslator",
    "build_family_context",
    "check_catalogues",
    "family_language_names",
    "family_languages",
    "family_messages",
    "family_translator",
    "parse_family_langs",
    "produce_family_pages",
    "render_family_page",
]

FAMILY_DOMAIN = "family"

#: The packaged languages of the family page and the babel locale each is formatted with.
#: Arabic: ar_SY (Levantine month names such as تشرين الأول; most Arabic-speaking refugees in
#: Norway come from Syria). Tigrinya: ti_ER (most Tigrinya speakers in Norway come from
#: Eritrea). Dari: babel has no separate Dari locale; Dari is Persian as spoken in Afghanistan,
#: fa_AF. Somali: so_SO. Digits are Latin (0-9) in every language, as on Norwegian letters.
FAMILY_LOCALES: dict[str, str] = {
    "nb": "nb_NO",
    "en": "en_GB",
    "uk": "uk_UA",
    "ar": "ar_SY",
    "ti": "ti_ER",
    "fa_AF": "fa_AF",
    "so": "so_SO",
}

NBSP = "\u00a0"
MINUS = "\u2212"

_STATUS_HEADER = re.compile(
    r'^"(X-Translation-Status|X-Reviewed-By|X-Reviewed-On|Language):'
    r'\s*(.*?)\\n"\s*$',
    re.MULTILINE,
)


def N_(message: str) -> str:
    """Mark a message id for the family catalogue without translating it here."""
    return message


# -- catalogues -------------------------------------------------------------------------------


def _family_po(root: Path, lang: str) -> Path:
    return root / "locales" / lang / "LC_MESSAGES" / f"{FAMILY_DOMAIN}.po"


def _roots(user_dir: Path | None) -> list[Path]:
    from housingcalc.resources import templates_dir

    roots = [Path(str(templates_dir()))]
    if user_dir is not None:
        roots.append(user_dir)
    return roots


def family_languages(user_dir: Path | None = None) -> list[str]:
    """The family page's languages: the packaged ones, then any a user's folder adds."""
    out = list(FAMILY_LOCALES)
    if user_dir is not None and (user_dir / "locales").is_dir():
        for folder in sorted((user_dir / "locales").iterdir()):
            if folder.name not in out and _family_po(user_dir, folder.name).is_file():
                out.append(folder.name)
    return out


#: Each packaged language's name in itself, for a language menu (Dari is "دری", not babel's
#: "فارسی"; a user-added language is named by babel).
NATIVE_NAMES: dict[str, str] = {
    "nb": "Norsk bokmål",
    "en": "English",
    "uk": "Українська",
    "ar": "العربية",
    "ti": "ትግርኛ",
    "fa_AF": "دری",
    "so": "Soomaali",
}


def family_language_names(user_dir: Path | None = None) -> dict[str, str]:
    """``{code: the language's name in itself}`` for every language of the family page (the
    browser workspace's language choice)."""
    from babel import Locale

    names: dict[str, str] = {}
    for code in family_languages(user_dir):
        if code in NATIVE_NAMES:
            names[code] = NATIVE_NAMES[code]
        else:
            locale = Locale.parse(family_translator(code, user_dir).locale)
            names[code] = str(locale.language_name or code)
    return names


def _normalise(value: str, known: Iterable[str]) -> str | None:
    raw = value.strip().replace("-", "_")
    lower = {k.lower(): k for k in known}
    aliases = {"no": "nb", "nob": "nb", "eng": "en", "prs": "fa_AF", "dari": "fa_AF", "fa": "fa_AF"}
    key = raw.lower()
    if key in lower:
        return lower[key]
    key = aliases.get(key, key)
    if key.lower() in lower:
        return lower[key.lower()]
    base = key.split("_")[0]
    return lower.get(base)


def parse_family_langs(value: str, user_dir: Path | None = None) -> tuple[str, ...]:
    """``--lang`` for the family page: one or more codes (comma-separated) or ``all``."""
    known = family_languages(user_dir)
    if value.strip().lower() in ("all", "both"):
        return tuple(known)
    chosen: list[str] = []
    for part in value.split(","):
        if not part.strip():
            continue
        code = _normalise(part, known)
        if code is None:
            raise InputError("--lang", part.strip(), f"must be one of {', '.join(known)} (or all)")
        if code not in chosen:
            chosen.append(code)
    if not chosen:
        raise InputError("--lang", value, f"must be one of {', '.join(known)} (or all)")
    return tuple(chosen)


@dataclass(frozen=True)
class FamilyTranslator:
    """One language of the family page: its texts, locale and translation status."""

    lang: str
    locale: str
    messages: dict[str, str] = field(default_factory=dict)
    status: Literal["reviewed", "unreviewed"] = "unreviewed"
    reviewed_by: str = ""
    reviewed_on: str = ""

    def gettext(self, message: str) -> str:
        return self.messages.get(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # The family page uses no plural messages (every count is written as a number).
        return self.gettext(singular if n == 1 else plural)

    def missing(self, ids: Iterable[str]) -> list[str]:
        return [m for m in ids if not self.messages.get(m)]

    @property
    def rtl(self) -> bool:
        from babel import Locale

        return bool(Locale.parse(self.locale).character_order == "right-to-left")


@lru_cache(maxsize=32)
def _read(path: str, mtime_ns: int) -> tuple[dict[str, str], dict[str, str]]:
    from babel.messages.pofile import read_po

    del mtime_ns  # cache key only: an edited file is read again
    p = Path(path)
    with p.open("rb") as fh:
        catalog = read_po(fh, domain=FAMILY_DOMAIN)
    messages = {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string
        if not m.fuzzy
    }
    # babel drops unknown (X-…) headers: read the status lines of the header entry ourselves.
    head = p.read_text("utf-8").split("\n\n", 1)[0]
    headers = {k: v.strip() for k, v in _STATUS_HEADER.findall(head)}
    return messages, headers


def _locale_of(lang: str, language_header: str) -> str:
    from babel import Locale, UnknownLocaleError

    if lang in FAMILY_LOCALES:
        return FAMILY_LOCALES[lang]
    for candidate in (language_header, lang):
        if not candidate:
            continue
        try:
            return str(Locale.parse(candidate.replace("-", "_")))
        except (ValueError, UnknownLocaleError):
            continue
    raise InputError(
        f"locales/{lang}/LC_MESSAGES/family.po",
        language_header or lang,
        "the Language: header must name a locale babel knows (e.g. pl_PL)",
    )


def family_translator(lang: str, user_dir: Path | None = None) -> FamilyTranslator:
    """The texts of ``lang``: the packaged catalogue, overridden entry by entry by a user's.

    The translation status comes from the last catalogue found (a user's, if it has one).
    """
    code = parse_family_langs(lang, user_dir)[0]
    messages: dict[str, str] = {}
    headers: dict[str, str] = {}
    for root in _roots(user_dir):
        path = _family_po(root, code)
        if path.is_file():
            found, head = _read(str(path), path.stat().st_mtime_ns)
            messages.update(found)
            headers = head
    reviewed = (
        headers.get("X-Translation-Status", "").lower() == "reviewed"
        and bool(headers.get("X-Reviewed-By"))
        and bool(headers.get("X-Reviewed-On"))
    )
    return FamilyTranslator(
        lang=code,
        locale=_locale_of(code, headers.get("Language", "")),
        messages=messages,
        status="reviewed" if reviewed else "unreviewed",
        reviewed_by=headers.get("X-Reviewed-By", ""),
        reviewed_on=headers.get("X-Reviewed-On", ""),
    )


def family_messages(templates_root: Path | None = None) -> list[str]:
    """Every message id the family page uses (template ``_()`` calls and ``N_()`` here)."""
    from babel.messages.extract import extract

    from housingcalc.resources import templates_dir

    root = templates_root or Path(str(templates_dir()))
    keywords = {"_": None, "gettext": None, "N_": None}
    found: dict[str, None] = {}
    with (root / "family.html.j2").open("rb") as fh:
        for _l, msg, _c, _x in extract(
            "jinja2.ext.babel_extract",
            fh,
            keywords=keywords,
            options={"extensions": "jinja2.ext.i18n"},
        ):
            found[str(msg)] = None
    with Path(__file__).open("rb") as fh:
        for _l, msg, _c, _x in extract("python", fh, keywords={"N_": None}):
            found[str(msg)] = None
    return list(found)


# -- formatting -------------------------------------------------------------------------------


class FamilyFormatter:
    """Money, rates, months and dates for one locale (babel); numbers wrapped for bidi."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def _ltr(self, text: str) -> markupsafe.Markup:
        import markupsafe

        # <bdi dir="ltr">: an amount keeps "12,312 kr" in order inside right-to-left text.
        return markupsafe.Markup('<bdi dir="ltr" class="num">%s</bdi>') % text

    def money_text(self, value: float | None) -> str:
        from babel.numbers import format_decimal

        if value is None:
            return "\u2013"
        number = round(float(value))
        text = format_decimal(abs(number), format="#,##0", locale=self.locale)
        return (MINUS if number < 0 else "") + text + NBSP + "kr"

    def money(self, value: float | None) -> markupsafe.Markup:
        return self._ltr(self.money_text(value))

    def pct(self, value: float | None) -> markupsafe.Markup:
        from babel.numbers import format_percent

        if value is None:
            return self._ltr("\u2013")
        from babel import Locale

        # the locale's own percent pattern (nb "4,9 %", en "4.9%"), with one optional decimal
        pattern = Locale.parse(self.locale).percent_formats[None].pattern
        pattern = pattern.replace("#,##0", "#,##0.#", 1).split(";")[0]
        return self._ltr(format_percent(round(float(value), 3), format=pattern, locale=self.locale))

    def month(self, value: dt.date | None) -> str:
        from babel.dates import format_skeleton

        if value is None:
            return "\u2013"
        return str(format_skeleton("yMMMM", value, locale=self.locale))

    def date(self, value: dt.date) -> str:
        from babel.dates import format_date

        return str(format_date(value, format="long", locale=self.locale))

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"money": self.money, "pct": self.pct, "month": self.month, "date": self.date}


# -- the context model ------------------------------------------------------------------------

_FROZEN = ConfigDict(extra="forbid", frozen=True)


class Line(BaseModel):
    """One line of a monthly bill: a message id and an amount (negative: subtracted)."""

    model_config = _FROZEN

    label: str
    amount: float


class Risk(BaseModel):
    """One thing that could go wrong; the template words it by ``code``."""

    model_config = _FROZEN

    code: Literal["rates", "no_job", "no_job_late", "prices", "shortfall"]
    numbers: dict[str, float | dt.date | int | None]


class FamilyPage(BaseModel):
    """Everything ``family.html.j2`` renders (money NOK per month unless named otherwise)."""

    model_config = _FROZEN

    lang: str
    locale: str
    rtl: bool
    status: Literal["reviewed", "unreviewed"]
    reviewed_by: str
    reviewed_on: str
    nb_notice: str  # the unreviewed notice in Norwegian (from the nb catalogue)
    title: str  # the scenario's name in this language, else in Norwegian
    title_lang: str  # the language of ``title`` ("": unknown, a plain string)
    generated_on: dt.date
    version: str
    now_month: dt.date
    now_is_today: bool  # False: "now" is the move-in month (the report date is outside renting)
    now_lines: list[Line]
    cost_now: float
    purchased: bool
    purchase_month: dt.date | None
    apply_by: dt.date | None  # about three months before the purchase month
    option_end: dt.date
    price: float | None
    after_lines: list[Line]
    cost_after: float | None
    has_bostotte: bool
    has_intro_benefit: bool
    income_now: float
    left_now: float
    left_after: float | None
    living_budget_now: float
    living_budget_after: float | None
    risks: list[Risk]
    chart: str  # inline SVG; "" when there is nothing to compare (no purchase)


#: Bill lines and chart labels (message ids; the template translates them).
LINE_RENT = N_("Rent")
LINE_ELECTRICITY = N_("Electricity")
LINE_LOAN = N_("Loan payment (startlån): interest and repayment")
LINE_RUNNING = N_("Shared costs, municipal fees, insurance and upkeep")
LINE_DEDUCTION = N_("Minus tax deduction for interest")
LINE_BOSTOTTE = N_("Minus bostøtte")
BAR_NOW = N_("Now")
BAR_AFTER = N_("After buying")
BAR_RATES = N_("If the interest rate rises")
CHART_TITLE = N_("Home costs per month")

#: Timeline columns that may hold bostøtte (NOK/month, a positive amount). The engine adds it
#: on branch i15; until a run result carries it, the page leaves the line out.
_BOSTOTTE_COLUMNS = ("housing_allowance", "bostotte")


def _bostotte(result: RentToOwnResult) -> Any:
    for name in _BOSTOTTE_COLUMNS:
        column = getattr(result.timeline, name, None)
        if column is not None:
            return column
    return None


def _now_index(result: RentToOwnResult, today: dt.date) -> tuple[int, bool]:
    """The month called "now": the report date's month while the family rents in the plan,
    otherwise the move-in month (and the page says so)."""
    tl = result.timeline
    month = today.replace(day=1)
    if month in tl.month:
        i = tl.month.index(month)
        if tl.phase[i] == "rent":
            return i, True
    return 0, False


def _chart(title: str, bars: list[tuple[str, float, bool]], fmt: FamilyFormatter, rtl: bool) -> str:
    """A small horizontal bar chart as inline SVG: (label, amount, warning) per bar, each label
    above its bar; bars grow from the right in a right-to-left page. Narrow (420 units) so the
    text stays legible on a phone."""
    import html as _html

    width, label_h, bar_h, gap, amount_w = 420, 19, 20, 9, 100
    row = label_h + bar_h + gap
    height = row * len(bars)
    biggest = max((v for _l, v, _w in bars), default=1.0) or 1.0
    usable = width - amount_w
    described = ", ".join(f"{lbl}: {fmt.money_text(v)}" for lbl, v, _w in bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{_html.escape(title)}: {_html.escape(described)}" '
        f'style="direction: ltr"><title>{_html.escape(title)}</title>'
    ]
    for k, (label, value, warn) in enumerate(bars):
        y = k * row
        length = max(2.0, usable * max(value, 0.0) / biggest)
        colour = "#b3261e" if warn else "#0072B2"
        if rtl:
            label_x, label_anchor = width - 1, "end"
            bar_x = width - length
            amount_x, amount_anchor = bar_x - 6, "end"
        else:
            label_x, label_anchor = 1, "start"
            bar_x = 0.0
            amount_x, amount_anchor = length + 6, "start"
        bar_y = y + label_h
        parts.append(
            f'<text x="{label_x}" y="{y + label_h - 5}" text-anchor="{label_anchor}" '
            f'font-size="15" fill="#222">{_html.escape(label)}</text>'
            f'<rect x="{bar_x:.1f}" y="{bar_y}" width="{length:.1f}" height="{bar_h}" rx="3" '
            f'fill="{colour}"/>'
            f'<text x="{amount_x:.1f}" y="{bar_y + bar_h - 5}" text-anchor="{amount_anchor}" '
            f'font-size="16" font-weight="700" fill="#222">'
            f"{_html.escape(fmt.money_text(value))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _risks(result: RentToOwnResult) -> list[Risk]:
    """At most three: rates, the job that does not come, prices (or months without money)."""
    out: list[Risk] = []
    p = result.purchase
    sens = result.sensitivity
    tl = result.timeline
    if p is not None and sens.ladder:
        worst = sens.ladder[-1]
        if worst.rise > 0:
            end = min(p.index + 12, len(tl))
            living = float(tl.living_costs[p.index : end].mean())
            out.append(
                Risk(
                    code="rates",
                    numbers={
                        "rate": p.start_loan_rate_effective,
                        "new_rate": p.start_loan_rate_effective + worst.rise,
                        "cost": worst.monthly_cost_first_year,
                        "left": worst.margin_first_year + living,
                    },
                )
            )
    nj = sens.no_job
    if nj.dropped_streams and p is not None:
        if nj.earliest_month is None:
            out.append(Risk(code="no_job", numbers={}))
        elif p is None or nj.earliest_month > p.month:
            out.append(Risk(code="no_job_late", numbers={"month": nj.earliest_month}))
    short = tl.shortfall
    months_short = int((short > 0.5).sum())
    if months_short:
        out.append(Risk(code="shortfall", numbers={"months": months_short}))
    low = next((g for g in sens.price_growth if g.case == "low"), None)
    base = next((g for g in sens.price_growth if g.case == "base"), None)
    if p is not None and low is not None and base is not None:
        years = max([y for y in base.net_equity if y <= 10] or [0])
        if years and years in low.net_equity:
            out.append(
                Risk(
                    code="prices",
                    numbers={
                        "year": p.month.year + years,
                        "low": low.net_equity[years],
                        "base": base.net_equity[years],
                    },
                )
            )
    return out[:3]


def _has_intro_benefit(s: Scenario) -> bool:
    return any(i.kind == "introduction_benefit" for i in s.household.income)


def _version() -> str:
    from housingcalc.reports.household import _version as version

    return version()


def build_family_context(
    result: RentToOwnResult,
    lang: str = "nb",
    *,
    generated_on: dt.date | None = None,
    templates: Path | None = None,
) -> FamilyPage:
    """The family page's context for one language, from a run result."""
    t = family_translator(lang, templates)
    nb = family_translator("nb", templates)
    fmt = FamilyFormatter(t.locale)
    today = generated_on or dt.date.today()
    s = result.scenario
    tl = result.timeline
    p = result.purchase
    allowance = _bostotte(result)

    i, now_is_today = _now_index(result, today)
    now_lines = [Line(label=LINE_RENT, amount=float(tl.rent[i]))]
    now_lines.append(Line(label=LINE_ELECTRICITY, amount=float(tl.electricity[i])))
    cost_now = float(tl.housing_cost[i])
    if allowance is not None and float(allowance[i]) > 0.5:
        now_lines.append(Line(label=LINE_BOSTOTTE, amount=-float(allowance[i])))
        cost_now = sum(line.amount for line in now_lines)
    income_now = float(tl.income_after_tax[i] - tl.other_fixed_costs[i])
    # What is left comes from the engine's own housing cost: right whether the engine counts
    # bostøtte as less housing cost or as more income (it is in exactly one of the two).
    left_now = income_now - float(tl.housing_cost[i])

    after_lines: list[Line] = []
    cost_after = left_after = budget_after = None
    has_bostotte = False
    if p is not None:
        j = p.index
        after_lines = [
            Line(label=LINE_LOAN, amount=float(tl.interest[j] + tl.repayment[j] + tl.loan_fees[j])),
            Line(label=LINE_RUNNING, amount=float(tl.running_costs[j])),
            Line(label=LINE_ELECTRICITY, amount=float(tl.electricity[j])),
            Line(label=LINE_DEDUCTION, amount=-float(tl.interest_deduction[j])),
        ]
        cost_after = float(tl.housing_cost[j])
        if allowance is not None and float(allowance[j]) > 0.5:
            has_bostotte = True
            after_lines.append(Line(label=LINE_BOSTOTTE, amount=-float(allowance[j])))
            cost_after = sum(line.amount for line in after_lines)
        left_after = float(tl.income_after_tax[j] - tl.other_fixed_costs[j] - tl.housing_cost[j])
        budget_after = float(tl.living_costs[j])
    has_bostotte = has_bostotte or any(line.label == LINE_BOSTOTTE for line in now_lines)

    risks = _risks(result)
    bars = [(t.gettext(BAR_NOW), cost_now, False)]
    if cost_after is not None:
        bars.append((t.gettext(BAR_AFTER), cost_after, False))
    rates = next((r for r in risks if r.code == "rates"), None)
    if rates is not None and isinstance(rates.numbers["cost"], float):
        bars.append((t.gettext(BAR_RATES), rates.numbers["cost"], True))

    apply_by = None
    if p is not None:
        k = max(p.index - 3, 0)
        apply_by = tl.month[k]
    nb_notice = nb.gettext(UNREVIEWED)
    return FamilyPage(
        lang=t.lang,
        locale=t.locale,
        rtl=t.rtl,
        status=t.status,
        reviewed_by=t.reviewed_by,
        reviewed_on=t.reviewed_on,
        nb_notice=nb_notice,
        title=s.names.get(t.lang) or s.name_in("nb"),
        title_lang=t.lang if t.lang in s.names else ("nb" if "nb" in s.names else ""),
        generated_on=today,
        version=_version(),
        now_month=tl.month[i],
        now_is_today=now_is_today,
        now_lines=now_lines,
        cost_now=cost_now,
        purchased=p is not None,
        purchase_month=p.month if p else None,
        apply_by=apply_by,
        option_end=result.option_end,
        price=p.price if p else None,
        after_lines=after_lines,
        cost_after=cost_after,
        has_bostotte=has_bostotte,
        has_intro_benefit=_has_intro_benefit(s),
        income_now=income_now,
        left_now=left_now,
        left_after=left_after,
        living_budget_now=float(tl.living_costs[i]),
        living_budget_after=budget_after,
        risks=risks,
        chart=_chart(t.gettext(CHART_TITLE), bars, fmt, t.rtl) if len(bars) > 1 else "",
    )


#: The notice an unreviewed page carries (in its language and in Norwegian).
UNREVIEWED = N_(
    "This translation has not yet been checked by a qualified translator. "
    "The Norwegian version is the one that counts."
)


# -- rendering --------------------------------------------------------------------------------


def _environment(t: FamilyTranslator, templates: Path | None) -> Any:
    from housingcalc.reports.render import base_environment

    env = base_environment(templates, t)
    env.filters.update(FamilyFormatter(t.locale).filters())
    return env


def render_family_page(
    result: RentToOwnResult,
    lang: str = "nb",
    *,
    generated_on: dt.date | None = None,
    templates: Path | None = None,
) -> str:
    """The family page (self-contained HTML) of a run result in one language.

    This is the one entry point for other front ends (the browser workspace)::

        html = render_family_page(run_rent_to_own(scenario, params), "ar")
    """
    import jinja2

    context = build_family_context(result, lang, generated_on=generated_on, templates=templates)
    t = family_translator(context.lang, templates)
    env = _environment(t, templates)
    values = {name: getattr(context, name) for name in FamilyPage.model_fields}
    try:
        return str(env.get_template("family.html.j2").render(values))
    except jinja2.TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f"family.html.j2:{line}" if line else "family.html.j2"
        raise InputError("template", where, str(exc.message or exc)) from None


def produce_family_pages(
    result: RentToOwnResult,
    langs: Iterable[str],
    *,
    stem: str = "report",
    generated_on: dt.date | None = None,
    templates: Path | None = None,
) -> dict[str, str]:
    """``{"<stem>.family.<lang>.html": html}`` for each language (nothing written here)."""
    return {
        f"{stem}.family.{lang}.html": render_family_page(
            result, lang, generated_on=generated_on, templates=templates
        )
        for lang in langs
    }


def run_and_render(
    scenario: Scenario, params: ParameterSet, lang: str = "nb", **kwargs: Any
) -> str:
    """Run ``scenario`` and render its family page (a convenience for callers)."""
    from housingcalc.calc.rent_to_own import run_rent_to_own

    return render_family_page(run_rent_to_own(scenario, params.fresh()), lang, **kwargs)


def check_catalogues(user_dir: Path | None = None) -> list[str]:
    """One line per problem in the family catalogues (packaged, and a user's folder): a
    message without a translation, or a placeholder lost or added. Empty: all complete."""
    ids = family_messages()
    problems: list[str] = []
    for lang in family_languages(user_dir):
        t = family_translator(lang, user_dir)
        problems += [f"{lang}: untranslated: {m}" for m in t.missing(ids)]
        for m in ids:
            want = sorted(re.findall(r"%\(\w+\)s", m))
            if t.messages.get(m) and sorted(re.findall(r"%\(\w+\)s", t.gettext(m))) != want:
                problems.append(f"{lang}: placeholders differ from {want}: {m}")
    return problems


def main(argv: list[str] | None = None) -> int:
    """``python -m housingcalc.reports.family check [DIR]``: check the catalogues (and those
    under ``DIR/locales``) and print each language's translation status."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["check"]:
        print("usage: python -m housingcalc.reports.family check [TEMPLATES_DIR]")
        return 2
    user = Path(args[1]) if len(args) > 1 else None
    for lang in family_languages(user):
        t = family_translator(lang, user)
        who = f" by {t.reviewed_by} on {t.reviewed_on}" if t.status == "reviewed" else ""
        print(f"{lang} ({t.locale}, {'rtl' if t.rtl else 'ltr'}): {t.status}{who}")
    problems = check_catalogues(user)
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
