"""The project's files with the names of Hopsworks' ``hops.hdfs``.

Paths are relative to the project root, or absolute inside it; the store behind them is
the project's (a local folder, or HDFS through WebHDFS). Works on the driver and inside
trials alike. What only HopsFS has (owners, permissions, capacity, its client handles)
raises :class:`~hopsml_lab.exceptions.ClusterOnly`.

>>> from hopsml_lab import hdfs
>>> hdfs.dump("hello", "Resources/greeting.txt")     # doctest: +SKIP
>>> hdfs.load("Resources/greeting.txt")              # doctest: +SKIP
b'hello'
"""

from __future__ import annotations

import fnmatch
import io
import os
import posixpath
import shutil
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse

from .engine.context import current_trial
from .exceptions import cluster_only
from .lab import get_lab
from .redact import mask_url
from .store import Store, StoreError, StorePathError, clean_path


def _store() -> Store:
    trial = current_trial()
    return trial.store if trial is not None else get_lab().store


def project_path(project: str | None = None, exclude_nn_addr: bool = False) -> str:
    """The project root, ending in ``/`` as notebooks append to it."""
    del project, exclude_nn_addr  # one project per kernel; kept for hops compatibility
    return _store().url("").rstrip("/") + "/"


def _relative(path: str) -> str:
    """A project-relative path for ``path`` (relative, or absolute inside the project)."""
    store = _store()
    root = store.url("").rstrip("/")
    text = str(path)
    if text == root:
        return ""
    if text.startswith(root + "/"):
        return clean_path(text[len(root) + 1 :])
    if "://" in text or text.startswith("/"):
        raise StorePathError(
            f"{mask_url(text)!r} is outside the project {mask_url(root)}: give a path "
            "relative to the project root, or one that starts with hdfs.project_path()"
        )
    return clean_path(text)


def exists(hdfs_path: str, project: str | None = None) -> bool:
    del project
    try:
        return _store().exists(_relative(hdfs_path))
    except StoreError:
        return False


def ls(hdfs_path: str = "", recursive: bool = False, exclude_nn_addr: bool = False) -> list[str]:
    """Full paths of what is in the folder (and below it, with ``recursive``)."""
    del exclude_nn_addr
    store, found = _store(), []
    pending = [_relative(hdfs_path)]
    while pending:
        for entry in store.list(pending.pop()):
            found.append(store.url(entry.path))
            if recursive and entry.is_dir:
                pending.append(entry.path)
    return sorted(found)


def mkdir(hdfs_path: str, project: str | None = None) -> None:
    del project
    _store().makedirs(_relative(hdfs_path))


def delete(hdfs_path: str, recursive: bool = False) -> None:
    _store().delete(_relative(hdfs_path), recursive=recursive)


def dump(data: str | bytes, hdfs_path: str) -> None:
    """Write ``data`` to the file, replacing it whole (atomically)."""
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    _store().write_bytes(_relative(hdfs_path), payload)


def load(hdfs_path: str) -> bytes:
    return _store().read_bytes(_relative(hdfs_path))


def copy_to_hdfs(
    local_path: str | os.PathLike[str],
    relative_hdfs_path: str,
    overwrite: bool = False,
    project: str | None = None,
) -> None:
    """Copy a local file or folder into the project.

    Into ``relative_hdfs_path/<name>`` when that is an existing folder, else to
    ``relative_hdfs_path`` itself; an existing target is kept unless ``overwrite``.
    """
    del project
    source = Path(local_path).expanduser()
    if not source.exists():
        raise FileNotFoundError(f"no local file or folder {str(source)!r} to copy")
    store, destination = _store(), _relative(relative_hdfs_path)
    if destination and store.exists(destination) and _is_dir(store, destination):
        destination = f"{destination}/{source.name}"
    elif not destination:
        destination = source.name
    if store.exists(destination):
        if not overwrite:
            raise FileExistsError(
                f"{mask_url(store.url(destination))} exists: pass overwrite=True to replace it"
            )
        store.delete(destination, recursive=True)
    files = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
    for file in files:
        inside = file.name if source.is_file() else file.relative_to(source).as_posix()
        target = destination if source.is_file() else f"{destination}/{inside}"
        store.write_bytes(target, file.read_bytes())
    if source.is_dir() and not files:
        store.makedirs(destination)


