"""maggy's ``Asha(reduction_factor, resource_min, resource_max)``: asynchronous successive
halving. The budget reaches the training function as ``hparams['budget']``."""

from __future__ import annotations

from typing import Any

from ..optimizers import Asha as _Asha
from .abstractoptimizer import DrivenByLagom


class Asha(DrivenByLagom):
    def __init__(self, reduction_factor: int = 2, resource_min: int = 1, resource_max: int = 4):
        super().__init__()
        if not isinstance(reduction_factor, int) or reduction_factor < 2:
            raise ValueError(f"reduction_factor={reduction_factor!r}: give an integer of 2 or more")
        if not isinstance(resource_min, int) or not isinstance(resource_max, int):
            raise ValueError("resource_min and resource_max are integers")
        if resource_min >= resource_max:
            raise ValueError(f"resource_min {resource_min} must be below resource_max")
        self.reduction_factor = reduction_factor
        self.resource_min, self.resource_max = resource_min, resource_max

    def proposals(self, config: Any) -> _Asha:
        return _Asha(
            config.searchspace,
            config.num_trials,
            config.direction,
            reduction_factor=self.reduction_factor,
            resource_min=self.resource_min,
            resource_max=self.resource_max,
        )
