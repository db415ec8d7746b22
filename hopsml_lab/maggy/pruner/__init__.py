"""maggy's pruners (``from maggy.pruner import Hyperband``): Hyperband's brackets, run by
a Bayesian optimizer (``GP``/``TPE`` with ``pruner="hyperband"``) or ``RandomSearch``."""

from . import abstractpruner, hyperband
from .abstractpruner import AbstractPruner
from .hyperband import Hyperband

__all__ = ["AbstractPruner", "Hyperband", "abstractpruner", "hyperband"]
