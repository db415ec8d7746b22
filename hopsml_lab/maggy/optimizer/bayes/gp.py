"""maggy's ``GP``: Gaussian-process Bayesian optimization (scikit-learn's regressor,
a Matern kernel), with maggy's asynchronous strategies and acquisition functions.

>>> from hopsml_lab.maggy.optimizer.bayes import GP
>>> GP(acq_fun="LCB", impute_strategy="cl_max").acq_fun.name()
'GaussianProcess_LCB'
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ....experiments.gaussian_process import IMPUTE, GPSearch
from .acquisitions import (
    AsyTS,
    GaussianProcess_EI,
    GaussianProcess_LCB,
    GaussianProcess_PI,
)
from .base import BaseAsyncBO

STRATEGIES = {
    "impute": {"EI": GaussianProcess_EI, "LCB": GaussianProcess_LCB, "PI": GaussianProcess_PI},
    "asy_ts": {"AsyTS": AsyTS},
}


class GP(BaseAsyncBO):
    def __init__(
        self,
        async_strategy: str = "impute",
        impute_strategy: str | None = "cl_min",
        acq_fun: Any = None,
        acq_fun_kwargs: dict[str, Any] | None = None,
        acq_optimizer: str = "lbfgs",
        acq_optimizer_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if async_strategy not in STRATEGIES:
            raise ValueError(
                f"Expected async_strategy to be in {list(STRATEGIES)} with GP as surrogate, "
                f"got {async_strategy}"
            )
        if async_strategy == "impute" and self.pruner and not self.interim_results:
            raise ValueError(
                "Optimizer GP with async strategy `impute` only supports Pruner with "
                f"interim_results==True, got {self.interim_results}"
            )
        allowed = STRATEGIES[async_strategy]
        if acq_fun is not None and acq_fun not in allowed:
            raise ValueError(
                f"Expected acq_fun to be in {list(allowed)} with GP as surrogate and "
                f"{async_strategy} as async_strategy, got {acq_fun}"
            )
        if acq_optimizer not in ["sampling", "lbfgs"]:
            raise ValueError(
                f"expected acq_optimizer to be in ['sampling', 'lbfgs'], got {acq_optimizer}"
            )
        if async_strategy == "impute" and impute_strategy not in IMPUTE:
            raise ValueError(
                f"expected impute_strategy to be in {list(IMPUTE)}, got {impute_strategy}"
            )
        self.async_strategy = async_strategy
        self.impute_strategy = impute_strategy if async_strategy == "impute" else None
        self.acq_fun = allowed[acq_fun or next(iter(allowed))]()
        self.acq_func_kwargs = acq_fun_kwargs
        self.acq_optimizer = acq_optimizer
        options = dict(acq_optimizer_kwargs or {})
        if async_strategy == "asy_ts":
            self.n_points = int(np.clip(options.get("n_points", 100), 10, 1000))
        else:
            self.n_points = int(options.get("n_points", 10000))
        self.n_restarts_optimizer = int(options.get("n_restarts_optimizer", 5))
        self.acq_optimizer_kwargs = options
        self.base_model = None

    def searcher(self) -> type[GPSearch]:
        return GPSearch

    def settings(self) -> dict[str, Any]:
        return {
            "async_strategy": self.async_strategy,
            "impute_strategy": self.impute_strategy,
            "acq_fun": self.acq_fun.acronym,
            "acq_fun_kwargs": self.acq_func_kwargs,
            # Thompson sampling draws one posterior sample over the random points
            "acq_optimizer": "sampling" if self.async_strategy == "asy_ts" else self.acq_optimizer,
            "n_points": self.n_points,
            "n_restarts_optimizer": self.n_restarts_optimizer,
            "interim_results": self.interim_results,
        }
