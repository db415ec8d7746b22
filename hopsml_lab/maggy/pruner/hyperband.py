"""maggy's ``Hyperband`` pruner: successive-halving brackets whose new configurations a
Bayesian optimizer samples (BOHB). Give it to an optimizer by name, as maggy does:

>>> from hopsml_lab.maggy.optimizer.bayes import TPE
>>> tpe = TPE(pruner="hyperband",
...           pruner_kwargs={"min_budget": 1, "max_budget": 9, "eta": 3, "n_iterations": 3})
>>> tpe.pruner.num_trials()
20

Each trial gets its budget as ``hparams['budget']``; ``num_trials`` of the config is then
set by the brackets, as in maggy.
"""

from __future__ import annotations

from typing import Any

from ...experiments.hyperband import HyperbandSchedule, SHIteration
from .abstractpruner import AbstractPruner


class Hyperband(HyperbandSchedule, AbstractPruner):
    def __init__(
        self, min_budget: int, max_budget: int, eta: int, n_iterations: int, **kwargs: Any
    ) -> None:
        unknown = set(kwargs) - {"trial_metric_getter"}
        if unknown:
            raise TypeError(f"Hyperband got unexpected arguments {sorted(unknown)}")
        HyperbandSchedule.__init__(
            self, min_budget, max_budget, eta, n_iterations, kwargs.get("trial_metric_getter")
        )


__all__ = ["Hyperband", "SHIteration"]
