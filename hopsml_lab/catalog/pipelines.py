"""Pipelines' tables and queries: one row per pipeline of a project (its definition as
JSON, also saved under ``Pipelines/<name>.json`` on the store), one per run of a pipeline
and one per stage of a run (state, attempts, times, the job execution it ran as).
Changes to the tables need an alembic migration.
"""

from __future__ import annotations

import time
from typing import Any

from pydantic import Field
from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .base import Base
from .db import Database
from .experiments.records import Record

PENDING, RUNNING, FINISHED, FAILED, SKIPPED = "PENDING", "RUNNING", "FINISHED", "FAILED", "SKIPPED"


class PipelineRow(Base):
    __tablename__ = "pipelines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)

    __table_args__ = (UniqueConstraint("project_id", "name", name="uq_pipelines_name"),)


class PipelineRunRow(Base):
    __tablename__ = "pipeline_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pipeline_id: Mapped[int] = mapped_column(
        ForeignKey("pipelines.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[float] = mapped_column(Float)
    finished_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    failed_stage: Mapped[str | None] = mapped_column(String(200), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class StageRunRow(Base):
    __tablename__ = "pipeline_stage_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("pipeline_runs.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(200))
    job_name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    execution_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    started_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    finished_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class PipelineRecord(Record):
    id: int
    name: str
    definition: str = Field(description="The pipeline as JSON (Pipeline.to_json()).")
    created_at: float
    updated_at: float


class StageRunRecord(Record):
    stage: str
    job_name: str
    state: str = Field(description="PENDING, RUNNING, FINISHED, FAILED or SKIPPED.")
    attempts: int
    execution_id: int | None = None
    started_at: float | None = None
    finished_at: float | None = None
    duration_s: float | None = None
    error: str | None = None


class PipelineRunRecord(Record):
    id: int
    pipeline: str
    state: str = Field(description="RUNNING, FINISHED or FAILED.")
    success: bool | None = Field(description="None while it runs.")
    started_at: float
    finished_at: float | None = None
    duration_s: float | None = None
    failed_stage: str | None = Field(None, description="The stage that failed, if one did.")
    error: str | None = Field(None, description="Why, and where its logs are.")
    stages: list[StageRunRecord]


def _duration(started: float | None, finished: float | None) -> float | None:
    return None if started is None or finished is None else finished - started


def _run(row: PipelineRunRow, pipeline: str, stages: list[StageRunRow]) -> PipelineRunRecord:
    return PipelineRunRecord(
        id=row.id,
        pipeline=pipeline,
        state=row.state,
        success=None if row.state == RUNNING else row.state == FINISHED,
        started_at=row.started_at,
        finished_at=row.finished_at,
        duration_s=_duration(row.started_at, row.finished_at),
        failed_stage=row.failed_stage,
        error=row.error,
        stages=[
            StageRunRecord(
                stage=s.stage,
                job_name=s.job_name,
                state=s.state,
                attempts=s.attempts,
                execution_id=s.execution_id,
                started_at=s.started_at,
                finished_at=s.finished_at,
                duration_s=_duration(s.started_at, s.finished_at),
                error=s.error,
            )
            for s in sorted(stages, key=lambda s: s.position)
        ],
    )


class PipelineCatalog:
    """Saves pipelines and records their runs, stage by stage."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, project_id: int, name: str, definition: str) -> PipelineRecord:
        now = time.time()
        with self.db.writing() as session:
            row = self._row(session, project_id, name)
            if row is None:
                row = PipelineRow(project_id=project_id, name=name, created_at=now)
                session.add(row)
            row.definition, row.updated_at = definition, now
            session.flush()
            return PipelineRecord.model_validate(row, from_attributes=True)

    def get(self, project_id: int, name: str) -> PipelineRecord | None:
        with self.db.reading() as session:
            row = self._row(session, project_id, name)
            return None if row is None else PipelineRecord.model_validate(row, from_attributes=True)

    def list(self, project_id: int) -> list[PipelineRecord]:
        with self.db.reading() as session:
            query = select(PipelineRow).where(PipelineRow.project_id == project_id)
            return [
                PipelineRecord.model_validate(r, from_attributes=True)
                for r in session.scalars(query.order_by(PipelineRow.name))
            ]

    def start_run(
        self, project_id: int, name: str, stages: list[tuple[str, str]]
    ) -> PipelineRunRecord:
        """A RUNNING run of pipeline ``name`` with its (stage, job) rows PENDING."""
        with self.db.writing() as session:
            pipeline = self._row(session, project_id, name)
            if pipeline is None:
                raise LookupError(name)
            run = PipelineRunRow(pipeline_id=pipeline.id, state=RUNNING, started_at=time.time())
            session.add(run)
            session.flush()
            rows = [
                StageRunRow(
                    run_id=run.id, position=n, stage=stage, job_name=job, state=PENDING, attempts=0
                )
                for n, (stage, job) in enumerate(stages)
            ]
            session.add_all(rows)
            session.flush()
            return _run(run, name, rows)

    def update_stage(self, run_id: int, stage: str, **changes: Any) -> None:
        with self.db.writing() as session:
            row = session.scalars(
                select(StageRunRow).where(StageRunRow.run_id == run_id, StageRunRow.stage == stage)
            ).one()
            for column, value in changes.items():
                setattr(row, column, value)

    def finish_run(
        self, run_id: int, state: str, failed_stage: str | None = None, error: str | None = None
    ) -> PipelineRunRecord:
        """Close the run; stages that never started read SKIPPED."""
        with self.db.writing() as session:
            run = session.get(PipelineRunRow, run_id)
            assert run is not None
            run.state, run.finished_at = state, time.time()
            run.failed_stage, run.error = failed_stage, error
            stages = list(session.scalars(select(StageRunRow).where(StageRunRow.run_id == run_id)))
            for stage in stages:
                if stage.state == PENDING:
                    stage.state = SKIPPED
            session.flush()
            pipeline = session.get(PipelineRow, run.pipeline_id)
            return _run(run, pipeline.name, stages)  # type: ignore[union-attr]

    def runs(self, project_id: int, name: str, limit: int = 20) -> list[PipelineRunRecord]:
        """The pipeline's latest runs, newest first."""
        with self.db.reading() as session:
            pipeline = self._row(session, project_id, name)
            if pipeline is None:
                return []
            runs = list(
                session.scalars(
                    select(PipelineRunRow)
                    .where(PipelineRunRow.pipeline_id == pipeline.id)
                    .order_by(PipelineRunRow.id.desc())
                    .limit(limit)
                )
            )
            stages = session.scalars(
                select(StageRunRow).where(StageRunRow.run_id.in_([r.id for r in runs]))
            ).all()
            return [_run(r, name, [s for s in stages if s.run_id == r.id]) for r in runs]

    @staticmethod
    def _row(session: Session, project_id: int, name: str) -> PipelineRow | None:
        return session.scalars(
            select(PipelineRow).where(
                PipelineRow.project_id == project_id, PipelineRow.name == name
            )
        ).first()
