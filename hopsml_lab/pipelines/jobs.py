"""Jobs of one project: a notebook (``.ipynb``, run with papermill) or a script (``.py``)
of the project registered by name with its default parameters; each run an execution
recorded in the catalog with its state, duration and logs.

>>> jobs = JobService.here()                                            # doctest: +SKIP
>>> jobs.create("train", {"appPath": "Jobs/train.ipynb", "defaultArgs": "--lr 0.01"})
>>> jobs.run("train", {"lr": "0.1"}).success                            # doctest: +SKIP
True
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

import psutil

from ..catalog.jobs import (
    ACTIVE_STATES,
    FAILED,
    FINISHED,
    KILLED,
    RUNNING,
    ExecutionRecord,
    JobCatalog,
    JobRecord,
)
from ..errors import BadInput, NotFound, clip, not_in_project
from ..lab import Lab, PerLab
from .arguments import parse_args
from .definition import check_name
from .execute import NOTEBOOK, SCRIPT, JobProcess

_KINDS = {".ipynb": NOTEBOOK, ".py": SCRIPT}


class JobNotFound(NotFound):
    """No job with that name in the project."""


class ExecutionNotFound(NotFound):
    """No execution with that id in the project."""


def project_path(app_path: str, project_name: str) -> str:
    """A path in the project from what Hopsworks users write: ``Jobs/x.ipynb``,
    ``/Jobs/x.ipynb``, ``/Projects/<project>/Jobs/x.ipynb`` or ``hdfs://.../Projects/...``."""
    path = app_path
    if path.startswith("hdfs://"):
        path = "/" + path.removeprefix("hdfs://").partition("/")[2]
    prefix = f"/Projects/{project_name}/"
    if path.startswith(prefix):
        path = path[len(prefix) :]
    return str(PurePosixPath(path.lstrip("/")))


