"""Pipelines as the sidebar and ``%pipeline`` see them: each with its last run, one with
its stages and recent runs (each stage run with its state, duration, execution, logs and
executed notebook), a run started in a background thread (its id answered at once), and
the tail of an execution's log. The pydantic models here are what the REST routes answer
and the OpenAPI document and the sidebar's TypeScript types are made from.

>>> browser = PipelineBrowser(get_lab())                                # doctest: +SKIP
>>> run_id = browser.start("churn").run_id                              # doctest: +SKIP
>>> browser.detail("churn").runs[0].stages[0].state                     # doctest: +SKIP
'RUNNING'
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from ..catalog.pipelines import PipelineRunRecord, StageRunRecord
from ..errors import Failed, NotFound
from ..store import LocalStore
from .jobs import JobService
from .pipelines import PipelineService

if TYPE_CHECKING:
    from ..lab import Lab

LOG_TAIL_CHARS = 20_000
"""Characters of a log the tail shows (its end)."""

_log = logging.getLogger(__name__)

RECENT_RUNS = 20
START_TIMEOUT_S = 30.0


class StageInfo(BaseModel):
    name: str
    job: str
    after: list[str] = Field(description="The stages it waits for.")
    app_path: str | None = Field(None, description="The job's notebook or script (project path).")


class StageRunInfo(BaseModel):
    stage: str
    job_name: str
    state: str = Field(description="PENDING, RUNNING, FINISHED, FAILED or SKIPPED.")
    attempts: int
    execution_id: int | None = None
    started_at: float | None = None
    finished_at: float | None = None
    duration_s: float | None = None
    error: str | None = None
    stdout_path: str | None = Field(None, description="The execution's stdout (project path).")
    stderr_path: str | None = Field(None, description="The execution's stderr (project path).")
    output_notebook: str | None = Field(None, description="The executed notebook (project path).")
    notebook_lab_path: str | None = Field(
        None,
        description="The executed notebook relative to the Jupyter server's root (to open "
        "in JupyterLab); None when the project is not under it.",
    )


class RunInfo(BaseModel):
    id: int
    pipeline: str
    state: str = Field(description="RUNNING, FINISHED or FAILED.")
    success: bool | None = Field(description="None while it runs.")
    started_at: float
    finished_at: float | None = None
    duration_s: float | None = None
    failed_stage: str | None = None
    error: str | None = None
    stages: list[StageRunInfo]


class PipelineSummary(BaseModel):
    name: str
    stages: list[str] = Field(description="Stage names in the order they run.")
    schedule: str | None = None
    wait_for: str | None = None
    description: str | None = None
    last_run: RunInfo | None = Field(None, description="The newest run; None: never run.")


class PipelineList(BaseModel):
    pipelines: list[PipelineSummary]


class PipelineDetail(BaseModel):
    name: str
    stages: list[StageInfo] = Field(description="In the order they run.")
    schedule: str | None = None
    wait_for: str | None = None
    description: str | None = None
    runs: list[RunInfo] = Field(description="Recent runs, newest first.")


class RunStarted(BaseModel):
    pipeline: str
    run_id: int


class LogQuery(BaseModel):
    stream: Literal["stdout", "stderr"] = "stdout"


class LogTail(BaseModel):
    execution_id: int
    job_name: str
    stream: Literal["stdout", "stderr"]
    path: str = Field(description="The log file (project path).")
    text: str = Field(description=f"Its last {LOG_TAIL_CHARS} characters at most.")
    truncated: bool = Field(description="Whether the log is longer than the text.")


class RunNotFound(NotFound):
    """No run with that id of that pipeline."""


class PipelineBrowser:
    """Reads pipelines and their runs for the sidebar; starts runs in this process."""

    def __init__(
        self,
        lab: Lab,
        server_root: str | None = None,
        pipelines: PipelineService | None = None,
    ) -> None:
        self.lab = lab
        self.pipelines = pipelines or PipelineService(lab, JobService(lab))
        self.jobs = self.pipelines.jobs
        self.server_root = server_root

    @classmethod
    def here(cls) -> PipelineBrowser:
        """The browser of this process's project (its pipeline service's)."""
        service = PipelineService.here()
        return cls(service.lab, pipelines=service)

    def list(self) -> PipelineList:
        summaries = []
        for pipeline in self.pipelines.list():
            latest = self.pipelines.runs(pipeline.name, limit=1)
            summaries.append(
                PipelineSummary(
                    name=pipeline.name,
                    stages=[s.name for s in pipeline.order()],
                    schedule=pipeline.schedule,
                    wait_for=pipeline.wait_for,
                    description=pipeline.description,
                    last_run=self.run_info(latest[0]) if latest else None,
                )
            )
        return PipelineList(pipelines=summaries)

    def detail(self, name: str, limit: int = RECENT_RUNS) -> PipelineDetail:
        pipeline = self.pipelines.get(name)
        stages = []
        for stage in pipeline.order():
            app_path = self.jobs.get(stage.job).app_path if self.jobs.exists(stage.job) else None
            stages.append(
                StageInfo(
                    name=stage.name, job=stage.job, after=list(stage.after), app_path=app_path
                )
            )
        return PipelineDetail(
            name=pipeline.name,
            stages=stages,
            schedule=pipeline.schedule,
            wait_for=pipeline.wait_for,
            description=pipeline.description,
            runs=[self.run_info(r) for r in self.pipelines.runs(name, limit)],
        )

    def run(self, name: str, run_id: int) -> RunInfo:
        """One run of pipeline ``name`` (among its recent ones)."""
        for record in self.pipelines.runs(name, limit=RECENT_RUNS):
            if record.id == run_id:
                return self.run_info(record)
        raise RunNotFound(f"pipeline {name} has no recent run {run_id}")

    def start(self, name: str) -> RunStarted:
        """Start a run of pipeline ``name`` in a thread of this process; its id once the
        run is recorded (a pipeline that waits for data, or is unknown, raises here)."""
        self.pipelines.get(name)
        started = threading.Event()
        run_ids: list[int] = []
        errors: list[BaseException] = []

        def recorded(run_id: int) -> None:
            if not run_ids:
                run_ids.append(run_id)
            started.set()

        def work() -> None:
            try:
                self.pipelines.run(name, watch=recorded)
            except BaseException as error:  # the caller raises it when it comes first
                errors.append(error)
                if started.is_set():
                    _log.exception("pipeline %s: the run ended with an error", name)
                started.set()

        threading.Thread(target=work, name=f"pipeline {name}", daemon=True).start()
        if not started.wait(START_TIMEOUT_S):
            raise Failed(f"pipeline {name}: the run was not recorded in {START_TIMEOUT_S:.0f} s")
        if not run_ids:
            raise errors[0]
        return RunStarted(pipeline=name, run_id=run_ids[0])

    def log(self, execution_id: int, stream: Literal["stdout", "stderr"] = "stdout") -> LogTail:
        execution = self.jobs.execution(execution_id)
        path = execution.stdout_path if stream == "stdout" else execution.stderr_path
        text = self.jobs.read_log(path)
        return LogTail(
            execution_id=execution.id,
            job_name=execution.job_name,
            stream=stream,
            path=path,
            text=text[-LOG_TAIL_CHARS:],
            truncated=len(text) > LOG_TAIL_CHARS,
        )

    def run_info(self, record: PipelineRunRecord) -> RunInfo:
        data = record.model_dump(exclude={"stages"})
        return RunInfo(**data, stages=[self._stage_run(s) for s in record.stages])

    def _stage_run(self, record: StageRunRecord) -> StageRunInfo:
        info = StageRunInfo(**record.model_dump())
        if record.execution_id is None:
            return info
        try:
            execution = self.jobs.execution(record.execution_id)
        except NotFound:
            return info  # the execution was deleted since
        info.stdout_path = execution.stdout_path
        info.stderr_path = execution.stderr_path
        info.output_notebook = execution.output_notebook
        info.notebook_lab_path = self._lab_path(execution.output_notebook)
        return info

    def _lab_path(self, project_path: str | None) -> str | None:
        store = self.lab.store
        if project_path is None or self.server_root is None or not isinstance(store, LocalStore):
            return None
        full = Path(store.root, project_path).resolve()
        root = Path(self.server_root).expanduser().resolve()
        if root != full and root not in full.parents:
            return None
        return Path(os.path.relpath(full, root)).as_posix()
