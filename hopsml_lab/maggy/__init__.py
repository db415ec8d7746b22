"""Asynchronous searches with the names of Hopsworks' maggy 1.x.

``from hopsml_lab.maggy import experiment, Searchspace`` and
``from hopsml_lab.maggy.config import HyperparameterOptConfig``.
"""

from . import experiment
from .searchspace import Searchspace

__all__ = ["Searchspace", "experiment"]