class JobService:
    """Creates, runs, lists and stops the project's jobs."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        self.catalog = JobCatalog(lab.db)
        self._running: dict[int, JobProcess] = {}
        self._lock = threading.Lock()

    @classmethod
    def here(cls) -> JobService:
        """The service of this process's project (one per Lab)."""
        return _services.here(cls)

    # -- what the jobs are ---------------------------------------------------------------

    def create(self, name: str, config: Mapping[str, Any]) -> JobRecord:
        """Create job ``name`` from a Hopsworks-shaped ``config`` (``appPath``: a project
        ``.ipynb`` or ``.py``; ``defaultArgs``: a ``--k v`` string or a dict), or update
        it when it exists."""
        check_name(name, "job")
        if not isinstance(config, Mapping):
            raise BadInput(
                f"job {name}: config must be a dict with 'appPath', e.g. "
                "JobService.here().configuration('PYTHON')"
            )
        app_path = config.get("appPath")
        if not isinstance(app_path, str) or not app_path:
            raise BadInput(
                f"job {name}: 'appPath' not set in job configuration; set it to the "
                "notebook or script in the project, e.g. config['appPath'] = 'Jobs/train.ipynb'"
            )
        path = project_path(app_path, self.lab.settings.project_name)
        kind = _KINDS.get(PurePosixPath(path).suffix)
        if kind is None:
            raise BadInput(f"job {name}: appPath {clip(app_path)!r} must be a .ipynb or .py file")
        if not self.lab.store.exists(path):
            raise BadInput(
                f"job {name}: no file {clip(path)!r} in project "
                f"{self.lab.settings.project_name}; upload it first (hopsml-lab upload)"
            )
        defaults = parse_args(config.get("defaultArgs"))
        stored = {**config, "appPath": path, "appName": name}
        return self.catalog.save(
            self.lab.project_id,
            name,
            kind=kind,
            app_path=path,
            default_args=defaults,
            config=stored,
        )

    def configuration(self, job_type: str = "PYTHON") -> dict[str, Any]:
        """The default configuration of a job type, to set ``appPath`` in."""
        kind = str(job_type).upper()
        if kind not in CONFIG_TYPES:
            raise BadInput(
                f"job type {clip(job_type)!r}: HopsML Lab runs {sorted(CONFIG_TYPES)} jobs "
                "(a notebook or script of the project)"
            )
        return {
            "type": CONFIG_TYPES[kind],
            "appName": None,
            "defaultArgs": None,
            "environmentName": "hopsml-lab",
            "resourceConfig": {"cores": 1.0, "memory": 2048, "gpus": 0},
            "logRedirection": True,
            "files": None,
        }

    def get(self, name: str) -> JobRecord:
        record = self.catalog.get(self.lab.project_id, name)
        if record is None:
            known = [j.name for j in self.catalog.list(self.lab.project_id)]
            project = self.lab.settings.project_name
            raise JobNotFound(not_in_project("job", name, project, known, "create one first"))
        return record

    def exists(self, name: str) -> bool:
        return self.catalog.get(self.lab.project_id, name) is not None

    def list(self) -> list[JobRecord]:
        return self.catalog.list(self.lab.project_id)

    def delete(self, name: str) -> None:
        """Stop the job's running executions and forget it (its files stay)."""
        self.get(name)
        self.stop(name)
        self.catalog.delete(self.lab.project_id, name)

    # -- runs ----------------------------------------------------------------------------

    def run(
        self,
        name: str,
        params: Mapping[str, str] | str | None = None,
        wait: bool = True,
        *,
        env: Mapping[str, str] | None = None,
    ) -> ExecutionRecord:
        """Run job ``name`` with ``params`` over its defaults; with ``wait``, return the
        finished execution (FINISHED or FAILED, its error in ``error`` and stderr),
        else the running one (a thread of this process records its end)."""
        job = self.get(name)
        args = {**job.default_args, **parse_args(params)}
        extra = {str(k): str(v) for k, v in (env or {}).items()}
        folder = f"Logs/{name}/{{id}}"
        notebook = None
        if job.kind == NOTEBOOK:
            notebook = f"Jobs/{name}/executions/{{id}}/{PurePosixPath(job.app_path).name}"
        execution = self.catalog.add_execution(
            self.lab.project_id,
            name,
            args,
            logs_folder=folder,
            output_notebook=notebook,
            owner_pid=os.getpid(),
        )
        process = JobProcess(job, execution, self.lab.store, self.lab.settings, extra)
        try:
            pid = process.start()
        except OSError as error:
            shutil.rmtree(process.work, ignore_errors=True)
            return self._finish(execution.id, FAILED, f"the job did not start: {error}")
        with self._lock:
            self._running[execution.id] = process
        self.catalog.update_execution(execution.id, state=RUNNING, pid=pid, started_at=time.time())
        if not wait:
            threading.Thread(
                target=self._await, args=(execution.id,), name=f"job {name}", daemon=False
            ).start()
            return self.execution(execution.id)
        return self._await(execution.id)

    def _await(self, execution_id: int) -> ExecutionRecord:
        process = self._running[execution_id]
        try:
            status = process.wait()
        finally:
            with self._lock:
                self._running.pop(execution_id, None)
            shutil.rmtree(process.work, ignore_errors=True)
        current = self.catalog.execution(self.lab.project_id, execution_id)
        if current is not None and current.state == KILLED:
            return self._finish(execution_id, KILLED, current.error)
        if status == 0:
            return self._finish(execution_id, FINISHED, None)
        tail = process.error_tail(12)
        return self._finish(
            execution_id,
            FAILED,
            f"exit status {status}; stderr ends with:\n{tail}" if tail else f"exit status {status}",
        )

    def _finish(self, execution_id: int, state: str, error: str | None) -> ExecutionRecord:
        record = self.catalog.update_execution(
            execution_id, state=state, finished_at=time.time(), error=error, pid=None
        )
        assert record is not None
        return record

    def stop(self, name: str) -> list[ExecutionRecord]:
        """Stop the job's running executions (KILLED); those stopped."""
        stopped = []
        for execution in self.executions(name, active=True):
            self.catalog.update_execution(execution.id, state=KILLED, error="stopped on request")
            with self._lock:
                process = self._running.get(execution.id)
            if process is not None and process.process is not None:
                process.process.terminate()
            elif execution.pid is not None:
                with contextlib.suppress(psutil.Error):
                    psutil.Process(execution.pid).terminate()
                self._finish(execution.id, KILLED, "stopped on request")
            stopped.append(self.execution(execution.id))
        return stopped

    def await_execution(self, execution_id: int, timeout: float | None = None) -> ExecutionRecord:
        """The execution once it has ended, or as it is after ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            record = self.execution(execution_id)
            if record.state not in ACTIVE_STATES:
                return record
            if deadline is not None and time.monotonic() >= deadline:
                return record
            time.sleep(0.05)

    def executions(self, name: str, active: bool = False) -> list[ExecutionRecord]:
        """The job's executions, newest first (only those running, with ``active``)."""
        self.get(name)
        found = self.catalog.executions(self.lab.project_id, name, ACTIVE_STATES if active else ())
        return [self._live(e) for e in found]

    def execution(self, execution_id: int) -> ExecutionRecord:
        record = self.catalog.execution(self.lab.project_id, execution_id)
        if record is None:
            raise ExecutionNotFound(
                f"no execution {clip(execution_id)!r} in project {self.lab.settings.project_name}"
            )
        return self._live(record)

    def delete_execution(self, execution_id: int) -> None:
        record = self.execution(execution_id)
        if record.state in ACTIVE_STATES:
            raise BadInput(f"execution {execution_id} is running: stop its job first")
        self.catalog.delete_execution(self.lab.project_id, execution_id)

    def _live(self, record: ExecutionRecord) -> ExecutionRecord:
        """A running execution whose recording process died reads FAILED (nothing is
        left to record its end)."""
        if record.state not in ACTIVE_STATES or record.id in self._running:
            return record
        if record.owner_pid is not None and psutil.pid_exists(record.owner_pid):
            return record
        with contextlib.suppress(psutil.Error):
            if record.pid is not None:
                psutil.Process(record.pid).terminate()
        return self._finish(
            record.id, FAILED, "the process that started it ended before the run did"
        )

    def read_log(self, path: str) -> str:
        """A log file of an execution ('' when it was never written)."""
        store = self.lab.store
        return store.read_text(path) if store.exists(path) else ""


CONFIG_TYPES = {
    "PYTHON": "pythonJobConfiguration",
    "PYSPARK": "sparkJobConfiguration",
    "SPARK": "sparkJobConfiguration",
    "JUPYTER": "pythonJobConfiguration",
}

_services: PerLab[JobService] = PerLab()
