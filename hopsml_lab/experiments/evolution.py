"""Differential evolution over a box of numbers (hops' ``differential_evolution``).

Generation 0 is a random population; each later generation mutates (``x1 + F*(x2-x3)``),
crosses over gene by gene, and keeps a candidate only where it beats its target. A
parameter set already evaluated is not trained again.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .search_space import Distribution, IntUniform, SearchSpaceError, Uniform

Evaluate = Callable[[Sequence[dict[str, Any]]], Sequence[float | None]]


def _clip(space: Mapping[str, Distribution], genes: dict[str, float]) -> dict[str, Any]:
    point: dict[str, Any] = {}
    for name, value in genes.items():
        bounds = space[name]
        assert isinstance(bounds, (Uniform, IntUniform))
        value = min(max(value, bounds.low), bounds.high)
        point[name] = round(value) if isinstance(bounds, IntUniform) else value
    return point


def check_evolvable(space: Mapping[str, Distribution], generations: int, population: int) -> None:
    """Raise the reason when differential evolution cannot search this space so."""
    if not space:
        raise SearchSpaceError("give the number ranges to evolve: the space is empty")
    for name, distribution in space.items():
        if not isinstance(distribution, (Uniform, IntUniform)):
            raise SearchSpaceError(f"{name}: differential evolution searches number ranges")
    if population < 4:
        raise SearchSpaceError(f"population={population}: differential evolution needs 4 or more")
    if generations < 1:
        raise SearchSpaceError(f"generations={generations}: give at least 1")


def evolve(
    space: Mapping[str, Distribution],
    evaluate: Evaluate,
    direction: str = "MAX",
    generations: int = 4,
    population: int = 6,
    mutation: float = 0.5,
    crossover: float = 0.7,
    seed: int | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> list[tuple[dict[str, Any], float | None]]:
    """Evolve ``population`` points for ``generations``; return the final population."""
    check_evolvable(space, generations, population)
    rng = random.Random(seed)
    sign = 1.0 if direction == "MAX" else -1.0
    cache: dict[str, float | None] = {}

    def score(points: Sequence[dict[str, Any]]) -> list[float | None]:
        fresh = {repr(sorted(p.items())): p for p in points if repr(sorted(p.items())) not in cache}
        if fresh:
            for key, value in zip(fresh, evaluate(list(fresh.values())), strict=True):
                cache[key] = value
        return [cache[repr(sorted(p.items()))] for p in points]

    def better(new: float | None, old: float | None) -> bool:
        return new is not None and (old is None or sign * new > sign * old)

    targets = [
        _clip(space, {n: rng.uniform(d.low, d.high) for n, d in space.items()})  # type: ignore[union-attr]
        for _ in range(population)
    ]
    scores = score(targets)
    for _ in range(generations):
        if should_stop():
            break
        candidates = []
        for i, target in enumerate(targets):
            x1, x2, x3 = rng.sample([t for j, t in enumerate(targets) if j != i], 3)
            donor = {n: x1[n] + mutation * (x2[n] - x3[n]) for n in space}
            mixed = {n: donor[n] if rng.random() <= crossover else target[n] for n in space}
            candidates.append(_clip(space, mixed))
        candidate_scores = score(candidates)
        for i, (candidate, value) in enumerate(zip(candidates, candidate_scores, strict=True)):
            if better(value, scores[i]):
                targets[i], scores[i] = candidate, value
    return list(zip(targets, scores, strict=True))
