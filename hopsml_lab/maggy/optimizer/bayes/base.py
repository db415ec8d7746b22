"""maggy's ``BaseAsyncBO``, the base of its Bayesian optimizers: not in HopsML Lab yet."""

from __future__ import annotations

from typing import Any

from ..._unavailable import not_yet
from ..abstractoptimizer import DrivenByLagom

INSTEAD = "use optimizer='randomsearch' or 'asha'"


class BaseAsyncBO(DrivenByLagom):
    def __init__(
        self,
        num_warmup_trials: int = 15,
        random_fraction: float = 0.33,
        interim_results: bool = False,
        interim_results_interval: int = 10,
        **kwargs: Any,
    ) -> None:
        raise not_yet("Bayesian optimization (BaseAsyncBO)", INSTEAD)
