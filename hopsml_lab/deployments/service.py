"""Deployments of one project: recorded in the catalog, their model servers started
through the process supervisor on 127.0.0.1 (or the deployment's host), listed with
their live state, stopped on request.

A server dies with the process that started it (a kernel, a script, the Jupyter
server); its row then reads ``Stopped`` to every process that looks, and ``Failed``
when the server died while its starter lives on.

>>> service = DeploymentService.here()                               # doctest: +SKIP
>>> service.create("churn", "churn", 1, "PYTHON")                    # doctest: +SKIP
>>> service.start("churn").port                                      # doctest: +SKIP
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import sys
import tempfile
import threading
import urllib.request
import weakref
from pathlib import Path

import psutil

from ..catalog.deployments import DeploymentCatalog, DeploymentRecord
from ..errors import BadInput, Conflict, NotFound, clip
from ..lab import Lab, get_lab
from ..processes import HOST, ChildServer, ProcessError, Supervisor
from ..registry import Registry

CREATED, STARTING, RUNNING, STOPPED, FAILED = "Created", "Starting", "Running", "Stopped", "Failed"
MODEL_SERVERS = ("PYTHON", "TENSORFLOW_SERVING")
_NAME = re.compile(r"[a-zA-Z0-9]+")
SERVER_MODULE = "hopsml_lab.deployments.serve"


class DeploymentNotFound(NotFound):
    """No deployment with that name in the project."""


class DeploymentConflict(Conflict):
    """The deployment is not in a state that allows this; the message says what to do."""


class DeploymentStartError(ProcessError):
    """The model server did not start; the message carries the end of its log."""


class DeploymentService:
    """Creates, starts, lists, stops and deletes the project's deployments."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        self.catalog = DeploymentCatalog(lab.db)
        self.registry = Registry(lab.store, lab)
        self.supervisor = Supervisor(idle_timeout=float("inf"))  # deployments never idle out
        self._lock = threading.Lock()
        atexit.register(self.stop_own)

    @classmethod
    def here(cls) -> DeploymentService:
        """The service of this process's project (one per Lab)."""
        lab = get_lab()
        with _services_lock:
            service = _services.get(lab)
            if service is None:
                service = _services[lab] = cls(lab)
            return service

    # -- what is deployed ----------------------------------------------------------------

    def create(
        self,
        name: str,
        model_name: str,
        model_version: int,
        model_server: str,
        *,
        script_file: str | None = None,
        instances: int = 1,
        description: str | None = None,
        host: str = HOST,
    ) -> DeploymentRecord:
        """Record deployment ``name`` of a registered model version (or update a stopped
        one). ``instances`` server processes share one port."""
        if not isinstance(name, str) or not _NAME.fullmatch(name) or len(name) > 200:
            raise BadInput(
                f"deployment name {clip(name)!r}: use letters and digits only "
                "(regex ^[a-zA-Z0-9]+$), e.g. the model name without underscores"
            )
        if model_server not in MODEL_SERVERS:
            raise BadInput(f"model_server={clip(model_server)!r}: use one of {MODEL_SERVERS}")
        if isinstance(instances, bool) or not isinstance(instances, int) or instances < 1:
            raise BadInput(f"instances={clip(instances)!r}: give a whole number, 1 or more")
        self.registry.require(model_name, model_version)  # an unknown model raises here
        script = self._script(script_file) if script_file else None
        current = self.get(name, missing_ok=True)
        if current is not None and current.state in (STARTING, RUNNING):
            raise DeploymentConflict(
                f"deployment {name} is {current.state.lower()}: stop it before changing it"
            )
        return self.catalog.save(
            self.lab.project_id,
            name,
            model_name=model_name,
            model_version=model_version,
            model_server=model_server,
            script_file=script,
            instances=instances,
            host=host,
            description=description,
        )

    def _script(self, script_file: str) -> str:
        """A predictor script as a local path: a local file, or a project file copied
        into the deployments' local folder."""
        local = Path(script_file).expanduser()
        if local.is_file():
            return str(local.resolve())
        relative = script_file.lstrip("/")
        if self.lab.store.exists(relative):
            target = _local_folder(self.lab.settings.project_name) / "scripts" / Path(relative).name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(self.lab.store.read_bytes(relative))
            return str(target)
        raise BadInput(
            f"no predictor script {clip(script_file)!r}, locally or in the project: give the "
            "path of a .py file with a Predict class"
        )

    def get(self, name: str, missing_ok: bool = False) -> DeploymentRecord | None:
        """Deployment ``name`` with its live state (None when ``missing_ok`` and absent)."""
        record = self.catalog.get(self.lab.project_id, name)
        if record is None:
            if missing_ok:
                return None
            known = [r.name for r in self.catalog.list(self.lab.project_id)]
            raise DeploymentNotFound(
                f"no deployment {clip(name)!r} in project {self.lab.settings.project_name}"
                + (f"; its deployments are {known}" if known else "; deploy a model first")
            )
        return self._live(record)

    def require(self, name: str) -> DeploymentRecord:
        record = self.get(name)
        assert record is not None
        return record

    def list(self, model_name: str | None = None) -> list[DeploymentRecord]:
        return [self._live(r) for r in self.catalog.list(self.lab.project_id, model_name)]

    def _live(self, record: DeploymentRecord) -> DeploymentRecord:
        """The record with the state its process shows now, written back when it moved."""
        if record.state not in (STARTING, RUNNING):
            return record
        if not _is_server(record.pid, record.port):
            # It died with the process that started it (stopped), or on its own (failed).
            owner_alive = record.owner_pid is not None and psutil.pid_exists(record.owner_pid)
            state = FAILED if owner_alive else STOPPED
            return self.catalog.set_state(self.lab.project_id, record.name, state) or record
        if record.state == STARTING and _answers(record):
            return self._set(record, RUNNING)
        return record

    def _set(self, record: DeploymentRecord, state: str) -> DeploymentRecord:
        updated = self.catalog.set_state(
            self.lab.project_id,
            record.name,
            state,
            port=record.port,
            pid=record.pid,
            owner_pid=record.owner_pid,
        )
        return updated or record

    # -- running -------------------------------------------------------------------------

    def start(self, name: str, timeout: float | None = 600.0) -> DeploymentRecord:
        """Start the model server of ``name`` (nothing when it runs); with ``timeout``,
        wait until it answers. Call from a thread that lives as long as the process."""
        with self._lock:
            record = self.require(name)
            if record.state in (STARTING, RUNNING):
                return record
            model = self.registry.require(record.model_name, record.model_version)
            folder = self.registry.download(model)
            log_path = _local_folder(self.lab.settings.project_name) / name / "server.log"
            log_path.parent.mkdir(parents=True, exist_ok=True)
            log_path.write_bytes(b"")  # one start's log at a time
            child = ChildServer(
                f"model server {name}",
                _command(record, folder),
                log_path,
                ready_path="v2/health/ready",
                env={"DEPLOYMENT_NAME": name},
                host=record.host,
            )
            self.supervisor.add(name, child)
            record = (
                self.catalog.set_state(
                    self.lab.project_id,
                    name,
                    STARTING,
                    port=child.port,
                    pid=child.pid,
                    owner_pid=os.getpid(),
                    log_path=str(log_path),
                )
                or record
            )
        if timeout is None:
            return record
        try:
            child.wait_ready(timeout)
        except ProcessError as error:
            self.supervisor.remove(name)
            self.catalog.set_state(self.lab.project_id, name, FAILED)
            raise DeploymentStartError(
                f"deployment {name} did not start: {error.message}"
            ) from None
        return self._set(record, RUNNING)

    def stop(self, name: str) -> DeploymentRecord:
        """Stop the model server of ``name`` (whichever process started it); its port is
        free when this returns."""
        record = self.require(name)
        if self.supervisor.remove(name) is None and _is_server(record.pid, record.port):
            _terminate(record.pid)  # type: ignore[arg-type]
        return self.catalog.set_state(self.lab.project_id, name, STOPPED) or record

    def delete(self, name: str, force: bool = False) -> None:
        """Forget ``name``; a running one only with ``force`` (it is stopped first)."""
        record = self.require(name)
        if record.state in (STARTING, RUNNING):
            if not force:
                raise DeploymentConflict(
                    f"deployment {name} is {record.state.lower()}: stop it first, or delete "
                    "with force=True"
                )
            self.stop(name)
        self.catalog.delete(self.lab.project_id, name)

    def logs(self, name: str, tail: int = 10) -> list[str]:
        """The last ``tail`` lines of the model server's log."""
        record = self.require(name)
        if not record.log_path or not Path(record.log_path).exists():
            return []
        lines = Path(record.log_path).read_text(errors="replace").splitlines()
        return lines[-tail:] if tail > 0 else lines

    def stop_own(self) -> None:
        """Stop the servers this process started and record them stopped (at exit)."""
        for name in list(self.supervisor.running()):
            with contextlib.suppress(Exception):
                self.supervisor.remove(name)
                self.catalog.set_state(self.lab.project_id, name, STOPPED)


