"""Hopsworks' ``hops.xattr`` (extended attributes on HopsFS files), kept by name and
signature: the project's store keeps no extended attributes, so each function raises
:class:`~hopsml_lab.exceptions.ClusterOnly`, naming a side-car file instead.
"""

from __future__ import annotations

from typing import Any

from .exceptions import cluster_only

_INSTEAD = (
    "the project's store keeps no extended attributes; write the metadata to a JSON file "
    "next to it with hopsml_lab.hdfs.dump"
)


@cluster_only(_INSTEAD)
def set_xattr(hdfs_path: str, xattr_name: str, value: Any) -> None: ...


@cluster_only(_INSTEAD)
def get_xattr(hdfs_path: str, xattr_name: str | None = None) -> Any: ...


@cluster_only(_INSTEAD)
def remove_xattr(hdfs_path: str, xattr_name: str) -> None: ...
