"""maggy's early-stopping rules (``from maggy.earlystop import MedianStoppingRule``).

Pass ``es_policy='median'`` (or this module's ``MedianStoppingRule``) or ``'none'`` to
``HyperparameterOptConfig``; custom ``AbstractEarlyStop`` subclasses are not run yet.
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
