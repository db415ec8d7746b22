"""maggy's ``TorchDistributedConfig``: ``experiment.lagom(train_fn, TorchDistributedConfig(...))``
trains one PyTorch module on several Spark tasks at once (one barrier stage, as
``TfDistributedConfig``; rank 0's address and a free port as ``MASTER_ADDR`` and
``MASTER_PORT`` on every task; ``gloo`` on CPUs, ``nccl`` with CUDA).

Every worker calls ``train_fn`` with what it names of maggy's arguments: ``module`` (the
config's module class, or list of classes, wrapped so that constructing it builds the
module and wraps it in ``DistributedDataParallel``; FairScale's ``FullyShardedDataParallel``
with ``zero_lvl=3``; a DeepSpeed engine with ``backend="deepspeed"``), ``dataset`` (the
config's list, as given), ``hparams`` and ``reporter``. As in maggy, every
``torch.utils.data.DataLoader`` that ``train_fn`` builds gets a ``DistributedSampler``
(each worker reads its own shard) and puts its batches on the worker's GPU when it has
one; with ``zero_lvl`` 1 or 2, ``torch.optim``'s optimizers shard their state
(``ZeroRedundancyOptimizer``). ``lagom`` returns maggy's ``{"test result": <the workers'
metrics averaged>}`` and records the run as one experiment.

PyTorch is not one of HopsML Lab's dependencies: constructing this config without it
raises, naming what to install; DeepSpeed and FairScale are needed only when
``backend``/``zero_lvl`` ask for them. ``hb_interval`` is kept as every configuration's.
"""

from __future__ import annotations

from typing import Any

from ..core.optional_packages import require
from .lagom import LagomConfig


class TorchDistributedConfig(LagomConfig):
    """LagomConfig class for running distributed PyTorch training."""

    BACKENDS = ["torch", "deepspeed"]

    def __init__(
        self,
        module: Any,
        dataset: list[Any] | None = None,
        hparams: dict[str, Any] | None = None,
        backend: str = "torch",
        mixed_precision: bool = False,
        zero_lvl: int = 0,
        deepspeed_config: dict[str, Any] | None = None,
        name: str = "torchDist",
        hb_interval: int = 1,
        description: str = "",
    ) -> None:
        """``module``: a ``torch.nn.Module`` subclass (the class, not an instance) or a list
        of them; ``dataset``: a list of ``torch.utils.data.Dataset``s or paths (e.g.
        ``[train_set, test_set]``), handed to ``train_fn``; ``hparams``: a dict handed to
        ``train_fn``; ``backend``: ``"torch"`` or ``"deepspeed"``; ``mixed_precision``:
        FairScale's mixed precision with ``zero_lvl=3``; ``zero_lvl``: ZeRO stage 0-3
        (overrides ``deepspeed_config``'s with DeepSpeed); ``deepspeed_config``: a
        DeepSpeed config dict (https://www.deepspeed.ai/docs/config-json/)."""
        super().__init__(name, description, hb_interval)
        require("torch", "TorchDistributedConfig (distributed PyTorch training)")
        if backend not in self.BACKENDS:
            raise ValueError(
                f"Backend {backend} not supported by Maggy. Supported types are: {self.BACKENDS}"
            )
        self.module = module
        self.dataset = dataset
        self.backend = backend
        self.mixed_precision = mixed_precision
        self.hparams = hparams if hparams else {}
        self.zero_lvl = zero_lvl
        self.ds_config = deepspeed_config
