"""hopsworks' ``Execution``: one run of a job, read from the catalog.

>>> execution = job.run(args="--lr 0.01")                        # doctest: +SKIP
>>> execution.success                                             # doctest: +SKIP
True
>>> out_log, err_log = execution.download_logs()                  # doctest: +SKIP
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ..catalog.jobs import ExecutionRecord
from ..pipelines.arguments import as_text
from ..pipelines.jobs import JobService
from .client.exceptions import JobExecutionException

if TYPE_CHECKING:
    from .job import Job


class Execution:
    """A run of a job: its state (Hopsworks' names), times and logs."""

    def __init__(self, record: ExecutionRecord, job: Job, service: JobService) -> None:
        self._record = record
        self._job = job
        self._service = service

    def _refresh(self) -> ExecutionRecord:
        self._record = self._service.execution(self._record.id)
        return self._record

    @property
    def id(self) -> int:
        """Id of the execution."""
        return self._record.id

    @property
    def job_name(self) -> str:
        """Name of the job the execution belongs to."""
        return self._record.job_name

    @property
    def job_type(self) -> str:
        """Type of the job the execution belongs to (``PYTHON``)."""
        return self._job.job_type

    @property
    def state(self) -> str:
        """``INITIALIZING``, ``RUNNING``, ``FINISHED``, ``FAILED`` or ``KILLED``."""
        return self._refresh().state

    @property
    def final_status(self) -> str:
        """``UNDEFINED`` while it runs, then ``SUCCEEDED``, ``FAILED`` or ``KILLED``."""
        return self._refresh().final_status

    @property
    def success(self) -> bool | None:
        """True when it finished, False when it failed or was stopped, None while it runs."""
        return self._refresh().success

    @property
    def submission_time(self) -> str:
        """When the run was submitted (ISO 8601, UTC)."""
        from datetime import UTC, datetime

        return datetime.fromtimestamp(self._record.submitted_at, UTC).isoformat()

    @property
    def stdout_path(self) -> str:
        """The stdout log, a path in the project (``Logs/<job>/<id>/stdout.log``)."""
        return self._record.stdout_path

    @property
    def stderr_path(self) -> str:
        """The stderr log, a path in the project."""
        return self._record.stderr_path

    @property
    def output_notebook(self) -> str | None:
        """The executed notebook, a path in the project (HopsML Lab's addition)."""
        return self._record.output_notebook

    @property
    def args(self) -> str:
        """The run's arguments as one ``--k v`` string."""
        return as_text(self._record.args)

    @property
    def duration(self) -> int:
        """Milliseconds the run took (so far, while it runs)."""
        import time

        record = self._refresh()
        started = record.started_at or record.submitted_at
        return int(1000 * ((record.finished_at or time.time()) - started))

    @property
    def progress(self) -> float:
        """1.0 once ended, else 0.0 (no finer progress is known)."""
        return 0.0 if self.success is None else 1.0

    @property
    def app_id(self) -> None:
        """No YARN application here: None."""
        return None

    @property
    def hdfs_user(self) -> None:
        return None

    @property
    def user(self) -> str | None:
        """The user that ran it (this process's user)."""
        import getpass

        return getpass.getuser()

    def download_logs(self, path: str | None = None) -> tuple[str | None, str | None]:
        """Copy stdout and stderr into ``path`` (default: the current folder), in a new
        folder ``logs-job-<job>-exec-<id>_<random>``; their two local paths (None for a
        log never written)."""
        if path is not None and not os.path.exists(path):
            raise JobExecutionException(f"Path {path} does not exist")
        folder = Path(path or os.getcwd()) / (
            f"logs-job-{self.job_name}-exec-{self.id}_{str(uuid.uuid4())[:16]}"
        )
        folder.mkdir(exist_ok=True)
        store = self._service.lab.store
        found: list[str | None] = []
        for log in (self.stdout_path, self.stderr_path):
            if store.exists(log):
                local = folder / PurePosixPath(log).name
                local.write_bytes(store.read_bytes(log))
                found.append(str(local))
            else:
                found.append(None)
        return found[0], found[1]

    def await_termination(self, timeout: float | None = None) -> None:
        """Wait until the run ends (at most ``timeout`` seconds); raises
        JobExecutionException when it failed or was stopped."""
        self._record = self._service.await_execution(self.id, timeout)
        raise_if_failed(self._record)

    def stop(self) -> None:
        """Stop the run (KILLED)."""
        if self._refresh().success is None:
            self._service.stop(self.job_name)

    def delete(self) -> None:
        """Forget the execution (its log files stay)."""
        self._service.delete_execution(self.id)

    def get_url(self) -> str:
        """Where its logs are: a path in the project (no Hopsworks UI here)."""
        return self.stdout_path.rpartition("/")[0]

    def __repr__(self) -> str:
        record = self._record
        shown = (record.final_status, record.state, self.submission_time, self.args)
        return "Execution({!r}, {!r}, {!r}, {!r})".format(*shown)


def raise_if_failed(record: ExecutionRecord) -> None:
    """Hopsworks' errors for a run that ended badly."""
    if record.state == "KILLED":
        raise JobExecutionException("The Hopsworks Job was stopped")
    if record.state == "FAILED":
        raise JobExecutionException(
            f"The job {record.job_name} failed (execution {record.id}); its logs are "
            f"{record.stdout_path} and {record.stderr_path}"
            + (f": {record.error.strip().splitlines()[-1]}" if record.error else "")
        )
