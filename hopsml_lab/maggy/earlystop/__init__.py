"""maggy's early-stopping rules (``from maggy.earlystop import MedianStoppingRule``).

Pass ``es_policy='median'`` (or this module's ``MedianStoppingRule``) or ``'none'`` to
``HyperparameterOptConfig``, or a notebook's own ``AbstractEarlyStop`` subclass: its
``earlystop_check`` runs as maggy's driver runs it (``custom.CustomStoppingRule``).
"""

from . import abstractearlystop, medianrule, nostop
from .abstractearlystop import AbstractEarlyStop
from .medianrule import MedianStoppingRule
from .nostop import NoStoppingRule

__all__ = [
    "AbstractEarlyStop",
    "MedianStoppingRule",
    "NoStoppingRule",
    "abstractearlystop",
    "medianrule",
    "nostop",
]
