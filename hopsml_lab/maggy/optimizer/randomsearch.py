"""maggy's ``RandomSearch``: ``num_trials`` random points of the search space."""

from __future__ import annotations

from typing import Any

from ..optimizers import Proposals, random_search
from .abstractoptimizer import DrivenByLagom


class RandomSearch(DrivenByLagom):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)

    def proposals(self, config: Any) -> Proposals:
        return random_search(config.searchspace, config.num_trials)
