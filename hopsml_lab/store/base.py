"""The store: one interface over the files of a project (local folder or HDFS)."""

from __future__ import annotations

import posixpath
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from ..errors import BadInput, Failed, NotFound


class StoreError(Failed):
    """A store operation failed; the message says which path and why."""


class StorePathError(StoreError, BadInput):
    """A path is not allowed: absolute, or escaping the project root."""


class StoreNotFoundError(StoreError, NotFound, FileNotFoundError):
    """No file or folder at that path."""


@dataclass(frozen=True)
class StoreEntry:
    path: str  # relative to the project root, POSIX separators
    is_dir: bool
    size: int
    modified: float  # seconds since the epoch

    @property
    def name(self) -> str:
        return posixpath.basename(self.path)


def clean_path(path: str) -> str:
    """Normalise a project-relative path, refusing anything outside the root.

    >>> clean_path("Experiments//e1/./t1/")
    'Experiments/e1/t1'
    """
    if not isinstance(path, str):
        raise StorePathError(f"store paths are strings, not {type(path).__name__}")
    if "\x00" in path:
        raise StorePathError(f"{path!r}: a store path cannot contain a NUL byte")
    if path.startswith("/") or path.startswith("\\") or (len(path) > 1 and path[1] == ":"):
        raise StorePathError(f"{path!r} is absolute: give a path relative to the project root")
    normal = posixpath.normpath(path.replace("\\", "/")) if path else "."
    if normal == ".." or normal.startswith("../"):
        raise StorePathError(f"{path!r} escapes the project root")
    return "" if normal == "." else normal


class Store(ABC):
    """Files of one project. Paths are relative to the project root.

    Writes are atomic: a reader sees the old content or the new, never a part.
    """

    root: str

    @abstractmethod
    def url(self, path: str = "") -> str:
        """The address other tools (TensorFlow, TensorBoard, Spark) use for ``path``."""

    def reader_url(self, path: str = "") -> str:
        """The address fsspec readers (TensorBoard without TensorFlow) use for ``path``."""
        return self.url(path)

    @abstractmethod
    def write_bytes(self, path: str, data: bytes) -> None: ...

    @abstractmethod
    def read_bytes(self, path: str) -> bytes: ...

    @abstractmethod
    def exists(self, path: str) -> bool: ...

    @abstractmethod
    def list(self, path: str = "") -> list[StoreEntry]:
        """Entries directly inside the folder ``path``, sorted by name."""

    @abstractmethod
    def makedirs(self, path: str) -> None: ...

    @abstractmethod
    def delete(self, path: str, recursive: bool = False) -> None: ...

    @abstractmethod
    def rename(self, path: str, new_path: str) -> None:
        """Move the file or folder ``path`` to ``new_path`` in one step; refuses an
        existing ``new_path`` (HDFS never overwrites on rename) and makes its parents."""

    def put_file(self, local: Path, path: str) -> None:
        """Copy a local file to ``path``, atomically (whole or not at all)."""
        self.write_bytes(path, local.read_bytes())

    def write_text(self, path: str, text: str) -> None:
        self.write_bytes(path, text.encode("utf-8"))

    def read_text(self, path: str) -> str:
        return self.read_bytes(path).decode("utf-8")
