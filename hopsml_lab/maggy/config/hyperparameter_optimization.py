"""maggy's ``HyperparameterOptConfig``: what ``experiment.lagom`` searches, and how.

``optimizer`` is a name ('randomsearch', 'gridsearch', 'asha', 'gp', 'tpe', 'none'), one
of ``maggy.optimizer``'s objects (``Asha(3, 1, 9)``, ``bayes.TPE(pruner="hyperband",
...)``), or any object with ``initial(slots)`` and ``on_result(params, metric)``.
``es_policy`` is 'median', 'none', maggy's ``MedianStoppingRule`` / ``NoStoppingRule``, or
a notebook's own ``AbstractEarlyStop`` subclass (or an instance of one), whose static
``earlystop_check`` is run as maggy's driver runs it (see ``maggy.earlystop.custom``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..earlystop import AbstractEarlyStop, MedianStoppingRule, NoStoppingRule
from ..searchspace import Searchspace
from .lagom import LagomConfig

OPTIMIZERS = ("randomsearch", "gridsearch", "asha", "gp", "tpe", "none")


def es_policy_name(es_policy: Any) -> str:
    """'median', 'none' or 'custom' for maggy's ``es_policy`` (a name, or a rule class or
    instance)."""
    if isinstance(es_policy, str):
        if es_policy.lower() in ("median", "none"):
            return es_policy.lower()
        raise ValueError(f"es_policy={es_policy!r}: use 'median' or 'none'")
    kind = es_policy if isinstance(es_policy, type) else type(es_policy)
    if issubclass(kind, MedianStoppingRule):
        return "median"
    if issubclass(kind, NoStoppingRule):
        return "none"
    if issubclass(kind, AbstractEarlyStop):
        return "custom"
    raise ValueError(
        f"es_policy={es_policy!r}: use 'median', 'none' or a maggy.earlystop.AbstractEarlyStop "
        "subclass"
    )


@dataclass
class HyperparameterOptConfig(LagomConfig):
    num_trials: int
    optimizer: str | Any
    searchspace: Searchspace
    optimization_key: str = "Metric"
    direction: str = "max"
    es_interval: int = 1
    es_min: int = 10
    es_policy: str | Any = "median"
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
        es_policy_name(self.es_policy)
        if not isinstance(self.searchspace, Searchspace):
            raise ValueError("searchspace: give a hopsml_lab.maggy.Searchspace")
