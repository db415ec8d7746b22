"""GPUs with the names of Hopsworks' ``hops.devices``."""

from __future__ import annotations

import os


def gpu_addresses() -> list[str]:
    """The GPUs this trial may use: Spark's task resources, else CUDA_VISIBLE_DEVICES."""
    try:
        from pyspark import TaskContext

        context = TaskContext.get()
        if context is not None and "gpu" in context.resources():
            return list(context.resources()["gpu"].addresses)
    except Exception:  # not inside a Spark task
        pass
    visible = os.environ.get("CUDA_VISIBLE_DEVICES", "").strip()
    if visible and visible != "-1":
        return [d for d in visible.split(",") if d.strip()]
    return []


def get_num_gpus() -> int:
    """How many GPUs this trial has (0 without any)."""
    return len(gpu_addresses())
