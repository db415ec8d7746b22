"""The model registry's table and queries: exported model versions and the trial each
came from. Changes to the table need an alembic migration."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Project
from .db import Database
from .experiments.records import Record


class Model(Base):
    """An exported model version, and the trial it came from."""

    __tablename__ = "models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(Text)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    description: Mapped[str | None] = mapped_column(Text)
    experiment_id: Mapped[str | None] = mapped_column(String(32), index=True)
    trial_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[float] = mapped_column(Float)

    __table_args__ = (
        UniqueConstraint("project_id", "name", "version", name="uq_models_name_version"),
    )


class ModelRecord(Record):
    name: str
    version: int
    path: str = Field(description="Where the model's files are on the store.")
    metrics: dict[str, float]
    description: str | None = None
    experiment_id: str | None = Field(None, description="The experiment it came from.")
    trial_key: str | None = None
    created_at: float


class ModelCatalog:
    """Registers and lists model versions of a catalog."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def register_model(self, project_id: int, model: ModelRecord) -> None:
        """Record an exported model version (its files are already on the store)."""
        with self.db.writing() as session:
            existing = session.scalars(
                select(Model).where(
                    Model.project_id == project_id,
                    Model.name == model.name,
                    Model.version == model.version,
                )
            ).first()
            if existing is not None:  # exported again with overwrite=True
                session.delete(existing)
                session.flush()
            session.add(Model(project_id=project_id, **model.model_dump()))

    def list_models(self, project: str, name: str | None = None) -> list[ModelRecord]:
        """Exported models of the project, by name then newest version first."""
        with self.db.reading() as session:
            query = (
                select(Model)
                .join(Project, Project.id == Model.project_id)
                .where(Project.name == project)
            )
            if name is not None:
                query = query.where(Model.name == name)
            rows = session.scalars(query.order_by(Model.name, Model.version.desc()))
            return [ModelRecord.model_validate(row, from_attributes=True) for row in rows]
