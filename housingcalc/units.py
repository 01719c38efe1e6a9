"""Parsing of percentages and money as users write them.

Rates are fractions inside housingcalc (0.035). Users write percentages: ``3.5%``, ``3.5 %``,
``3,5 %`` or the bare number ``3.5``. A bare number between 0 and 0.2 (exclusive) is refused
as ambiguous, because ``0.05`` is far more often a fraction meant as 5 % than a rate of
0.05 %; write ``0.05%`` if that is really meant.
"""

from __future__ import annotations

from housingcalc.errors import InputError

AMBIGUOUS_BELOW = 0.2

#: The rule for an amount written with both a comma and a dot (``1,234.50``), or two commas.
AMBIGUOUS_AMOUNT = (
    "ambiguous: a comma is the decimal mark; write 1234.50 or 1 234,50 (space or nothing "
    "between thousands)"
)


def parse_percent(
    raw: str | float | int,
    field: str,
    *,
    max_pct: float = 25.0,
    min_pct: float = 0.0,
) -> float:
    """Return a percentage as a fraction.

    >>> parse_percent("3.5%", "rate")
    0.035
    >>> parse_percent("4,25 %", "rate")
    0.0425
    >>> parse_percent(5, "rate")
    0.05
    >>> parse_percent("0.05", "rate")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    housingcalc.errors.InputError: rate = '0.05': looks like a fraction; give rates in percent, ...
    """
    explicit = False
    if isinstance(raw, bool):
        raise InputError(field, raw, "must be a percentage such as 3.5%")
    if isinstance(raw, int) and abs(raw) > 10**6:  # float() of a huge int overflows
        raise InputError(field, raw, f"above the plausible maximum of {max_pct:g} %")
    if isinstance(raw, (int, float)):
        number = float(raw)
    else:
        text = raw.strip().replace("\u00a0", " ")
        if text.endswith("%"):
            explicit = True
            text = text[:-1].strip()
        text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise InputError(field, raw, "must be a percentage such as 3.5%") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise InputError(field, raw, "must be a finite percentage")
    if not explicit and 0 < abs(number) < AMBIGUOUS_BELOW:
        raise InputError(
            field,
            raw,
            "looks like a fraction; give rates in percent, e.g. 5 or 5% "
            f"(write {number:g}% if you really mean {number:g} %)",
        )
    if number < min_pct:
        raise InputError(field, raw, f"must be at least {min_pct:g} %")
    if number > max_pct:
        raise InputError(field, raw, f"above the plausible maximum of {max_pct:g} %")
    return round(number / 100.0, 12)


def parse_amount(raw: str | float | int, field: str, *, allow_zero: bool = True) -> float:
    """Parse a NOK amount written as ``2000000``, ``2 000 000``, ``2_000_000`` or ``2000,50``.

    A comma is the decimal mark; an amount with both a comma and a dot (``1,234.50``) is
    refused as ambiguous. Amounts above :data:`housingcalc.limits.MAX_AMOUNT` are refused.

    >>> parse_amount("2 000 000", "amount")
    2000000.0
    >>> parse_amount("1,234.50", "--amount")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    housingcalc.errors.InputError: --amount = '1,234.50': ambiguous: a comma is the decimal ...
    """
    from housingcalc.limits import check_amount

    if isinstance(raw, bool):
        raise InputError(field, raw, "must be an amount in NOK")
    if isinstance(raw, int) and abs(raw) > 10**15:  # float() of a huge int overflows
        check_amount(float("inf"), field, raw)
    if isinstance(raw, (int, float)):
        number = float(raw)
    else:
        text = raw.strip().replace("\u00a0", "").replace(" ", "").replace("_", "")
        if text.lower().endswith("kr"):
            text = text[:-2]
        if "," in text and ("." in text or text.count(",") > 1):
            raise InputError(field, raw, AMBIGUOUS_AMOUNT)
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise InputError(field, raw, "must be an amount in NOK, e.g. 2000000") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise InputError(field, raw, "must be a finite amount")
    if number < 0 or (number == 0 and not allow_zero):
        raise InputError(field, raw, "must be > 0" if not allow_zero else "must be ≥ 0")
    return check_amount(number, field, raw)
