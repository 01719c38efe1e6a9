"""Rendering reports: one jinja2 environment per language, with locale-aware filters.

The environment:

- loads templates from a user's ``--templates DIR`` first (if given), then the packaged
  ``templates/`` folder, so a user can replace any template or partial by name;
- uses ``StrictUndefined`` (a misspelt variable is an error, never an empty string);
- autoescapes ``*.html.j2`` (and ``.html``/``.htm``/``.svg``), not Markdown;
- has jinja2's i18n extension installed with the language's catalogue
  (``{{ _("Monthly cost") }}``, ``{{ _("Buy in %(month)s", month=...) }}``);
- formats numbers and dates with babel through these filters:

=========  =====================================  ==================  ==================
filter     meaning                                nb                  en
=========  =====================================  ==================  ==================
``nok``    an amount in NOK (whole kroner)         ``7 185 kr``        ``NOK 7,185``
``pct``    a fraction as a percentage              ``3,5 %``           ``3.5%``
``pp``     a fraction as percentage points         ``+1 pp``           ``+1 pp``
``number`` a plain number                          ``1 234,5``         ``1,234.5``
``date``   a date (babel ``long`` by default)      ``1. september 2025`` ``1 September 2025``
``month``  a month and year                        ``september 2025``  ``September 2025``
``fmt``    by kind: ``value|fmt("years")`` …         ``3 år``            ``3 years``
``svg``    marks an inline SVG string as safe      —                   —
=========  =====================================  ==================  ==================

``None`` formats as an en dash (``–``): "no such month" reads as a gap, not as zero.

>>> f = Formatter("nb")
>>> f.nok(7185.4), f.pct(0.035), f.month("2025-09-01")
('7\\xa0185\\xa0kr', '3,5\\xa0%', 'september 2025')
>>> f = Formatter("en")
>>> f.nok(7185.4), f.pct(0.035), f.nok(-1500, sign=True)
('NOK\\xa07,185', '3.5%', '−NOK\\xa01,500')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from housingcalc.reports.i18n import Lang, Translator, babel_locale, check_lang, translator

if TYPE_CHECKING:
    import jinja2

__all__ = ["DASH", "Formatter", "make_environment", "render", "template_context"]

DASH = "\u2013"
MINUS = "\u2212"
NBSP = "\u00a0"

_NOK_PATTERN = {"nb": f"#,##0{NBSP}¤", "en": f"¤{NBSP}#,##0"}
_PCT_SUFFIX = {"nb": f"{NBSP}%", "en": "%"}


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10] if len(str(value)) > 7 else f"{value}-01")


def _decimals_pattern(decimals: int | None, *, max_auto: int = 2) -> str:
    if decimals is None:
        return "#,##0" + ("." + "#" * max_auto if max_auto else "")
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


@lru_cache(maxsize=64)
def _number_pattern(pattern: str) -> Any:
    """babel's parsed number pattern (``format_currency``/``format_decimal`` parse it on every
    call; a report formats about a thousand numbers with a handful of patterns)."""
    from babel.numbers import parse_pattern

    return parse_pattern(pattern)


class Formatter:
    """Locale-aware formatting of money, rates, numbers and dates (babel)."""

    def __init__(self, lang: str, translate: Translator | None = None) -> None:
        self.lang: Lang = check_lang(lang)
        self.locale = babel_locale(self.lang)
        self._t = translate

    @cached_property
    def _babel(self) -> Any:
        from babel import Locale

        return Locale.parse(self.locale)

    def _decimal(self, number: float, decimals: int | None) -> str:
        # = babel.numbers.format_decimal(number, format=_decimals_pattern(decimals), …)
        return str(_number_pattern(_decimals_pattern(decimals)).apply(number, self._babel))

    def _signed(self, text: str, value: float, sign: bool) -> str:
        text = text.replace("-", MINUS)
        if sign and value > 0:
            return "+" + text
        return text

    def nok(self, value: float | None, decimals: int = 0, sign: bool = False) -> str:
        """An amount in NOK: nb ``7 185 kr``, en ``NOK 7,185``."""
        if value is None:
            return DASH
        pattern = _NOK_PATTERN[self.lang]
        if decimals:
            pattern = pattern.replace("#,##0", "#,##0." + "0" * decimals)
        number = round(float(value), decimals)
        if number == 0:
            number = 0.0  # no "-0 kr"
        # = babel.numbers.format_currency(number, "NOK", format=pattern, …)
        text = _number_pattern(pattern).apply(
            number, self._babel, currency="NOK", currency_digits=False
        )
        return self._signed(text, number, sign)

    def pct(self, value: float | None, decimals: int | None = None, sign: bool = False) -> str:
        """A fraction as a percentage: nb ``3,5 %``, en ``3.5%``; up to 2 decimals by default."""
        if value is None:
            return DASH
        number = float(value) * 100.0
        text = self._decimal(round(number, 2 if decimals is None else decimals), decimals)
        return self._signed(text + _PCT_SUFFIX[self.lang], number, sign)

    def pp(self, value: float | None, decimals: int | None = None) -> str:
        """A difference of rates in percentage points: ``+1 pp`` (always signed)."""
        if value is None:
            return DASH
        number = float(value) * 100.0
        text = self._decimal(round(number, 2 if decimals is None else decimals), decimals)
        return self._signed(text, number, True) + f"{NBSP}pp"

    def number(self, value: float | None, decimals: int | None = 0) -> str:
        """A plain number with the locale's grouping and decimal mark."""
        if value is None:
            return DASH
        number = float(value)
        if decimals is not None:
            number = round(number, decimals)
        text = self._decimal(number, decimals)
        return self._signed(text, number, False)

    def date(self, value: dt.date | str | None, format: str = "long") -> str:
        """A date: babel's ``short``/``medium``/``long`` or a CLDR pattern."""
        if value is None:
            return DASH
        from babel.dates import format_date

        return str(format_date(_as_date(value), format=format, locale=self.locale))

    def month(self, value: dt.date | str | None, short: bool = False) -> str:
        """A month and year: nb ``september 2025``, en ``September 2025``."""
        if value is None:
            return DASH
        from babel.dates import format_skeleton

        skeleton = "yMMM" if short else "yMMMM"
        return str(format_skeleton(skeleton, _as_date(value), locale=self.locale))

    def _gettext(self, message: str) -> str:
        return self._t.gettext(message) if self._t is not None else message

    def _count(self, kind: str, n: float) -> str:
        """``3 years`` / ``1 month`` in the report language (texts in the catalogues)."""
        count = 1 if n == 1 else 2
        t = self._t if self._t is not None else Translator(self.lang)
        if kind == "years":
            text = t.ngettext("%(n)s year", "%(n)s years", count)
        else:
            text = t.ngettext("%(n)s month", "%(n)s months", count)
        return text % {"n": self.number(n, None)}

    def value(self, value: Any, kind: str = "nok") -> str:
        """Format ``value`` by ``kind``: nok, pct, pp, number, date, month, years, months,
        m2 or text (a message id, translated)."""
        if value is None:
            return DASH
        if kind == "nok":
            return self.nok(value)
        if kind == "pct":
            return self.pct(value)
        if kind == "pp":
            return self.pp(value)
        if kind == "number":
            return self.number(value, None)
        if kind == "date":
            return self.date(value)
        if kind == "month":
            return self.month(value)
        if kind in ("years", "months"):
            return self._count(kind, float(value))
        if kind == "m2":
            return f"{self.number(value, None)}{NBSP}m²"
        return self._gettext(str(value))

    def filters(self) -> dict[str, Any]:
        return {
            "fmt": self.value,
            "nok": self.nok,
            "pct": self.pct,
            "pp": self.pp,
            "number": self.number,
            "date": self.date,
            "month": self.month,
        }


