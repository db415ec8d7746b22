"""The feature store's derived objects: feature views (a saved query with labels and
transformations), training datasets (a version of a view's data, in memory or written
to files, with its lineage) and online rows (the latest row per primary key of an
online-enabled feature group).

The row classes here are the tables; below them the records and ``FeatureViewCatalog``
(feature views and training datasets: what ``featurestore.featureviews.views`` and
``featurestore.featureviews.training`` read and write). Changes to the tables need an alembic
migration.
"""

from __future__ import annotations

import time
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
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, undefer

from .base import Base
from .db import Database
from .experiments.records import Record


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


# -- records ------------------------------------------------------------------------


class ViewFeature(Record):
    """One column of a feature view's query, as ``TrainingDatasetFeature`` describes it."""

    name: str  # the column's name in the query's output (with a join's prefix)
    type: str = ""  # hsfs' offline type name
    dtype: str = ""  # the pandas dtype the feature group was written with
    index: int = 0
    feature_group_id: int | None = None
    feature_group_name: str | None = None
    feature_group_version: int | None = None
    feature_group_feature_name: str | None = None  # the column in its feature group
    label: bool = False
    inference_helper_column: bool = False
    training_helper_column: bool = False


class FeatureViewRecord(Record):
    id: int = 0
    name: str
    version: int = 0  # 0: the next free version when registered
    description: str = ""
    query: dict[str, Any]  # the serialised query spec (featurestore.featureviews.view_spec)
    features: list[ViewFeature] = []
    labels: list[str] = []
    inference_helper_columns: list[str] = []
    training_helper_columns: list[str] = []
    transformation_functions: list[dict[str, Any]] = []
    created_at: float = 0.0


class SplitSpec(Record):
    """A split of a training dataset: hsfs' ``TrainingDatasetSplit``."""

    name: str
    split_type: str  # RANDOM_SPLIT or TIME_SERIES_SPLIT
    percentage: float | None = None
    start_time: int | None = None  # epoch ms, inclusive
    end_time: int | None = None  # epoch ms, exclusive


class LineageEntry(Record):
    """A feature group version a training dataset read, and the commit it read."""

    feature_group_id: int
    name: str
    version: int
    commit_id: int | None = None  # None: the group had no commit yet


class TrainingDatasetRecord(Record):
    id: int = 0
    feature_view_id: int | None = None  # None: an hsfs 3.x training dataset
    name: str
    version: int = 0  # 0: the next free version when registered
    description: str = ""
    data_format: str = "parquet"
    location: str | None = None  # project-relative folder; None: in memory
    materialized: bool = False
    splits: list[SplitSpec] = []
    seed: int | None = None
    label: list[str] = []
    settings: dict[str, Any] = {}
    lineage: list[LineageEntry] = []
    transformation_statistics: dict[str, Any] | None = None
    created_at: float = 0.0


_VIEW_FIELDS = (
    "name",
    "version",
    "description",
    "query",
    "labels",
    "inference_helper_columns",
    "training_helper_columns",
    "transformation_functions",
)
_DATASET_FIELDS = (
    "feature_view_id",
    "name",
    "version",
    "description",
    "data_format",
    "location",
    "materialized",
    "seed",
    "label",
    "settings",
    "transformation_statistics",
)


def _view(row: FeatureViewRow) -> FeatureViewRecord:
    return FeatureViewRecord.model_validate(row, from_attributes=True)


def _dataset(row: TrainingDatasetRow) -> TrainingDatasetRecord:
    return TrainingDatasetRecord.model_validate(
        {
            **{f: getattr(row, f) for f in ("id", "created_at", *_DATASET_FIELDS)},
            "splits": row.splits,
            "lineage": row.lineage,
        }
    )


