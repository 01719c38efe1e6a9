"""Typed errors. Every error a user can cause names the field, the value and the rule.

The CLI prints ``str(error)`` as one line and exits with code 2; a traceback reaching a
user is a bug.
"""

from __future__ import annotations

from collections.abc import Sequence


class HousingcalcError(Exception):
    """Base class for every error housingcalc raises on purpose."""


class InputError(HousingcalcError, ValueError):
    """A value given by the user breaks a rule.

    >>> str(InputError("dwelling.area_m2", -5, "must be > 0"))
    'dwelling.area_m2 = -5: must be > 0'
    """

    def __init__(self, field: str, value: object, rule: str) -> None:
        self.field = field
        self.value = value
        self.rule = rule
        super().__init__(
            f"{field} = {value!r}: {rule}"
            if isinstance(value, str)
            else f"{field} = {value}: {rule}"
        )


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
