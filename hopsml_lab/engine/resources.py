"""What each trial of an experiment gets from Spark, and how a slot's GPUs reach it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..errors import BadInput


class ResourceError(BadInput):
    """A resource request that cannot be met as written; the message says what to give."""


@dataclass(frozen=True)
class TrialResources:
    """At most ``slots`` trials of the experiment at once (None: as many as Spark has
    cores), each with ``gpus`` GPUs of its own (Spark's task GPU amount)."""

    slots: int | None = None
    gpus: int = 0

    def __post_init__(self) -> None:
        if self.slots is not None and not _whole(self.slots, minimum=1):
            raise ResourceError(
                f"slots={self.slots!r}: give how many trials may run at once, 1 or more"
            )
        if not _whole(self.gpus, minimum=0):
            raise ResourceError(
                f"gpus={self.gpus!r}: give how many whole GPUs each trial gets, 0 or more"
            )


def _whole(value: Any, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def task_resource_profile(gpus: int) -> Any:
    """A Spark profile whose tasks take one core and ``gpus`` GPUs (stage-level
    scheduling: the executors stay as they are, only tasks ask for more)."""
    from pyspark.resource import ResourceProfileBuilder, TaskResourceRequests

    requests = TaskResourceRequests().cpus(1).resource("gpu", float(gpus))
    return ResourceProfileBuilder().require(requests).build


# The worker's own value, before any slot set it: restored for slots without GPUs.
_WORKER_VISIBLE = os.environ.get("CUDA_VISIBLE_DEVICES")


def slot_gpus() -> list[str]:
    """The GPU addresses Spark gave this task (the slot), empty without any."""
    from pyspark import TaskContext

    context = TaskContext.get()
    resources = context.resources() if context is not None else {}
    return list(resources["gpu"].addresses) if "gpu" in resources else []


def visible_devices(gpus: list[str]) -> dict[str, str]:
    """``CUDA_VISIBLE_DEVICES`` for a slot's trials: only its own GPUs, or what the
    worker had when Spark gave it none."""
    if gpus:
        return {"CUDA_VISIBLE_DEVICES": ",".join(gpus)}
    return {} if _WORKER_VISIBLE is None else {"CUDA_VISIBLE_DEVICES": _WORKER_VISIBLE}
