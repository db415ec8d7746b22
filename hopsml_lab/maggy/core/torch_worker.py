"""One worker of a distributed PyTorch training, inside its barrier task's child process.

The barrier stage hands every task the cluster's addresses (``TF_CONFIG``, rank order, each
with a port found free on that task's host). The worker turns them into PyTorch's
``MASTER_ADDR``/``MASTER_PORT`` (rank 0's), ``WORLD_SIZE``, ``RANK`` and ``LOCAL_RANK``,
joins the process group (``nccl`` with CUDA, else ``gloo``; DeepSpeed's own with
``backend="deepspeed"``), patches PyTorch, then unpickles and calls the training function,
and leaves the group once every worker is done.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .optional_packages import require
from .torch_modules import wrap_module
from .torch_patching import patch_torch


@dataclass(frozen=True)
class TorchTraining:
    """What every worker runs: the pickled ``(train_fn, module, dataset, hparams)`` and
    the config's backend settings."""

    pickled: bytes
    accepted: frozenset[str]  # the maggy arguments train_fn names
    backend: str
    zero_lvl: int
    mixed_precision: bool
    ds_config: dict[str, Any] | None


def torch_env(tf_config: dict[str, Any]) -> dict[str, str]:
    """PyTorch's rendezvous variables from the barrier stage's cluster addresses."""
    peers: list[str] = tf_config["cluster"]["worker"]
    rank = int(tf_config["task"]["index"])
    master, port = peers[0].rsplit(":", 1)
    host = peers[rank].rsplit(":", 1)[0]
    local_rank = sum(1 for peer in peers[:rank] if peer.rsplit(":", 1)[0] == host)
    return {
        "MASTER_ADDR": master,
        "MASTER_PORT": port,
        "WORLD_SIZE": str(len(peers)),
        "RANK": str(rank),
        "LOCAL_RANK": str(local_rank),
    }


def run_worker(training: TorchTraining, reporter: Any) -> Any:
    """Join the process group, call ``train_fn`` with maggy's arguments, return what it
    returned once every worker has finished."""
    import torch
    import torch.distributed as dist
    from pyspark import cloudpickle

    os.environ.update(torch_env(json.loads(os.environ["TF_CONFIG"])))
    device = _device(torch, int(os.environ["LOCAL_RANK"]))
    _join(torch, training.backend, device)
    try:
        _seed(torch, 0)
        patch_torch(training.zero_lvl, device)
        # Unpickled only now, so that its DataLoader and optimizers are the patched ones.
        train_fn, module, dataset, hparams = cloudpickle.loads(training.pickled)
        wrapped = wrap_module(
            module,
            training.backend,
            training.zero_lvl,
            training.mixed_precision,
            training.ds_config,
            device,
        )
        offered = {"module": wrapped, "dataset": dataset, "hparams": hparams, "reporter": reporter}
        returned = _call(train_fn, offered, training.accepted)
        dist.barrier()  # no worker leaves while another may still need it
        return returned
    finally:
        dist.destroy_process_group()


def _call(train_fn: Callable[..., Any], offered: dict[str, Any], accepted: frozenset[str]) -> Any:
    return train_fn(**{name: value for name, value in offered.items() if name in accepted})


def _device(torch: Any, local_rank: int) -> Any:
    if torch.cuda.is_available():
        device = torch.device("cuda", local_rank % torch.cuda.device_count())
        torch.cuda.set_device(device)
        return device
    return torch.device("cpu")


def _join(torch: Any, backend: str, device: Any) -> None:
    group_backend = "nccl" if device.type == "cuda" else "gloo"
    if backend == "deepspeed":
        deepspeed = require("deepspeed", 'TorchDistributedConfig(backend="deepspeed")')
        deepspeed.init_distributed(dist_backend=group_backend)
    else:
        torch.distributed.init_process_group(backend=group_backend)


def _seed(torch: Any, seed: int) -> None:
    """maggy's seeding: the same start on every worker."""
    import numpy as np

    torch.manual_seed(seed)
    np.random.seed(seed)
    random.seed(seed)
