"""Deployments' table and queries: one row per model deployment of a project, with what
it serves (model name, version, server kind, predictor script), how many instances, and
where it runs (state, host, port, pid of its keeper process and of the process that
started it, log file). States are hsml's (``Created``, ``Starting``, ``Running``,
``Stopped``, ``Failed``). Changes to the table need an alembic migration.
"""

from __future__ import annotations

import time

from pydantic import Field
from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .db import Database
from .experiments.records import Record


class DeploymentRow(Base):
    """A model deployment and the server process it runs as (when it runs)."""

    __tablename__ = "deployments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    model_name: Mapped[str] = mapped_column(String(200))
    model_version: Mapped[int] = mapped_column(Integer)
    model_server: Mapped[str] = mapped_column(String(32))
    script_file: Mapped[str | None] = mapped_column(Text, nullable=True)
    instances: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    host: Mapped[str] = mapped_column(String(200))
    port: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    owner_pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    log_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    inference_logging: Mapped[str] = mapped_column(String(16), default="ALL")
    transformer_file: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)

    __table_args__ = (UniqueConstraint("project_id", "name", name="uq_deployments_name"),)


class DeploymentRecord(Record):
    id: int
    project_id: int
    name: str
    description: str | None = None
    model_name: str
    model_version: int
    model_server: str = Field(description="PYTHON or TENSORFLOW_SERVING, as hsml names it.")
    script_file: str | None = Field(None, description="The predictor script, if any.")
    instances: int
    state: str = Field(description="Created, Starting, Running, Stopped or Failed.")
    host: str
    port: int | None = None
    pid: int | None = Field(None, description="The keeper process of its model servers.")
    owner_pid: int | None = Field(None, description="The process that started it.")
    log_path: str | None = None
    inference_logging: str = Field(
        "ALL", description="What its model servers log: ALL, MODEL_INPUTS, PREDICTIONS or NONE."
    )
    transformer_file: str | None = Field(
        None, description="The script whose Transformer class transforms requests, if any."
    )
    created_at: float
    updated_at: float
    # Not columns: filled in from the keeper's status by the deployment service.
    message: str | None = Field(None, description="Why it failed, with its log's end.")
    instance_pids: list[int] = Field(
        default_factory=list, description="The model server processes serving it now."
    )
    available_instances: int = Field(
        0, description="Its model server processes answering requests now."
    )


def _record(row: DeploymentRow) -> DeploymentRecord:
    return DeploymentRecord.model_validate(row, from_attributes=True)


class DeploymentCatalog:
    """Creates, finds, updates and forgets deployments."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def save(
        self,
        project_id: int,
        name: str,
        *,
        model_name: str,
        model_version: int,
        model_server: str,
        script_file: str | None,
        instances: int,
        host: str,
        description: str | None,
        inference_logging: str = "ALL",
        transformer_file: str | None = None,
    ) -> DeploymentRecord:
        """Create deployment ``name``, or update what it serves (its state is kept)."""
        now = time.time()
        with self.db.writing() as session:
            row = self._row(session, project_id, name)
            if row is None:
                row = DeploymentRow(
                    project_id=project_id, name=name, state="Created", created_at=now
                )
                session.add(row)
            row.model_name, row.model_version = model_name, model_version
            row.model_server, row.script_file = model_server, script_file
            row.instances, row.host, row.description = instances, host, description
            row.inference_logging, row.transformer_file = inference_logging, transformer_file
            row.updated_at = now
            session.flush()
            return _record(row)

    def get(self, project_id: int, name: str) -> DeploymentRecord | None:
        with self.db.reading() as session:
            row = self._row(session, project_id, name)
            return None if row is None else _record(row)

    def list(self, project_id: int, model_name: str | None = None) -> list[DeploymentRecord]:
        """The project's deployments by name (of one model, if given)."""
        with self.db.reading() as session:
            query = select(DeploymentRow).where(DeploymentRow.project_id == project_id)
            if model_name is not None:
                query = query.where(DeploymentRow.model_name == model_name)
            return [_record(r) for r in session.scalars(query.order_by(DeploymentRow.name))]

    def set_state(
        self,
        project_id: int,
        name: str,
        state: str,
        *,
        port: int | None = None,
        pid: int | None = None,
        owner_pid: int | None = None,
        log_path: str | None = None,
    ) -> DeploymentRecord | None:
        """Record a new state and where the server runs (None clears port and pids)."""
        with self.db.writing() as session:
            row = self._row(session, project_id, name)
            if row is None:
                return None
            row.state, row.port, row.pid, row.owner_pid = state, port, pid, owner_pid
            if log_path is not None:
                row.log_path = log_path
            row.updated_at = time.time()
            session.flush()
            return _record(row)

    def delete(self, project_id: int, name: str) -> bool:
        with self.db.writing() as session:
            row = self._row(session, project_id, name)
            if row is None:
                return False
            session.delete(row)
            return True

    @staticmethod
    def _row(session, project_id: int, name: str) -> DeploymentRow | None:  # type: ignore[no-untyped-def]
        return session.scalars(
            select(DeploymentRow).where(
                DeploymentRow.project_id == project_id, DeploymentRow.name == name
            )
        ).first()
