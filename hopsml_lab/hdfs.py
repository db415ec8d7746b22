"""The project's files with the names of Hopsworks' ``hops.hdfs``.

Paths are relative to the project root, or absolute inside it; the store behind them is
the project's (a local folder, or HDFS through WebHDFS). Works on the driver and inside
trials alike.

>>> from hopsml_lab import hdfs
>>> hdfs.dump("hello", "Resources/greeting.txt")     # doctest: +SKIP
>>> hdfs.load("Resources/greeting.txt")              # doctest: +SKIP
b'hello'
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .engine.context import current_trial
from .lab import get_lab
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
            f"{text!r} is outside the project {root}: give a path relative to the project "
            "root, or one that starts with hdfs.project_path()"
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
                f"{store.url(destination)} exists: pass overwrite=True to replace it"
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
        raise FileNotFoundError(f"no {store.url(source)} to copy")
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
