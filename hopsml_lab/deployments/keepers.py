"""A deployment's keeper as other processes see it: its spec (what it serves, where)
and its status, JSON files in its folder, and its process (is it alive, which model
servers does it run, end it); the lock that lets one process at a time start or restart
it, and the count of its restarts. ``keeper.py`` is the keeper itself.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil

from ..processes import start_detached

CREATED, STARTING, RUNNING, STOPPED, FAILED = "Created", "Starting", "Running", "Stopped", "Failed"
LIVE = (STARTING, RUNNING)  # a deployment that should run: it has (or gets) a keeper
SPEC_FILE, STATUS_FILE, LOG_FILE = "keeper.json", "status.json", "server.log"
RESTARTS_FILE, LOCK_FILE = "restarts.json", ".keeper.lock"
KEEPER_MODULE = "hopsml_lab.deployments.keeper"
SERVER_MODULE = "hopsml_lab.deployments.serve"


@dataclass
class KeeperSpec:
    """What a keeper serves, where, and how it records it."""

    deployment: str
    project_id: int
    catalog_url: str
    host: str
    port: int
    generation: int
    model_dir: str
    model_version: int
    model_server: str
    script: str | None
    instances: int
    owner_pid: int
    env: dict[str, str] = field(default_factory=dict)
    transformer: str | None = None
    max_restarts: int = 5
    ready_timeout_s: float = 600.0
    drain_s: float = 2.0

    def write(self, folder: Path) -> None:
        write_json(folder / SPEC_FILE, asdict(self))

    @classmethod
    def read(cls, folder: Path) -> KeeperSpec:
        return cls(**json.loads((folder / SPEC_FILE).read_text()))


def read_status(folder: Path) -> dict[str, Any]:
    """The keeper's last status (empty when it wrote none)."""
    try:
        return json.loads((folder / STATUS_FILE).read_text())
    except (OSError, ValueError):
        return {}


def read_restarts(folder: Path) -> dict[str, Any]:
    """How often the keeper was restarted after it vanished: ``count`` in a row and
    ``last_at`` (seconds since the epoch); empty when never."""
    try:
        return json.loads((folder / RESTARTS_FILE).read_text())
    except (OSError, ValueError):
        return {}


def write_restarts(folder: Path, count: int, last_at: float | None) -> None:
    if count == 0:
        (folder / RESTARTS_FILE).unlink(missing_ok=True)
    else:
        write_json(folder / RESTARTS_FILE, {"count": count, "last_at": last_at})


@contextlib.contextmanager
def keeper_lock(folder: Path) -> Iterator[None]:
    """Hold the deployment's lock: one process at a time starts, restarts or stops its
    keeper (the lock is released when its holder dies, killed or not)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def append_log(folder: Path, who: str, level: str, message: str) -> None:
    """A line in the deployment's log, formatted as the keeper's own lines are."""
    now = time.time()
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now))
    with contextlib.suppress(OSError), open(folder / LOG_FILE, "a") as log:
        log.write(f"{stamp},{int(now % 1 * 1000):03d} {who}[{os.getpid()}] {level} {message}\n")


def write_json(path: Path, value: dict[str, Any]) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps(value))
    os.replace(partial, path)  # readers see the old file or the new one, never half


def launch_keeper(folder: Path, fresh_log: bool) -> int:
    """Start the keeper of ``folder``'s spec, detached; its pid. ``fresh_log``: one
    start's log at a time (a restart appends, keeping why it was needed)."""
    log_path = folder / LOG_FILE
    if fresh_log:
        log_path.write_bytes(b"")
    (folder / STATUS_FILE).unlink(missing_ok=True)
    return start_detached([sys.executable, "-m", KEEPER_MODULE, str(folder)], log_path)


def is_keeper(pid: int | None, folder: Path) -> bool:
    """Whether ``pid`` is still the keeper of ``folder`` (not a reused pid or a zombie)."""
    if not pid:
        return False
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        line = process.cmdline()
    except (psutil.Error, OSError):
        return False
    return KEEPER_MODULE in line and str(folder) in line


def instance_pids(keeper: int | None) -> list[int]:
    with contextlib.suppress(psutil.Error, OSError):
        return sorted(
            child.pid
            for child in psutil.Process(keeper).children()
            if child.status() != psutil.STATUS_ZOMBIE and SERVER_MODULE in child.cmdline()
        )
    return []


def end_keeper(pid: int, instances: list[int], timeout: float) -> None:
    """End a keeper (SIGTERM: it stops its model servers; SIGKILL after ``timeout``)
    and wait until its model servers are gone too."""
    with contextlib.suppress(psutil.Error, OSError):
        os.kill(pid, signal.SIGTERM)
        if not ended([pid], timeout):
            os.kill(pid, signal.SIGKILL)  # its model servers die with it
            ended([pid], 10.0)
    ended(instances, 10.0)


def ended(pids: list[int], timeout: float) -> bool:
    """Wait until none of ``pids`` runs (a zombie, not yet reaped, has ended)."""
    deadline = time.monotonic() + timeout
    while True:
        running = []
        for pid in pids:
            with contextlib.suppress(psutil.Error):
                if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                    running.append(pid)
        if not running:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
