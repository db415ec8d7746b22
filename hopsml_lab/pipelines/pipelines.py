"""Pipelines of one project: saved as ``Pipelines/<name>.json`` on the store and in the
catalog; run locally, stage by stage in dependency order, each stage a job execution;
the first stage that fails (its job failed, an input is missing before it or an output
after it) stops the run, which names the stage and where its logs are.

>>> pipelines = PipelineService.here()                                  # doctest: +SKIP
>>> pipelines.save(Pipeline("churn", (Stage("ingest", "ingest"),
...                                   Stage("train", "train", after=("ingest",)))))
>>> pipelines.run("churn").state                                        # doctest: +SKIP
'FINISHED'
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..catalog.jobs import ExecutionRecord
from ..catalog.pipelines import (
    FAILED,
    FINISHED,
    RUNNING,
    PipelineCatalog,
    PipelineRunRecord,
)
from ..errors import BadInput, Conflict, NotFound, clip, not_in_project
from ..lab import Lab, PerLab
from .definition import Pipeline, Stage
from .jobs import JobService

SUCCESS_FILE = "_SUCCESS"


class PipelineNotFound(NotFound):
    """No pipeline with that name in the project."""


class PipelineWaiting(Conflict):
    """The pipeline waits for data that is not there yet."""


def definition_path(name: str) -> str:
    return f"Pipelines/{name}.json"


class PipelineService:
    """Saves, lists and runs the project's pipelines."""

    def __init__(self, lab: Lab, jobs: JobService | None = None) -> None:
        self.lab = lab
        self.jobs = jobs or JobService.here()
        self.catalog = PipelineCatalog(lab.db)

    @classmethod
    def here(cls) -> PipelineService:
        """The service of this process's project (one per Lab)."""
        return _services.here(lambda lab: cls(lab, JobService.here()))

    def save(self, pipeline: Pipeline) -> Pipeline:
        """Save ``pipeline`` (replacing one of that name). Its stages must have an order
        (no cycle, no unknown stage in ``after``) and name jobs of the project."""
        if not isinstance(pipeline, Pipeline):
            raise BadInput(f"save a Pipeline, not {clip(pipeline)!r}")
        pipeline.order()
        missing = sorted({s.job for s in pipeline.stages if not self.jobs.exists(s.job)})
        if missing:
            raise BadInput(
                f"pipeline {pipeline.name}: no jobs {missing} in the project; create them "
                "first (hopsml-lab job create NAME PATH)"
            )
        text = pipeline.to_json()
        self.lab.store.write_text(definition_path(pipeline.name), text)
        self.catalog.save(self.lab.project_id, pipeline.name, text)
        return pipeline

    def get(self, name: str) -> Pipeline:
        record = self.catalog.get(self.lab.project_id, name)
        if record is None:
            known = [p.name for p in self.catalog.list(self.lab.project_id)]
            project = self.lab.settings.project_name
            raise PipelineNotFound(
                not_in_project("pipeline", name, project, known, "save one first")
            )
        return Pipeline.from_json(record.definition)

    def list(self) -> list[Pipeline]:
        return [Pipeline.from_json(r.definition) for r in self.catalog.list(self.lab.project_id)]

    def runs(self, name: str, limit: int = 20) -> list[PipelineRunRecord]:
        """The pipeline's latest runs with their stages, newest first."""
        self.get(name)
        return self.catalog.runs(self.lab.project_id, name, limit)

    def run(self, name: str, watch: Callable[[int], None] | None = None) -> PipelineRunRecord:
        """Run the pipeline here, stage after stage in dependency order; the run ends at
        the first stage that fails (``failed_stage`` names it, ``error`` says why and
        where its logs are) and the stages after it are SKIPPED. ``watch(run_id)`` is
        called once the run is recorded and whenever a stage starts or ends."""
        watch = watch or (lambda _run_id: None)
        pipeline = self.get(name)
        stages = pipeline.order()
        if pipeline.wait_for is not None:
            marker = f"{pipeline.wait_for.rstrip('/')}/{SUCCESS_FILE}"
            if not self.lab.store.exists(marker):
                raise PipelineWaiting(
                    f"pipeline {name} waits for {marker}, which is not in the project yet; "
                    "write it when the data is ready"
                )
        run = self.catalog.start_run(self.lab.project_id, name, [(s.name, s.job) for s in stages])
        watch(run.id)
        for stage in stages:
            error = self._run_stage(run.id, stage, lambda: watch(run.id))
            watch(run.id)
            if error is not None:
                return self.catalog.finish_run(run.id, FAILED, stage.name, error)
        return self.catalog.finish_run(run.id, FINISHED)

    def _run_stage(
        self, run_id: int, stage: Stage, started_hook: Callable[[], None] = lambda: None
    ) -> str | None:
        """Run one stage with its retries; why it failed, or None."""
        started = time.time()
        self.catalog.update_stage(run_id, stage.name, state=RUNNING, started_at=started)
        started_hook()
        error: str | None = None
        for attempt in range(1, stage.retries + 2):
            if attempt > 1:
                time.sleep(stage.retry_delay_s)
            execution: ExecutionRecord | None = None
            missing = [p for p in stage.inputs if not self.lab.store.exists(p)]
            if missing:
                error = f"stage {stage.name}: its inputs {missing} are not in the project"
            else:
                execution = self.jobs.run(stage.job, stage.params)
                error = self._stage_error(stage, execution)
            self.catalog.update_stage(
                run_id,
                stage.name,
                attempts=attempt,
                execution_id=execution.id if execution else None,
            )
            if error is None:
                break
        self.catalog.update_stage(
            run_id,
            stage.name,
            state=FAILED if error else FINISHED,
            finished_at=time.time(),
            error=error,
        )
        return error

    def _stage_error(self, stage: Stage, execution: ExecutionRecord) -> str | None:
        if not execution.success:
            return (
                f"stage {stage.name} failed: job {stage.job} execution {execution.id} ended "
                f"{execution.state}; its logs are {execution.stdout_path} and "
                f"{execution.stderr_path}"
                + (f": {execution.error.strip().splitlines()[-1]}" if execution.error else "")
            )
        missing = [p for p in stage.outputs if not self.lab.store.exists(p)]
        if missing:
            return (
                f"stage {stage.name} failed: job {stage.job} finished but did not write its "
                f"outputs {missing}; its logs are {execution.stdout_path} and "
                f"{execution.stderr_path}"
            )
        return None


_services: PerLab[PipelineService] = PerLab()
