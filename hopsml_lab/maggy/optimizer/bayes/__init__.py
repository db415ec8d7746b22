"""maggy's Bayesian optimizers (``from maggy.optimizer.bayes import GP, TPE``): not in
HopsML Lab yet. Importing works; constructing one raises, naming what to use instead."""

from . import base, gp, tpe
from .base import BaseAsyncBO
from .gp import GP
from .tpe import TPE

__all__ = ["GP", "TPE", "BaseAsyncBO", "base", "gp", "tpe"]
