"""Files of a project: one interface, a local and an HDFS backend."""

from __future__ import annotations

from urllib.parse import urlparse

from ..settings import Settings
from .base import Store, StoreEntry, StoreError, StoreNotFoundError, StorePathError, clean_path
from .hdfs import HdfsStore
from .local import LocalStore

__all__ = [
    "HdfsStore",
    "LocalStore",
    "Store",
    "StoreEntry",
    "StoreError",
    "StoreNotFoundError",
    "StorePathError",
    "clean_path",
    "open_store",
]


def open_store(settings: Settings) -> Store:
    """The store for the settings' project root."""
    if urlparse(settings.project_root).scheme in ("hdfs", "webhdfs"):
        return HdfsStore(settings.project_root, settings.webhdfs_url, settings.hdfs_user)
    return LocalStore(settings.project_root)
