"""maggy's experiment configuration (``from maggy.config import HyperparameterOptConfig``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .searchspace import Searchspace

OPTIMIZERS = ("randomsearch", "gridsearch", "asha")


@dataclass
class HyperparameterOptConfig:
    num_trials: int
    optimizer: str | Any
    searchspace: Searchspace
    optimization_key: str = "Metric"
    direction: str = "max"
    es_interval: int = 1
    es_min: int = 10
    es_policy: str = "median"
    name: str = "HPOptimization"
    description: str = ""
    hb_interval: int = 1
    model: Any = None
    dataset: Any = None

    def __post_init__(self) -> None:
        if not isinstance(self.num_trials, int) or self.num_trials <= 0:
            raise ValueError(f"num_trials={self.num_trials!r}: give a number of trials above 0")
        if isinstance(self.optimizer, str) and self.optimizer.lower() not in OPTIMIZERS:
            raise ValueError(f"optimizer={self.optimizer!r}: use one of {', '.join(OPTIMIZERS)}")
        if str(self.direction).lower() not in ("max", "min"):
            raise ValueError(f"direction={self.direction!r}: use 'max' or 'min'")
        if str(self.es_policy).lower() not in ("median", "none"):
            raise ValueError(f"es_policy={self.es_policy!r}: use 'median' or 'none'")
        if not isinstance(self.searchspace, Searchspace):
            raise ValueError("searchspace: give a hopsml_lab.maggy.Searchspace")
