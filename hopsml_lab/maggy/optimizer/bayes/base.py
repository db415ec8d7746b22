"""maggy's ``BaseAsyncBO``: the arguments its Bayesian optimizers share, and the search
space checks maggy makes when the experiment starts.

``num_warmup_trials`` random trials come first; then a ``random_fraction`` of the trials
stay random. With ``pruner="hyperband"`` the brackets set the budgets and the number of
trials. ``interim_results`` (GP only) adds a trial's budget as an input of the model.
"""

from __future__ import annotations

from typing import Any

from ....experiments.bayes import AsyncBayes
from ....experiments.bayes_space import UnitSpace
from ..abstractoptimizer import DrivenByLagom


class BaseAsyncBO(DrivenByLagom):
    def __init__(
        self,
        num_warmup_trials: int = 15,
        random_fraction: float = 0.33,
        interim_results: bool = False,
        interim_results_interval: int = 10,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not isinstance(num_warmup_trials, int) or num_warmup_trials < 0:
            raise ValueError(
                f"num_warmup_trials={num_warmup_trials!r}: give a number of random trials >= 0"
            )
        if not 0.0 <= float(random_fraction) <= 1.0:
            raise ValueError(f"random_fraction={random_fraction!r}: give a fraction in [0, 1]")
        self.num_warmup_trials = num_warmup_trials
        self.warmup_sampling = "random"
        self.random_fraction = float(random_fraction)
        self.interim_results = interim_results
        self.interim_results_interval = interim_results_interval
        self.models: dict[int, Any] = {}
        self.normalize_categorical = self.name() != "TPE"

    def space_of(self, searchspace: Any) -> UnitSpace:
        """maggy's checks at the start: at least one range (DOUBLE or INTEGER). DISCRETE
        values, which maggy refuses, are taken here as an ordered list."""
        kinds = [h["type"] for h in searchspace.items()]
        if not any(kind in ("DOUBLE", "INTEGER", "DISCRETE") for kind in kinds):
            raise ValueError(
                "In this version of Bayesian Optimization at least one hparam has to be "
                "continuous (DOUBLE or INTEGER)"
            )
        return UnitSpace.of(searchspace)

    def proposals(self, config: Any) -> AsyncBayes:
        space = self.space_of(config.searchspace)
        return self.search(space, config.num_trials, config.direction, schedule=self.pruner)

    def search(self, space: UnitSpace, num_trials: int, direction: str, **extra: Any) -> AsyncBayes:
        """HopsML Lab's optimizer with this one's settings (``extra``: ``schedule``,
        ``seed``)."""
        return self.searcher()(
            space,
            num_trials,
            direction,
            self.num_warmup_trials,
            self.random_fraction,
            **self.settings(),
            **extra,
        )

    def searcher(self) -> type[AsyncBayes]:
        raise NotImplementedError

    def settings(self) -> dict[str, Any]:
        """The subclass's own arguments, as its search takes them."""
        raise NotImplementedError
