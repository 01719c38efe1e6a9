"""Grouping the rows of a small integer table (the months of a path by the rule values and
classes in force), without ``np.unique``: its first call imports ``numpy.ma``, which costs
more than the grouping of a few hundred months (issue 12 §7)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray


def group_rows(keys: NDArray[np.int64]) -> tuple[list[int], NDArray[np.int64]]:
    """For a 2-d table: the first row of each distinct row (in order of appearance) and, for
    every row, the number of its group.

    >>> first, group = group_rows(np.array([[1, 2], [3, 4], [1, 2]]))
    >>> first, group.tolist()
    ([0, 1], [0, 1, 0])
    """
    seen: dict[tuple[Any, ...], int] = {}
    first: list[int] = []
    group = np.empty(len(keys), np.int64)
    for j, row in enumerate(map(tuple, keys.tolist())):
        g = seen.get(row)
        if g is None:
            g = seen[row] = len(first)
            first.append(j)
        group[j] = g
    return first, group
