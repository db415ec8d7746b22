"""Hopsworks' ``hops.dataset`` (uploads, downloads and archives through Hopsworks' REST
API), kept by name and signature: HopsML Lab has no REST API for files, so each function
raises :class:`~hopsml_lab.exceptions.ClusterOnly`, naming the :mod:`hopsml_lab.hdfs`
call that does the same on the project's store.
"""

from __future__ import annotations

import logging

from .errors import Failed
from .exceptions import cluster_only

log = logging.getLogger(__name__)

DEFAULT_FLOW_STANDARD_CHUNK_SIZE = 1048576


class CompressTimeout(Failed):
    """Compressing or extracting took longer than the timeout."""


class DeletionTimeout(Failed):
    """Deleting took longer than the timeout."""


class HTTPUpload:
    DEFAULT_FLOW_STANDARD_CHUNK_SIZE = DEFAULT_FLOW_STANDARD_CHUNK_SIZE

    @cluster_only("use hopsml_lab.hdfs.copy_to_hdfs(file, path)")
    def __init__(
        self, file: str, path: str, flow_standard_chunk_size: int = DEFAULT_FLOW_STANDARD_CHUNK_SIZE
    ) -> None: ...


class HTTPDownload:
    DEFAULT_DOWNLOAD_CHUNK_SIZE = None

    @cluster_only("use hopsml_lab.hdfs.copy_to_local(path, folder)")
    def __init__(self, path: str, file: str, chunk_size: int | None = None) -> None: ...


@cluster_only("use hopsml_lab.hdfs.copy_to_hdfs(file, remote_path)")
def upload(file: str, remote_path: str, chunk_size: int | None = None) -> None: ...


@cluster_only("use hopsml_lab.hdfs.copy_to_local(remote_path, folder)")
def download(remote_path: str, file: str, chunk_size: int | None = None) -> None: ...


@cluster_only("use hopsml_lab.hdfs.exists, isdir and ls on the path")
def get_path_info(remote_path: str, project_name: str | None = None) -> dict[str, object]: ...


@cluster_only("use hopsml_lab.hdfs.exists(remote_path)")
def path_exists(remote_path: str, project_name: str | None = None) -> bool: ...


@cluster_only("use hopsml_lab.hdfs.delete(remote_path, recursive=True)")
def delete(
    remote_path: str, project_name: str | None = None, block: bool = True, timeout: int = 30
) -> None: ...


@cluster_only("copy the files locally with hopsml_lab.hdfs.copy_to_local and use shutil")
def compress(
    remote_path: str, project_name: str | None = None, block: bool = False, timeout: int = 120
) -> None: ...


@cluster_only("copy the archive locally with hopsml_lab.hdfs.copy_to_local and use shutil")
def extract(
    remote_path: str, project_name: str | None = None, block: bool = False, timeout: int = 120
) -> None: ...
