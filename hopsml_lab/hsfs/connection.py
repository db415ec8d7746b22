"""hsfs' ``Connection``: here a handle on the local project; nothing contacts a server."""

from __future__ import annotations

import importlib.util
from typing import Any

from ..errors import BadInput
from .feature_store import FeatureStore

SAAS_HOST = "eu-west.cloud.hopsworks.ai"
SPARK_ENGINES = ("spark", "spark-no-metastore", "spark-delta")
PYTHON_ENGINES = ("python", "training", "hive")


class UnknownEngine(BadInput, ConnectionError):
    """The engine named is none the client knows."""


def engine_kind(engine: str | None, *, saas: bool = False) -> str:
    """``"spark"`` or ``"python"``: how reads and writes run, chosen as the client does
    (no engine: Spark if pyspark is importable, unless it is an external SaaS login)."""
    if engine is None:
        return "spark" if importlib.util.find_spec("pyspark") and not saas else "python"
    kind = engine.lower()
    if kind in SPARK_ENGINES:
        return "spark"
    if kind in PYTHON_ENGINES:
        return "python"
    raise UnknownEngine(
        f"Engine you are trying to initialize is unknown ({engine!r}). Supported engines "
        "are 'spark', 'python', 'training', 'spark-no-metastore' and 'spark-delta'."
    )


class Connection:
    """hsfs 3.x's connection object, answering for the local project."""

    def __init__(self, project: str | None = None, engine: str | None = None, **settings: Any):
        from ..lab import get_lab

        self._lab = get_lab()
        self._project = project or self._lab.settings.project_name
        self._engine = engine_kind(engine)
        self._settings = settings

    @property
    def project(self) -> str:
        return self._project

    @property
    def host(self) -> str | None:
        return self._settings.get("host")

    @property
    def port(self) -> int:
        return self._settings.get("port", 443)

    @property
    def engine(self) -> str:
        return self._engine

    def get_feature_store(self, name: str | None = None) -> FeatureStore:
        """The project's feature store (``<project>_featurestore``)."""
        return FeatureStore(name or self._project, engine=self._engine)

    def connect(self) -> None:
        """Nothing to connect to: the project is local."""

    def close(self) -> None:
        """Nothing to close."""

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def connection(
    host: str | None = None,
    port: int = 443,
    project: str | None = None,
    engine: str | None = None,
    region_name: str = "default",
    secrets_store: str = "parameterstore",
    hostname_verification: bool = True,
    trust_store_path: str | None = None,
    cert_folder: str = "/tmp",
    api_key_file: str | None = None,
    api_key_value: str | None = None,
) -> Connection:
    """hsfs 3.x's ``hsfs.connection(...)``. ``engine`` chooses Spark or pandas as the
    client does (no engine and pyspark importable: Spark); ``project`` names the
    project (default: the Lab's); the other arguments are accepted for notebooks that
    pass them and change nothing here (no server, no keys, no certificates)."""
    return Connection(
        project=project,
        engine=engine,
        host=host,
        port=port,
        region_name=region_name,
        secrets_store=secrets_store,
        hostname_verification=hostname_verification,
        trust_store_path=trust_store_path,
        cert_folder=cert_folder,
        api_key_file=api_key_file,
        api_key_value=api_key_value,
    )
