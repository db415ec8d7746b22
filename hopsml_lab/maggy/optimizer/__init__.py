"""maggy's optimizers (``from maggy.optimizer import Asha``), as ``lagom`` runs them here.

Pass one as ``HyperparameterOptConfig(optimizer=Asha(3, 1, 9), ...)``, or its name
('asha', 'randomsearch', 'gridsearch', 'gp', 'tpe', 'none'); HopsML Lab's search then
proposes the trials as slots free up. ``maggy.optimizer.bayes`` holds GP and TPE; a
notebook's own ``AbstractOptimizer`` subclass is driven as maggy's driver does
(``initialize``, ``get_suggestion``, ``finalize_experiment``).
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
