"""The Python environment executors run trials in, packed for a remote cluster.

On one host the executors use the kernel's interpreter. A remote cluster gets the
environment as an archive: packed with venv-pack once per change (a fingerprint of its
installed distributions), kept on the store under ``Environments/``, shipped with
``spark.archives``; the executors' Python then runs from it.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from ..errors import Failed
from ..store import Store

ARCHIVE_NAME = "environment"  # the folder executors unpack the archive into


class ShipError(Failed):
    """The environment cannot be shipped; the message says what to change."""


def site_packages(prefix: Path) -> Path:
    found = sorted(prefix.glob("lib/python3*/site-packages"))
    if not found:
        raise ShipError(f"{prefix} is not a virtual environment (no site-packages)")
    return found[0]


def fingerprint(prefix: Path) -> str:
    """Changes when a distribution is installed, removed or upgraded there."""
    packages = sorted(
        f"{d.metadata['Name']}=={d.version}"
        for d in metadata.distributions(path=[str(site_packages(prefix))])
    )
    text = "\n".join([sys.version, *packages])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def shipped_archive(store: Store, prefix: Path) -> str:
    """The store URL of the environment's archive, packed now if it changed."""
    path = f"Environments/{fingerprint(prefix)}.tar.gz"
    if not store.exists(path):
        import venv_pack

        with tempfile.TemporaryDirectory() as folder:
            archive = Path(folder, "environment.tar.gz")
            try:
                venv_pack.pack(prefix=str(prefix), output=str(archive), force=True)
            except venv_pack.VenvPackException as error:
                raise ShipError(
                    f"cannot pack {prefix} for the executors: {error} "
                    "(ship a virtual environment without editable installs, set "
                    "HOPSML_SHIP_ENVIRONMENT to its path)"
                ) from error
            store.put_file(archive, path)
    return store.url(path)


def archive_conf(archive_url: str) -> dict[str, str]:
    """Spark settings that ship the archive and run executors' Python from it."""
    return {
        "spark.archives": f"{archive_url}#{ARCHIVE_NAME}",
        "spark.pyspark.python": f"./{ARCHIVE_NAME}/bin/python",
        "spark.pyspark.driver.python": sys.executable,
    }


class ShippedEnvironment:
    """Which environment a cluster's executors get (``HOPSML_SHIP_ENVIRONMENT``: a
    virtual environment's path, or ``kernel`` for the kernel's own), and whether it
    changed since Spark started."""

    def __init__(self, setting: str | None, store: Store | None) -> None:
        self.prefix = None if not setting else Path(sys.prefix if setting == "kernel" else setting)
        self.store = store
        self._shipped: tuple[int, str] | None = None  # (site-packages mtime, fingerprint)

    def conf(self) -> dict[str, str]:
        """Spark settings for a new session: the archive, packed now if it changed."""
        if self.prefix is None:
            return {}
        if self.store is None:
            raise ShipError("shipping the environment needs the project's store")
        state = (site_packages(self.prefix).stat().st_mtime_ns, fingerprint(self.prefix))
        url = shipped_archive(self.store, self.prefix)
        self._shipped = state
        return archive_conf(url)

    def changed(self) -> bool:
        """Whether packages changed since the running session shipped them (cheap
        unless the site-packages folder changed)."""
        if self.prefix is None or self._shipped is None:
            return False
        mtime = site_packages(self.prefix).stat().st_mtime_ns
        if mtime == self._shipped[0]:
            return False
        if fingerprint(self.prefix) == self._shipped[1]:
            self._shipped = (mtime, self._shipped[1])
            return False
        return True
