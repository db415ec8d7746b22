"""``experiment.lagom`` with a ``TorchDistributedConfig`` (maggy's
``TorchDistributedTrainingDriver``): one training on every Spark task of a barrier stage,
the tasks forming one ``torch.distributed`` process group (``core.torch_worker``).

The configuration is checked on the driver before anything is recorded (DeepSpeed and
FairScale are looked for only when ``backend``/``zero_lvl`` ask for them). Each worker's
return value gives its metric (a number, a list's first item, a dict's first value). The
run is recorded as one experiment whose trial is rank 0's, the other ranks' files beside
it; ``lagom`` returns maggy's ``{"test result": <mean of the workers' metrics>}``.
"""

from __future__ import annotations

import copy
import inspect
import os
import statistics
import warnings
from collections.abc import Callable
from typing import Any

from ...experiments.distributed import train_distributed
from ...experiments.run import ExperimentError
from ...hdfs import exists as project_path_exists
from ..config.torch_distributed import TorchDistributedConfig
from ..core.optional_packages import require
from ..core.torch_worker import TorchTraining, run_worker
from .experiment import _metric_of
from .tf_distributed import METRIC, _worker_metrics

KIND = "maggy_torch_distributed"
ARGUMENTS = frozenset({"module", "dataset", "hparams", "reporter"})


def lagom_torch_distributed(
    train_fn: Callable[..., Any], config: TorchDistributedConfig
) -> dict[str, float]:
    """Train on every worker at once; maggy's ``{"test result": mean metric}``."""
    require("torch", "TorchDistributedConfig (distributed PyTorch training)")
    _check(train_fn, config)
    worker = _worker(train_fn, config, _backend_config(config))
    description = config.description or None
    logdir, _ = train_distributed(KIND, worker, config.name, description, False, METRIC, None)
    return {"test result": statistics.fmean(_worker_metrics(logdir))}


def _check(train_fn: Callable[..., Any], config: TorchDistributedConfig) -> None:
    if not callable(train_fn):
        raise ExperimentError(f"lagom takes a training function, not {train_fn!r}")
    modules = config.module if isinstance(config.module, list) else [config.module]
    if not modules:
        raise ExperimentError("TorchDistributedConfig(module=[]) names no module class")
    for module in modules:
        _check_module(module)
    if not isinstance(config.hparams, dict):
        raise ExperimentError(
            f"TorchDistributedConfig(hparams=...) takes a dict, not {config.hparams!r:.80}"
        )
    if config.dataset is not None:
        _check_dataset(config.dataset)
    if isinstance(config.zero_lvl, bool) or config.zero_lvl not in (0, 1, 2, 3):
        raise ExperimentError(
            f"TorchDistributedConfig(zero_lvl={config.zero_lvl!r}): ZeRO stages are 0, 1, 2, 3"
        )


def _check_module(module: Any) -> None:
    import torch

    if isinstance(module, torch.nn.Module) or not callable(module):
        raise ExperimentError(
            f"TorchDistributedConfig(module=...) takes a torch.nn.Module subclass, the class "
            f"itself, not {type(module).__name__} {module!r:.80}: each worker builds it and "
            "wraps it for distributed training"
        )


def _check_dataset(dataset: Any) -> None:
    if not isinstance(dataset, list):
        raise ExperimentError(
            f"TorchDistributedConfig(dataset=...) must be a list, got {type(dataset).__name__}: "
            "with one set, give it in a list"
        )
    for item in dataset:
        if isinstance(item, str) and not (project_path_exists(item) or os.path.exists(item)):
            raise ExperimentError(
                f"TorchDistributedConfig(dataset=...): path {item!r} does not exist"
            )


def _backend_config(config: TorchDistributedConfig) -> dict[str, Any] | None:
    """maggy's checks of the backend's settings; DeepSpeed's config as the workers use it
    (the config's own is not changed)."""
    if config.backend == "torch":
        if config.ds_config:
            warnings.warn(
                "TorchDistributedConfig: deepspeed_config is ignored with backend='torch'",
                stacklevel=3,
            )
        if config.zero_lvl == 3:
            require("fairscale", "TorchDistributedConfig(zero_lvl=3)")
        return None
    require("deepspeed", 'TorchDistributedConfig(backend="deepspeed")')
    if not isinstance(config.ds_config, dict):
        raise ExperimentError(
            'TorchDistributedConfig(backend="deepspeed") needs deepspeed_config, a DeepSpeed '
            "config dict (see https://www.deepspeed.ai/docs/config-json/)"
        )
    ds_config = copy.deepcopy(config.ds_config)
    if config.zero_lvl:
        ds_config.setdefault("zero_optimization", {})["stage"] = config.zero_lvl
    optimizer = ds_config.get("optimizer", {})
    if optimizer.get("type") != "Adam":
        raise ExperimentError(
            "DeepSpeed's ZeRO runs here with the Adam optimizer only: set deepspeed_config's "
            f'"optimizer": {{"type": "Adam", ...}}, not {optimizer!r:.80}'
        )
    # As maggy: PyTorch's Adam, not DeepSpeed's, whose ops would be compiled on the workers.
    optimizer.setdefault("params", {})["torch_adam"] = True
    return ds_config


def _worker(
    train_fn: Callable[..., Any], config: TorchDistributedConfig, ds_config: dict[str, Any] | None
) -> Callable[..., Any]:
    from pyspark import cloudpickle

    payload = (train_fn, config.module, config.dataset, config.hparams)
    try:
        pickled = cloudpickle.dumps(payload)
    except Exception as error:
        raise ExperimentError(
            "the training function, module or dataset cannot be sent to the workers "
            f"({type(error).__name__}: {str(error)[:200]}): pass the module class, not an "
            "instance, and paths or small datasets"
        ) from error
    training = TorchTraining(
        pickled=pickled,
        accepted=ARGUMENTS & set(inspect.signature(train_fn).parameters),
        backend=config.backend,
        zero_lvl=0 if config.backend == "deepspeed" else config.zero_lvl,
        mixed_precision=config.mixed_precision,
        ds_config=ds_config,
    )

    def worker(reporter: Any) -> dict[str, float]:
        returned = run_worker(training, reporter)
        if isinstance(returned, dict) and returned:
            returned = next(iter(returned.values()))  # maggy takes a dict's first value
        return {METRIC: _metric_of(returned, METRIC)}

    worker.__name__ = getattr(train_fn, "__name__", "train")
    return worker
