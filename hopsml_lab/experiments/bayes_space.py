"""A search space as the Bayesian optimizers see it: every hyperparameter one coordinate
in [0, 1], as maggy's ``Searchspace.transform`` encodes it.

DOUBLE and INTEGER are min-max normalized (an INTEGER rounds back to the nearest
integer); DISCRETE and CATEGORICAL become the index of their value, normalized over the
list (``categorical_unit=False`` keeps a CATEGORICAL's raw index, as maggy's TPE does).

>>> space = UnitSpace([("lr", "DOUBLE", [0.0, 0.1]), ("act", "CATEGORICAL", ["a", "b", "c"])])
>>> space.encode({"lr": 0.05, "act": "c"}).tolist()
[0.5, 1.0]
>>> space.decode([0.5, 0.4])
{'lr': 0.05, 'act': 'b'}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

RANGES = ("DOUBLE", "INTEGER")
CHOICES = ("DISCRETE", "CATEGORICAL")


@dataclass(frozen=True)
class Dimension:
    name: str
    kind: str  # DOUBLE, INTEGER, DISCRETE or CATEGORICAL
    values: list[Any]

    @property
    def levels(self) -> int:
        """How many values a choice takes (0 for a range)."""
        return 0 if self.kind in RANGES else len(self.values)


class UnitSpace:
    """Encodes configurations to points of [0, 1]^d and back."""

    def __init__(self, dimensions: Iterable[tuple[str, str, Sequence[Any]]]) -> None:
        self.dims = [
            Dimension(name, kind.upper(), list(values)) for name, kind, values in dimensions
        ]
        unknown = [d.name for d in self.dims if d.kind not in RANGES + CHOICES]
        if unknown:
            raise ValueError(
                f"{', '.join(unknown)}: types are DOUBLE, INTEGER, DISCRETE, CATEGORICAL"
            )

    @classmethod
    def of(cls, searchspace: Any) -> UnitSpace:
        """From maggy's ``Searchspace`` (anything whose ``items()`` yields name/type/values)."""
        return cls((h["name"], h["type"], h["values"]) for h in searchspace.items())

    @property
    def names(self) -> list[str]:
        return [d.name for d in self.dims]

    def __len__(self) -> int:
        return len(self.dims)

    def encode(self, config: Mapping[str, Any], categorical_unit: bool = True) -> np.ndarray:
        """The point of ``config`` (keys outside the space, like ``budget``, are ignored)."""
        point = np.empty(len(self.dims))
        for i, d in enumerate(self.dims):
            value = config[d.name]
            if d.kind in RANGES:
                low, high = d.values
                point[i] = min(1.0, max(0.0, (float(value) - low) / (high - low)))
            else:
                index = d.values.index(value)
                raw = d.kind == "CATEGORICAL" and not categorical_unit
                point[i] = index if raw else (index / (d.levels - 1) if d.levels > 1 else 0.0)
        return point

    def decode(self, point: Sequence[float], categorical_unit: bool = True) -> dict[str, Any]:
        """The configuration nearest to ``point``."""
        config: dict[str, Any] = {}
        for x, d in zip(point, self.dims, strict=True):
            x = float(x)
            if d.kind == "DOUBLE":
                low, high = d.values
                config[d.name] = low + min(1.0, max(0.0, x)) * (high - low)
            elif d.kind == "INTEGER":
                low, high = d.values
                config[d.name] = round(low + min(1.0, max(0.0, x)) * (high - low))
            else:
                raw = d.kind == "CATEGORICAL" and not categorical_unit
                index = x if raw else min(1.0, max(0.0, x)) * (d.levels - 1)
                config[d.name] = d.values[min(d.levels - 1, max(0, round(index)))]
        return config

    def sample(self, rng: np.random.Generator) -> dict[str, Any]:
        """A uniformly random configuration (integers and choices each equally likely)."""
        config: dict[str, Any] = {}
        for d in self.dims:
            if d.kind == "DOUBLE":
                config[d.name] = float(rng.uniform(d.values[0], d.values[1]))
            elif d.kind == "INTEGER":
                config[d.name] = int(rng.integers(d.values[0], d.values[1] + 1))
            else:
                config[d.name] = d.values[int(rng.integers(d.levels))]
        return config

    def samples(self, count: int, rng: np.random.Generator) -> np.ndarray:
        """``count`` uniformly random points, encoded (rows)."""
        columns = []
        for d in self.dims:
            if d.kind == "DOUBLE":
                columns.append(rng.uniform(0.0, 1.0, count))
            elif d.kind == "INTEGER":
                low, high = d.values
                columns.append((rng.integers(low, high + 1, count) - low) / (high - low))
            else:
                columns.append(rng.integers(0, d.levels, count) / max(1, d.levels - 1))
        return np.column_stack(columns) if columns else np.empty((count, 0))
