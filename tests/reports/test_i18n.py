"""Message catalogues: every text the household report uses is translated in nb and en."""

from __future__ import annotations

import pytest

from housingcalc.errors import InputError
from housingcalc.reports.i18n import LANGUAGES, check_lang, extract_messages, translator


def test_every_message_is_in_both_catalogues() -> None:
    # Keep them complete with `python -m housingcalc.reports.i18n update` (then translate nb).
    messages = extract_messages()
    assert len(messages) > 150
    for lang in LANGUAGES:
        t = translator(lang)
        missing = t.missing(m if isinstance(m, str) else m[0] for m in messages)
        assert missing == [], f"{lang}: untranslated: {missing[:5]}"


def test_placeholders_survive_translation() -> None:
    import re

    nb = translator("nb")
    for m in extract_messages():
        ids = [m] if isinstance(m, str) else list(m)
        want = set(re.findall(r"%\((\w+)\)[sd]", ids[0]))
        if isinstance(m, str):
            got = set(re.findall(r"%\((\w+)\)[sd]", nb.gettext(m)))
        else:
            got = set(re.findall(r"%\((\w+)\)[sd]", nb.ngettext(m[0], m[1], 2)))
        assert got == want, m


def test_plural_forms() -> None:
    nb = translator("nb")
    assert nb.ngettext("%(n)s month", "%(n)s months", 1) % {"n": 1} == "1 måned"
    assert nb.ngettext("%(n)s month", "%(n)s months", 2) % {"n": 2} == "2 måneder"


@pytest.mark.parametrize(
    ("given", "lang"), [("nb", "nb"), ("nb_NO", "nb"), ("no", "nb"), ("en-GB", "en")]
)
def test_language_codes(given: str, lang: str) -> None:
    assert check_lang(given) == lang


def test_unknown_language() -> None:
    with pytest.raises(InputError, match="must be one of nb, en"):
        check_lang("sv")


def test_unknown_message_falls_back_to_the_id() -> None:
    assert translator("nb").gettext("no such text") == "no such text"
