"""Copying local files and folders into a project's files (local folder or HDFS).

What ``hopsml-lab upload`` does, through the project's store: a file is written under a
temporary name and renamed (the store's atomic ``put_file``); a folder is copied whole
into a hidden temporary folder next to the target, then renamed, so the target appears
complete or not at all. An existing target is replaced only when asked.
"""

from __future__ import annotations

import os
import posixpath
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from .errors import BadInput, Conflict
from .redact import mask_url
from .store import LocalStore, Store, StoreNotFoundError, StorePathError, clean_path


class UploadError(BadInput):
    """The upload cannot be done as asked; the message says what to change."""


class TargetExists(UploadError, Conflict):
    """Something is at the target already and replacing it was not asked for."""


@dataclass(frozen=True)
class Uploaded:
    path: str  # where it went, relative to the project root
    url: str  # the same, as other tools address it (a local path or an hdfs:// URL)
    files: int
    size: int  # bytes copied
    replaced: bool
    skipped: list[str] = field(default_factory=list)  # symlinked folders left out


def shown(url: str) -> str:
    """A store address as messages show it: a URL without its password; a local path as
    it is (no URL parsing, which would import SQLAlchemy into a command line tool)."""
    return mask_url(url) if "://" in url else url


def project_path(store: Store, given: str) -> str:
    """``given`` as a path relative to the project root: a relative path is taken from
    the root; an absolute path or URL must lie inside the project."""
    text = given.strip()
    if not text:
        raise UploadError("give a path in the project ('.' for its root folder)")
    root = store.root.rstrip("/")
    if urlparse(text).scheme in ("hdfs", "webhdfs", "file"):
        if not (text == root or text.startswith(root + "/")):
            raise UploadError(f"{shown(text)} is outside the project ({shown(root)})")
        text = text[len(root) :].lstrip("/") or "."
    elif text.startswith(("/", "~")):
        if not isinstance(store, LocalStore):
            raise UploadError(
                f"{text} is a local path, and the project is on HDFS ({shown(root)}): "
                "give a path relative to the project root"
            )
        local = Path(text).expanduser()
        # The parent resolved (symlinks, ..), the name kept: a link there is a target.
        resolved = local.parent.resolve() / local.name if local.name else local.resolve()
        try:
            text = resolved.relative_to(root).as_posix()
        except ValueError:
            raise UploadError(f"{text} is outside the project ({root})") from None
    try:
        relative = clean_path(text)
    except StorePathError as error:
        raise UploadError(f"{error} ({shown(root)})") from None
    return relative.rstrip("/") + ("/" if text.endswith("/") and relative else "")


def _is_folder(store: Store, path: str) -> bool:
    if not path:
        return True
    try:
        store.list(path)
    except StoreNotFoundError:
        return False
    return True


def _join(folder: str, name: str) -> str:
    return posixpath.join(folder, name) if folder else name


def upload(
    store: Store, source: str | os.PathLike[str], target: str, *, overwrite: bool = False
) -> Uploaded:
    """Copy the local file or folder ``source`` to ``target`` in the project.

    ``target`` names the copy; ending in ``/`` (or ``.``, the root) it names the folder to
    put the copy in, under the source's own name. What exists there changes neither
    reading: running the same upload twice finds its target taken the second time."""
    local = Path(source).expanduser()
    if not local.exists():
        raise UploadError(f"{source}: no such file or folder")
    if not (local.is_file() or local.is_dir()):
        raise UploadError(f"{source} is neither a file nor a folder")
    relative = project_path(store, target)
    name = local.resolve().name
    into = relative.endswith("/") or not relative
    final = _join(relative.rstrip("/"), name) if into else relative
    named = f"{final!r} ({shown(store.url(final))})"
    exists = store.exists(final)
    if exists:
        folder = _is_folder(store, final)
        inside = f"end the path with '/' ({final}/) to put {name} in it"
        if folder and local.is_file():
            raise TargetExists(f"{named} is a folder: {inside}")
        if not folder and local.is_dir():
            raise TargetExists(
                f"{named} is a file, and {source} is a folder: remove it first, or choose "
                "another name"
            )
        if not overwrite:
            more = f", or {inside}" if folder else ""
            raise TargetExists(f"{named} exists already: pass --overwrite to replace it{more}")
    if local.is_file():
        store.put_file(local, final)  # atomic: a temporary name, then renamed
        return Uploaded(final, store.url(final), 1, local.stat().st_size, exists)
    files, size, skipped = _upload_folder(store, local, final, replace=exists)
    return Uploaded(final, store.url(final), files, size, exists, skipped)


def _upload_folder(
    store: Store, local: Path, final: str, *, replace: bool
) -> tuple[int, int, list[str]]:
    parent, name = posixpath.split(final)
    temporary = _join(parent, f".{name}.{uuid.uuid4().hex}.tmp")  # hidden from listings
    # Listed before anything is written: a folder uploaded into itself stays finite.
    walked = sorted(os.walk(local, followlinks=False))
    files, size, skipped = 0, 0, []
    try:
        store.makedirs(temporary)
        for folder, subfolders, names in walked:
            inside = Path(folder).relative_to(local).as_posix()
            base = temporary if inside == "." else _join(temporary, inside)
            for sub in sorted(subfolders):
                if Path(folder, sub).is_symlink():
                    skipped.append(_join("" if inside == "." else inside, sub))
                else:
                    store.makedirs(_join(base, sub))
            for file_name in sorted(names):
                path = Path(folder, file_name)
                store.put_file(path, _join(base, file_name))
                files += 1
                size += path.stat().st_size
        if replace:
            # No store renames over a folder: the old one goes just before the new one
            # takes its name, so a reader finds the old folder, then the new one.
            store.delete(final, recursive=True)
        store.rename(temporary, final)
    except BaseException:
        if store.exists(temporary):
            store.delete(temporary, recursive=True)
        raise
    return files, size, skipped
