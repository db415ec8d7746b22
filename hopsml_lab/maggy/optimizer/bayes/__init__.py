"""maggy's Bayesian optimizers (``from maggy.optimizer.bayes import GP, TPE``), run
asynchronously by ``lagom``: pass one (or its name, 'gp' / 'tpe') as
``HyperparameterOptConfig(optimizer=...)``."""

from . import base, gp, tpe
from .base import BaseAsyncBO
from .gp import GP
from .tpe import TPE

__all__ = ["GP", "TPE", "BaseAsyncBO", "base", "gp", "tpe"]
