"""maggy's ``SingleRun`` (``optimizer='none'``): ``num_trials`` trials without
hyperparameters (``hparams`` is empty)."""

from __future__ import annotations

from typing import Any

from ..optimizers import Proposals
from .abstractoptimizer import DrivenByLagom


class SingleRun(DrivenByLagom):
    def __init__(self) -> None:
        super().__init__()

    def proposals(self, config: Any) -> Proposals:
        return Proposals([{} for _ in range(config.num_trials)])
