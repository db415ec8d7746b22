"""Which trial runs next: random search, grid search, and ASHA (asynchronous successive
halving). Each proposes trials as slots free up; nothing waits for a generation."""

from __future__ import annotations

import random
from typing import Any

from ..experiments.asha import Asha, Sampler
from .searchspace import Searchspace


class Proposals:
    """Hands out a fixed list of configurations, one per freed slot."""

    def __init__(self, configs: list[dict[str, Any]]) -> None:
        self._pending = list(configs)

    def initial(self, slots: int) -> list[dict[str, Any]]:
        first, self._pending = self._pending[:slots], self._pending[slots:]
        return first

    def on_result(self, params: dict[str, Any], metric: float | None) -> list[dict[str, Any]]:
        return [self._pending.pop(0)] if self._pending else []


def random_search(space: Searchspace, num_trials: int, seed: int | None = None) -> Proposals:
    rng = random.Random(seed)
    return Proposals([space.sample(rng) for _ in range(num_trials)])


def grid_search(space: Searchspace) -> Proposals:
    return Proposals(space.grid())


__all__ = ["Asha", "Proposals", "Sampler", "grid_search", "random_search"]
