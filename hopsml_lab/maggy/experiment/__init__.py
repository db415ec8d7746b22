"""maggy's ``experiment`` package: ``from maggy.experiment import experiment`` then
``experiment.lagom(train_fn, config)``.

Unlike maggy, whose package ``__init__`` is empty, ``lagom`` is here too, so
``from hopsml_lab.maggy import experiment; experiment.lagom(...)`` works as well.
"""

from . import experiment
from .experiment import lagom

__all__ = ["experiment", "lagom"]
