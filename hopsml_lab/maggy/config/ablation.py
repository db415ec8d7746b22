"""maggy's ``AblationConfig``: ``experiment.lagom(train_fn, config)`` runs the
``ablation_study`` as one experiment, a trial per component left out (see
``hopsml_lab.maggy.ablation``).

>>> from hopsml_lab.maggy.ablation import AblationStudy
>>> config = AblationConfig(AblationStudy("titanic", 1, "survived"), name="Titanic-LOCO")
>>> config.ablator, config.direction, config.hb_interval
('loco', 'max', 1)
"""

from __future__ import annotations

from typing import Any

from .lagom import LagomConfig


class AblationConfig(LagomConfig):
    """maggy runs ablation studies on Spark kernels only; here every kernel has Spark,
    so no check is needed."""

    def __init__(
        self,
        ablation_study: Any,
        ablator: Any = "loco",
        direction: str = "max",
        name: str = "ablationStudy",
        description: str = "",
        hb_interval: int = 1,
        model: Any = None,
        dataset: Any = None,
    ) -> None:
        """``ablator``: ``"loco"`` or an ``AbstractAblator``; ``direction``: ``"max"`` or
        ``"min"`` for the metric train_fn returns; ``model`` and ``dataset`` are handed
        to a train_fn that names them."""
        super().__init__(name, description, hb_interval)
        self.ablator = ablator
        self.ablation_study = ablation_study
        self.direction = direction
        self.model = model
        self.dataset = dataset
