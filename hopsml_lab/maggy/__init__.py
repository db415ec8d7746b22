"""Asynchronous searches with the names of Hopsworks' maggy 1.x.

Notebooks move over by changing only their imports: ``from maggy import Searchspace``
becomes ``from hopsml_lab.maggy import Searchspace``, ``from maggy.experiment import
experiment`` becomes ``from hopsml_lab.maggy.experiment import experiment``, and
``from maggy.config import HyperparameterOptConfig`` becomes
``from hopsml_lab.maggy.config import HyperparameterOptConfig``.
"""

from . import experiment, searchspace
from .searchspace import Searchspace

__all__ = ["Searchspace", "experiment", "searchspace"]
