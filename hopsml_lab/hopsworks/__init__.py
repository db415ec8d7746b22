"""hopsworks, the Hopsworks 5.x client, on the local project: ``login()`` gives the
Lab's project and its feature store. Model registry, serving and datasets come later."""

from __future__ import annotations

import os
from typing import Literal

from .. import hsfs
from ..hsfs.connection import SAAS_HOST, connection, engine_kind
from ..hsfs.hopsworks_udf import udf
from .project import Project

_current: Project | None = None

EngineName = Literal["spark", "python", "training", "spark-no-metastore", "spark-delta"]


def login(
    host: str | None = None,
    port: int = 443,
    project: str | None = None,
    api_key_value: str | None = None,
    api_key_file: str | None = None,
    hostname_verification: bool = False,
    trust_store_path: str | None = None,
    cert_folder: str | None = None,
    engine: EngineName | None = None,
) -> Project:
    """The local project. Nothing contacts a server; what each argument does here:

    - ``host``/``port``: no server is contacted. As in Hopsworks, no host (and no
      ``HOPSWORKS_HOST``) means the SaaS host, so the python engine is chosen unless
      ``engine`` says otherwise; a host of your own with pyspark installed chooses Spark.
    - ``project``: the project's name (default ``HOPSWORKS_PROJECT``, else the Lab's
      ``HOPSML_PROJECT_NAME``); the data lives in the Lab's project root either way.
    - ``api_key_value``/``api_key_file``, ``hostname_verification``,
      ``trust_store_path``, ``cert_folder``: accepted and unused (no keys or TLS here).
    - ``engine``: ``"python"``/``"training"`` read and write with pandas,
      ``"spark"``/``"spark-no-metastore"``/``"spark-delta"`` read into Spark
      DataFrames. ``None`` falls back to env ``HOPSWORKS_ENGINE``, then the rule above.
    """
    from ..lab import get_lab

    engine = engine or os.environ.get("HOPSWORKS_ENGINE") or None  # type: ignore[assignment]
    host = host or os.environ.get("HOPSWORKS_HOST") or SAAS_HOST
    inside = "REST_ENDPOINT" in os.environ
    kind = engine_kind(engine, saas=not inside and host == SAAS_HOST)
    name = project or os.environ.get("HOPSWORKS_PROJECT") or get_lab().settings.project_name
    global _current
    _current = Project(name, kind)
    return _current


def logout() -> None:
    """Forget the project ``login`` gave (nothing to log out of: it is local)."""
    global _current
    _current = None


def get_current_project() -> Project:
    """The project of the last ``login()``; logs in with the defaults if there was none."""
    return _current if _current is not None else login()


__all__ = [
    "Project",
    "connection",
    "get_current_project",
    "hsfs",
    "login",
    "logout",
    "udf",
]
