"""Failing-row samples taken after the aggregation pass (Spark, and DuckDB sources
without row numbers): one ``LIMIT`` query over the rows failing any failing rule, each
row with the rules it fails, sized by the failing counts; each rule's first failing rows
among them are its first failing rows overall. Then a query per rule still short.
Engines build the queries; this module sizes them and deals their rows."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

SAMPLE_FETCH_CAP = 20_000
"""At most this many rows failing any rule are read at once for the samples."""


def sample_fetch(failing: Mapping[int, int], k: int) -> int:
    """How many rows failing any of these rules (index -> failing count, all > 0) to
    read for ``k`` samples each: enough that the rarest rule expects twice the rows it
    needs; 0 when that is over ``SAMPLE_FETCH_CAP`` (take each rule on its own)."""
    total = sum(failing.values())
    fetch = max(math.ceil(2 * min(k, n) * total / n) for n in failing.values())
    return fetch if fetch <= SAMPLE_FETCH_CAP else 0


def deal(flagged: Iterable[tuple[list[int | None], Any]], k: int) -> dict[int, list[Any]]:
    """Rows read in order with the rules each fails (``[index or None, ...]``, as a
    SQL ``array(CASE WHEN failing THEN index END, ...)``) dealt to each rule, the first
    ``k`` each: each rule's first failing rows, as the rows are read."""
    out: dict[int, list[Any]] = {}
    for indexes, row in flagged:
        for i in indexes:
            if i is not None and len(out.setdefault(i, [])) < k:
                out[i].append(row)
    return out


def short_of(got: Mapping[int, list[Any]], failing: Mapping[int, int], k: int) -> list[int]:
    """The rules with fewer sampled rows than ``min(k, failing rows)``."""
    return [i for i, n in failing.items() if len(got.get(i, [])) < min(k, n)]
