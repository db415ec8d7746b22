"""What an overview computes and what its engines answer: each column's spec, the
histogram bins, the two passes' results, and the engine protocol that
``overview_spark.py`` and ``overview_duck.py`` implement for ``overview.py``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .correlation import Moment
from .types import KINDS, is_numeric, is_temporal

DEFAULT_BINS = 20
TOP_VALUES = 10
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
MAX_CORRELATED = 40
"""Correlations cover at most this many numeric columns (the first ones): 780 pairs."""


@dataclass(frozen=True)
class ColumnSpec:
    """What the overview computes for one column."""

    name: str
    kind: str
    type: str

    @property
    def numeric(self) -> bool:
        return is_numeric(self.kind)

    @property
    def floating(self) -> bool:
        return self.kind.startswith("float")

    @property
    def integral(self) -> bool:
        return self.kind.startswith(("int", "uint"))

    @property
    def ordered(self) -> bool:
        """Has a min and max (numbers, dates, timestamps)."""
        return self.numeric or is_temporal(self.kind)

    @property
    def categorical(self) -> bool:
        """Gets top values."""
        return self.kind in ("string", "bool")

    @property
    def plain(self) -> bool:
        """Not nested: its distinct values can be counted."""
        return self.kind in KINDS


@dataclass(frozen=True)
class Bins:
    """Equal-width bins: value ``v`` falls in ``floor((v - low) * scale)``, clamped to
    ``[0, count - 1]`` (so the maximum is in the last bin)."""

    low: float
    scale: float
    count: int
    edges: tuple[float, ...]


def bins_for(spec: ColumnSpec, low: Any, high: Any, bins: int) -> Bins | None:
    """The histogram bins of a numeric column with this min and max; ``None`` when it
    has no finite range (no values, or an infinite one)."""
    try:
        lo, hi = float(low), float(high)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return None
    if spec.integral and hi - lo + 1 <= bins:  # one bin per integer value
        count = int(hi - lo) + 1
        return Bins(lo - 0.5, 1.0, count, tuple(lo - 0.5 + k for k in range(count + 1)))
    if hi == lo:
        return Bins(lo - 0.5, 1.0, 1, (lo - 0.5, lo + 0.5))
    edges = tuple([lo + k * (hi - lo) / bins for k in range(bins)] + [hi])
    return Bins(lo, bins / (hi - lo), bins, edges)


@dataclass
class FirstPass:
    """What an engine's first pass answers: rows, and each column's aggregates (keys
    ``nonnull``, ``zeros``, ``min``, ``max``, ``mean``, ``stddev``, ``quantiles``,
    ``distinct``, and ``top`` as ``[(value, count)]`` where the engine counts values in
    this pass)."""

    rows: int
    columns: dict[str, dict[str, Any]]


@dataclass
class SecondPass:
    """What the second pass answers: rows per bin, the correlations' sums by alias, and
    the top values an engine counts in this pass."""

    counts: dict[str, list[int]] = field(default_factory=dict)
    sums: dict[str, Any] = field(default_factory=dict)
    top: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


class OverviewEngine(Protocol):
    engine: str

    def first_pass(
        self, specs: Sequence[ColumnSpec], quantiles: Sequence[float], top: int
    ) -> FirstPass: ...

    def second_pass(
        self,
        specs: Sequence[ColumnSpec],
        first: FirstPass,
        bins: dict[str, tuple[ColumnSpec, Bins]],
        moments: Sequence[Moment],
        top: int,
    ) -> SecondPass: ...
