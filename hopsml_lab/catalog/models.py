"""The model registry's table and queries: model versions, their metadata (framework,
input example, schema) and lineage (the trial, feature view and training dataset each
came from). Changes to the table need an alembic migration."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
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
    framework: Mapped[str | None] = mapped_column(String(16))
    input_example: Mapped[Any] = mapped_column(JSON)
    model_schema: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    feature_view_name: Mapped[str | None] = mapped_column(String(200))
    feature_view_version: Mapped[int | None] = mapped_column(Integer)
    training_dataset_version: Mapped[int | None] = mapped_column(Integer)
    program: Mapped[str | None] = mapped_column(Text)
    user: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        UniqueConstraint("project_id", "name", "version", name="uq_models_name_version"),
        Index("ix_models_feature_view", "feature_view_name"),
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
    framework: str | None = Field(None, description="TENSORFLOW, TORCH, SKLEARN, PYTHON or LLM.")
    input_example: Any = Field(None, description="One input, as saved in input_example.json.")
    model_schema: dict[str, Any] | None = Field(None, description="As in model_schema.json.")
    feature_view_name: str | None = Field(None, description="The feature view it trained on.")
    feature_view_version: int | None = None
    training_dataset_version: int | None = None
    program: str | None = Field(None, description="The script that saved it.")
    user: str | None = Field(None, description="Who saved it.")


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

    def get_model(self, project: str, name: str, version: int) -> ModelRecord | None:
        """Version ``version`` of model ``name``, or None."""
        with self.db.reading() as session:
            row = session.scalars(
                select(Model)
                .join(Project, Project.id == Model.project_id)
                .where(Project.name == project, Model.name == name, Model.version == version)
            ).first()
            return None if row is None else ModelRecord.model_validate(row, from_attributes=True)

    def delete_model(self, project_id: int, name: str, version: int) -> bool:
        """Forget version ``version`` of model ``name``; False if there was none."""
        with self.db.writing() as session:
            row = session.scalars(
                select(Model).where(
                    Model.project_id == project_id, Model.name == name, Model.version == version
                )
            ).first()
            if row is None:
                return False
            session.delete(row)
            return True

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
