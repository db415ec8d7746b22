"""maggy's ``TPE`` (tree-structured Parzen estimator): not in HopsML Lab yet."""

from __future__ import annotations

from typing import Any

from ..._unavailable import not_yet
from .base import INSTEAD, BaseAsyncBO


class TPE(BaseAsyncBO):
    def __init__(
        self,
        gamma: float = 0.15,
        n_samples: int = 24,
        bw_estimation: str = "normal_reference",
        bw_factor: float = 3,
        **kwargs: Any,
    ) -> None:
        raise not_yet("Bayesian optimization ('tpe')", INSTEAD)