def copy_to_local(
    hdfs_path: str, local_path: str = "", overwrite: bool = False, project: str | None = None
) -> str:
    """Copy a project file or folder into the local folder ``local_path`` (default: the
    working folder); returns the local path of the copy."""
    del project
    store, source = _store(), _relative(hdfs_path)
    if not store.exists(source):
        raise FileNotFoundError(f"no {mask_url(store.url(source))} to copy")
    folder = Path(local_path or os.getcwd()).expanduser()
    if not folder.is_dir():
        raise NotADirectoryError(f"{str(folder)!r} is not a local folder to copy into")
    target = folder / Path(source).name
    if target.exists():
        if not overwrite:
            return str(target)  # already here, as hops does
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    _download(store, source, target)
    return str(target)


def _is_dir(store: Store, path: str) -> bool:
    try:
        store.list(path)
    except StoreError:
        return False
    return True


def _download(store: Store, source: str, target: Path) -> None:
    if not _is_dir(store, source):
        target.write_bytes(store.read_bytes(source))
        return
    target.mkdir(parents=True, exist_ok=True)
    for entry in store.list(source):
        _download(store, entry.path, target / entry.name)


def get_plain_path(abs_path: str) -> str:
    """The path without scheme and address: ``hdfs://nn:8020/Projects/a`` -> ``/Projects/a``."""
    parsed = urlparse(str(abs_path))
    return parsed.path if parsed.scheme else str(abs_path)


def project_name() -> str:
    return get_lab().settings.project_name


def abs_path(hdfs_path: str) -> str:
    """The full address of a project path (as :func:`ls` gives them)."""
    store = _store()
    return store.url(_relative(hdfs_path))


def isdir(hdfs_path: str, project: str | None = None) -> bool:
    del project
    store, path = _store(), _relative(hdfs_path)
    return store.exists(path) and _is_dir(store, path)


def isfile(hdfs_path: str, project: str | None = None) -> bool:
    del project
    store, path = _store(), _relative(hdfs_path)
    return store.exists(path) and not _is_dir(store, path)


def rmr(hdfs_path: str, project: str | None = None) -> None:
    """Delete a file or a folder with everything in it."""
    del project
    _store().delete(_relative(hdfs_path), recursive=True)


def glob(hdfs_path: str, recursive: bool = False, project: str | None = None) -> list[str]:
    """Full paths in the pattern's folder whose names match it: ``glob("Resources/*.csv")``."""
    del project
    folder, _, pattern = str(hdfs_path).rpartition("/")
    if not isdir(folder):
        raise FileNotFoundError(f"Glob path {folder or hdfs_path!r} not found")
    return [p for p in ls(folder, recursive) if fnmatch.fnmatch(posixpath.basename(p), pattern)]


def lsl(
    hdfs_path: str, recursive: bool = False, project: str | None = None
) -> list[dict[str, Any]]:
    """Like :func:`ls`, with each entry's ``kind`` ('file'/'directory'), ``size`` and
    ``last_mod`` (seconds since the epoch)."""
    del project
    store, found = _store(), []
    pending = [_relative(hdfs_path)]
    while pending:
        for entry in store.list(pending.pop()):
            kind = "directory" if entry.is_dir else "file"
            found.append(
                {
                    "name": store.url(entry.path),
                    "kind": kind,
                    "size": entry.size,
                    "last_mod": entry.modified,
                }
            )
            if recursive and entry.is_dir:
                pending.append(entry.path)
    return sorted(found, key=lambda e: e["name"])


def _copy_within(store: Store, source: str, target: str) -> None:
    if not _is_dir(store, source):
        store.write_bytes(target, store.read_bytes(source))
        return
    store.makedirs(target)
    for entry in store.list(source):
        _copy_within(store, entry.path, f"{target}/{entry.name}")


def _claim(store: Store, target: str, overwrite: bool) -> None:
    if store.exists(target):
        if not overwrite:
            raise FileExistsError(
                f"{mask_url(store.url(target))} exists: pass overwrite=True to replace it"
            )
        store.delete(target, recursive=True)


