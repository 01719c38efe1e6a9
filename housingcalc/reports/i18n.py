"""Report languages: message catalogues (gettext ``.po`` files) read at run time.

The catalogues live beside the templates, one per language::

    templates/locales/nb/LC_MESSAGES/housingcalc.po   (Norwegian bokmål)
    templates/locales/en/LC_MESSAGES/housingcalc.po   (English)

Message ids are the English source texts (the gettext convention); the English catalogue holds
the wording actually shown, so either language's text can be edited in its catalogue without
touching a template. A user's ``--templates DIR`` may carry its own
``locales/<lang>/LC_MESSAGES/housingcalc.po``: its entries override the packaged ones.

>>> t = translator("nb")
>>> t.gettext("Monthly cost now")
'Månedlig kostnad nå'
>>> t.ngettext("%(n)s month", "%(n)s months", 3) % {"n": 3}
'3 måneder'
>>> translator("en").gettext("Monthly cost now")
'Monthly cost now'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, cast

from housingcalc.errors import InputError

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "Lang",
    "Translator",
    "babel_locale",
    "catalogue_path",
    "check_lang",
    "translator",
]

Lang = Literal["nb", "en"]

#: Supported report languages and the locale each is formatted with.
LANGUAGES: dict[str, str] = {"nb": "nb_NO", "en": "en_GB"}

DOMAIN = "housingcalc"


def check_lang(value: str) -> Lang:
    """Validate a ``--lang`` value (``en_GB``/``nb_NO`` style and ``no`` accepted)."""
    key = value.strip().replace("-", "_").split("_")[0].lower()
    key = {"no": "nb", "nob": "nb", "eng": "en"}.get(key, key)
    if key not in LANGUAGES:
        raise InputError("--lang", value, f"must be one of {', '.join(LANGUAGES)}")
    return cast(Lang, key)


def babel_locale(lang: str) -> str:
    """The babel locale identifier a language is formatted with (``nb`` → ``nb_NO``)."""
    return LANGUAGES[check_lang(lang)]


def catalogue_path(root: Path, lang: str) -> Path:
    """Where the catalogue of ``lang`` lives under a templates folder."""
    return root / "locales" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@dataclass(frozen=True)
class Translator:
    """gettext/ngettext over one language's catalogue, falling back to the message id."""

    lang: Lang
    messages: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    plural_rule: str = "(n != 1)"

    def gettext(self, message: str) -> str:
        text = self.messages.get(message)
        if isinstance(text, str) and text:
            return text
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self.messages.get(singular)
        index = _plural_index(self.plural_rule, n)
        if isinstance(forms, tuple) and len(forms) > index and forms[index]:
            return forms[index]
        return singular if n == 1 else plural

    def missing(self, ids: Iterable[str]) -> list[str]:
        """Message ids with no translation in this catalogue (for completeness tests); a plural
        message is missing while any of its forms is empty."""
        out = []
        for m in ids:
            text = self.messages.get(m)
            if not text or (isinstance(text, tuple) and not all(text)):
                out.append(m)
        return out


def _plural_index(rule: str, n: int) -> int:
    # Both supported languages use the two-form rule "n != 1"; any other rule falls back to it.
    del rule
    return 0 if n == 1 else 1


def _read_po(path: Path) -> tuple[dict[str, str | tuple[str, ...]], str]:
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        catalog = read_po(fh, domain=DOMAIN)
    out: dict[str, str | tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, (list, tuple)):
            strings = message.string if isinstance(message.string, (list, tuple)) else ()
            out[str(message.id[0])] = tuple(str(s) for s in strings)
        else:
            out[str(message.id)] = str(message.string or "")
    return out, str(getattr(catalog, "plural_expr", "(n != 1)"))


@lru_cache(maxsize=16)
def _catalogue(path: str, mtime_ns: int) -> tuple[dict[str, str | tuple[str, ...]], str]:
    """A catalogue, parsed once per process and kept between runs in the user's cache folder
    (housingcalc.cache; babel's .po parser took a tenth of ``housingcalc run``)."""
    del mtime_ns  # part of the cache key only: an edited file is read again
    import hashlib

    import babel

    from housingcalc import cache

    kind = "catalogue-" + hashlib.sha256(path.encode()).hexdigest()[:12]  # one file per path
    return cache.kept(kind, [path, __file__], babel.__version__, lambda: _read_po(Path(path)))


def _load(path: Path) -> tuple[dict[str, str | tuple[str, ...]], str]:
    return _catalogue(str(path), path.stat().st_mtime_ns)


def _roots(user_dir: Path | None) -> Iterator[Path]:
    from housingcalc.resources import templates_dir

    yield Path(str(templates_dir()))
    if user_dir is not None:
        yield user_dir


