"""maggy's optimizers (``from maggy.optimizer import Asha``), as ``lagom`` runs them here.

Pass one as ``HyperparameterOptConfig(optimizer=Asha(3, 1, 9), ...)``, or its name
('asha', 'randomsearch', 'gridsearch', 'none'); HopsML Lab's search then proposes the
trials as slots free up. ``maggy.optimizer.bayes`` (GP, TPE) and custom
``AbstractOptimizer`` subclasses raise, naming what to use instead.
"""

from . import abstractoptimizer, asha, gridsearch, randomsearch, singlerun
from .abstractoptimizer import AbstractOptimizer
from .asha import Asha
from .gridsearch import GridSearch
from .randomsearch import RandomSearch
from .singlerun import SingleRun

__all__ = [
    "AbstractOptimizer",
    "Asha",
    "GridSearch",
    "RandomSearch",
    "SingleRun",
    "abstractoptimizer",
    "asha",
    "gridsearch",
    "randomsearch",
    "singlerun",
]
