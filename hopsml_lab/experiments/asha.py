"""ASHA (asynchronous successive halving) as an optimizer over budgets: a freed slot
takes a promotion or a new trial; nothing waits for a generation."""

from __future__ import annotations

import random
from typing import Any, Protocol


class Sampler(Protocol):
    def sample(self, rng: random.Random) -> dict[str, Any]: ...


_DRAWS = 200  # tries at drawing a configuration not started yet


class Asha:
    """ASHA: trials start on ``resource_min`` budget; whenever a rung has ``rf`` finished
    trials per promotion, its best not yet promoted goes up a rung with ``rf`` times the
    budget, and the top rung trains for ``resource_max`` itself (1, 3, 9, 27 for rf 3 and
    27; 1, 2, 4, 8, 16, 27 for rf 2). The budget reaches the train function as
    ``hparams['budget']``."""

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
        self.budgets = [resource_min]
        while self.budgets[-1] < resource_max:
            self.budgets.append(min(self.budgets[-1] * reduction_factor, resource_max))
        self.max_rung = len(self.budgets) - 1
        self.rng = random.Random(seed)
        self.started = 0
        self._seen: list[dict[str, Any]] = []
        self.rungs: dict[int, list[tuple[dict[str, Any], float]]] = {}
        self.promoted: dict[int, list[dict[str, Any]]] = {}

    def _new(self) -> list[dict[str, Any]]:
        if self.started >= self.num_trials:
            return []
        # A configuration already started teaches nothing new on the same budget: draw
        # again; a small discrete space that has run out starts no more trials.
        for _ in range(_DRAWS):
            config = self.space.sample(self.rng)
            if config not in self._seen:
                break
        else:
            self.started = self.num_trials
            return []
        self._seen.append(config)
        self.started += 1
        return [{**config, "budget": self.rmin}]

    def initial(self, slots: int) -> list[dict[str, Any]]:
        return [config for _ in range(slots) for config in self._new()]

    def on_result(self, params: dict[str, Any], metric: float | None) -> list[dict[str, Any]]:
        base = {k: v for k, v in params.items() if k != "budget"}
        budget = params.get("budget", self.rmin)
        rung = max(k for k, b in enumerate(self.budgets) if b <= budget or k == 0)
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
                    return [{**config, "budget": self.budgets[k + 1]}]
        return self._new()