def translator(lang: str, user_dir: Path | None = None) -> Translator:
    """The translator for ``lang``: the packaged catalogue, overridden by a user's."""
    code = check_lang(lang)
    messages: dict[str, str | tuple[str, ...]] = {}
    rule = "(n != 1)"
    for root in _roots(user_dir):
        path = catalogue_path(root, code)
        if path.is_file():
            found, rule = _load(path)
            messages.update(
                {k: v for k, v in found.items() if v and (isinstance(v, str) or any(v))}
            )
    return Translator(code, messages, rule)


# -- keeping the catalogues complete ----------------------------------------------------------

#: Python modules whose ``N_("…")``/``_("…")`` calls hold report texts.
PYTHON_SOURCES = ("household.py", "render.py", "decision.py")

#: Templates whose name contains one of these use their own catalogue (another domain).
OTHER_DOMAINS = ("portfolio", "family")

Message = str | tuple[str, str]


def extract_messages(templates_root: Path | None = None) -> dict[Message, list[str]]:
    """Every message id the household report uses, with where it occurs.

    Templates: ``_()``, ``gettext()`` and ``ngettext()`` in ``*.j2`` (jinja2's extractor),
    except those of other reports with their own catalogue (:data:`OTHER_DOMAINS`).
    Python: ``N_()``, ``_()`` and ``gettext()`` in :data:`PYTHON_SOURCES`. A plural message is
    ``(singular, plural)``.
    """
    from babel.messages.extract import extract

    from housingcalc.resources import templates_dir

    root = templates_root or Path(str(templates_dir()))
    found: dict[Message, list[str]] = {}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}

    def add(msg: str | tuple[str, ...], where: str) -> None:
        key: Message = msg if isinstance(msg, str) else (str(msg[0]), str(msg[1]))
        found.setdefault(key, []).append(where)

    for path in sorted(root.glob("*.j2")):
        if any(other in path.name for other in OTHER_DOMAINS):
            continue
        with path.open("rb") as fh:
            for lineno, msg, _c, _ctx in extract(
                "jinja2.ext.babel_extract",
                fh,
                keywords=keywords,
                options={"extensions": "jinja2.ext.i18n"},
            ):
                add(msg, f"templates/{path.name}:{lineno}")
    here = Path(__file__).resolve().parent
    for name in PYTHON_SOURCES:
        path = here / name
        if not path.is_file():
            continue
        with path.open("rb") as fh:
            for lineno, msg, _c, _ctx in extract("python", fh, keywords=keywords):
                add(msg, f"housingcalc/reports/{name}:{lineno}")
    return found


def update_catalogues(templates_root: Path | None = None) -> dict[str, list[str]]:
    """Add every extracted message missing from the catalogues (``nb``: empty, to translate;
    ``en``: the message id itself), mark unused ones obsolete, and rewrite the ``.po`` files.
    Returns, per language, the message ids still without a translation.

    Run it after changing a template: ``python -m housingcalc.reports.i18n update``.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    from housingcalc.resources import templates_dir

    root = templates_root or Path(str(templates_dir()))
    messages = extract_messages(root)
    untranslated: dict[str, list[str]] = {}
    for lang, locale in LANGUAGES.items():
        path = catalogue_path(root, lang)
        if path.is_file():
            with path.open("rb") as fh:
                old = read_po(fh, locale=locale, domain=DOMAIN)
        else:
            old = Catalog(locale=locale, domain=DOMAIN)
        new = Catalog(
            locale=locale,
            domain=DOMAIN,
            project="housingcalc",
            fuzzy=False,
            header_comment=(
                f"# housingcalc report texts ({lang}). Message ids are the English source texts.\n"
                "# Update with: python -m housingcalc.reports.i18n update"
            ),
        )
        missing: list[str] = []
        for msgid, places in sorted(messages.items(), key=lambda kv: str(kv[0])):
            key = msgid if isinstance(msgid, str) else msgid[0]
            previous = old.get(key)
            string: Any
            if previous is not None and previous.string and not previous.fuzzy:
                string = previous.string
            elif lang == "en":
                string = msgid
            else:
                string = "" if isinstance(msgid, str) else ("", "")
                missing.append(key)
            locations = [(p.rsplit(":", 1)[0], int(p.rsplit(":", 1)[1])) for p in places[:3]]
            new.add(msgid, string, locations=locations)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(
                fh, new, width=100, sort_output=False, omit_header=False, include_previous=False
            )
        untranslated[lang] = missing
    return untranslated


def main(argv: list[str] | None = None) -> int:
    """``python -m housingcalc.reports.i18n update|check``."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["update"]:
        left = update_catalogues()
        for lang, ids in left.items():
            print(f"{lang}: {len(ids)} message(s) to translate")
            for m in ids:
                print(f"  {m}")
        return 0
    if args[:1] == ["check"]:
        found = extract_messages()
        bad = 0
        for lang in LANGUAGES:
            t = translator(lang)
            missing = t.missing(m if isinstance(m, str) else m[0] for m in found)
            bad += len(missing)
            for m in missing:
                print(f"{lang}: untranslated: {m}")
        return 1 if bad else 0
    print("usage: python -m housingcalc.reports.i18n update|check")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
