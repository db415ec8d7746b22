"""A deployment's keeper as other processes see it: its spec (what it serves, where)
and its status, JSON files in its folder, and its process (is it alive, which model
servers does it run, end it). ``keeper.py`` is the keeper itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil

SPEC_FILE, STATUS_FILE, LOG_FILE = "keeper.json", "status.json", "server.log"
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


def write_json(path: Path, value: dict[str, Any]) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps(value))
    os.replace(partial, path)  # readers see the old file or the new one, never half


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
