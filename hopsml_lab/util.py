"""Hopsworks' ``hops.util``. What means something here works: how many trials run at once
(``num_executors``), the job name (None: a HopsML Lab kernel is not a Hopsworks job),
the Hadoop and Flink folders from the environment, and the pure helpers. What talks to
Hopsworks' REST API (``connect``, ``http``, ``send_request``, secrets, JWTs, notebook
attributes) raises :class:`~hopsml_lab.exceptions.ClusterOnly`.
"""

from __future__ import annotations

import base64
import os
import urllib.parse
from typing import Any

from .constants import AWS, ENV_VARIABLES, HTTP_CONFIG, LOCAL
from .exceptions import cluster_only

verify = None

_NO_REST = (
    "HopsML Lab has no Hopsworks REST API; the project's files are in hopsml_lab.hdfs and "
    "its experiments and models in hopsml_lab.experiment and hopsml_lab.model"
)
_NO_SECRETS = "read secrets from environment variables (os.environ) or a file instead"


def num_executors() -> int:
    """How many trials the kernel's Spark runs at once (its default parallelism)."""
    from .lab import get_lab

    return get_lab().spark.parallelism()


def num_param_servers() -> int:
    """Parameter servers configured through ``NUM_TF_PS`` (0 when unset), as in hops."""
    try:
        return int(os.environ["NUM_TF_PS"])
    except (KeyError, ValueError):
        return 0


def get_job_name() -> str | None:
    """The Hopsworks job's name from ``HOPSWORKS_JOB_NAME``; None in a HopsML Lab kernel."""
    return os.environ.get(ENV_VARIABLES.JOB_NAME_ENV_VAR)


def get_flink_conf_dir() -> str | None:
    return os.environ.get(ENV_VARIABLES.FLINK_CONF_DIR)


def get_flink_lib_dir() -> str | None:
    return os.environ.get(ENV_VARIABLES.FLINK_LIB_DIR)


def get_hadoop_home() -> str | None:
    return os.environ.get(ENV_VARIABLES.HADOOP_HOME)


def get_hadoop_classpath_glob() -> str | None:
    return os.environ.get(ENV_VARIABLES.HADOOP_CLASSPATH_GLOB)


def parse_redhift_jdbc_url(url: str) -> tuple[str, str, str, str]:  # sic: hops' spelling
    """``(region_name, cluster_identifier, database, user)`` of a Redshift JDBC URL."""
    jdbc_url = urllib.parse.urlparse(url)
    redshift_url = urllib.parse.urlparse(jdbc_url.path)
    if redshift_url.scheme != "redshift":
        raise ValueError(f"{url!r} is not a Redshift JDBC URL (jdbc:redshift://...)")
    host = redshift_url.netloc.split(".")
    user = urllib.parse.parse_qs(jdbc_url.query)["user"][0]
    return host[2], host[0], redshift_url.path.split("/")[1], user


def write_b64_cert_to_bytes(b64_string: str, path: str) -> None:
    """Decode a base64 certificate into the local file ``path``."""
    with open(path, "wb") as file:
        file.write(base64.b64decode(b64_string))


@cluster_only(_NO_REST)
def http(
    resource_url: str,
    headers: dict[str, str] | None = None,
    method: str = HTTP_CONFIG.HTTP_GET,
    data: Any = None,
) -> Any: ...


@cluster_only("a HopsML Lab kernel is already in its project; there is nothing to connect to")
def connect(
    host: str | None = None,
    port: int = 443,
    scheme: str = "https",
    hostname_verification: bool = False,
    api_key_file: str | None = None,
    region_name: str = AWS.DEFAULT_REGION,
    secrets_store: str = LOCAL.LOCAL_STORE,
    trust_store_path: str | None = None,
) -> None: ...


@cluster_only(_NO_REST)
def set_auth_header(headers: dict[str, str]) -> None: ...


@cluster_only(_NO_REST)
def get_requests_verify(hostname: str, port: int) -> Any: ...


@cluster_only(_NO_REST)
def send_request(
    method: str,
    resource: str,
    data: Any = None,
    headers: dict[str, str] | None = None,
    stream: bool = False,
    files: Any = None,
) -> Any: ...


@cluster_only(_NO_REST)
def get_jwt() -> str: ...


@cluster_only(_NO_SECRETS)
def get_redshift_username_password(
    region_name: str, cluster_identifier: str, user: str, database: str
) -> tuple[str, str]: ...


@cluster_only(_NO_SECRETS)
def get_secret(
    secrets_store: str, secret_key: str | None = None, api_key_file: str | None = None
) -> str: ...


@cluster_only("HopsML Lab attaches nothing to saved notebooks")
def notebook_post_save(relative_path: str) -> None: ...


@cluster_only("HopsML Lab attaches nothing to saved notebooks")
def get_notebook_kernel_id(path: str) -> str: ...


@cluster_only("HopsML Lab attaches nothing to saved notebooks")
def attach_jupyter_configuration_to_notebook(kernel_id: str) -> None: ...
