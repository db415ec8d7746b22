"""maggy's acquisition functions for its Gaussian process (all minimized, skopt's
conventions): negative expected improvement, negative probability of improvement, lower
confidence bound, and asynchronous Thompson sampling.

``surrogate_model`` is a fitted scikit-learn ``GaussianProcessRegressor``.
"""

from __future__ import annotations

from abc import ABC
from typing import Any

import numpy as np

from ....experiments.gaussian_process import acquisition, acquisition_1d


class AbstractAcquisitionFunction(ABC):  # noqa: B024 - maggy's base, abstract in spirit
    acronym = ""

    @classmethod
    def evaluate(
        cls, X: Any, surrogate_model: Any, y_opt: float, acq_func_kwargs: dict | None = None
    ) -> np.ndarray:
        """The acquisition at each row of ``X`` (shape (n,))."""
        if not cls.acronym:
            raise NotImplementedError
        return acquisition(cls.acronym, np.asarray(X), surrogate_model, y_opt, acq_func_kwargs)

    @classmethod
    def evaluate_1_d(
        cls, x: Any, surrogate_model: Any, y_opt: float, acq_func_kwargs: dict | None = None
    ) -> tuple[float, np.ndarray]:
        """At one point, with its gradient, for ``fmin_l_bfgs_b``."""
        if not cls.acronym:
            raise NotImplementedError
        return acquisition_1d(x, cls.acronym, surrogate_model, y_opt, acq_func_kwargs)

    def name(self) -> str:
        return type(self).__name__


class GaussianProcess_EI(AbstractAcquisitionFunction):
    """``xi`` in acq_func_kwargs"""

    acronym = "EI"


class GaussianProcess_PI(AbstractAcquisitionFunction):
    acronym = "PI"


class GaussianProcess_LCB(AbstractAcquisitionFunction):
    """``kappa`` in acq_func_kwargs"""

    acronym = "LCB"


class GaussianProcess_UCB(AbstractAcquisitionFunction):
    pass


class TPE_EI(AbstractAcquisitionFunction):
    pass


class AsyTS(AbstractAcquisitionFunction):
    acronym = "AsyTS"

    @classmethod
    def evaluate(
        cls, X: Any, surrogate_model: Any, y_opt: float, acq_func_kwargs: dict | None = None
    ) -> np.ndarray:
        X = np.asarray(X)
        return surrogate_model.sample_y(X).reshape(X.shape[0])

    @classmethod
    def evaluate_1_d(
        cls, x: Any, surrogate_model: Any, y_opt: float, acq_func_kwargs: dict | None = None
    ) -> Any:
        return surrogate_model.sample_y(np.expand_dims(x, axis=0)).reshape(1)


class HLP(AbstractAcquisitionFunction):  # not implemented in maggy
    pass
