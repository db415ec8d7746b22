"""maggy's ``AbstractPruner``, the base of its multi-fidelity pruners: not in HopsML Lab
yet; constructing a subclass raises."""

from __future__ import annotations

from abc import ABC
from typing import Any

from .._unavailable import not_yet

INSTEAD = "use optimizer='asha' (asynchronous successive halving) for budget-based pruning"


class AbstractPruner(ABC):  # noqa: B024 - constructing any pruner raises here
    def __init__(self, trial_metric_getter: Any) -> None:
        raise not_yet(f"pruner {type(self).__name__}", INSTEAD)

    def name(self) -> str:
        return type(self).__name__
