"""Hopsworks' ``hops.jobs`` (creating and starting Hopsworks jobs), kept by name and
signature: HopsML Lab has no job service, so each function raises
:class:`~hopsml_lab.exceptions.ClusterOnly`, naming experiments in the kernel instead.
"""

from __future__ import annotations

from typing import Any

from .exceptions import cluster_only

_INSTEAD = (
    "HopsML Lab has no job service; run the work as an experiment from the notebook "
    "(hopsml_lab.experiment.launch) or run a script with spark-submit"
)


@cluster_only(_INSTEAD)
def create_job(name: str, job_config: dict[str, Any]) -> Any: ...


@cluster_only(_INSTEAD)
def start_job(name: str, args: str | None = None) -> Any: ...


@cluster_only(_INSTEAD)
def stop_job(name: str) -> Any: ...


@cluster_only(_INSTEAD)
def get_executions(name: str, query: str = "") -> Any: ...
