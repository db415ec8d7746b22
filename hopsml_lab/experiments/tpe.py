"""Tree-structured Parzen estimator (maggy's ``TPE``, after BOHB): the finished trials
split into the best ``gamma`` fraction ("good") and the rest ("bad"), each modelled by a
product-kernel density (Gaussian for ranges, Aitchison-Aitken for categories, bandwidths
by a normal-reference rule as statsmodels computes them). ``n_samples`` candidates are
drawn around good trials with the bandwidths widened by ``bw_factor``; the one with the
highest ratio good/bad density (expected improvement) is proposed.

Plain numpy (and the standard library's normal distribution for the truncated draws).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

from .bayes import AsyncBayes

MIN_BW = 1e-3  # HpBandSter's floor for a bandwidth
BANDWIDTHS = ("normal_reference", "scott", "silverman")


@dataclass
class Parzen:
    """A product-kernel density over encoded points (categories as raw indices)."""

    data: np.ndarray  # (n, d)
    bw: np.ndarray  # (d,)
    levels: np.ndarray  # (d,) number of categories, 0 for a continuous coordinate

    @classmethod
    def fit(cls, data: np.ndarray, levels: np.ndarray, rule: str) -> Parzen:
        n, d = data.shape
        std = data.std(axis=0, ddof=1) if n > 1 else np.zeros(d)
        if rule == "normal_reference":
            factor = 1.06 * n ** (-1.0 / (4 + d))
        elif rule == "scott":
            factor = n ** (-1.0 / (4 + d))
        else:  # silverman
            factor = (n * (d + 2) / 4.0) ** (-1.0 / (4 + d))
        bw = np.maximum(std * factor, MIN_BW)
        categorical = levels > 0
        # a category's bandwidth is the chance of another value: at most (c-1)/c
        top = np.where(categorical, (levels - 1) / np.maximum(levels, 1), np.inf)
        return cls(data, np.minimum(bw, top), levels)

    def pdf(self, points: np.ndarray) -> np.ndarray:
        """The density at each row of ``points``."""
        diff = points[:, None, :] - self.data[None, :, :]  # (m, n, d)
        gauss = np.exp(-0.5 * (diff / self.bw) ** 2) / (np.sqrt(2 * np.pi) * self.bw)
        same = np.abs(diff) < 0.5
        other = self.bw / np.maximum(self.levels - 1, 1)
        aitchison = np.where(same, 1.0 - self.bw, other)
        kernel = np.where(self.levels > 0, aitchison, gauss)
        return kernel.prod(axis=2).mean(axis=1)


_NORMAL = NormalDist()
_cdf = np.vectorize(_NORMAL.cdf, otypes=[float])
_ppf = np.vectorize(_NORMAL.inv_cdf, otypes=[float])


def truncated_normal(mean: np.ndarray, scale: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draws from normals cut to [0, 1] (inverse CDF on the kept interval, so no retries)."""
    low, high = _cdf((0.0 - mean) / scale), _cdf((1.0 - mean) / scale)
    u = np.clip(low + rng.uniform(size=mean.shape) * (high - low), 1e-12, 1 - 1e-12)
    return np.clip(mean + scale * _ppf(u), 0.0, 1.0)


class TPESearch(AsyncBayes):
    """maggy's ``TPE`` optimizer: see the module's docstring."""

    def __init__(
        self,
        *args: Any,
        gamma: float = 0.15,
        n_samples: int = 24,
        bw_estimation: str = "normal_reference",
        bw_factor: float = 3,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.gamma, self.n_samples = gamma, n_samples
        self.bw_estimation, self.bw_factor = bw_estimation, bw_factor
        self.levels = np.array(
            [d.levels if d.kind == "CATEGORICAL" else 0 for d in self.space.dims], dtype=float
        )

    def encode(self, params: dict[str, Any]) -> np.ndarray:
        return self.space.encode(params, categorical_unit=False)

    def fit(self, budget: int) -> dict[str, Parzen] | None:
        x, y = self.observations(budget)
        d = len(self.space)
        order = np.argsort(y, kind="stable")
        n_good = max(d + 1, int(self.gamma * len(y)))
        n_bad = max(d + 1, int((1 - self.gamma) * len(y)))
        good, bad = x[order[:n_good]], x[order[n_good : n_good + n_bad]]
        if d >= len(good) or d >= len(bad):
            return None  # maggy: each density needs more points than hyperparameters
        return {
            "good": Parzen.fit(good, self.levels, self.bw_estimation),
            "bad": Parzen.fit(bad, self.levels, self.bw_estimation),
        }

    def propose(self, model: dict[str, Parzen], budget: int) -> dict[str, Any]:
        good, bad = model["good"], model["bad"]
        centers = good.data[self.rng.integers(0, len(good.data), self.n_samples)]
        categorical = self.levels > 0
        scale = np.broadcast_to(np.maximum(good.bw, MIN_BW) * self.bw_factor, centers.shape)
        samples = truncated_normal(centers, scale, self.rng)
        # a category keeps its center's value with chance 1 - bw, else any value at random
        keep = self.rng.uniform(size=centers.shape) < (1 - good.bw)
        anyone = np.floor(self.rng.uniform(size=centers.shape) * np.maximum(self.levels, 1))
        samples = np.where(categorical, np.where(keep, centers, anyone), samples)
        ratio = np.maximum(good.pdf(samples), 1e-32) / np.maximum(bad.pdf(samples), 1e-32)
        return self.space.decode(samples[int(np.argmax(ratio))], categorical_unit=False)
