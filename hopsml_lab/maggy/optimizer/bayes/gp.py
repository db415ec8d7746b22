"""maggy's ``GP`` (Gaussian-process Bayesian optimization): not in HopsML Lab yet."""

from __future__ import annotations

from typing import Any

from ..._unavailable import not_yet
from .base import INSTEAD, BaseAsyncBO


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
        raise not_yet("Bayesian optimization ('gp')", INSTEAD)
