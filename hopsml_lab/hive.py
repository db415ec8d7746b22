"""Hopsworks' ``hops.hive`` (a PyHive connection to the project's Hive database), kept by
name and signature: HopsML Lab runs no Hive, so it raises
:class:`~hopsml_lab.exceptions.ClusterOnly`, naming Spark SQL instead.
"""

from __future__ import annotations

from typing import Any

from .exceptions import cluster_only


@cluster_only(
    "HopsML Lab runs no Hive server; query tables with Spark SQL on the kernel's Spark "
    "session, or read the project's files with hopsml_lab.pandas_helper"
)
def setup_hive_connection(database: str | None = None) -> Any: ...
