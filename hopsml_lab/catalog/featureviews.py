"""The feature store's derived objects: feature views (a saved query with labels and
transformations), training datasets (a version of a view's data, in memory or written
to files, with its lineage) and online rows (the latest row per primary key of an
online-enabled feature group).

The row classes here are the tables; their records and reads/writes live with the
services that use them (``featurestore.views``, ``featurestore.online``). Changes to the
tables need an alembic migration.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class FeatureViewRow(Base):
    """A feature view version: its query, labels, helper columns and transformations."""

    __tablename__ = "feature_views"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    query: Mapped[dict[str, Any]] = mapped_column(JSON)  # the serialised query spec
    features: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    inference_helper_columns: Mapped[list[str]] = mapped_column(JSON, default=list)
    training_helper_columns: Mapped[list[str]] = mapped_column(JSON, default=list)
    transformation_functions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[float] = mapped_column(Float)

    __table_args__ = (
        UniqueConstraint("project_id", "name", "version", name="uq_feature_views_name_version"),
    )


class TrainingDatasetRow(Base):
    """A training dataset version: of a feature view, or (hsfs 3.x) standalone."""

    __tablename__ = "training_datasets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    feature_view_id: Mapped[int | None] = mapped_column(
        ForeignKey("feature_views.id", ondelete="CASCADE"), nullable=True
    )
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    data_format: Mapped[str] = mapped_column(String(32), default="parquet")
    location: Mapped[str | None] = mapped_column(Text, nullable=True)  # None: in memory
    materialized: Mapped[bool] = mapped_column(Boolean, default=False)
    splits: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    seed: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    label: Mapped[list[str]] = mapped_column(JSON, default=list)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    lineage: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    transformation_statistics: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True
    )
    statistics: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True, deferred=True
    )
    created_at: Mapped[float] = mapped_column(Float)

    __table_args__ = (
        UniqueConstraint(
            "project_id", "feature_view_id", "name", "version", name="uq_training_datasets_version"
        ),
    )


class OnlineRow(Base):
    """The latest row of one primary key of an online-enabled feature group."""

    __tablename__ = "online_rows"

    feature_group_id: Mapped[int] = mapped_column(
        ForeignKey("feature_groups.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(1000), primary_key=True)  # canonical JSON
    row: Mapped[dict[str, Any]] = mapped_column(JSON)
    commit_id: Mapped[int] = mapped_column(BigInteger)
