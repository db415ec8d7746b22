"""Search spaces: what a hyperparameter may take, parsed from magic tokens or hops dicts.

>>> parse_grid(["lr=0.001,0.01", "layers=2,3"])
{'lr': [0.001, 0.01], 'layers': [2, 3]}
>>> parse_random(["lr=loguniform(1e-4,1e-1)", "act=choice(relu,tanh)"])["act"]
Choice(options=('relu', 'tanh'))
"""

from __future__ import annotations

import ast
import contextlib
import itertools
import json
import math
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import BadInput

_TOKEN = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.+)$")
_CALL = re.compile(r"^(?P<kind>[a-z]+)\((?P<args>.*)\)$")


class SearchSpaceError(BadInput):
    """A search space that cannot be searched; the message names the token and why."""


NAME_LIMIT = 200  # the catalog's name columns, the same on SQLite and PostgreSQL


def clip(text: str, limit: int = 100) -> str:
    """``text`` cut to ``limit`` characters for a message, saying how long it was."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def plain_value(name: str, value: Any) -> Any:
    """A parameter value as the catalog records it (JSON): numpy scalars become Python
    numbers; anything else that JSON cannot hold is refused, naming the parameter."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        with contextlib.suppress(Exception):
            value = value.item()
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise SearchSpaceError(
            f"parameter {name}={clip(repr(value))} ({type(value).__name__}): parameter "
            "values are recorded as JSON, so give finite numbers, strings, booleans, None "
            "or lists and dicts of them; to pass an object, pass its name or path and "
            f"build it in the train function ({error})"
        ) from None
    return value


def param_name(name: Any) -> str:
    """A parameter name the catalog can hold (the same limit on every backend)."""
    if not isinstance(name, str) or not name:
        raise SearchSpaceError(f"parameter name {clip(repr(name))}: names are non-empty text")
    if len(name) > NAME_LIMIT:
        raise SearchSpaceError(
            f"parameter name {name[:40]!r}... is {len(name)} characters long: "
            f"at most {NAME_LIMIT} fit"
        )
    return name


