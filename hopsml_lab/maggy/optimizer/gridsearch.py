"""maggy's ``GridSearch``: every combination of DISCRETE and CATEGORICAL values (the grid
sets the number of trials, whatever ``num_trials`` says)."""

from __future__ import annotations

from typing import Any

from .._unavailable import not_yet
from ..optimizers import Proposals, grid_search
from ..searchspace import Searchspace
from .abstractoptimizer import DrivenByLagom


class GridSearch(DrivenByLagom):
    def __init__(self, **kwargs: Any) -> None:
        if kwargs.get("pruner"):
            raise not_yet(
                "GridSearch with a pruner",
                "use RandomSearch, GP or TPE with pruner='hyperband', or optimizer='asha'",
            )
        super().__init__(**kwargs)

    @classmethod
    def get_num_trials(cls, searchspace: Searchspace) -> int:
        return len(searchspace.grid())

    def proposals(self, config: Any) -> Proposals:
        return grid_search(config.searchspace)
