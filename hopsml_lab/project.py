"""Hopsworks' ``hops.project`` (connecting to, creating and describing Hopsworks projects),
kept by name and signature: a HopsML Lab kernel has exactly one project, set by its
settings, so each function raises :class:`~hopsml_lab.exceptions.ClusterOnly`.
"""

from __future__ import annotations

from typing import Any

from .constants import AWS, LOCAL
from .exceptions import cluster_only

_INSTEAD = (
    "a HopsML Lab kernel works in one project, chosen by HOPSML_PROJECT_ROOT and "
    "HOPSML_PROJECT_NAME; hopsml_lab.hdfs.project_path() and project_name() name it"
)


@cluster_only(_INSTEAD)
def connect(
    project: str,
    host: str | None = None,
    port: int = 443,
    scheme: str = "https",
    hostname_verification: bool = False,
    api_key: str | None = None,
    region_name: str = AWS.DEFAULT_REGION,
    secrets_store: str = LOCAL.LOCAL_STORE,
    trust_store_path: str | None = None,
) -> None: ...


@cluster_only(_INSTEAD)
def create(new_project: str, owner: str | None = None) -> Any: ...


@cluster_only(_INSTEAD)
def get_project_info(project_name: str) -> dict[str, Any]: ...


@cluster_only(_INSTEAD)
def get_project_info_as_shared(project_name: str) -> dict[str, Any]: ...


@cluster_only(_INSTEAD)
def project_id_as_shared(name: str | None = None) -> str: ...
