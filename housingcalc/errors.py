"""Typed errors. Every error a user can cause names the field, the value and the rule.

The CLI prints ``str(error)`` as one line and exits with code 2; a traceback reaching a
user is a bug.
"""

from __future__ import annotations

import os
from collections.abc import Sequence


class HousingcalcError(Exception):
    """Base class for every error housingcalc raises on purpose."""


#: An error line shows at most this many characters of the offending value (then ``…``).
SHOWN_VALUE_CHARS = 40


def shown_value(value: object, limit: int = SHOWN_VALUE_CHARS) -> str:
    """How an error line echoes a value: text quoted, anything longer than ``limit`` cut.

    >>> shown_value("x" * 50)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' (50 characters)"
    >>> shown_value(12.5)
    '12.5'
    """
    text = str(value)
    if isinstance(value, os.PathLike):  # a path the user gave is shown whole (the OS limits it)
        return repr(text)
    cut = len(text) > limit
    body = text[:limit] + "…" if cut else text
    out = repr(body) if isinstance(value, str) else body
    return f"{out} ({len(text)} characters)" if cut else out


class InputError(HousingcalcError, ValueError):
    """A value given by the user breaks a rule.

    The message echoes the value cut to :data:`SHOWN_VALUE_CHARS` characters; a missing value
    (``None``) is not echoed at all.

    >>> str(InputError("dwelling.area_m2", -5, "must be > 0"))
    'dwelling.area_m2 = -5: must be > 0'
    >>> str(InputError("--fdv", None, "is required"))
    '--fdv: is required'
    """

    def __init__(self, field: str, value: object, rule: str) -> None:
        self.field = field
        self.value = value
        self.rule = rule
        super().__init__(
            f"{field}: {rule}" if value is None else f"{field} = {shown_value(value)}: {rule}"
        )


class InputFileError(InputError):
    """An input file cannot be read as what it should be (binary, wrong encoding, …).

    >>> str(InputFileError("household.yaml", "not a text file"))
    'household.yaml: not a text file'
    """

    def __init__(self, source: str, rule: str) -> None:
        super().__init__(source, None, rule)


class ParameterError(HousingcalcError):
    """A parameter file is malformed (names the file and the key)."""


class ParameterNotFound(HousingcalcError, LookupError):
    """No parameter of that name, or no value in force at the date asked."""


class ScenarioError(InputError):
    """A scenario or household file breaks a rule."""


class CollectedErrors(HousingcalcError):
    """Several input errors found at once (e.g. every bad row of a register).

    ``str()`` gives a one-line summary; ``lines()`` gives one line per error.
    """

    def __init__(self, source: str, errors: Sequence[str]) -> None:
        self.source = source
        self.errors = list(errors)
        first = self.errors[0] if self.errors else "-"
        super().__init__(f"{source}: {len(self.errors)} error(s); first: {first}")

    def lines(self) -> list[str]:
        return [f"{self.source}: {e}" for e in self.errors]
