"""maggy's ``Hyperband`` pruner: not in HopsML Lab yet; constructing one raises."""

from __future__ import annotations

from typing import Any

from .._unavailable import not_yet
from .abstractpruner import INSTEAD, AbstractPruner


class Hyperband(AbstractPruner):
    def __init__(
        self, min_budget: int, max_budget: int, eta: int, n_iterations: int, **kwargs: Any
    ) -> None:
        raise not_yet("Hyperband pruner", INSTEAD)


class SHIteration:
    """One successive-halving iteration of ``Hyperband``."""

    def __init__(
        self,
        n_configs: list[int],
        budgets: list[int],
        iteration_id: int,
        trial_metric_getter: Any,
        logger: Any,
    ) -> None:
        raise not_yet("Hyperband pruner (SHIteration)", INSTEAD)
