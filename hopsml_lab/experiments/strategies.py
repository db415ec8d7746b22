"""Search strategies: which trials an experiment runs, one small object each behind one
interface. A strategy checks its own arguments when it is made (before anything is
recorded) and drives the rounds of an :class:`Explorer` when the experiment runs.

>>> Grid({"lr": [0.01, 0.1], "units": [8, 16]}).kind
'grid_search'
>>> from hopsml_lab.experiments.search_space import Uniform
>>> Random({"lr": Uniform(0.001, 0.1)}, samples=4, seed=1).parameter_names()
['lr']
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from .asha import Asha as AshaOptimizer
from .evolution import check_evolvable, evolve
from .results import TrialResult
from .search_space import (
    Distribution,
    SearchSpaceError,
    SpaceSampler,
    grid_points,
    plain_params,
    random_points,
)

Params = dict[str, Any]

__all__ = [
    "Adaptive",
    "Asha",
    "Evolution",
    "Explorer",
    "Grid",
    "Launch",
    "Random",
    "SearchStrategy",
]


class Explorer(Protocol):
    """What a strategy may ask of the running experiment (``ExperimentRun``)."""

    @property
    def killed(self) -> bool: ...

    @property
    def direction(self) -> str: ...

    @property
    def slot_count(self) -> int: ...

    def run_round(self, param_sets: Sequence[Params]) -> list[TrialResult]: ...

    def run_adaptive(
        self,
        initial: Sequence[Params],
        propose: Callable[[TrialResult], Sequence[Params]] | None = None,
    ) -> list[TrialResult]: ...


class SearchStrategy(ABC):
    """One way of choosing trials. ``kind`` is what the catalog and the sidebar show."""

    kind: str = "search"
    #: parameters the strategy hands the train function besides the searched ones
    extra_parameters: tuple[str, ...] = ()
    #: whether an early-stopping rule may judge its trials while they train
    allows_early_stopping: bool = True

    @abstractmethod
    def parameter_names(self) -> list[str]:
        """The hyperparameters it searches: each must be a parameter of the function."""

    @abstractmethod
    def explore(self, run: Explorer, early_stopping: bool) -> None:
        """Run the trials on ``run``; return when the search is done (or killed)."""


class Launch(SearchStrategy):
    """The given parameter sets, one trial each (hops' ``launch``: one run, or one per
    entry of ``args_dict``'s lists)."""

    kind = "launch"

    def __init__(self, param_sets: Sequence[Params]) -> None:
        if not param_sets:
            raise SearchSpaceError("no trials to run: give at least one set of parameters")
        self.param_sets = [plain_params(p) for p in param_sets]

    def parameter_names(self) -> list[str]:
        return list(self.param_sets[0])

    def explore(self, run: Explorer, early_stopping: bool) -> None:
        run.run_round(self.param_sets)


class Grid(SearchStrategy):
    """Every combination of the lists. With early stopping the grid runs in an order
    shuffled by ``seed``, so that no one corner of it sets the bar."""

    kind = "grid_search"

    def __init__(self, values: Mapping[str, Sequence[Any]], seed: int | None = None) -> None:
        self.points = grid_points(values)
        self.names = list(values)
        self.seed = seed

    def parameter_names(self) -> list[str]:
        return list(self.names)

    def explore(self, run: Explorer, early_stopping: bool) -> None:
        points = list(self.points)
        if early_stopping:
            random.Random(self.seed).shuffle(points)
        run.run_round(points)


class Random(SearchStrategy):
    """``samples`` points drawn from the space; ``seed`` fixes the draws."""

    kind = "random_search"

    def __init__(
        self, space: Mapping[str, Distribution], samples: int = 10, seed: int | None = None
    ) -> None:
        self.points = random_points(space, samples, seed)
        self.names = list(space)

    def parameter_names(self) -> list[str]:
        return list(self.names)

    def explore(self, run: Explorer, early_stopping: bool) -> None:
        run.run_round(self.points)


class Evolution(SearchStrategy):
    """Differential evolution over number ranges: ``population`` points for
    ``generations``, each generation in parallel; ``seed`` fixes every draw."""

    kind = "differential_evolution"

    def __init__(
        self,
        space: Mapping[str, Distribution],
        generations: int = 4,
        population: int = 6,
        mutation: float = 0.5,
        crossover: float = 0.7,
        seed: int | None = None,
    ) -> None:
        check_evolvable(space, generations, population)
        self.space = dict(space)
        self.generations, self.population = generations, population
        self.mutation, self.crossover, self.seed = mutation, crossover, seed

    def parameter_names(self) -> list[str]:
        return list(self.space)

    def explore(self, run: Explorer, early_stopping: bool) -> None:
        evolve(
            self.space,
            lambda batch: [t.metric for t in run.run_round(batch)],
            run.direction,
            self.generations,
            self.population,
            self.mutation,
            self.crossover,
            seed=self.seed,
            should_stop=lambda: run.killed,
        )


class Asha(SearchStrategy):
    """Asynchronous successive halving over budgets: the function also takes ``budget``
    (1 up to ``max_budget``, growing ``reduction_factor`` times per promotion); a freed
    slot takes a promotion or a new trial."""

    kind = "asha"
    extra_parameters = ("budget",)
    allows_early_stopping = False  # it already stops trials by their budget

    def __init__(
        self,
        space: Mapping[str, Distribution],
        trials: int,
        max_budget: int = 4,
        reduction_factor: int = 2,
        seed: int | None = None,
    ) -> None:
        self.space = dict(space)
        self.sampler = SpaceSampler(space)
        self.trials, self.max_budget = trials, max_budget
        self.reduction_factor, self.seed = reduction_factor, seed
        self._optimizer("MAX")  # bad budgets fail now, not after the experiment is recorded

    def _optimizer(self, direction: str) -> AshaOptimizer:
        try:
            return AshaOptimizer(
                self.sampler,
                self.trials,
                direction,
                reduction_factor=self.reduction_factor,
                resource_max=self.max_budget,
                seed=self.seed,
            )
        except ValueError as error:
            raise SearchSpaceError(
                f"{error} (max budget {self.max_budget}, reduction factor {self.reduction_factor})"
            ) from error

    def parameter_names(self) -> list[str]:
        return list(self.space)

    def explore(self, run: Explorer, early_stopping: bool) -> None:
        optimizer = self._optimizer(run.direction)
        run.run_adaptive(
            optimizer.initial(run.slot_count),
            lambda result: optimizer.on_result(result.params, result.metric),
        )


class Adaptive(SearchStrategy):
    """Any optimizer with maggy's ``initial(slots)`` / ``on_result(params, metric)``."""

    def __init__(self, optimizer: Any, kind: str, names: Sequence[str] = ()) -> None:
        self.optimizer, self.kind, self.names = optimizer, kind, list(names)

    def parameter_names(self) -> list[str]:
        return list(self.names)

    def explore(self, run: Explorer, early_stopping: bool) -> None:
        run.run_adaptive(
            self.optimizer.initial(run.slot_count),
            lambda result: self.optimizer.on_result(result.params, result.metric),
        )
