"""maggy's ``TorchDistributedConfig`` (DDP, FairScale, DeepSpeed): not in HopsML Lab yet.

Constructing one raises, naming what to use instead today.
"""

from __future__ import annotations

from typing import Any

from .._unavailable import not_yet
from .lagom import LagomConfig


class TorchDistributedConfig(LagomConfig):
    BACKENDS = ("torch", "deepspeed")

    def __init__(
        self,
        module: Any,
        dataset: Any = None,
        hparams: dict[str, Any] | None = None,
        backend: str = "torch",
        mixed_precision: bool = False,
        zero_lvl: int = 0,
        deepspeed_config: dict[str, Any] | None = None,
        name: str = "torchDist",
        hb_interval: int = 1,
        description: str = "",
    ) -> None:
        raise not_yet(
            "distributed PyTorch training (TorchDistributedConfig)",
            "train on one worker per trial with hopsml_lab.experiment.launch(train_fn); "
            "multi-worker training is TensorFlow's (hopsml_lab.experiment.mirrored)",
        )