def plain_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` with every name checked by ``param_name``, every value by ``plain_value``."""
    return {param_name(name): plain_value(name, value) for name, value in params.items()}


def literal(text: str) -> Any:
    """``0.1`` -> 0.1, ``3`` -> 3, ``True`` -> True, anything else stays a string."""
    text = text.strip()
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return value if isinstance(value, (int, float, bool, str)) else text


@dataclass(frozen=True)
class Uniform:
    low: float
    high: float

    def sample(self, rng: random.Random) -> float:
        return rng.uniform(self.low, self.high)


@dataclass(frozen=True)
class LogUniform:
    low: float
    high: float

    def sample(self, rng: random.Random) -> float:
        return math.exp(rng.uniform(math.log(self.low), math.log(self.high)))


@dataclass(frozen=True)
class IntUniform:
    low: int
    high: int

    def sample(self, rng: random.Random) -> int:
        return rng.randint(self.low, self.high)


@dataclass(frozen=True)
class Choice:
    options: tuple[Any, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple(plain_value("choice", o) for o in self.options))

    def sample(self, rng: random.Random) -> Any:
        return rng.choice(self.options)


Distribution = Uniform | LogUniform | IntUniform | Choice


def _split(token: str) -> tuple[str, str]:
    match = _TOKEN.match(token.strip())
    if not match:
        raise SearchSpaceError(f"{token!r}: write name=values, like lr=0.01,0.1")
    return match["name"], match["value"]


def parse_grid(tokens: Sequence[str]) -> dict[str, list[Any]]:
    """``name=v1,v2,...`` tokens into a grid dict."""
    grid: dict[str, list[Any]] = {}
    for token in tokens:
        name, values = _split(token)
        if name in grid:
            raise SearchSpaceError(f"{token!r}: {name} is given twice")
        items = [literal(v) for v in values.split(",")]
        if any(v == "" for v in items):
            raise SearchSpaceError(f"{token!r}: an empty value between commas")
        grid[name] = items
    if not grid:
        raise SearchSpaceError("--grid needs at least one name=v1,v2 token")
    return grid


def _numbers(token: str, kind: str, args: list[str], integers: bool) -> tuple[Any, Any]:
    if len(args) != 2:
        raise SearchSpaceError(f"{token!r}: {kind} takes two numbers (low, high)")
    low, high = (literal(a) for a in args)
    wanted = int if integers else (int, float)
    if any(isinstance(v, bool) or not isinstance(v, wanted) for v in (low, high)):
        what = "whole numbers" if integers else "numbers"
        raise SearchSpaceError(f"{token!r}: {kind} takes {what}, got {args[0]}, {args[1]}")
    if not low < high:
        raise SearchSpaceError(f"{token!r}: low must be below high")
    return low, high


def parse_distribution(token: str) -> tuple[str, Distribution]:
    name, value = _split(token)
    call = _CALL.match(value.strip())
    if not call:
        raise SearchSpaceError(
            f"{token!r}: use uniform(a,b), loguniform(a,b), int(a,b) or choice(x,y,...)"
        )
    kind, args = call["kind"], [a for a in call["args"].split(",") if a.strip()]
    if kind == "uniform":
        return name, Uniform(*_numbers(token, kind, args, integers=False))
    if kind == "loguniform":
        low, high = _numbers(token, kind, args, integers=False)
        if low <= 0:
            raise SearchSpaceError(f"{token!r}: loguniform needs a low above 0")
        return name, LogUniform(low, high)
    if kind == "int":
        return name, IntUniform(*_numbers(token, kind, args, integers=True))
    if kind == "choice":
        if len(args) < 2:
            raise SearchSpaceError(f"{token!r}: choice needs at least two options")
        return name, Choice(tuple(literal(a) for a in args))
    raise SearchSpaceError(
        f"{token!r}: {kind}() is not a distribution: use uniform, loguniform, int or choice"
    )


def parse_random(tokens: Sequence[str]) -> dict[str, Distribution]:
    space: dict[str, Distribution] = {}
    for token in tokens:
        name, distribution = parse_distribution(token)
        if name in space:
            raise SearchSpaceError(f"{token!r}: {name} is given twice")
        space[name] = distribution
    if not space:
        raise SearchSpaceError("a random search needs at least one name=uniform(a,b) token")
    return space


def from_boundaries(boundary_dict: Mapping[str, Sequence[Any]]) -> dict[str, Distribution]:
    """hops' ``{'lr': [0.001, 0.1], 'layers': [2, 8]}``: ints when both bounds are ints."""
    space: dict[str, Distribution] = {}
    for name, bounds in boundary_dict.items():
        if not isinstance(bounds, (list, tuple)) or len(bounds) != 2:
            raise SearchSpaceError(f"{name}: give [low, high], not {bounds!r}")
        low, high = bounds
        numeric = all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)
        if not numeric:
            raise SearchSpaceError(f"{name}: bounds must be numbers, not {bounds!r}")
        if not low < high:
            raise SearchSpaceError(f"{name}: low {low} must be below high {high}")
        both_int = isinstance(low, int) and isinstance(high, int)
        space[name] = IntUniform(low, high) if both_int else Uniform(float(low), float(high))
    if not space:
        raise SearchSpaceError("the boundary dict is empty: give each hyperparameter [low, high]")
    return space


def grid_points(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination, the last name varying fastest (as hops does)."""
    for name, values in grid.items():
        if not isinstance(values, (list, tuple)) or not values:
            raise SearchSpaceError(
                f"{name}: give a non-empty list of values, not {clip(repr(values))}"
            )
    grid = {param_name(n): [plain_value(n, v) for v in values] for n, values in grid.items()}
    names = list(grid)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*grid.values())]


def random_points(
    space: Mapping[str, Distribution], samples: int, seed: int | None = None
) -> list[dict[str, Any]]:
    """``samples`` draws, repeated combinations dropped."""
    if samples < 1:
        raise SearchSpaceError(f"samples={samples}: draw at least one")
    rng = random.Random(seed)
    points, seen = [], set()
    for _ in range(samples):
        point = {name: d.sample(rng) for name, d in space.items()}
        key = repr(sorted(point.items()))
        if key not in seen:
            seen.add(key)
            points.append(point)
    return points


@dataclass(frozen=True)
class SpaceSampler:
    """Draws whole points from a space of distributions (for ASHA)."""

    space: Mapping[str, Distribution]

    def sample(self, rng: random.Random) -> dict[str, Any]:
        return {name: d.sample(rng) for name, d in self.space.items()}
