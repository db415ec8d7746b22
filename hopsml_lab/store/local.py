"""Store backend on a local (or locally mounted) folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .base import Store, StoreEntry, StoreError, StoreNotFoundError, StorePathError, clean_path


class LocalStore(Store):
    def __init__(self, root: str | os.PathLike[str]) -> None:
        root_path = Path(str(root).removeprefix("file://")).expanduser()
        root_path.mkdir(parents=True, exist_ok=True)
        self.root = str(root_path.resolve())

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return (LocalStore, (self.root,))

    def _full(self, path: str) -> Path:
        relative = clean_path(path)
        full = Path(self.root, relative)
        # A symlink inside the project must not lead outside it.
        resolved = full.resolve()
        if resolved != Path(self.root) and Path(self.root) not in resolved.parents:
            raise StorePathError(f"{path!r} resolves outside the project root")
        return full

    def url(self, path: str = "") -> str:
        # Names a location without touching it: reading or writing there checks symlinks.
        relative = clean_path(path)
        return os.path.join(self.root, relative) if relative else self.root

    def write_bytes(self, path: str, data: bytes) -> None:
        target = self._full(path)
        if target.is_dir():
            raise StoreError(f"{path!r} is a folder; cannot write a file over it")
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def put_file(self, local: Path, path: str) -> None:
        # Copied by the kernel, not through memory: environments run to gigabytes.
        target = self._full(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        try:
            shutil.copyfile(local, tmp)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def read_bytes(self, path: str) -> bytes:
        target = self._full(path)
        try:
            return target.read_bytes()
        except FileNotFoundError as error:
            raise StoreNotFoundError(f"no file at {path!r} in {self.root}") from error
        except IsADirectoryError as error:
            raise StoreError(f"{path!r} is a folder, not a file") from error

    def exists(self, path: str) -> bool:
        return self._full(path).exists()

    def list(self, path: str = "") -> list[StoreEntry]:
        folder = self._full(path)
        if not folder.is_dir():
            raise StoreNotFoundError(f"no folder at {path!r} in {self.root}")
        base = clean_path(path)
        entries = []
        for child in sorted(folder.iterdir(), key=lambda p: p.name):
            if child.name.endswith(".tmp") and child.name.startswith("."):
                continue  # an atomic write in progress
            stat = child.stat()
            entries.append(
                StoreEntry(
                    path=f"{base}/{child.name}" if base else child.name,
                    is_dir=child.is_dir(),
                    size=0 if child.is_dir() else stat.st_size,
                    modified=stat.st_mtime,
                )
            )
        return entries

    def makedirs(self, path: str) -> None:
        self._full(path).mkdir(parents=True, exist_ok=True)

    def delete(self, path: str, recursive: bool = False) -> None:
        if not clean_path(path):
            raise StorePathError("refusing to delete the project root")
        target = self._full(path)
        if not target.exists():
            raise StoreNotFoundError(f"no file or folder at {path!r} in {self.root}")
        if target.is_dir() and not target.is_symlink():
            if not recursive and any(target.iterdir()):
                raise StoreError(f"{path!r} is a folder that is not empty: pass recursive=True")
            shutil.rmtree(target)
        else:
            target.unlink()

    def rename(self, path: str, new_path: str) -> None:
        source, target = self._full(path), self._full(new_path)
        if not clean_path(path) or not clean_path(new_path):
            raise StorePathError("cannot rename the project root")
        if not source.exists() and not source.is_symlink():
            raise StoreNotFoundError(f"no file or folder at {path!r} in {self.root}")
        if target.exists() or target.is_symlink():
            raise StoreError(f"cannot rename {path!r} to {new_path!r}: {new_path!r} exists")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(source, target)
        except OSError as error:
            raise StoreError(f"renaming {path!r} to {new_path!r}: {error}") from error
