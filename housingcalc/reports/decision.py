"""Decision support output: ``solve`` answers, ``compare`` columns and the verdict, as JSON-ready
dicts and as the report contexts the templates render (one place that rounds and labels them).

Money is rounded to the øre (2 decimals), rates to 6 decimals, months as ``YYYY-MM``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from housingcalc.calc.solve import Check, Solution

__all__ = ["plain", "solution_json"]


def plain(obj: Any, *, money_decimals: int = 2) -> Any:
    """Records, dates and numbers as JSON-ready values (months as ``YYYY-MM``; floats rounded:
    names containing ``rate``/``share`` to 6 decimals, others to ``money_decimals``)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: _round(f.name, plain(getattr(obj, f.name), money_decimals=money_decimals))
            for f in dataclasses.fields(obj)
        }
    if isinstance(obj, dict):
        return {
            str(k): _round(str(k), plain(v, money_decimals=money_decimals)) for k, v in obj.items()
        }
    if isinstance(obj, (list, tuple)):
        return [plain(v, money_decimals=money_decimals) for v in obj]
    if isinstance(obj, dt.date):
        return f"{obj:%Y-%m}" if obj.day == 1 else obj.isoformat()
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalars
        return obj.item()
    return obj


def _round(name: str, value: Any) -> Any:
    if isinstance(value, float) and not isinstance(value, bool):
        return round(value, 6 if ("rate" in name or "share" in name) else 2)
    return value


def _check(c: Check | None) -> dict[str, Any] | None:
    if c is None:
        return None
    d: dict[str, Any] = plain(c)
    d["set"] = list(c.set)
    return d


def solution_json(sol: Solution, *, source: str) -> dict[str, Any]:
    """``solve --format json``: the answer with its ``set`` list (``PATH=VALUE`` that applies
    it: feeding them to ``run --set`` reproduces the passing case)."""
    d: dict[str, Any] = plain(sol)
    d["set"] = list(sol.set)
    d["at_answer"] = _check(sol.at_answer)
    d["wrong_side"] = _check(sol.wrong_side)
    d["source"] = source
    d["found"] = sol.answer is not None
    return d
