"""Jobs' tables and queries: one row per job of a project (a notebook or script of the
project with its default arguments and Hopsworks-shaped configuration), one per run of a
job (an execution: state, times, the process that runs it, where its logs and executed
notebook went). States are Hopsworks' (``INITIALIZING``, ``RUNNING``, ``FINISHED``,
``FAILED``, ``KILLED``). Changes to the tables need an alembic migration.
"""

from __future__ import annotations

import json
import time
from typing import Any

from pydantic import Field
from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .base import Base
from .db import Database
from .experiments.records import Record

INITIALIZING, RUNNING, FINISHED, FAILED, KILLED = (
    "INITIALIZING",
    "RUNNING",
    "FINISHED",
    "FAILED",
    "KILLED",
)
ACTIVE_STATES = (INITIALIZING, RUNNING)
_FINAL_STATUS = {FINISHED: "SUCCEEDED", FAILED: "FAILED", KILLED: "KILLED"}


class JobRow(Base):
    """A notebook or script of the project, registered by name with its arguments."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    app_path: Mapped[str] = mapped_column(Text)
    default_args: Mapped[str] = mapped_column(Text)
    config: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)

    __table_args__ = (UniqueConstraint("project_id", "name", name="uq_jobs_name"),)


class ExecutionRow(Base):
    """One run of a job."""

    __tablename__ = "job_executions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16))
    args: Mapped[str] = mapped_column(Text)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    owner_pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    submitted_at: Mapped[float] = mapped_column(Float)
    started_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    finished_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    stdout_path: Mapped[str] = mapped_column(Text)
    stderr_path: Mapped[str] = mapped_column(Text)
    output_notebook: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class JobRecord(Record):
    id: int
    name: str
    kind: str = Field(description="notebook or script.")
    app_path: str = Field(description="The notebook or script, a path in the project.")
    default_args: dict[str, str] = Field(description="Parameters every run starts from.")
    config: dict[str, Any] = Field(description="The job's configuration, as Hopsworks shapes it.")
    created_at: float
    updated_at: float


class ExecutionRecord(Record):
    id: int
    job_name: str
    state: str = Field(description="INITIALIZING, RUNNING, FINISHED, FAILED or KILLED.")
    final_status: str = Field(
        description="UNDEFINED while it runs, then SUCCEEDED, FAILED, KILLED."
    )
    success: bool | None = Field(description="None while it runs.")
    args: dict[str, str] = Field(description="The parameters of this run.")
    submitted_at: float
    started_at: float | None = None
    finished_at: float | None = None
    duration_s: float | None = None
    stdout_path: str = Field(description="The run's stdout, a path in the project.")
    stderr_path: str = Field(description="The run's stderr, a path in the project.")
    output_notebook: str | None = Field(None, description="The executed notebook, if any.")
    error: str | None = None
    pid: int | None = None
    owner_pid: int | None = None


def _job(row: JobRow) -> JobRecord:
    return JobRecord(
        id=row.id,
        name=row.name,
        kind=row.kind,
        app_path=row.app_path,
        default_args=json.loads(row.default_args),
        config=json.loads(row.config),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _execution(row: ExecutionRow, job_name: str) -> ExecutionRecord:
    done = row.state not in ACTIVE_STATES
    return ExecutionRecord(
        id=row.id,
        job_name=job_name,
        state=row.state,
        final_status=_FINAL_STATUS.get(row.state, "UNDEFINED"),
        success=(row.state == FINISHED) if done else None,
        args=json.loads(row.args),
        submitted_at=row.submitted_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        duration_s=(
            row.finished_at - (row.started_at or row.submitted_at)
            if row.finished_at is not None
            else None
        ),
        stdout_path=row.stdout_path,
        stderr_path=row.stderr_path,
        output_notebook=row.output_notebook,
        error=row.error,
        pid=row.pid,
        owner_pid=row.owner_pid,
    )


class JobCatalog:
    """Creates, finds and forgets jobs; records their executions."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- jobs ----------------------------------------------------------------------------

    def save(
        self,
        project_id: int,
        name: str,
        *,
        kind: str,
        app_path: str,
        default_args: dict[str, str],
        config: dict[str, Any],
    ) -> JobRecord:
        """Create job ``name`` or update what it runs (its executions are kept)."""
        now = time.time()
        with self.db.writing() as session:
            row = self._job_row(session, project_id, name)
            if row is None:
                row = JobRow(project_id=project_id, name=name, created_at=now)
                session.add(row)
            row.kind, row.app_path = kind, app_path
            row.default_args, row.config = json.dumps(default_args), json.dumps(config)
            row.updated_at = now
            session.flush()
            return _job(row)

    def get(self, project_id: int, name: str) -> JobRecord | None:
        with self.db.reading() as session:
            row = self._job_row(session, project_id, name)
            return None if row is None else _job(row)

    def list(self, project_id: int) -> list[JobRecord]:
        with self.db.reading() as session:
            query = select(JobRow).where(JobRow.project_id == project_id).order_by(JobRow.name)
            return [_job(r) for r in session.scalars(query)]

    def delete(self, project_id: int, name: str) -> bool:
        """Forget the job and its executions' rows (their files stay)."""
        with self.db.writing() as session:
            row = self._job_row(session, project_id, name)
            if row is None:
                return False
            for execution in session.scalars(
                select(ExecutionRow).where(ExecutionRow.job_id == row.id)
            ):
                session.delete(execution)
            session.delete(row)
            return True

    # -- executions ----------------------------------------------------------------------

    def add_execution(
        self,
        project_id: int,
        job_name: str,
        args: dict[str, str],
        *,
        logs_folder: str,
        output_notebook: str | None,
        owner_pid: int,
    ) -> ExecutionRecord:
        """A new INITIALIZING execution; ``logs_folder`` and ``output_notebook`` may hold
        ``{id}``, filled with its id."""
        with self.db.writing() as session:
            job = self._job_row(session, project_id, job_name)
            if job is None:
                raise LookupError(job_name)
            row = ExecutionRow(
                job_id=job.id,
                state=INITIALIZING,
                args=json.dumps(args),
                owner_pid=owner_pid,
                submitted_at=time.time(),
                stdout_path="",
                stderr_path="",
            )
            session.add(row)
            session.flush()
            folder = logs_folder.format(id=row.id)
            row.stdout_path, row.stderr_path = f"{folder}/stdout.log", f"{folder}/stderr.log"
            row.output_notebook = output_notebook.format(id=row.id) if output_notebook else None
            session.flush()
            return _execution(row, job.name)

    def update_execution(self, execution_id: int, **changes: Any) -> ExecutionRecord | None:
        """Set the given columns (state, pid, started_at, finished_at, error...)."""
        with self.db.writing() as session:
            row = session.get(ExecutionRow, execution_id)
            if row is None:
                return None
            for column, value in changes.items():
                setattr(row, column, value)
            session.flush()
            return _execution(row, session.get(JobRow, row.job_id).name)  # type: ignore[union-attr]

    def execution(self, project_id: int, execution_id: int) -> ExecutionRecord | None:
        with self.db.reading() as session:
            found = session.execute(
                select(ExecutionRow, JobRow.name)
                .join(JobRow, JobRow.id == ExecutionRow.job_id)
                .where(ExecutionRow.id == execution_id, JobRow.project_id == project_id)
            ).first()
            return None if found is None else _execution(found[0], found[1])

    def executions(
        self, project_id: int, job_name: str, states: tuple[str, ...] = ()
    ) -> list[ExecutionRecord]:
        """The job's executions, newest first (of the given states only, if any)."""
        with self.db.reading() as session:
            query = (
                select(ExecutionRow)
                .join(JobRow, JobRow.id == ExecutionRow.job_id)
                .where(JobRow.project_id == project_id, JobRow.name == job_name)
            )
            if states:
                query = query.where(ExecutionRow.state.in_(states))
            rows = session.scalars(query.order_by(ExecutionRow.id.desc()))
            return [_execution(r, job_name) for r in rows]

    def delete_execution(self, project_id: int, execution_id: int) -> bool:
        with self.db.writing() as session:
            row = session.get(ExecutionRow, execution_id)
            job = None if row is None else session.get(JobRow, row.job_id)
            if row is None or job is None or job.project_id != project_id:
                return False
            session.delete(row)
            return True

    @staticmethod
    def _job_row(session: Session, project_id: int, name: str) -> JobRow | None:
        return session.scalars(
            select(JobRow).where(JobRow.project_id == project_id, JobRow.name == name)
        ).first()
