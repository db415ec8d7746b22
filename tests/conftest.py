"""Shared fixtures: one real Spark session, a throwaway PostgreSQL, fresh projects."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hopsml_lab.engine.spark import SparkEngine
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.settings import Settings

from .services import postgres_server
from .webhdfs_double import webhdfs_double

pytest_plugins = ["pytest_jupyter.jupyter_server"]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter


@pytest.fixture(scope="session")
def spark_engine() -> Iterator[SparkEngine]:
    """One real local[2] Spark session for the whole run."""
    settings = Settings(
        spark_master="local[2]",
        spark_conf={"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "2"},
    )
    engine = SparkEngine(settings)
    engine.session()
    yield engine
    engine.stop()


@pytest.fixture(scope="session")
def ip() -> Any:
    """One real IPython shell with ``%load_ext hopsml_lab``, for the magics' tests."""
    from IPython.testing.globalipapp import get_ipython, start_ipython

    shell = start_ipython() or get_ipython()
    shell.run_line_magic("load_ext", "hopsml_lab")
    return shell


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def catalog_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each catalog test runs against SQLite and against a real PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'catalog.db'}"
        return
    base: str = request.getfixturevalue("postgres_url")
    # A database per test keeps tests independent.
    import psycopg

    name = f"t_{os.getpid()}_{abs(hash(request.node.nodeid)) % 10**8}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield base.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return root


@pytest.fixture
def lab(project_root: Path, spark_engine: SparkEngine) -> Iterator[Lab]:
    """A fresh project on the shared Spark session, installed as the process's Lab."""
    settings = Settings(project_root=str(project_root), spark_master="local[2]")
    lab = Lab(settings)
    lab.__dict__["spark"] = spark_engine  # share the session-wide Spark
    set_lab(lab)
    yield lab
    set_lab(None)
    lab.db.dispose()


@pytest.fixture(params=["local", "hdfs"])
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """A Lab without Spark on a local folder, then on HDFS (the WebHDFS double: no
    namenode can run here); yields the folder holding the project's files."""
    if request.param == "local":
        root = tmp_path / "project"
        set_lab(Lab(Settings(project_root=str(root))))
        yield root
    else:
        with webhdfs_double(tmp_path / "namespace") as (url, _log):
            settings = Settings(
                project_root="hdfs://namenode:8020/Projects/demo",
                webhdfs_url=url,
                catalog_url=f"sqlite:///{tmp_path / 'catalog.db'}",
            )
            set_lab(Lab(settings))
            yield tmp_path / "namespace" / "Projects" / "demo"
    set_lab(None)
