"""maggy's ``AbstractPruner``: the base of its multi-fidelity pruners, which a Bayesian
optimizer runs as a subroutine (``TPE(pruner="hyperband", pruner_kwargs={...})``)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class AbstractPruner(ABC):
    def __init__(self, trial_metric_getter: Any = None) -> None:
        # {trial id: loss} of the finished trials among the ids given; the optimizer that
        # runs the pruner sets it (maggy: its ``get_metrics_dict``)
        self.trial_metric_getter = trial_metric_getter

    @abstractmethod
    def pruning_routine(self) -> Any: ...

    @abstractmethod
    def report_trial(self, original_trial_id: Any, new_trial_id: Any) -> None: ...

    @abstractmethod
    def finished(self) -> bool: ...

    @abstractmethod
    def num_trials(self) -> int: ...

    def name(self) -> str:
        return type(self).__name__