def _svg(value: str) -> Any:
    import markupsafe

    from housingcalc.errors import InputError

    text = str(value)
    if text and not text.lstrip().startswith(("<svg", "<?xml")):
        raise InputError("svg", text[:20], "the svg filter only accepts an SVG document")
    return markupsafe.Markup(text)


def _autoescape(name: str | None) -> bool:
    if name is None:
        return True
    return name.lower().endswith((".html.j2", ".html", ".htm", ".svg", ".xml"))


_BYTECODE: Any = None


def _cache_folder() -> Path | None:
    """Where compiled templates are kept between runs: ``jinja/`` in the user's cache folder
    (housingcalc.cache); None when caching is off or the folder cannot be made."""
    import os

    from housingcalc.cache import cache_dir

    base = cache_dir()
    if base is None:
        return None
    folder = base / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


def _bytecode_cache() -> Any:
    """One bytecode cache for every environment. Jinja keys each entry by template name, file
    and a checksum of its source, so an edited or user-supplied template is compiled afresh.

    Compiled templates are kept on disk between runs (compiling the two household templates
    costs about 0.3 s of a 2.7 s ``housingcalc run``; see docs/performance.md), in memory only
    when no cache folder can be used.
    """
    global _BYTECODE
    if _BYTECODE is None:
        import jinja2

        folder = _cache_folder()
        if folder is not None:
            _BYTECODE = jinja2.FileSystemBytecodeCache(str(folder), "housingcalc-%s.cache")
        else:

            class MemoryCache(jinja2.BytecodeCache):
                def __init__(self) -> None:
                    self.store: dict[str, bytes] = {}

                def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
                    data = self.store.get(bucket.key)
                    if data is not None:
                        bucket.bytecode_from_string(data)

                def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
                    self.store[bucket.key] = bucket.bytecode_to_string()

            _BYTECODE = MemoryCache()
    return _BYTECODE


