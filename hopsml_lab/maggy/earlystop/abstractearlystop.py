"""maggy's ``AbstractEarlyStop``: the base of early-stopping rules.

``HyperparameterOptConfig`` accepts maggy's own two rules; a custom subclass raises there,
as HopsML Lab does not call ``earlystop_check`` yet.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class AbstractEarlyStop(ABC):
    @staticmethod
    @abstractmethod
    def earlystop_check(to_check: Any, finalized_trials: list[Any], direction: str) -> Any:
        """The ``trial_id`` of ``to_check`` when it should stop, else None."""
