"""maggy's ``AbstractEarlyStop``: the base of early-stopping rules.

Subclass it and pass the class (or an instance) as ``HyperparameterOptConfig(es_policy=...)``:
``experiment.lagom`` calls its static ``earlystop_check`` as maggy's driver does (see
``custom.CustomStoppingRule``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class AbstractEarlyStop(ABC):
    @staticmethod
    @abstractmethod
    def earlystop_check(to_check: Any, finalized_trials: list[Any], direction: str) -> Any:
        """Called with the trial that just reported (a maggy ``Trial``), the finished
        ``Trial`` objects and 'max' or 'min': the ``trial_id`` (or a list of them) of
        trials to stop, else None."""
