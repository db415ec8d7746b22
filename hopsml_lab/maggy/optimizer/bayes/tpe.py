"""maggy's ``TPE``: tree-structured Parzen estimator, after BOHB.

>>> from hopsml_lab.maggy.optimizer.bayes import TPE
>>> TPE(gamma=0.2, num_warmup_trials=10).gamma
0.2
"""

from __future__ import annotations

from typing import Any

from ....experiments.tpe import BANDWIDTHS, TPESearch
from .base import BaseAsyncBO


class TPE(BaseAsyncBO):
    def __init__(
        self,
        gamma: float = 0.15,
        n_samples: int = 24,
        bw_estimation: str = "normal_reference",
        bw_factor: float = 3,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if self.interim_results:
            raise ValueError(
                "Using interim results to update surrogate model is only supported for GP "
                "for now, got TPESet `interim_results`=False when intitializing the "
                "optimizer or use GP"
            )
        if not 0.0 < gamma < 1.0:
            raise ValueError(f"gamma={gamma!r}: give the fraction of good trials, in (0, 1)")
        if not isinstance(n_samples, int) or n_samples < 1:
            raise ValueError(f"n_samples={n_samples!r}: give a number of candidates >= 1")
        if bw_estimation not in BANDWIDTHS:
            raise ValueError(f"bw_estimation={bw_estimation!r}: use one of {', '.join(BANDWIDTHS)}")
        if not bw_factor > 0:
            raise ValueError(f"bw_factor={bw_factor!r}: give a factor above 0")
        self.gamma, self.n_samples = gamma, n_samples
        self.bw_estimation, self.bw_factor = bw_estimation, bw_factor
        self.min_bw = 1e-3

    def searcher(self) -> type[TPESearch]:
        return TPESearch

    def settings(self) -> dict[str, Any]:
        return {
            "gamma": self.gamma,
            "n_samples": self.n_samples,
            "bw_estimation": self.bw_estimation,
            "bw_factor": self.bw_factor,
        }
