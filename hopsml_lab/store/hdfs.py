"""Store backend on HDFS through WebHDFS (the ``hdfs`` package).

``webhdfs://host:port/path`` talks to that WebHDFS address directly;
``hdfs://namenode:8020/path`` needs the WebHDFS address as ``webhdfs_url``.
"""

from __future__ import annotations

import posixpath
import uuid
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlparse

from ..redact import mask_url
from .base import Store, StoreEntry, StoreError, StoreNotFoundError, StorePathError, clean_path


class HdfsStore(Store):
    def __init__(self, root: str, webhdfs_url: str | None = None, user: str | None = None):
        parsed = urlparse(root)
        if parsed.scheme == "webhdfs":
            gateway = webhdfs_url or f"http://{parsed.netloc}"
        elif parsed.scheme == "hdfs":
            if not webhdfs_url:
                raise StoreError(
                    f"{mask_url(root)}: an hdfs:// root needs the namenode's WebHDFS URL"
                )
            gateway = webhdfs_url
        else:
            raise StoreError(f"{mask_url(root)} is not an hdfs:// or webhdfs:// URL")
        self.root = root.rstrip("/")
        self._base = posixpath.normpath(parsed.path or "/")
        self._gateway = gateway
        self._user = user
        self._client: Any = None

    def __reduce__(self) -> tuple[type, tuple[str, str, str | None]]:
        return (HdfsStore, (self.root, self._gateway, self._user))

    @property
    def shown_root(self) -> str:
        """The root as messages show it: without a password."""
        return mask_url(self.root)

    @property
    def client(self) -> Any:
        if self._client is None:
            from hdfs import InsecureClient

            self._client = InsecureClient(self._gateway, user=self._user)
        return self._client

    def _full(self, path: str) -> str:
        relative = clean_path(path)
        return posixpath.join(self._base, relative) if relative else self._base

    def url(self, path: str = "") -> str:
        relative = clean_path(path)
        return f"{self.root}/{relative}" if relative else self.root

    def reader_url(self, path: str = "") -> str:
        """``webhdfs://gateway/path``: how fsspec (and TensorBoard through it) reads it.

        Without the gateway's password: fsspec cannot use one, and this address goes on
        TensorBoard's command line."""
        host = urlparse(self._gateway).netloc.rpartition("@")[2]
        user = f"{self._user}@" if self._user else ""
        return f"webhdfs://{user}{host}{self._full(path)}"

    def _status(self, path: str) -> dict[str, Any] | None:
        from hdfs.util import HdfsError

        try:
            return self.client.status(self._full(path), strict=False)
        except HdfsError as error:
            raise StoreError(f"{path!r}: {error}") from error

    def write_bytes(self, path: str, data: bytes) -> None:
        self._write(path, data)

    def put_file(self, local: Path, path: str) -> None:
        with open(local, "rb") as handle:  # streamed, not read into memory
            self._write(path, handle)

    def _write(self, path: str, data: bytes | BinaryIO) -> None:
        from hdfs.util import HdfsError

        target = self._full(path)
        if not clean_path(path):
            raise StorePathError("cannot write a file over the project root")
        folder, name = posixpath.split(target)
        temporary = posixpath.join(folder, f".{name}.{uuid.uuid4().hex}.tmp")
        try:
            status = self.client.status(target, strict=False)
            if status is not None and status["type"] == "DIRECTORY":
                raise StoreError(f"{path!r} is a folder; cannot write a file over it")
            self.client.makedirs(folder)
            self.client.write(temporary, data=data, overwrite=True)
            # WebHDFS has no overwriting rename: the old file goes just before the new
            # one takes its name, so a reader never sees a partly written file.
            if status is not None:
                self.client.delete(target)
            self.client.rename(temporary, target)
        except HdfsError as error:
            self.client.delete(temporary)
            raise StoreError(f"writing {path!r} to {self.shown_root}: {error}") from error

    def read_bytes(self, path: str) -> bytes:
        status = self._status(path)
        if status is None:
            raise StoreNotFoundError(f"no file at {path!r} in {self.shown_root}")
        if status["type"] == "DIRECTORY":
            raise StoreError(f"{path!r} is a folder, not a file")
        with self.client.read(self._full(path)) as reader:
            return reader.read()

    def exists(self, path: str) -> bool:
        return self._status(path) is not None

    def list(self, path: str = "") -> list[StoreEntry]:
        status = self._status(path)
        if status is None or status["type"] != "DIRECTORY":
            raise StoreNotFoundError(f"no folder at {path!r} in {self.shown_root}")
        base = clean_path(path)
        entries = []
        for name, info in sorted(self.client.list(self._full(path), status=True)):
            if name.startswith(".") and name.endswith(".tmp"):
                continue
            entries.append(
                StoreEntry(
                    path=f"{base}/{name}" if base else name,
                    is_dir=info["type"] == "DIRECTORY",
                    size=int(info.get("length", 0)),
                    modified=int(info.get("modificationTime", 0)) / 1000.0,
                )
            )
        return entries

    def makedirs(self, path: str) -> None:
        self.client.makedirs(self._full(path))

    def delete(self, path: str, recursive: bool = False) -> None:
        from hdfs.util import HdfsError

        if not clean_path(path):
            raise StorePathError("refusing to delete the project root")
        if not self.exists(path):
            raise StoreNotFoundError(f"no file or folder at {path!r} in {self.shown_root}")
        try:
            self.client.delete(self._full(path), recursive=recursive)
        except HdfsError as error:
            raise StoreError(
                f"deleting {path!r}: {error} (pass recursive=True for a folder)"
            ) from error

    def rename(self, path: str, new_path: str) -> None:
        from hdfs.util import HdfsError

        if not clean_path(path) or not clean_path(new_path):
            raise StorePathError("cannot rename the project root")
        if not self.exists(path):
            raise StoreNotFoundError(f"no file or folder at {path!r} in {self.shown_root}")
        # Checked first: WebHDFS moves a path *into* an existing folder of the new name.
        if self.exists(new_path):
            raise StoreError(f"cannot rename {path!r} to {new_path!r}: {new_path!r} exists")
        target = self._full(new_path)
        try:
            self.client.makedirs(posixpath.dirname(target))
            self.client.rename(self._full(path), target)
        except HdfsError as error:
            raise StoreError(f"renaming {path!r} to {new_path!r}: {error}") from error
