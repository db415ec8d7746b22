"""Deployments of one project: recorded in the catalog, each run by a keeper process
(``keeper.py``) on 127.0.0.1 (or the deployment's host), listed with their live state,
rolled out to a new model version with no failed request, stopped on request.

A keeper is detached: it outlives the kernel, script or Jupyter server that started it,
and any process of the project lists, queries, updates and stops it. It runs the
deployment's ``instances`` model servers on one port, restarts those that crash, and
records Running, Failed and Stopped in the catalog.

A keeper that vanished without recording (killed with SIGKILL, its model servers died
with it) is restarted on the same port by the next process that looks at the deployment
(``get``, ``list``, ``start``; the Jupyter server looks every few seconds, see
:meth:`DeploymentService.supervise`), with a line in the deployment's log. Restarts come
after a back-off (none, then ``keeper_backoff_s`` doubling) and at most
``max_keeper_restarts`` in a row (within a minute of each other); then the deployment is
Failed, saying why. One process at a time starts, restarts or stops a keeper (a file
lock in its folder).

>>> service = DeploymentService.here()                               # doctest: +SKIP
>>> service.create("churn", "churn", 1, "PYTHON")                    # doctest: +SKIP
>>> service.start("churn").port                                      # doctest: +SKIP
>>> service.roll_out("churn", 2)       # no request fails meanwhile  # doctest: +SKIP
>>> service.stop("churn")                                            # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import tempfile
import threading
import time
from pathlib import Path

from ..catalog.deployments import DeploymentCatalog, DeploymentRecord
from ..errors import BadInput, Conflict, NotFound, clip, not_in_project
from ..lab import Lab, PerLab
from ..processes import HOST, ProcessError, free_port
from ..registry import Registry
from .inference_log import LOG_MODE_ENV
from .inference_log import MODES as LOG_MODES
from .keepers import (
    CREATED,
    FAILED,
    LIVE,
    LOG_FILE,
    RUNNING,
    STARTING,
    STOPPED,
    KeeperSpec,
    end_keeper,
    is_keeper,
    keeper_lock,
    launch_keeper,
    read_status,
    write_restarts,
)
from .revival import revive, vanished, with_instances

MODEL_SERVERS = ("PYTHON", "TENSORFLOW_SERVING")
INFERENCE_LOG_ENV = "HOPSML_INFERENCE_LOG_DIR"
_NAME = re.compile(r"[a-zA-Z0-9]+")
_LIVE = LIVE


class DeploymentNotFound(NotFound):
    """No deployment with that name in the project."""


class DeploymentConflict(Conflict):
    """The deployment is not in a state that allows this; the message says what to do."""


class DeploymentStartError(ProcessError):
    """The model server did not start; the message carries the end of its log."""


class DeploymentService:
    """Creates, starts, lists, rolls out, stops and deletes the project's deployments."""

    def __init__(
        self,
        lab: Lab,
        max_restarts: int = 5,
        max_keeper_restarts: int = 3,
        keeper_backoff_s: float = 1.0,
    ) -> None:
        self.lab = lab
        self.max_restarts = max_restarts  # crashes in a row of one model server, then Failed
        self.max_keeper_restarts = max_keeper_restarts  # vanished keepers in a row, then Failed
        self.keeper_backoff_s = keeper_backoff_s  # before the 2nd restart in a row; doubling
        self.catalog = DeploymentCatalog(lab.db)
        self.registry = Registry(lab.store, lab)
        self._lock = threading.Lock()

    @classmethod
    def here(cls) -> DeploymentService:
        """The service of this process's project (one per Lab)."""
        return _services.here(cls)

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
        timeout: float = 600.0,
        inference_logging: str = "ALL",
        transformer_file: str | None = None,
    ) -> DeploymentRecord:
        """Record deployment ``name`` of a registered model version, or update it.
        ``instances`` server processes share one port. Updating a running deployment
        rolls it out (see :meth:`roll_out`), waiting up to ``timeout`` seconds.
        ``inference_logging``: what its servers log under ``Logs/<name>/`` (hsml's
        modes: ``ALL``, ``MODEL_INPUTS``, ``PREDICTIONS``, ``NONE``); ``transformer_file``:
        a script whose ``Transformer`` class's ``preprocess``/``postprocess`` run around
        the model on each request (hsml's transformer, in the model server's process)."""
        if not isinstance(name, str) or not _NAME.fullmatch(name) or len(name) > 200:
            raise BadInput(
                f"deployment name {clip(name)!r}: use letters and digits only "
                "(regex ^[a-zA-Z0-9]+$), e.g. the model name without underscores"
            )
        if model_server not in MODEL_SERVERS:
            raise BadInput(f"model_server={clip(model_server)!r}: use one of {MODEL_SERVERS}")
        if isinstance(instances, bool) or not isinstance(instances, int) or instances < 1:
            raise BadInput(f"instances={clip(instances)!r}: give a whole number, 1 or more")
        if inference_logging not in LOG_MODES:
            raise BadInput(
                f"inference_logging={clip(inference_logging)!r}: use one of {', '.join(LOG_MODES)}"
            )
        self.registry.require(model_name, model_version)  # an unknown model raises here
        script = self._script(script_file) if script_file else None
        transformer = self._script(transformer_file) if transformer_file else None
        current = self.get(name, missing_ok=True)
        if current is not None and current.state == STARTING:
            raise DeploymentConflict(
                f"deployment {name} is starting: wait until it runs, then update it"
            )
        if current is not None and current.state == RUNNING and host != current.host:
            raise DeploymentConflict(
                f"deployment {name} runs on {current.host}: stop it before changing its host"
            )
        saved = self._save(
            name,
            model_name,
            model_version,
            model_server,
            script,
            instances,
            host,
            description,
            inference_logging,
            transformer,
        )
        if current is None or current.state != RUNNING:
            return saved
        return self._roll_out(current, saved, timeout)

    def _save(
        self,
        name: str,
        model_name: str,
        model_version: int,
        model_server: str,
        script: str | None,
        instances: int,
        host: str,
        description: str | None,
        inference_logging: str = "ALL",
        transformer_file: str | None = None,
    ) -> DeploymentRecord:
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
            inference_logging=inference_logging,
            transformer_file=transformer_file,
        )

    def roll_out(
        self,
        name: str,
        model_version: int | None = None,
        *,
        instances: int | None = None,
        timeout: float = 600.0,
    ) -> DeploymentRecord:
        """Serve ``model_version`` (and/or ``instances``) of deployment ``name``. While
        it runs, the new model servers start beside the old ones on the same port and
        the old ones stop once the new ones answer, so no request fails; when the new
        ones cannot start, the old ones keep serving and this raises with their log."""
        record = self.require(name)
        return self.create(
            name,
            record.model_name,
            record.model_version if model_version is None else model_version,
            record.model_server,
            script_file=record.script_file,
            instances=record.instances if instances is None else instances,
            description=record.description,
            host=record.host,
            timeout=timeout,
            inference_logging=record.inference_logging,
            transformer_file=record.transformer_file,
        )

    def _script(self, script_file: str) -> str:
        """A predictor script as a local path: a local file, or a project file copied
        into the deployments' local folder."""
        local = Path(script_file).expanduser()
        if local.is_file():
            return str(local.resolve())
        relative = script_file.lstrip("/")
        if self.lab.store.exists(relative):
            target = self._local_folder() / "scripts" / Path(relative).name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(self.lab.store.read_bytes(relative))
            return str(target)
        raise BadInput(
            f"no predictor script {clip(script_file)!r}, locally or in the project: give the "
            "path of a .py file with a Predict class"
        )

    def get(
        self, name: str, missing_ok: bool = False, repair: bool = True
    ) -> DeploymentRecord | None:
        """Deployment ``name`` with its live state (None when ``missing_ok`` and absent);
        with ``repair``, a vanished keeper is restarted first (see :meth:`supervise`)."""
        record = self.catalog.get(self.lab.project_id, name)
        if record is None:
            if missing_ok:
                return None
            known = [r.name for r in self.catalog.list(self.lab.project_id)]
            project = self.lab.settings.project_name
            raise DeploymentNotFound(
                not_in_project("deployment", name, project, known, "deploy a model first")
            )
        return self._live(record, repair)

    def require(self, name: str, repair: bool = True) -> DeploymentRecord:
        record = self.get(name, repair=repair)
        assert record is not None
        return record

    def list(self, model_name: str | None = None) -> list[DeploymentRecord]:
        """The project's deployments (of one model, if given) with their live state;
        vanished keepers are restarted first (see :meth:`supervise`)."""
        return [self._live(r) for r in self.catalog.list(self.lab.project_id, model_name)]

    def supervise(self) -> list[DeploymentRecord]:
        """Restart the keepers of deployments that should run (Starting or Running) but
        whose keeper process is gone, as the Jupyter server does every few seconds; the
        deployments as they are then. A plain script gets the same repair from any
        ``get``/``list``/``start``: deployments need no Jupyter server to be kept."""
        return self.list()

    def _live(self, record: DeploymentRecord, repair: bool = True) -> DeploymentRecord:
        """The record as its keeper shows it now (its model servers' pids, how many
        answer, why it failed). A deployment whose keeper vanished is restarted
        (``repair``), else shown Failed without writing it."""
        folder = _folder_of(record, self)
        if record.state in _LIVE:
            if is_keeper(record.pid, folder):
                return with_instances(record, folder)
            if repair:
                return revive(self, record.name, folder)
            return record.model_copy(update={"state": FAILED, "message": vanished(record.pid)})
        if record.state == FAILED:
            return record.model_copy(update={"message": read_status(folder).get("message")})
        return record

    # -- running -------------------------------------------------------------------------

    def start(self, name: str, timeout: float | None = 600.0) -> DeploymentRecord:
        """Start the keeper of ``name`` (nothing when it runs); with ``timeout``, wait
        until its model servers answer. It runs until stopped, whatever process asks."""
        with self._lock:
            record = self.require(name)  # a vanished keeper is restarted here
            if record.state not in _LIVE:
                record = self._start(record)
        if timeout is None or record.state == RUNNING:
            return record
        return self._await_running(record, timeout)

    def _start(self, record: DeploymentRecord) -> DeploymentRecord:
        model = self.registry.require(record.model_name, record.model_version)
        model_dir = self.registry.download(model)
        folder = self._folder(record.name)
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)  # its spec names the catalog's URL, password included
        with keeper_lock(folder):
            current = self.catalog.get(self.lab.project_id, record.name) or record
            if current.state in _LIVE and is_keeper(current.pid, _folder_of(current, self)):
                return with_instances(current, folder)  # another process started it
            spec = self._spec(record, model_dir, free_port(record.host), 1)
            spec.write(folder)
            write_restarts(folder, 0, None)
            pid = launch_keeper(folder, fresh_log=True)
            started = self.catalog.set_state(
                self.lab.project_id,
                record.name,
                STARTING,
                port=spec.port,
                pid=pid,
                owner_pid=os.getpid(),
                log_path=str(folder / LOG_FILE),
            )
        return started or record

    def _await_running(self, started: DeploymentRecord, timeout: float) -> DeploymentRecord:
        deadline = time.monotonic() + timeout
        while True:
            record = self.require(started.name)
            if record.state == RUNNING:
                return record
            if record.state != STARTING:  # a restarted keeper (new pid) is followed
                raise DeploymentStartError(
                    f"deployment {record.name} did not start: {record.message or record.state}"
                )
            if time.monotonic() > deadline:
                tail = " | ".join(self.logs(record.name, 8))
                self.stop(record.name)
                raise DeploymentStartError(
                    f"deployment {record.name} did not answer within {timeout:.0f} s: {tail}"
                )
            time.sleep(0.05)

    def _roll_out(
        self, previous: DeploymentRecord, saved: DeploymentRecord, timeout: float
    ) -> DeploymentRecord:
        """Have the keeper serve ``saved``; back to ``previous`` when it cannot."""
        folder = _folder_of(previous, self)
        with self._lock:
            old = KeeperSpec.read(folder)
            model = self.registry.require(saved.model_name, saved.model_version)
            spec = self._spec(saved, self.registry.download(model), old.port, old.generation + 1)
            spec.write(folder)
            os.kill(previous.pid, signal.SIGHUP)  # type: ignore[arg-type]
        deadline = time.monotonic() + timeout
        while True:
            status = read_status(folder)
            if status.get("generation") == spec.generation:
                return self.require(saved.name)
            failed = status.get("failed_generation") == spec.generation
            if failed or time.monotonic() > deadline or not is_keeper(previous.pid, folder):
                break
            time.sleep(0.05)
        self._save(
            previous.name,
            previous.model_name,
            previous.model_version,
            previous.model_server,
            previous.script_file,
            previous.instances,
            previous.host,
            previous.description,
            previous.inference_logging,
            previous.transformer_file,
        )
        if not is_keeper(previous.pid, folder):
            ended = self.require(previous.name)
            raise DeploymentStartError(
                f"deployment {previous.name} ended during its roll-out ({ended.state}): "
                f"{ended.message or 'see its log'}"
            )
        if not failed:  # timed out: whatever it got to, back to the previous version
            old.generation = spec.generation + 1
            old.write(folder)
            os.kill(previous.pid, signal.SIGHUP)  # type: ignore[arg-type]
        why = status.get("message") if failed else f"no answer within {timeout:.0f} s"
        raise DeploymentStartError(
            f"deployment {previous.name} still serves version {previous.model_version}: {why}"
        )

    def stop(self, name: str, timeout: float = 60.0) -> DeploymentRecord:
        """Stop deployment ``name`` (whichever process started it): its model servers
        finish the requests they hold, and its port is free when this returns."""
        record = self.require(name, repair=False)
        folder = _folder_of(record, self)
        with keeper_lock(folder):  # no restart of its keeper meanwhile
            record = self.require(name, repair=False)
            if record.state in _LIVE:
                end_keeper(record.pid, record.instance_pids, timeout)  # type: ignore[arg-type]
            write_restarts(folder, 0, None)
            return self.catalog.set_state(self.lab.project_id, name, STOPPED) or record

    def delete(self, name: str, force: bool = False) -> None:
        """Forget ``name``; a running one only with ``force`` (it is stopped first)."""
        record = self.require(name, repair=False)
        if record.state in _LIVE:
            if not force:
                raise DeploymentConflict(
                    f"deployment {name} is {record.state.lower()}: stop it first, or delete "
                    "with force=True"
                )
            self.stop(name)
        self.catalog.delete(self.lab.project_id, name)

    def logs(self, name: str, tail: int = 10) -> list[str]:
        """The last ``tail`` lines of the deployment's log (keeper and model servers)."""
        record = self.catalog.get(self.lab.project_id, name) or self.require(name)
        if not record.log_path or not Path(record.log_path).exists():
            return []
        lines = Path(record.log_path).read_text(errors="replace").splitlines()
        return lines[-tail:] if tail > 0 else lines

    def stop_own(self) -> None:
        """Stop the deployments this process started (deployments outlive their
        starter: call this where they should not, as a test's teardown)."""
        for record in self.catalog.list(self.lab.project_id):
            if record.owner_pid == os.getpid() and record.state in _LIVE:
                with contextlib.suppress(Exception):
                    self.stop(record.name)

    # -- where ---------------------------------------------------------------------------

    def _spec(
        self, record: DeploymentRecord, model_dir: str, port: int, generation: int
    ) -> KeeperSpec:
        return KeeperSpec(
            deployment=record.name,
            project_id=self.lab.project_id,
            catalog_url=self.lab.settings.resolved_catalog_url(),
            host=record.host,
            port=port,
            generation=generation,
            model_dir=model_dir,
            model_version=record.model_version,
            model_server=record.model_server,
            script=record.script_file,
            transformer=record.transformer_file,
            instances=record.instances,
            owner_pid=os.getpid(),
            max_restarts=self.max_restarts,
            env={
                "DEPLOYMENT_NAME": record.name,
                INFERENCE_LOG_ENV: str(self.inference_log_dir(record.name)),
                LOG_MODE_ENV: record.inference_logging,
            },
        )

    def inference_log_dir(self, name: str) -> Path:
        """Where deployment ``name``'s model servers log requests: ``<project>/Logs/<name>/``
        of a local project; for a project on HDFS a local folder under the temp dir
        (the model servers write plain files), beside the deployment's keeper files."""
        settings = self.lab.settings
        if settings.is_remote_store:
            return self._folder(name) / "Logs"
        root = Path(settings.project_root.removeprefix("file://")).expanduser().resolve()
        return root / "Logs" / name

    def _local_folder(self) -> Path:
        """This project's local deployments folder (named for its catalog too: two
        projects of one name on two catalogs keep apart)."""
        key = f"{self.lab.settings.resolved_catalog_url()}#{self.lab.project_id}"
        digest = hashlib.sha256(key.encode()).hexdigest()[:10]
        name = f"{self.lab.settings.project_name}-{digest}"
        return Path(tempfile.gettempdir()) / "hopsml-deployments" / name

    def _folder(self, name: str) -> Path:
        return self._local_folder() / name


def base_url(record: DeploymentRecord) -> str:
    if record.port is None:
        raise DeploymentConflict(f"deployment {record.name} is not running: start it first")
    return f"http://{record.host}:{record.port}"


def _folder_of(record: DeploymentRecord, service: DeploymentService) -> Path:
    """The keeper's folder of a started deployment (its log's), else where it would be."""
    if record.log_path:
        return Path(record.log_path).parent
    return service._folder(record.name)


_services: PerLab[DeploymentService] = PerLab()

__all__ = [
    "CREATED",
    "FAILED",
    "INFERENCE_LOG_ENV",
    "MODEL_SERVERS",
    "RUNNING",
    "STARTING",
    "STOPPED",
    "DeploymentConflict",
    "DeploymentNotFound",
    "DeploymentService",
    "DeploymentStartError",
    "base_url",
]
