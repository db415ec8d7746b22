"""maggy's ``TfDistributedConfig``: not in HopsML Lab yet.

Constructing one raises, naming HopsML Lab's multi-worker TensorFlow training
(``hopsml_lab.experiment.mirrored``) instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._unavailable import not_yet
from .lagom import LagomConfig


class TfDistributedConfig(LagomConfig):
    def __init__(
        self,
        model: Any = None,
        dataset: Any = None,
        process_data: Callable[..., Any] | None = None,
        mixed_precision: bool = False,
        name: str = "tfDist",
        hb_interval: int = 1,
        description: str = "",
        hparams: dict[str, Any] | None = None,
    ) -> None:
        raise not_yet(
            "distributed TensorFlow training (TfDistributedConfig)",
            "use hopsml_lab.experiment.mirrored(train_fn) with "
            "tf.distribute.MultiWorkerMirroredStrategy inside train_fn",
        )
