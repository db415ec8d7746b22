"""Hopsworks' ``hops.credentials_provider`` (temporary AWS credentials for the project's
cloud roles), kept by name and signature: HopsML Lab maps no cloud roles, so each function
raises :class:`~hopsml_lab.exceptions.ClusterOnly`, naming boto3's own credentials.
"""

from __future__ import annotations

from typing import Any

from .exceptions import cluster_only

_INSTEAD = (
    "HopsML Lab maps no cloud roles; use boto3's own credentials (environment variables, "
    "~/.aws, or sts.assume_role)"
)


@cluster_only(_INSTEAD)
def assume_role(
    role_arn: str | None = None, role_session_name: str | None = None, duration_seconds: int = 3600
) -> Any: ...


@cluster_only(_INSTEAD)
def get_roles() -> list[Any]: ...


@cluster_only(_INSTEAD)
def get_role(role_id: str = "default") -> Any: ...
