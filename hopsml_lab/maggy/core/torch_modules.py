"""maggy's module wrappers: the config's module class becomes a class whose construction
builds the user's module (with the arguments ``train_fn`` gives) and returns it ready for
distributed training: in ``DistributedDataParallel`` (``backend="torch"``, ZeRO 0-2), in
FairScale's ``FullyShardedDataParallel`` (ZeRO 3) or as a DeepSpeed engine."""

from __future__ import annotations

from typing import Any

from .optional_packages import require


def wrap_module(
    module: Any, backend: str, zero_lvl: int, mixed_precision: bool, ds_config: Any, device: Any
) -> Any:
    """The wrapper of ``module`` (a class or a list of classes) for ``backend``."""
    if isinstance(module, list):
        return [
            wrap_module(one, backend, zero_lvl, mixed_precision, ds_config, device)
            for one in module
        ]
    if backend == "deepspeed":
        return _deepspeed(module, ds_config)
    if zero_lvl == 3:
        return _fully_sharded(module, mixed_precision, device)
    return _ddp(module, device)


def _ddp(module: Any, device: Any) -> type:
    from torch.nn.parallel import DistributedDataParallel

    device_ids = [device.index] if device.type == "cuda" else None

    class MaggyDDPModuleWrapper(DistributedDataParallel):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(module(*args, **kwargs).to(device), device_ids=device_ids)

    return MaggyDDPModuleWrapper


def _fully_sharded(module: Any, mixed_precision: bool, device: Any) -> type:
    fairscale = require("fairscale.nn", "TorchDistributedConfig(zero_lvl=3)", "fairscale")

    class MaggyFairScaleModuleWrapper(fairscale.FullyShardedDataParallel):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            model = module(*args, **kwargs).to(device)
            super().__init__(model, mixed_precision=mixed_precision)

    return MaggyFairScaleModuleWrapper


def _deepspeed(module: Any, ds_config: Any) -> type:
    deepspeed = require("deepspeed", 'TorchDistributedConfig(backend="deepspeed")')

    class MaggyDeepSpeedModuleWrapper:
        """Constructing it returns the DeepSpeed engine around the user's module."""

        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            model = module(*args, **kwargs)
            engine, *_ = deepspeed.initialize(
                model=model, model_parameters=model.parameters(), config=ds_config
            )
            return engine

    return MaggyDeepSpeedModuleWrapper
