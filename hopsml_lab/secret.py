"""Hopsworks' ``hops.secret`` (secrets kept by Hopsworks for the user), kept by name and
signature: HopsML Lab keeps no secrets, so each function raises
:class:`~hopsml_lab.exceptions.ClusterOnly`, naming environment variables instead.
"""

from __future__ import annotations

from .exceptions import cluster_only

_INSTEAD = (
    "HopsML Lab keeps no secrets; read them from environment variables (os.environ) or "
    "a file outside the project"
)


@cluster_only(_INSTEAD)
def create_secret(name: str, secret: str, project_name: str | None = None) -> None: ...


@cluster_only(_INSTEAD)
def get_secret(name: str, owner: str | None = None) -> str: ...


@cluster_only(_INSTEAD)
def delete_secret(name: str) -> None: ...
