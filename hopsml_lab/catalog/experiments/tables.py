"""The experiments' tables (experiments, trials, params, metric points). Changes here
need an alembic migration.

Times are seconds since the epoch (UTC): they sort and page the same on every backend.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..base import Base


class Experiment(Base):
    __tablename__ = "experiments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    user: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text)
    metric_key: Mapped[str | None] = mapped_column(String(200))
    direction: Mapped[str] = mapped_column(String(3))
    metric_value: Mapped[float | None] = mapped_column(Float)
    best_trial: Mapped[str | None] = mapped_column(String(64))
    logdir: Mapped[str] = mapped_column(Text)
    notebook: Mapped[str | None] = mapped_column(Text)
    trial_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)
    finished_at: Mapped[float | None] = mapped_column(Float)
    duration_s: Mapped[float | None] = mapped_column(Float)
    # Whose work it is while it runs ("host/pid/process start"), and when that process
    # last said it is alive: a running experiment whose owner is gone is marked lost.
    owner: Mapped[str | None] = mapped_column(String(200))
    heartbeat_at: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)

    trials: Mapped[list[Trial]] = relationship(
        back_populates="experiment", cascade="all, delete-orphan", order_by="Trial.id"
    )

    __table_args__ = (
        # What the sidebar lists by: newest first, by name, by status, by a metric.
        Index("ix_experiments_project_created", "project_id", "created_at", "id"),
        Index("ix_experiments_project_name", "project_id", "name", "created_at"),
        Index("ix_experiments_project_status", "project_id", "status", "created_at"),
        Index("ix_experiments_updated", "updated_at"),
        Index("ix_experiments_status_heartbeat", "status", "heartbeat_at"),
    )


class ExperimentMetric(Base):
    """The best value each metric reached in an experiment: what lists sort by."""

    __tablename__ = "experiment_metrics"

    experiment_id: Mapped[str] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    project_id: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_experiment_metrics_sort", "project_id", "name", "value", "experiment_id"),
    )


class Trial(Base):
    __tablename__ = "trials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    experiment_id: Mapped[str] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    results: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    metric_value: Mapped[float | None] = mapped_column(Float)
    logdir: Mapped[str] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[float | None] = mapped_column(Float)
    finished_at: Mapped[float | None] = mapped_column(Float)
    duration_s: Mapped[float | None] = mapped_column(Float)

    experiment: Mapped[Experiment] = relationship(back_populates="trials")

    __table_args__ = (UniqueConstraint("experiment_id", "key", name="uq_trials_experiment_key"),)


class Param(Base):
    """One hyperparameter of a trial; numeric values also as a number to filter by."""

    __tablename__ = "params"

    trial_id: Mapped[int] = mapped_column(
        ForeignKey("trials.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    number: Mapped[float | None] = mapped_column(Float)


class MetricPoint(Base):
    """One point of a metric series reported while a trial ran."""

    __tablename__ = "metric_points"

    trial_id: Mapped[int] = mapped_column(
        ForeignKey("trials.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    step: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    timestamp: Mapped[float] = mapped_column(Float)
