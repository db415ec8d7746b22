"""Which trial runs next: random search, grid search, and ASHA (asynchronous successive
halving). Each proposes trials as slots free up; nothing waits for a generation."""

from __future__ import annotations

import random
from typing import Any, Protocol

from .searchspace import Searchspace


class Sampler(Protocol):
    def sample(self, rng: random.Random) -> dict[str, Any]: ...


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


class Asha:
    """ASHA: trials start on ``resource_min`` budget; whenever a rung has ``rf`` finished
    trials per promotion, its best not yet promoted goes up a rung with ``rf`` times the
    budget. The budget reaches the train function as ``hparams['budget']``."""

    def __init__(
        self,
        space: Sampler,
        num_trials: int,
        direction: str = "max",
        reduction_factor: int = 2,
        resource_min: int = 1,
        resource_max: int = 4,
        seed: int | None = None,
    ) -> None:
        if reduction_factor < 2 or not resource_min < resource_max:
            raise ValueError("ASHA needs reduction_factor >= 2 and resource_min < resource_max")
        self.space, self.num_trials = space, num_trials
        self.sign = 1.0 if direction.lower() == "max" else -1.0
        self.rf, self.rmin = reduction_factor, resource_min
        self.max_rung = 0  # the largest k with resource_min * rf**k <= resource_max
        while resource_min * reduction_factor ** (self.max_rung + 1) <= resource_max:
            self.max_rung += 1
        self.rng = random.Random(seed)
        self.started = 0
        self.rungs: dict[int, list[tuple[dict[str, Any], float]]] = {}
        self.promoted: dict[int, list[dict[str, Any]]] = {}

    def _new(self) -> list[dict[str, Any]]:
        if self.started >= self.num_trials:
            return []
        self.started += 1
        return [{**self.space.sample(self.rng), "budget": self.rmin}]

    def initial(self, slots: int) -> list[dict[str, Any]]:
        return [config for _ in range(slots) for config in self._new()]

    def on_result(self, params: dict[str, Any], metric: float | None) -> list[dict[str, Any]]:
        base = {k: v for k, v in params.items() if k != "budget"}
        rung, budget = 0, params.get("budget", self.rmin)
        while self.rmin * self.rf ** (rung + 1) <= budget:
            rung += 1
        if metric is not None:
            self.rungs.setdefault(rung, []).append((base, metric))
        for k in range(self.max_rung - 1, -1, -1):
            finished = self.rungs.get(k, [])
            promotable = len(finished) // self.rf
            done = self.promoted.setdefault(k, [])
            if promotable <= len(done):
                continue
            ranked = sorted(finished, key=lambda item: -self.sign * item[1])[:promotable]
            for config, _ in ranked:
                if config not in done:
                    done.append(config)
                    return [{**config, "budget": self.rmin * self.rf ** (k + 1)}]
        return self._new()
