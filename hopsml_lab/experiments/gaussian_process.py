"""Gaussian-process Bayesian optimization (maggy's ``GP``) on scikit-learn's
``GaussianProcessRegressor``: a constant times Matern(nu=2.5) kernel with one length scale
per hyperparameter, plus a fitted white-noise term, on normalized losses.

The acquisition (expected improvement, probability of improvement or lower confidence
bound, all minimized) is evaluated on ``n_points`` random points; with ``lbfgs`` the best
``n_restarts_optimizer`` of them start L-BFGS-B runs of 20 iterations in the unit box.
Running trials join the data with an imputed loss (constant liar: the best, worst or
mean loss so far, or the model's own prediction for ``kb``), so the next proposal looks
elsewhere. ``asy_ts`` instead draws one Thompson sample of the posterior over the random
points and takes its minimum.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from scipy.optimize import fmin_l_bfgs_b
from scipy.stats import norm
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
from threadpoolctl import threadpool_limits

from .bayes import AsyncBayes

ACQUISITIONS = ("EI", "PI", "LCB")
IMPUTE = ("cl_min", "cl_max", "cl_mean", "kb")


def acquisition(
    name: str,
    x: np.ndarray,
    model: GaussianProcessRegressor,
    y_opt: float,
    kwargs: dict[str, Any] | None = None,
) -> np.ndarray:
    """skopt's conventions, as maggy uses them: negative EI and PI (``xi`` 0.01), and
    LCB ``mu - kappa * sigma`` (``kappa`` 1.96); lower is better."""
    kwargs = kwargs or {}
    mu, std = model.predict(np.atleast_2d(x), return_std=True)
    if name == "LCB":
        return mu - kwargs.get("kappa", 1.96) * std
    xi = kwargs.get("xi", 0.01)
    improve = y_opt - xi - mu
    safe = np.maximum(std, 1e-12)
    scaled = improve / safe
    if name == "PI":
        return -np.where(std > 0, norm.cdf(scaled), 0.0)
    values = improve * norm.cdf(scaled) + safe * norm.pdf(scaled)
    return -np.where(std > 0, values, 0.0)


def acquisition_1d(
    x: np.ndarray,
    name: str,
    model: GaussianProcessRegressor,
    y_opt: float,
    kwargs: dict[str, Any] | None = None,
) -> tuple[float, np.ndarray]:
    """The acquisition at one point and its gradient (central differences), for L-BFGS-B."""
    x = np.asarray(x, dtype=float)
    step = 1e-6
    around = np.vstack(
        [x, *(x + step * e for e in np.eye(len(x))), *(x - step * e for e in np.eye(len(x)))]
    )
    values = acquisition(name, around, model, y_opt, kwargs)
    n = len(x)
    return float(values[0]), (values[1 : n + 1] - values[n + 1 :]) / (2 * step)


def gaussian_process(n_dims: int, seed: int | None = None) -> GaussianProcessRegressor:
    kernel = ConstantKernel(1.0, (0.01, 1000.0)) * Matern(
        length_scale=np.ones(n_dims), length_scale_bounds=[(0.01, 100)] * n_dims, nu=2.5
    ) + WhiteKernel(1e-5, (1e-10, 1.0))
    return GaussianProcessRegressor(
        kernel=kernel, normalize_y=True, n_restarts_optimizer=2, random_state=seed
    )


class GPSearch(AsyncBayes):
    """maggy's ``GP`` optimizer: see the module's docstring."""

    def __init__(
        self,
        *args: Any,
        async_strategy: str = "impute",
        impute_strategy: str | None = "cl_min",
        acq_fun: str | None = None,
        acq_fun_kwargs: dict[str, Any] | None = None,
        acq_optimizer: str = "lbfgs",
        n_points: int = 10000,
        n_restarts_optimizer: int = 5,
        interim_results: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.async_strategy, self.impute_strategy = async_strategy, impute_strategy
        self.acq_fun = acq_fun or ("AsyTS" if async_strategy == "asy_ts" else "EI")
        self.acq_fun_kwargs, self.acq_optimizer = acq_fun_kwargs, acq_optimizer
        self.n_points, self.n_restarts = n_points, n_restarts_optimizer
        self.interim_results = interim_results
        self.uses_running = async_strategy == "impute"
        self.max_budget = self.schedule.max_budget if self.schedule is not None else 1
        self._seed = int(self.rng.integers(2**31))

    def encode(self, params: dict[str, Any]) -> np.ndarray:
        point = self.space.encode(params)
        if self.interim_results:  # the budget as one more input, normalized
            point = np.append(point, params.get("budget", self.max_budget) / self.max_budget)
        return point

    def _model_budget(self, budget: int) -> int | None:
        # with interim results one model spans every budget (the budget is an input)
        return self._fit_as(0) if self.interim_results else super()._model_budget(budget)

    def _fit_as(self, key: int) -> int | None:
        model = self.fit(key)
        if model is None:
            return None
        self.models[key] = model
        return key

    def fit(self, budget: int) -> GaussianProcessRegressor | None:
        x, y = self.observations(budget)
        if len(y) < max(1, len(self.space)):
            return None  # maggy: at least as many observations as hyperparameters
        model = self._fitted(x, y)
        if self.uses_running:
            busy = self.running(budget)
            if busy:
                liar = self._liar(y, busy, model)
                bx = np.array([self._at_max_budget(t.params) for t in busy])
                # the liars move the mean, not the kernel: keep its fitted hyperparameters
                model = self._fitted(np.vstack([x, bx]), np.concatenate([y, liar]), model.kernel_)
                for t, value in zip(busy, liar, strict=True):
                    t.info.setdefault("imputed_metrics", []).append(self.sign * float(value))
        model.y_best_ = float(np.min(y))
        return model

    def _at_max_budget(self, params: dict[str, Any]) -> np.ndarray:
        point = self.space.encode(params)
        return np.append(point, 1.0) if self.interim_results else point

    def _liar(self, y: np.ndarray, busy: list[Any], model: GaussianProcessRegressor) -> np.ndarray:
        if self.impute_strategy == "kb":
            return model.predict(np.array([self._at_max_budget(t.params) for t in busy]))
        value = {"cl_min": np.min, "cl_max": np.max, "cl_mean": np.mean}[
            self.impute_strategy or "cl_min"
        ](y)
        return np.full(len(busy), float(value))

    def _fitted(self, x: np.ndarray, y: np.ndarray, kernel: Any = None) -> GaussianProcessRegressor:
        model = gaussian_process(x.shape[1], self._seed)
        if kernel is not None:
            model.set_params(kernel=kernel, optimizer=None)
        # a few dozen points: one BLAS thread is fastest, and many contend on a busy driver
        with threadpool_limits(1), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(x, y)
        return model

    def propose(self, model: GaussianProcessRegressor, budget: int) -> dict[str, Any]:
        candidates = self.space.samples(self.n_points, self.rng)
        if self.interim_results:  # always propose for the full budget
            candidates = np.column_stack([candidates, np.ones(len(candidates))])
        with threadpool_limits(1):
            best = self._best(model, candidates)
        return self.space.decode(np.clip(best, 0.0, 1.0)[: len(self.space)])

    def _best(self, model: GaussianProcessRegressor, candidates: np.ndarray) -> np.ndarray:
        if self.async_strategy == "asy_ts":
            seed = int(self.rng.integers(2**31))
            return candidates[int(np.argmin(model.sample_y(candidates, random_state=seed).ravel()))]
        values = acquisition(self.acq_fun, candidates, model, model.y_best_, self.acq_fun_kwargs)
        if self.acq_optimizer == "lbfgs":
            return self._lbfgs(
                model, model.y_best_, candidates[np.argsort(values)[: self.n_restarts]]
            )
        return candidates[int(np.argmin(values))]

    def _lbfgs(
        self, model: GaussianProcessRegressor, y_opt: float, starts: np.ndarray
    ) -> np.ndarray:
        bounds = [(0.0, 1.0)] * starts.shape[1]
        if self.interim_results:
            bounds[-1] = (1.0, 1.0)
        found = [
            fmin_l_bfgs_b(
                acquisition_1d,
                x0=start,
                args=(self.acq_fun, model, y_opt, self.acq_fun_kwargs),
                bounds=bounds,
                maxiter=20,
            )
            for start in starts
        ]
        return min(found, key=lambda r: r[1])[0]