class FeatureViewCatalog:
    """Registers feature views and their training datasets."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- feature views --------------------------------------------------------------

    def register_view(self, project_id: int, record: FeatureViewRecord) -> FeatureViewRecord:
        """Record a feature view version (``version`` 0: the next free one). A taken
        ``(name, version)`` raises ``KeyError``."""
        with self.db.writing() as session:
            version = record.version or self._next_view_version(session, project_id, record.name)
            taken = session.scalars(
                select(FeatureViewRow.id).where(
                    FeatureViewRow.project_id == project_id,
                    FeatureViewRow.name == record.name,
                    FeatureViewRow.version == version,
                )
            ).first()
            if taken is not None:
                raise KeyError(f"feature view {record.name!r} version {version} exists")
            row = FeatureViewRow(
                project_id=project_id,
                features=[f.model_dump() for f in record.features],
                created_at=time.time(),
                **{f: getattr(record, f) for f in _VIEW_FIELDS if f != "version"},
                version=version,
            )
            session.add(row)
            session.flush()
            return _view(row)

    @staticmethod
    def _next_view_version(session: Any, project_id: int, name: str) -> int:
        last = session.scalar(
            select(func.max(FeatureViewRow.version)).where(
                FeatureViewRow.project_id == project_id, FeatureViewRow.name == name
            )
        )
        return (last or 0) + 1

    def next_view_version(self, project_id: int, name: str) -> int:
        with self.db.reading() as session:
            return self._next_view_version(session, project_id, name)

    def get_view(self, project_id: int, name: str, version: int) -> FeatureViewRecord | None:
        with self.db.reading() as session:
            row = session.scalars(
                select(FeatureViewRow).where(
                    FeatureViewRow.project_id == project_id,
                    FeatureViewRow.name == name,
                    FeatureViewRow.version == version,
                )
            ).first()
            return None if row is None else _view(row)

    def get_view_by_id(self, view_id: int) -> FeatureViewRecord | None:
        with self.db.reading() as session:
            row = session.get(FeatureViewRow, view_id)
            return None if row is None else _view(row)

    def list_views(self, project_id: int, name: str | None = None) -> list[FeatureViewRecord]:
        """Feature views of the project (all versions of ``name``), by name then version."""
        with self.db.reading() as session:
            query = select(FeatureViewRow).where(FeatureViewRow.project_id == project_id)
            if name is not None:
                query = query.where(FeatureViewRow.name == name)
            rows = session.scalars(query.order_by(FeatureViewRow.name, FeatureViewRow.version))
            return [_view(row) for row in rows]

    def update_view(self, view_id: int, *, description: str | None = None) -> FeatureViewRecord:
        with self.db.writing() as session:
            row = session.get(FeatureViewRow, view_id)
            if row is None:
                raise LookupError(f"no feature view with id {view_id}")
            if description is not None:
                row.description = description
            session.flush()
            return _view(row)

    def delete_view(self, view_id: int) -> None:
        """Forget the view and its training datasets (their files are the caller's)."""
        with self.db.writing() as session:
            for row in session.scalars(
                select(TrainingDatasetRow).where(TrainingDatasetRow.feature_view_id == view_id)
            ):
                session.delete(row)
            row = session.get(FeatureViewRow, view_id)
            if row is not None:
                session.delete(row)

    # -- training datasets --------------------------------------------------------------

    @staticmethod
    def _datasets(project_id: int, feature_view_id: int | None, name: str) -> Any:
        query = select(TrainingDatasetRow).where(
            TrainingDatasetRow.project_id == project_id, TrainingDatasetRow.name == name
        )
        if feature_view_id is None:
            return query.where(TrainingDatasetRow.feature_view_id.is_(None))
        return query.where(TrainingDatasetRow.feature_view_id == feature_view_id)

    def next_training_dataset_version(
        self, project_id: int, feature_view_id: int | None, name: str
    ) -> int:
        """The version the next training dataset of the view (or 3.x name) gets."""
        with self.db.reading() as session:
            versions = session.scalars(
                self._datasets(project_id, feature_view_id, name).with_only_columns(
                    TrainingDatasetRow.version
                )
            ).all()
            return max(versions, default=0) + 1

    def register_training_dataset(
        self,
        project_id: int,
        record: TrainingDatasetRecord,
        statistics: dict[str, Any] | None = None,
    ) -> TrainingDatasetRecord:
        """Record a training dataset version: ``version`` 0 takes the next free one of
        the view (or, without a view, of the name); a taken version raises ``KeyError``."""
        with self.db.writing() as session:
            if record.feature_view_id is not None:  # serialise versions of one view
                session.execute(
                    select(FeatureViewRow.id)
                    .where(FeatureViewRow.id == record.feature_view_id)
                    .with_for_update()
                )
            versions = session.scalars(
                self._datasets(project_id, record.feature_view_id, record.name).with_only_columns(
                    TrainingDatasetRow.version
                )
            ).all()
            version = record.version or max(versions, default=0) + 1
            if version in versions:
                raise KeyError(f"training dataset {record.name!r} version {version} exists")
            row = TrainingDatasetRow(
                project_id=project_id,
                created_at=time.time(),
                splits=[s.model_dump() for s in record.splits],
                lineage=[e.model_dump() for e in record.lineage],
                statistics=statistics,
                **{f: getattr(record, f) for f in _DATASET_FIELDS if f != "version"},
                version=version,
            )
            session.add(row)
            session.flush()
            return _dataset(row)

    def update_training_dataset(
        self,
        dataset_id: int,
        *,
        lineage: list[LineageEntry] | None = None,
        settings: dict[str, Any] | None = None,
        statistics: dict[str, Any] | None = None,
        transformation_statistics: dict[str, Any] | None = None,
        materialized: bool | None = None,
    ) -> TrainingDatasetRecord:
        """Change what a write or a purge changed (``None``: leave as is)."""
        with self.db.writing() as session:
            row = session.get(TrainingDatasetRow, dataset_id)
            if row is None:
                raise LookupError(f"no training dataset with id {dataset_id}")
            if lineage is not None:
                row.lineage = [e.model_dump() for e in lineage]
            if settings is not None:
                row.settings = settings
            if statistics is not None:
                row.statistics = statistics
            if transformation_statistics is not None:
                row.transformation_statistics = transformation_statistics
            if materialized is not None:
                row.materialized = materialized
            session.flush()
            return _dataset(row)

    def get_training_dataset(
        self, project_id: int, feature_view_id: int | None, name: str, version: int
    ) -> TrainingDatasetRecord | None:
        with self.db.reading() as session:
            row = session.scalars(
                self._datasets(project_id, feature_view_id, name).where(
                    TrainingDatasetRow.version == version
                )
            ).first()
            return None if row is None else _dataset(row)

    def list_training_datasets(
        self, project_id: int, feature_view_id: int | None = None, name: str | None = None
    ) -> list[TrainingDatasetRecord]:
        """Training datasets of the project, of one view if given (or, with ``name`` and
        no view, the 3.x ones of that name), by name then version."""
        with self.db.reading() as session:
            query = select(TrainingDatasetRow).where(TrainingDatasetRow.project_id == project_id)
            if feature_view_id is not None:
                query = query.where(TrainingDatasetRow.feature_view_id == feature_view_id)
            elif name is not None:
                query = query.where(
                    TrainingDatasetRow.feature_view_id.is_(None), TrainingDatasetRow.name == name
                )
            rows = session.scalars(
                query.order_by(TrainingDatasetRow.name, TrainingDatasetRow.version)
            )
            return [_dataset(row) for row in rows]

    def delete_training_dataset(self, dataset_id: int) -> None:
        """Forget one training dataset version (its files are the caller's)."""
        with self.db.writing() as session:
            row = session.get(TrainingDatasetRow, dataset_id)
            if row is not None:
                session.delete(row)

    def training_dataset_statistics(self, dataset_id: int) -> dict[str, Any] | None:
        """The statistics stored with a training dataset version (``None``: none)."""
        with self.db.reading() as session:
            row = session.scalars(
                select(TrainingDatasetRow)
                .options(undefer(TrainingDatasetRow.statistics))
                .where(TrainingDatasetRow.id == dataset_id)
            ).first()
            return None if row is None else row.statistics
