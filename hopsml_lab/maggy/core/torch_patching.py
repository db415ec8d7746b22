"""maggy's patching of PyTorch on a distributed worker: every ``DataLoader`` the training
function builds reads the worker's own shard (``DistributedSampler``) and puts its batches
on the worker's device; with ZeRO stages 1 and 2, ``torch.optim``'s optimizers shard their
state over the workers (``ZeroRedundancyOptimizer``).

It runs in the worker's own child process (one per task, see ``engine.distributed``), so
the patches end with it. Both the package's names (``torch.utils.data.DataLoader``) and the
defining modules' (``torch.utils.data.dataloader.DataLoader``) are patched: a training
function unpickled afterwards gets the patched classes for the names it imported.
"""

from __future__ import annotations

import collections.abc
import inspect
import sys
from typing import Any

ZERO_OPTIMIZERS = (
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "SparseAdam",
    "Adamax",
    "ASGD",
    "LBFGS",
    "RMSprop",
    "Rprop",
    "SGD",
)


def patch_torch(zero_lvl: int, device: Any) -> None:
    """Make DataLoaders distributed and, with ``zero_lvl`` 1 or 2, optimizers ZeRO ones."""
    import torch
    import torch.utils.data

    _replace(
        torch.utils.data, "DataLoader", distributed_loader(torch.utils.data.DataLoader, device)
    )
    if zero_lvl in (1, 2):
        for name in ZERO_OPTIMIZERS:
            optimizer = getattr(torch.optim, name, None)
            if optimizer is not None:
                _replace(torch.optim, name, zero_optimizer(optimizer))


def _replace(package: Any, name: str, patched: type) -> None:
    original = getattr(package, name)
    setattr(package, name, patched)
    setattr(sys.modules[original.__module__], name, patched)


def distributed_loader(base: type, device: Any) -> type:
    """maggy's ``MaggyDataLoader``: ``base`` with a ``DistributedSampler`` (reshuffled each
    epoch), no worker processes, batches moved to ``device``."""
    from torch.utils.data import IterableDataset
    from torch.utils.data.distributed import DistributedSampler

    class MaggyDataLoader(base):  # type: ignore[misc,valid-type]
        def __init__(
            self,
            dataset: Any,
            batch_size: int | None = 1,
            shuffle: Any = False,
            sampler: Any = None,
            batch_sampler: Any = None,
            num_workers: int = 0,
            collate_fn: Any = None,
            pin_memory: bool = False,
            drop_last: bool = False,
            timeout: float = 0,
            worker_init_fn: Any = None,
            **_: Any,
        ) -> None:
            """As ``torch.utils.data.DataLoader``; ``shuffle``, ``sampler``,
            ``batch_sampler`` and ``num_workers`` are replaced, as in maggy."""
            if isinstance(dataset, str):
                raise TypeError(
                    f"DataLoader got the path {dataset!r}: on a distributed worker it takes a "
                    "torch Dataset; load the file into one in train_fn first"
                )
            if isinstance(dataset, IterableDataset):
                raise TypeError(
                    "DataLoader got an IterableDataset: distributed training shards a "
                    "map-style Dataset (with __len__ and __getitem__) over the workers"
                )
            super().__init__(
                dataset,
                batch_size,
                shuffle=False,
                sampler=DistributedSampler(dataset),
                num_workers=0,  # the worker is a daemon process: it cannot start others
                collate_fn=collate_fn,
                pin_memory=pin_memory,
                drop_last=drop_last,
                timeout=timeout,
                worker_init_fn=worker_init_fn,
            )
            self._epoch = 0

        def __iter__(self) -> Any:
            self.sampler.set_epoch(self._epoch)
            self._epoch += 1
            for batch in super().__iter__():
                yield to_device(batch, device)

    return MaggyDataLoader


def to_device(data: Any, device: Any) -> Any:
    """``data``'s tensors (in dicts, lists and tuples) on ``device``."""
    if getattr(device, "type", "cpu") == "cpu":
        return data
    if isinstance(data, collections.abc.Mapping):
        return {key: to_device(value, device) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        moved = [to_device(item, device) for item in data]
        return moved if isinstance(data, list) else tuple(moved)
    return data.to(device) if hasattr(data, "to") else data


def zero_optimizer(optimizer_class: type) -> type:
    """maggy's ``MaggyZero<Optimizer>``: ``optimizer_class``'s arguments, its state
    sharded over the workers by ``ZeroRedundancyOptimizer``."""
    from torch.distributed.optim import ZeroRedundancyOptimizer

    names = list(inspect.signature(optimizer_class.__init__).parameters)[1:]

    class MaggyZeroOptimizer(ZeroRedundancyOptimizer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.update(zip(names, args, strict=False))
            params = kwargs.pop("params")
            super().__init__(params, optimizer_class=optimizer_class, **kwargs)

    MaggyZeroOptimizer.__name__ = MaggyZeroOptimizer.__qualname__ = (
        f"MaggyZero{optimizer_class.__name__}"
    )
    return MaggyZeroOptimizer
