"""maggy's acquisition functions for its Bayesian optimizers: not in HopsML Lab yet.

The class names import; constructing one or calling ``evaluate`` raises.
"""

from __future__ import annotations

from typing import Any

from ..._unavailable import not_yet
from .base import INSTEAD


class AbstractAcquisitionFunction:
    def __init__(self) -> None:
        raise not_yet(f"acquisition function {type(self).__name__}", INSTEAD)

    @staticmethod
    def evaluate(X: Any, surrogate_model: Any, y_opt: Any, acq_func_kwargs: Any = None) -> Any:
        raise not_yet("acquisition functions", INSTEAD)

    @staticmethod
    def evaluate_1_d(x: Any, surrogate_model: Any, y_opt: Any, acq_func_kwargs: Any = None) -> Any:
        raise not_yet("acquisition functions", INSTEAD)

    def name(self) -> str:
        return type(self).__name__


class GaussianProcess_EI(AbstractAcquisitionFunction): ...


class GaussianProcess_PI(AbstractAcquisitionFunction): ...


class GaussianProcess_LCB(AbstractAcquisitionFunction): ...


class GaussianProcess_UCB(AbstractAcquisitionFunction): ...


class TPE_EI(AbstractAcquisitionFunction): ...


class AsyTS(AbstractAcquisitionFunction): ...


class HLP(AbstractAcquisitionFunction): ...