def base_url(record: DeploymentRecord) -> str:
    if record.port is None:
        raise DeploymentConflict(f"deployment {record.name} is not running: start it first")
    return f"http://{record.host}:{record.port}"


def _command(record: DeploymentRecord, folder: str):  # type: ignore[no-untyped-def]
    def command(port: int) -> list[str]:
        args = [sys.executable, "-m", SERVER_MODULE, "--model-dir", folder]
        args += ["--name", record.name, "--version", str(record.model_version)]
        args += ["--model-server", record.model_server, "--host", record.host]
        args += ["--port", str(port), "--workers", str(record.instances)]
        return args + (["--script", record.script_file] if record.script_file else [])

    return command


def _local_folder(project: str) -> Path:
    return Path(tempfile.gettempdir()) / "hopsml-deployments" / project


def _is_server(pid: int | None, port: int | None) -> bool:
    """Whether ``pid`` is still a model server on ``port`` (not a reused pid)."""
    if not pid or not port:
        return False
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        line = process.cmdline()
    except (psutil.Error, OSError):
        return False
    return SERVER_MODULE in line and str(port) in line


def _answers(record: DeploymentRecord) -> bool:
    try:
        with urllib.request.urlopen(base_url(record) + "/v2/health/ready", timeout=1):
            return True
    except (OSError, DeploymentConflict):
        return False


def _terminate(pid: int, timeout: float = 5.0) -> None:
    with contextlib.suppress(psutil.Error):
        process = psutil.Process(pid)
        process.terminate()
        try:
            process.wait(timeout)
        except psutil.TimeoutExpired:
            process.kill()
            process.wait(timeout)


_services: weakref.WeakKeyDictionary[Lab, DeploymentService] = weakref.WeakKeyDictionary()
_services_lock = threading.Lock()
