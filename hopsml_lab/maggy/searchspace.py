"""maggy's ``Searchspace``: named hyperparameters of type DOUBLE, INTEGER, DISCRETE or
CATEGORICAL, with maggy's methods (``get`` gives the values; each name is an attribute).

>>> sp = Searchspace(lr=("DOUBLE", [0.001, 0.1]), units=("INTEGER", [8, 64]),
...                  act=("CATEGORICAL", ["relu", "tanh"]))
>>> sp.names()
{'lr': 'DOUBLE', 'units': 'INTEGER', 'act': 'CATEGORICAL'}
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator
from typing import Any

TYPES = ("DOUBLE", "INTEGER", "DISCRETE", "CATEGORICAL")


class BoundsError(ValueError, AssertionError):
    """A DOUBLE or INTEGER range that is not [low, high] with low below high."""


class Searchspace:
    DOUBLE, INTEGER, DISCRETE, CATEGORICAL = TYPES

    def __init__(self, **kwargs: tuple[str, list[Any]]) -> None:
        self._hparams: dict[str, tuple[str, list[Any]]] = {}
        for name, value in kwargs.items():
            self.add(name, value)

    def add(self, name: str, value: tuple[str, list[Any]]) -> None:
        """Messages start as maggy's do; a malformed range raises :class:`BoundsError`, a
        ``ValueError`` that is also the ``AssertionError`` maggy's asserts raise."""
        if name in self._hparams or name in dir(self):
            raise ValueError(
                f"Hyperparameter name is reserved: {name} (already in the search space)"
            )
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise ValueError(
                f"Hyperparameter tuple has to be of length two and format (type, list): "
                f"{name}, {value!r}: give a pair like ('DOUBLE', [0, 1])"
            )
        kind, values = str(value[0]).upper(), list(value[1])
        if kind not in TYPES:
            raise ValueError(
                f"Hyperparameter type is not of type DOUBLE, INTEGER, DISCRETE or "
                f"CATEGORICAL: {name} ({value[0]!r} is not one of {', '.join(TYPES)})"
            )
        if not values:
            raise ValueError(
                f"Hyperparameter feasible region list cannot be empty: {name}: give at "
                "least one value"
            )
        if kind in ("DOUBLE", "INTEGER"):
            if len(values) != 2:
                raise BoundsError(
                    f"For DOUBLE or INTEGER type parameters, list can only contain upper and "
                    f"lower bounds: {name}, {values!r} ({kind} takes [low, high])"
                )
            wanted = int if kind == "INTEGER" else (int, float)
            if not all(isinstance(v, wanted) and not isinstance(v, bool) for v in values):
                numbers = "integer" if kind == "INTEGER" else "integer or float"
                raise ValueError(
                    f"Hyperparameter boundaries for type {kind} need to be {numbers}: "
                    f"{name} ({kind} takes [low, high] numbers, not {values!r})"
                )
            if not values[0] < values[1]:
                raise BoundsError(
                    f"Lower bound {values[0]} must be less than upper bound {values[1]}: "
                    f"{name} (low {values[0]} must be below high {values[1]})"
                )
        self._hparams[name] = (kind, values)
        setattr(self, name, values)  # maggy's ``searchspace.lr``

    def names(self) -> dict[str, str]:
        return {name: kind for name, (kind, _) in self._hparams.items()}

    def get(self, name: str, default: Any = None) -> list[Any] | Any:
        """The values (or [low, high]) of ``name``; ``default`` when there is none."""
        return self._hparams[name][1] if name in self._hparams else default

    def to_dict(self) -> dict[str, tuple[str, list[Any]]]:
        """``Searchspace(**space.to_dict())`` makes the same space."""
        return dict(self._hparams)

    def keys(self) -> list[str]:
        return list(self._hparams)

    def values(self) -> list[tuple[str, list[Any]]]:
        return list(self._hparams.values())

    def items(self) -> Iterator[dict[str, Any]]:
        """maggy's ``{"name", "type", "values"}`` per hyperparameter, in the order added."""
        return iter(self)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for name, (kind, values) in self._hparams.items():
            yield {"name": name, "type": kind, "values": values}

    def __contains__(self, name: object) -> bool:
        return name in self._hparams

    def json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    def get_random_parameter_values(self, num: int) -> list[dict[str, Any]]:
        """``num`` random configurations, as maggy's random search draws them."""
        return [self.sample(random.Random()) for _ in range(num)]

    def __len__(self) -> int:
        return len(self._hparams)

    def __repr__(self) -> str:
        return f"Searchspace({', '.join(f'{k}={v!r}' for k, v in self._hparams.items())})"

    def sample(self, rng: random.Random) -> dict[str, Any]:
        point: dict[str, Any] = {}
        for name, (kind, values) in self._hparams.items():
            if kind == "DOUBLE":
                point[name] = rng.uniform(values[0], values[1])
            elif kind == "INTEGER":
                point[name] = rng.randint(values[0], values[1])
            else:
                point[name] = rng.choice(values)
        return point

    def grid(self) -> list[dict[str, Any]]:
        ranges = [k for k, (kind, _) in self._hparams.items() if kind in ("DOUBLE", "INTEGER")]
        if ranges:
            raise ValueError(
                f"grid search needs DISCRETE or CATEGORICAL values; {', '.join(ranges)} are ranges"
            )
        names = list(self._hparams)
        values = [v for _, v in self._hparams.values()]
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*values)]