def cp(src_hdfs_path: str, dest_hdfs_path: str, overwrite: bool = False) -> None:
    """Copy a file, or a folder with everything in it, to ``dest_hdfs_path``."""
    store, source, target = _store(), _relative(src_hdfs_path), _relative(dest_hdfs_path)
    if not store.exists(source):
        raise FileNotFoundError(f"no {mask_url(store.url(source))} to copy")
    _claim(store, target, overwrite)
    _copy_within(store, source, target)


def move(src: str, dest: str) -> None:
    """Move a file or folder to ``dest`` (which must not exist yet)."""
    cp(src, dest)
    rmr(src)


def rename(src: str, dest: str) -> None:
    move(src, dest)


class _StoreFile(io.BytesIO):
    """A project file from :func:`open_file`; what is written goes to the store on close."""

    def __init__(self, hdfs_path: str, data: bytes, writable: bool) -> None:
        super().__init__(data)
        self._path, self._writable = hdfs_path, writable

    def close(self) -> None:
        if self._writable and not self.closed:
            dump(self.getvalue(), self._path)
        super().close()


def open_file(
    hdfs_path: str, project: str | None = None, flags: str = "rw", buff_size: int = 0
) -> IO[Any]:
    """Open a project file: 'r' reads, 'w' replaces and 'a' appends when it is closed (a
    trailing 't' gives text). Use it in a ``with`` block."""
    del project, buff_size
    mode = flags.replace("t", "").replace("b", "")
    writable = "w" in mode or "a" in mode
    kept = ("r" in mode or "a" in mode) and (mode == "r" or exists(hdfs_path))
    handle = _StoreFile(hdfs_path, load(hdfs_path) if kept else b"", writable)
    if "a" in mode:
        handle.seek(0, io.SEEK_END)
    return io.TextIOWrapper(handle, encoding="utf-8") if "t" in flags else handle


_NO_HOPSFS = "HopsML Lab's project files are a plain folder or HDFS through WebHDFS"


@cluster_only(f"{_NO_HOPSFS}, with no Hopsworks project id; use project_name()")
def project_id() -> str: ...


@cluster_only(f"{_NO_HOPSFS}, with no per-project users; use getpass.getuser()")
def project_user() -> str: ...


@cluster_only(f"{_NO_HOPSFS}; use this module's functions instead of a pydoop handle")
def get() -> Any: ...


@cluster_only(f"{_NO_HOPSFS}; use this module's functions instead of a pydoop handle")
def get_fs() -> Any: ...


@cluster_only(f"{_NO_HOPSFS}; there is no pydoop connection to close")
def close() -> None: ...


@cluster_only(f"{_NO_HOPSFS}, without HopsFS owners; drop the call")
def chown(hdfs_path: str, user: str, group: str, project: str | None = None) -> None: ...


@cluster_only(f"{_NO_HOPSFS}, without HopsFS permissions; drop the call")
def chmod(hdfs_path: str, mode: Any, project: str | None = None) -> None: ...


@cluster_only(f"{_NO_HOPSFS}, without HopsFS permissions; use exists()")
def access(hdfs_path: str, mode: Any, project: str | None = None) -> bool: ...


@cluster_only(f"{_NO_HOPSFS}; lsl() gives sizes and modification times")
def stat(hdfs_path: str) -> Any: ...


@cluster_only(f"{_NO_HOPSFS}; there is no HopsFS capacity to report")
def capacity() -> int: ...


@cluster_only("copy it with copy_to_local() and add its folder to sys.path")
def add_module(hdfs_path: str, project: str | None = None) -> str: ...


@cluster_only(f"{_NO_HOPSFS}; HOPSML_WEBHDFS_URL names the WebHDFS address")
def is_tls_enabled() -> bool: ...


@cluster_only(f"{_NO_HOPSFS}; HOPSML_WEBHDFS_URL names the WebHDFS address")
def get_webhdfs_host() -> str: ...


@cluster_only(f"{_NO_HOPSFS}; HOPSML_WEBHDFS_URL names the WebHDFS address")
def get_webhdfs_port() -> int: ...
