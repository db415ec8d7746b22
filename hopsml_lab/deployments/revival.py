"""Bringing back a deployment whose keeper vanished (killed with SIGKILL, out of memory,
the machine restarted): the deployment should run (its row says Starting or Running) but
no keeper serves it, and its model servers died with the keeper.

The first process to notice (any ``DeploymentService.get``/``list``/``start``, and the
Jupyter server every few seconds) restarts the keeper from its spec, on the same port,
under the deployment's lock so that only one does, and writes a line in the
deployment's log. The first restart is immediate; one more within a minute waits
``keeper_backoff_s``, doubling; past ``max_keeper_restarts`` in a row the deployment is
recorded Failed, with why, and is not restarted until someone starts it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..catalog.deployments import DeploymentCatalog, DeploymentRecord
from ..errors import NotFound
from .keepers import (
    FAILED,
    LIVE,
    RUNNING,
    SPEC_FILE,
    STARTING,
    STATUS_FILE,
    STOPPED,
    append_log,
    instance_pids,
    is_keeper,
    keeper_lock,
    launch_keeper,
    read_restarts,
    read_status,
    write_json,
    write_restarts,
)

if TYPE_CHECKING:
    from ..lab import Lab

RESTARTS_RESET_S = 60.0  # keeper restarts further apart than this are not "in a row"


class Service(Protocol):
    """What reviving needs of ``service.DeploymentService``."""

    lab: Lab
    catalog: DeploymentCatalog
    max_keeper_restarts: int
    keeper_backoff_s: float

    def get(
        self, name: str, missing_ok: bool = False, repair: bool = True
    ) -> DeploymentRecord | None: ...


def revive(service: Service, name: str, folder: Path) -> DeploymentRecord:
    """Deployment ``name`` after making sure a keeper serves it if it should run: its
    keeper restarted, the restart pending its back-off (shown Starting), or Failed."""
    with keeper_lock(folder):
        record = service.catalog.get(service.lab.project_id, name)
        if record is None:
            raise NotFound(f"deployment {name} was deleted meanwhile")
        if record.state not in LIVE:
            return service.get(name, repair=False) or record
        if is_keeper(record.pid, folder):
            return with_instances(record, folder)  # another process restarted it
        status = read_status(folder)
        if status.get("pid") == record.pid and status.get("state") in (FAILED, STOPPED):
            # It ended on its own and said why, but could not record it (catalog away).
            ended = service.catalog.set_state(service.lab.project_id, name, status["state"])
            return (ended or record).model_copy(update={"message": status.get("message")})
        return _restart(service, record, folder, status)


def _restart(
    service: Service, record: DeploymentRecord, folder: Path, status: dict[str, Any]
) -> DeploymentRecord:
    now, cap = time.time(), service.max_keeper_restarts
    restarts = read_restarts(folder)
    count, last = int(restarts.get("count", 0)), float(restarts.get("last_at") or 0.0)
    if count and now - last > RESTARTS_RESET_S:
        count = 0
    why = vanished(record.pid)
    if not (folder / SPEC_FILE).exists():
        return _fail(service, record, folder, status, f"{why}; its spec in {folder} is gone")
    if count >= cap:
        times = f"{count} time{'s' * (count > 1)}"
        message = (
            f"{why}; it was restarted {times} in a row and is not restarted again: read its "
            "log (deployment.get_logs()), then start it again"
        )
        return _fail(service, record, folder, status, message)
    wait = service.keeper_backoff_s * 2 ** (count - 1) if count else 0.0
    if now < last + wait:
        message = f"{why}; restart {count + 1} of {cap} in {last + wait - now:.1f} s"
        return record.model_copy(update={"state": STARTING, "message": message})
    pid = launch_keeper(folder, fresh_log=False)
    write_restarts(folder, count + 1, now)
    message = (
        f"keeper process {record.pid} ended without stopping the deployment (killed or "
        f"crashed): restarted as process {pid} (restart {count + 1} of {cap} in a row)"
    )
    append_log(folder, "supervisor", "WARNING", message)
    restarted = service.catalog.set_state(
        service.lab.project_id,
        record.name,
        STARTING,
        port=record.port,
        pid=pid,
        owner_pid=record.owner_pid,
    )
    return (restarted or record).model_copy(update={"message": message})


def _fail(
    service: Service,
    record: DeploymentRecord,
    folder: Path,
    status: dict[str, Any],
    message: str,
) -> DeploymentRecord:
    """Record Failed with ``message``, in the catalog, the status file and the log."""
    if folder.exists():
        append_log(folder, "supervisor", "ERROR", message)
        write_json(folder / STATUS_FILE, {**status, "state": FAILED, "message": message})
        write_restarts(folder, 0, None)
    failed = service.catalog.set_state(service.lab.project_id, record.name, FAILED)
    return (failed or record).model_copy(update={"message": message})


def with_instances(record: DeploymentRecord, folder: Path) -> DeploymentRecord:
    """A record whose keeper runs, with its model servers' pids and how many of them
    answer (the keeper's status says, once it runs)."""
    status = read_status(folder)
    ours = status.get("pid") == record.pid and status.get("state") == RUNNING
    return record.model_copy(
        update={
            "instance_pids": instance_pids(record.pid),
            "available_instances": int(status.get("ready_instances") or 0) if ours else 0,
        }
    )


def vanished(pid: int | None) -> str:
    return (
        f"its keeper process {pid} ended without stopping it (killed, or the machine "
        "restarted); its model servers ended with it"
    )
