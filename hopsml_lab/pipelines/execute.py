"""How one job runs: a subprocess of this environment's interpreter (papermill on the
``python3`` kernel for a notebook, the script itself for a ``.py``), its stdout and
stderr written to the execution's log files as it runs, the executed notebook kept.

On a local project the logs and the executed notebook are written in place, under
``Logs/<job>/<id>/`` and ``Jobs/<job>/executions/<id>/``; on HDFS they are written to a
local folder and copied to the same paths when the run ends. The job runs in the project
folder (a local project) or that local folder (HDFS), with the project's settings in its
environment, so ``hopsml_lab`` inside it opens the same project.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..catalog.jobs import ExecutionRecord, JobRecord
from ..settings import (
    ENV_CATALOG_URL,
    ENV_HDFS_USER,
    ENV_PROJECT_NAME,
    ENV_PROJECT_ROOT,
    ENV_SPARK_MASTER,
    ENV_WEBHDFS_URL,
    Settings,
)
from ..store import Store
from .arguments import as_argv

NOTEBOOK, SCRIPT = "notebook", "script"
RUNNER = "hopsml_lab.pipelines.notebook_runner"


def project_env(settings: Settings) -> dict[str, str]:
    """The variables that make ``Settings.from_env()`` in a child give this project."""
    values = {
        ENV_PROJECT_ROOT: settings.project_root,
        ENV_PROJECT_NAME: settings.project_name,
        ENV_CATALOG_URL: settings.resolved_catalog_url(),
        ENV_SPARK_MASTER: settings.spark_master,
        ENV_WEBHDFS_URL: settings.webhdfs_url,
        ENV_HDFS_USER: settings.hdfs_user,
    }
    return {key: value for key, value in values.items() if value}


@dataclass
class JobProcess:
    """One execution's process and where its files go."""

    job: JobRecord
    execution: ExecutionRecord
    store: Store
    settings: Settings
    extra_env: dict[str, str]

    def __post_init__(self) -> None:
        self.local = not self.settings.is_remote_store
        self.work = Path(tempfile.mkdtemp(prefix=f"hopsml-job-{self.execution.id}-"))
        self.stdout = self._local(self.execution.stdout_path)
        self.stderr = self._local(self.execution.stderr_path)
        notebook = self.execution.output_notebook
        self.output = self._local(notebook) if notebook else None
        self.process: subprocess.Popen[bytes] | None = None

    def _local(self, project_path: str) -> Path:
        """Where a file of the run is written on this machine."""
        path = Path(self.store.url(project_path)) if self.local else self.work / project_path
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def start(self) -> int:
        """Start the process; its pid."""
        params = self.execution.args
        cwd = self.store.url() if self.local else str(self.work)
        if self.job.kind == NOTEBOOK:
            source = self._source(".ipynb")
            command = [sys.executable, "-m", RUNNER, str(source), str(self.output)]
            command += [json.dumps(params), cwd]
        else:
            command = [sys.executable, "-u", str(self._source(".py")), *as_argv(params)]
        env = {**os.environ, **project_env(self.settings), **self.extra_env, **params}
        env["HOPSWORKS_JOB_NAME"] = self.job.name
        env["HOPSML_EXECUTION_ID"] = str(self.execution.id)
        env["PYTHONUNBUFFERED"] = "1"
        with self.stdout.open("wb") as out, self.stderr.open("wb") as err:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd, env=env
            )
        return self.process.pid

    def _source(self, suffix: str) -> Path:
        """The notebook or script as a local file (a copy, read when the run starts)."""
        if self.local:
            source = Path(self.store.url(self.job.app_path))
            if source.is_file():
                return source
        copy = self.work / f"source{suffix}"
        copy.write_bytes(self.store.read_bytes(self.job.app_path))
        return copy

    def wait(self) -> int:
        """Wait for the process; its exit status, once its files are on the store."""
        assert self.process is not None
        status = self.process.wait()
        if not self.local:
            for local, path in (
                (self.stdout, self.execution.stdout_path),
                (self.stderr, self.execution.stderr_path),
                (self.output, self.execution.output_notebook),
            ):
                if local is not None and path and local.is_file():
                    self.store.put_file(local, path)
        return status

    def error_tail(self, lines: int = 20) -> str:
        """The end of the run's stderr, for the execution's error."""
        try:
            text = self.stderr.read_text(errors="replace")
        except OSError:
            return ""
        # The kernel's own notices (a TCP warning, the interrupt it logs) are not the error.
        kept = [line for line in text.strip().splitlines() if not line.startswith("[IPKernel")]
        return "\n".join(kept[-lines:]).strip()
