"""hopsworks' job exceptions (``from hopsworks.client.exceptions import
JobExecutionException``)."""

from __future__ import annotations

from ...errors import Failed, NotFound


class JobException(NotFound):
    """Generic job exception (raised here when a job has no executions)."""


class JobExecutionException(Failed):
    """Generic job executions exception: the run failed or was stopped."""


__all__ = ["JobException", "JobExecutionException"]
