"""Model files on the store: copied into a version folder, and out of one.

Paths on the store are relative to the project root; local paths are ``Path`` objects.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from ..store import Store


def is_folder(store: Store, path: str) -> bool:
    """Whether ``path`` (which exists) is a folder on the store."""
    parent, name = posixpath.split(path.rstrip("/"))
    return any(e.is_dir for e in store.list(parent) if e.name == name)


def copy_local_in(store: Store, source: Path, target: str) -> int:
    """Copy a local file, or a local folder's contents, into ``target``; the number of
    files copied."""
    if source.is_file():
        store.put_file(source, f"{target}/{source.name}")
        return 1
    files = sorted(p for p in source.rglob("*") if p.is_file())
    for file in files:
        store.put_file(file, f"{target}/{file.relative_to(source).as_posix()}")
    return len(files)


def copy_within(store: Store, source: str, target: str) -> int:
    """Copy a project file, or a project folder's contents, into ``target``."""
    if not is_folder(store, source):
        store.write_bytes(f"{target}/{posixpath.basename(source)}", store.read_bytes(source))
        return 1
    copied, pending = 0, [(source, target)]
    while pending:
        here, there = pending.pop()
        for entry in store.list(here):
            if entry.is_dir:
                pending.append((entry.path, f"{there}/{entry.name}"))
            else:
                store.write_bytes(f"{there}/{entry.name}", store.read_bytes(entry.path))
                copied += 1
    return copied


def copy_out(store: Store, source: str, local: Path) -> int:
    """Copy a project folder's contents into the local folder ``local``."""
    local.mkdir(parents=True, exist_ok=True)
    copied = 0
    for entry in store.list(source):
        if entry.is_dir:
            copied += copy_out(store, entry.path, local / entry.name)
        else:
            (local / entry.name).write_bytes(store.read_bytes(entry.path))
            copied += 1
    return copied
