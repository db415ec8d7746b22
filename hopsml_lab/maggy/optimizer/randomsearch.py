"""maggy's ``RandomSearch``: ``num_trials`` random points of the search space; with
``pruner="hyperband"``, random configurations in Hyperband's brackets."""

from __future__ import annotations

from typing import Any

from ...experiments.bayes import RandomSampling
from ...experiments.bayes_space import UnitSpace
from ..optimizers import Proposals, random_search
from .abstractoptimizer import DrivenByLagom


class RandomSearch(DrivenByLagom):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)

    def initialize(self) -> None:
        """maggy's: random search needs a DOUBLE or INTEGER parameter."""
        kinds = set(self.searchspace.names().values()) if self.searchspace is not None else set()
        if self.searchspace is not None and not kinds & {"DOUBLE", "INTEGER"}:
            raise NotImplementedError(
                "Searchspace needs at least one continuous parameter for random search."
            )
        super().initialize()

    def proposals(self, config: Any) -> Proposals | RandomSampling:
        if self.pruner is None:
            return random_search(config.searchspace, config.num_trials)
        space = UnitSpace.of(config.searchspace)
        return RandomSampling(space, 0, config.direction, 0, 1.0, schedule=self.pruner)
