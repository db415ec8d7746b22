"""The keeper of one deployment: ``python -m hopsml_lab.deployments.keeper FOLDER``.

A detached process (its own session: it outlives the kernel or script that started it)
that owns the deployment's listening socket and runs ``instances`` model servers on it
(``serve.py --fd``), each a :class:`~hopsml_lab.processes.ChildServer` that dies with the
keeper, even when the keeper is killed with SIGKILL. It records Running, Failed and
Stopped in the deployment's catalog row, and keeps a status file beside its spec.

- A crashed instance is started again after a back-off (0.5 s, doubling, at most 10 s);
  one that crashes more than ``max_restarts`` times in a row (a stable minute in
  between resets the count) makes the deployment Failed, with the end of its log.
- SIGHUP: read the spec again and roll out its new generation: new instances start on
  the same socket, and once they all answer the old ones drain and stop (``serve.py``),
  so no request fails. When the new ones cannot start, the old ones keep serving and
  the status file says why.
- SIGTERM (or the row deleted, stopped, or taken by another keeper): stop the instances,
  close the socket, record Stopped.

The spec (``keeper.json``, written by :class:`~.service.DeploymentService`) and the
status (``status.json``: its state, its model servers' pids and how many of them
answer now, ``ready_instances``, rewritten whenever that number changes) are JSON files in
``FOLDER``, with the model servers' log ``server.log``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import time
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..processes import ChildServer, ProcessError
from .keepers import KEEPER_MODULE, LOG_FILE, SERVER_MODULE, STATUS_FILE, KeeperSpec, write_json
from .loaders import WORKERS_ENV

if TYPE_CHECKING:
    from ..catalog.deployments import DeploymentCatalog

STABLE_S = 60.0  # an instance up this long has its crash count reset
log = logging.getLogger(KEEPER_MODULE)


class Instance:
    """One model server of the keeper, with its crash count and back-off."""

    def __init__(self, spec: KeeperSpec, index: int, folder: Path, fd: int) -> None:
        self.index, self.crashes = index, 0
        self.retry_at: float | None = None
        self.up_since = time.monotonic()
        self.ready_file = folder / "ready" / f"{spec.generation}-{index}"
        self.ready_file.parent.mkdir(exist_ok=True)
        env = {**spec.env, WORKERS_ENV: str(spec.instances)}
        self.server = ChildServer(
            f"instance {index} of deployment {spec.deployment} (version {spec.model_version})",
            lambda port: _server_argv(spec, fd, self.ready_file),
            folder / LOG_FILE,
            env=env,
            host=spec.host,
            port=spec.port,
            pass_fds=(fd,),
            probe=lambda _server: self.ready_file.exists(),
        )

    def start(self) -> None:
        self.ready_file.unlink(missing_ok=True)
        self.server.start()
        self.up_since = time.monotonic()

    def tend(self, spec: KeeperSpec, now: float) -> str | None:
        """Restart it when it crashed (after its back-off); a message once it crashed
        more often than allowed."""
        if self.server.alive():
            if self.crashes and now - self.up_since > STABLE_S:
                self.crashes = 0
            return None
        if self.retry_at is None:
            self.crashes += 1
            code = self.server.popen.returncode if self.server.popen else None
            if self.crashes > spec.max_restarts:
                return (
                    f"{self.server.name} crashed {self.crashes} times in a row (exit code "
                    f"{code}); the log ends: {self.server.log_tail()}"
                )
            delay = min(0.5 * 2 ** (self.crashes - 1), 10.0)
            log.warning("%s exited with code %s; restart in %.1f s", self.server.name, code, delay)
            self.retry_at = now + delay
        elif now >= self.retry_at:
            self.retry_at = None
            self.start()
            log.info("%s restarted (pid %d)", self.server.name, self.server.pid)
        return None


def _server_argv(spec: KeeperSpec, fd: int, ready: Path) -> list[str]:
    argv = [sys.executable, "-m", SERVER_MODULE, "--model-dir", spec.model_dir]
    argv += ["--name", spec.deployment, "--version", str(spec.model_version)]
    argv += ["--model-server", spec.model_server, "--host", spec.host, "--port", str(spec.port)]
    argv += ["--fd", str(fd), "--ready-file", str(ready), "--drain-seconds", str(spec.drain_s)]
    argv += ["--script", spec.script] if spec.script else []
    return argv + (["--transformer", spec.transformer] if spec.transformer else [])


def _listen(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


class Keeper:
    """Runs, restarts, rolls out and stops one deployment's instances (main thread)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.spec = KeeperSpec.read(folder)
        self.instances: list[Instance] = []
        self.stopping = self.reload = False
        self.failed_generation: int | None = None
        self.message: str | None = None
        self._checked, self._catalog_errors = 0.0, 0
        self._ready = 0  # instances answering, as the status file last said

    @cached_property
    def catalog(self) -> DeploymentCatalog:
        # Imported here: the catalog's libraries load while the first servers start.
        from ..catalog.db import Database
        from ..catalog.deployments import DeploymentCatalog

        return DeploymentCatalog(Database(self.spec.catalog_url, migrate=False))

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_reload)
        spec = self.spec
        try:
            self.sock = _listen(spec.host, spec.port)
        except OSError as error:
            return self._fail(f"port {spec.port} on {spec.host} cannot be used: {error}")
        started = time.monotonic()
        try:
            self.instances = self._start_all(spec)
        except ProcessError as error:
            return self._fail(error.message)
        log.info(
            "deployment %s version %d: %d instance(s) ready in %.2f s",
            spec.deployment,
            spec.model_version,
            len(self.instances),
            time.monotonic() - started,
        )
        if not self._owned(wait=5.0):
            return self._end(record=False)
        self._write_status("Running")
        self.catalog.set_state(
            spec.project_id,
            spec.deployment,
            "Running",
            port=spec.port,
            pid=os.getpid(),
            owner_pid=spec.owner_pid,
        )
        while not self.stopping:
            if self.reload:
                self.reload = False
                self._roll_out()
            now = time.monotonic()
            for instance in self.instances:
                message = instance.tend(self.spec, now)
                if message is not None:
                    return self._fail(message)
            if self._ready_count() != self._ready:
                self._write_status("Running")
            if now - self._checked > 1.0 and not self._owned():
                return self._end(record=False)
            time.sleep(0.05)
        return self._end(record=True)

    # -- signals ---------------------------------------------------------------------------

    def _on_stop(self, signum: int, frame: Any) -> None:
        self.stopping = True

    def _on_reload(self, signum: int, frame: Any) -> None:
        self.reload = True

    # -- instances ---------------------------------------------------------------------------

    def _start_all(self, spec: KeeperSpec) -> list[Instance]:
        """Start ``spec.instances`` instances and wait until each answers; stop them all
        and raise when one cannot start."""
        instances = [
            Instance(spec, i, self.folder, self.sock.fileno()) for i in range(spec.instances)
        ]
        try:
            for instance in instances:
                instance.start()
            self.catalog  # noqa: B018 - loads the catalog while the servers start
            for instance in instances:
                instance.server.wait_ready(spec.ready_timeout_s)
        except ProcessError:
            self._stop(instances)
            raise
        return instances

    def _stop(self, instances: list[Instance]) -> None:
        """Stop instances together: each drains its open connections first."""
        for instance in instances:
            if instance.server.alive():
                instance.server.popen.terminate()  # type: ignore[union-attr]
        for instance in instances:
            instance.server.stop(timeout=self.spec.drain_s + 20.0)
            instance.ready_file.unlink(missing_ok=True)

    def _roll_out(self) -> None:
        try:
            spec = KeeperSpec.read(self.folder)
        except (OSError, ValueError, TypeError) as error:
            log.error("cannot read the new spec: %s", error)
            return
        if spec.generation == self.spec.generation:
            return
        started = time.monotonic()
        log.info("rolling out version %d (generation %d)", spec.model_version, spec.generation)
        try:
            new = self._start_all(spec)
        except ProcessError as error:
            self.failed_generation = spec.generation
            self.message = f"roll-out of version {spec.model_version} failed: {error.message}"
            log.error("%s", self.message)
            self._write_status("Running")
            return
        old, self.instances, self.spec = self.instances, new, spec
        self._stop(old)
        self.message = None
        self._write_status("Running", rolled_out_s=round(time.monotonic() - started, 3))
        log.info("version %d serves (%.2f s)", spec.model_version, time.monotonic() - started)

    # -- recording ---------------------------------------------------------------------------

    def _owned(self, wait: float = 0.0) -> bool:
        """Whether the row still names this keeper (its starter writes the pid just after
        starting it: ``wait`` for that); False when deleted, stopped or taken over."""
        self._checked = time.monotonic()
        deadline = self._checked + wait
        while True:
            try:
                row = self.catalog.get(self.spec.project_id, self.spec.deployment)
                self._catalog_errors = 0
            except Exception as error:  # the catalog is away: keep serving a while
                self._catalog_errors += 1
                log.warning("catalog unreachable: %s", error)
                return self._catalog_errors < 60
            if row is not None and row.pid == os.getpid() and row.state in ("Starting", "Running"):
                return True
            if row is None or time.monotonic() >= deadline:
                log.info("deployment %s is no longer this keeper's: stopping", self.spec.deployment)
                return False
            time.sleep(0.05)

    def _ready_count(self) -> int:
        return sum(1 for i in self.instances if i.server.alive() and i.ready_file.exists())

    def _write_status(self, state: str, **extra: Any) -> None:
        self._ready = self._ready_count()
        write_json(
            self.folder / STATUS_FILE,
            {
                "pid": os.getpid(),
                "state": state,
                "generation": self.spec.generation,
                "model_version": self.spec.model_version,
                "port": self.spec.port,
                "instance_pids": [i.server.pid for i in self.instances if i.server.alive()],
                "ready_instances": self._ready,
                "failed_generation": self.failed_generation,
                "message": self.message,
                "updated_at": time.time(),
                **extra,
            },
        )

    def _record(self, state: str) -> None:
        with contextlib.suppress(Exception):
            if self._owned(wait=5.0 if state == "Failed" else 0.0):
                self.catalog.set_state(self.spec.project_id, self.spec.deployment, state)

    def _fail(self, message: str) -> int:
        log.error("%s", message)
        self.message = message
        self._shut()
        self._write_status("Failed")
        self._record("Failed")
        return 1

    def _end(self, record: bool) -> int:
        self._shut()
        self._write_status("Stopped")
        if record:
            self._record("Stopped")
        return 0

    def _shut(self) -> None:
        self._stop(self.instances)
        self.instances = []
        with contextlib.suppress(AttributeError, OSError):
            self.sock.close()


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit("usage: python -m hopsml_lab.deployments.keeper FOLDER")
    handler = logging.StreamHandler(sys.stdout)  # the deployment's log
    handler.setFormatter(
        logging.Formatter("%(asctime)s keeper[%(process)d] %(levelname)s %(message)s")
    )
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    raise SystemExit(Keeper(Path(args[0])).run())


if __name__ == "__main__":
    main()