def base_environment(templates: Path | None, t: Any) -> jinja2.Environment:
    """The jinja2 environment every page shares: the packaged templates (a ``--templates``
    folder first), StrictUndefined, autoescaped HTML, the bytecode cache, and gettext from the
    translator ``t`` (anything with ``gettext`` and ``ngettext``)."""
    import jinja2

    from housingcalc.errors import InputError
    from housingcalc.resources import templates_dir

    if templates is not None and not templates.is_dir():
        raise InputError("--templates", str(templates), "must be an existing folder")
    search = [Path(str(templates_dir()))]
    if templates is not None:
        search.insert(0, templates)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in search]),
        undefined=jinja2.StrictUndefined,
        autoescape=_autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
        bytecode_cache=_bytecode_cache(),
    )
    env.install_gettext_callables(t.gettext, t.ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


def make_environment(lang: str, templates: Path | None = None) -> jinja2.Environment:
    """The jinja2 environment for one report language (see the module docstring)."""
    t = translator(lang, templates)
    env = base_environment(templates, t)
    formatter = Formatter(lang, t)
    env.filters.update(formatter.filters())
    env.filters["svg"] = _svg
    env.globals["lang"] = formatter.lang
    env.globals["locale"] = formatter.locale
    return env


def template_context(context: Any) -> dict[str, Any]:
    """A pydantic model's fields (or a mapping) as the template's top-level names."""
    if isinstance(context, Mapping):
        return dict(context)
    fields = getattr(type(context), "model_fields", None)
    if fields is None:
        raise TypeError(f"cannot render a {type(context).__name__}; give a model or a mapping")
    return {name: getattr(context, name) for name in fields}


def render(template_name: str, context: Any, lang: str, templates: Path | None = None) -> str:
    """Render one template with a context model (or mapping) in a language.

    A template error (a misspelt variable, a syntax error in a user's template) becomes an
    :class:`~housingcalc.errors.InputError` naming the template and line.
    """
    import jinja2

    from housingcalc.errors import InputError

    env = make_environment(lang, templates)
    try:
        return env.get_template(template_name).render(template_context(context))
    except jinja2.TemplateNotFound as exc:
        raise InputError("template", exc.name, "not found in the templates folder(s)") from None
    except jinja2.TemplateError as exc:
        name = getattr(exc, "name", None) or getattr(exc, "filename", None) or template_name
        line = getattr(exc, "lineno", None)
        where = f"{name}:{line}" if line else str(name)
        raise InputError("template", where, str(exc.message or exc)) from None
