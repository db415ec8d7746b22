"""The feature store's tables and queries: feature groups (one row per name and
version) and their commits (one row per Delta commit the catalog accepted).

Commit ids are epoch milliseconds, strictly increasing per group: two commits in the
same millisecond get ``last + 1``, so every commit stays addressable by ``as_of``.
Each commit row may carry the descriptive statistics of its version (a JSON column,
written in the transaction that records the commit, loaded only when asked for); each
group row its statistics configuration (``None``: hsfs' default, enabled).
Changes to the tables need an alembic migration.
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
    and_,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, undefer

from .base import Base
from .db import Database
from .experiments.records import Record


class FeatureGroupRow(Base):
    """A feature group version: its schema and where its Delta table lives."""

    __tablename__ = "feature_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    primary_key: Mapped[list[str]] = mapped_column(JSON, default=list)
    event_time: Mapped[str | None] = mapped_column(String(200), nullable=True)
    partition_key: Mapped[list[str]] = mapped_column(JSON, default=list)
    online_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    time_travel_format: Mapped[str] = mapped_column(String(32), default="DELTA")
    features: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    location: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column(Float)
    statistics_config: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True
    )

    __table_args__ = (
        UniqueConstraint("project_id", "name", "version", name="uq_feature_groups_name_version"),
    )


class FeatureGroupCommitRow(Base):
    """One accepted commit of a feature group's table."""

    __tablename__ = "feature_group_commits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    feature_group_id: Mapped[int] = mapped_column(
        ForeignKey("feature_groups.id", ondelete="CASCADE")
    )
    commit_id: Mapped[int] = mapped_column(BigInteger)
    table_version: Mapped[int] = mapped_column(Integer)
    rows_inserted: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    rows_deleted: Mapped[int] = mapped_column(Integer, default=0)
    committed_at: Mapped[float] = mapped_column(Float)
    statistics: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True, deferred=True
    )

    __table_args__ = (
        UniqueConstraint("feature_group_id", "commit_id", name="uq_feature_group_commits_id"),
    )


class FeatureSpec(Record):
    name: str
    type: str  # the hsfs offline type name: bigint, double, string, timestamp, ...
    description: str = ""
    dtype: str  # the pandas dtype inserted, given back by read()


class FeatureGroupRecord(Record):
    id: int = 0
    name: str
    version: int
    description: str = ""
    primary_key: list[str]
    event_time: str | None = None
    partition_key: list[str]
    online_enabled: bool = False
    time_travel_format: str = "DELTA"
    features: list[FeatureSpec]
    location: str
    created_at: float = 0.0
    statistics_config: dict[str, Any] | None = None


class CommitRecord(Record):
    commit_id: int
    table_version: int
    rows_inserted: int
    rows_updated: int
    rows_deleted: int
    committed_at: float


class CommitSummary(Record):
    """A group's commits in brief: how many, the rows at the latest, the latest."""

    commits: int
    rows: int  # inserted minus deleted over every commit (an update keeps the count)
    last: CommitRecord


_GROUP_FIELDS = (
    "name",
    "version",
    "description",
    "primary_key",
    "event_time",
    "partition_key",
    "online_enabled",
    "time_travel_format",
    "location",
    "statistics_config",
)


def _record(row: FeatureGroupRow) -> FeatureGroupRecord:
    return FeatureGroupRecord.model_validate(row, from_attributes=True)


class FeatureGroupCatalog:
    """Registers feature groups and records their commits."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def register_group(self, project_id: int, group: FeatureGroupRecord) -> FeatureGroupRecord:
        """Record a new feature group version; the caller checked it does not exist."""
        with self.db.writing() as session:
            row = FeatureGroupRow(
                project_id=project_id,
                features=[f.model_dump() for f in group.features],
                created_at=time.time(),
                **{field: getattr(group, field) for field in _GROUP_FIELDS},
            )
            session.add(row)
            session.flush()
            return _record(row)

    def get_group(self, project_id: int, name: str, version: int) -> FeatureGroupRecord | None:
        with self.db.reading() as session:
            row = session.scalars(
                select(FeatureGroupRow).where(
                    FeatureGroupRow.project_id == project_id,
                    FeatureGroupRow.name == name,
                    FeatureGroupRow.version == version,
                )
            ).first()
            return None if row is None else _record(row)

    def list_groups(self, project_id: int, name: str | None = None) -> list[FeatureGroupRecord]:
        """Feature groups of the project, by name then version."""
        with self.db.reading() as session:
            query = select(FeatureGroupRow).where(FeatureGroupRow.project_id == project_id)
            if name is not None:
                query = query.where(FeatureGroupRow.name == name)
            rows = session.scalars(query.order_by(FeatureGroupRow.name, FeatureGroupRow.version))
            return [_record(row) for row in rows]

    def update_group(
        self,
        group_id: int,
        *,
        description: str | None = None,
        features: list[FeatureSpec] | None = None,
        statistics_config: dict[str, Any] | None = None,
    ) -> FeatureGroupRecord:
        with self.db.writing() as session:
            row = session.get(FeatureGroupRow, group_id)
            if row is None:
                raise LookupError(f"no feature group with id {group_id}")
            if description is not None:
                row.description = description
            if features is not None:
                row.features = [f.model_dump() for f in features]
            if statistics_config is not None:
                row.statistics_config = statistics_config
            session.flush()
            return _record(row)

    def delete_group(self, group_id: int) -> None:
        """Forget the group and its commits (its files are the caller's to delete)."""
        with self.db.writing() as session:
            row = session.get(FeatureGroupRow, group_id)
            if row is not None:
                for commit in session.scalars(
                    select(FeatureGroupCommitRow).where(
                        FeatureGroupCommitRow.feature_group_id == group_id
                    )
                ):
                    session.delete(commit)
                session.delete(row)

    def add_commit(
        self,
        group_id: int,
        table_version: int,
        *,
        inserted: int,
        updated: int,
        deleted: int,
        now: float | None = None,
        statistics: dict[str, Any] | None = None,
    ) -> CommitRecord:
        """Record a Delta commit that succeeded, with its version's ``statistics`` if
        computed; its id is ``now`` in ms, or the last commit's id + 1 if the clock has
        not moved past it."""
        now = time.time() if now is None else now
        with self.db.writing() as session:
            # Serialises commits of one group (PostgreSQL; SQLite's writer lock already does).
            session.execute(
                select(FeatureGroupRow.id).where(FeatureGroupRow.id == group_id).with_for_update()
            )
            last = session.scalar(
                select(func.max(FeatureGroupCommitRow.commit_id)).where(
                    FeatureGroupCommitRow.feature_group_id == group_id
                )
            )
            commit_id = int(now * 1000)
            if last is not None and commit_id <= last:
                commit_id = last + 1
            row = FeatureGroupCommitRow(
                feature_group_id=group_id,
                commit_id=commit_id,
                table_version=table_version,
                rows_inserted=inserted,
                rows_updated=updated,
                rows_deleted=deleted,
                committed_at=now,
                statistics=statistics,
            )
            session.add(row)
            session.flush()
            return CommitRecord.model_validate(row, from_attributes=True)

    def list_commits(
        self, group_id: int, up_to_ms: int | None = None, limit: int | None = None
    ) -> list[CommitRecord]:
        """Commits of the group, newest first; only those with id <= ``up_to_ms``."""
        with self.db.reading() as session:
            query = select(FeatureGroupCommitRow).where(
                FeatureGroupCommitRow.feature_group_id == group_id
            )
            if up_to_ms is not None:
                query = query.where(FeatureGroupCommitRow.commit_id <= up_to_ms)
            query = query.order_by(FeatureGroupCommitRow.commit_id.desc())
            if limit is not None:
                query = query.limit(limit)
            return [
                CommitRecord.model_validate(row, from_attributes=True)
                for row in session.scalars(query)
            ]

    def commit_statistics(
        self, group_id: int, up_to_ms: int | None = None
    ) -> tuple[CommitRecord, dict[str, Any]] | None:
        """The newest commit with statistics whose id is <= ``up_to_ms``, and them."""
        with self.db.reading() as session:
            query = (
                select(FeatureGroupCommitRow)
                .options(undefer(FeatureGroupCommitRow.statistics))
                .where(
                    FeatureGroupCommitRow.feature_group_id == group_id,
                    FeatureGroupCommitRow.statistics.is_not(None),
                )
            )
            if up_to_ms is not None:
                query = query.where(FeatureGroupCommitRow.commit_id <= up_to_ms)
            row = session.scalars(
                query.order_by(FeatureGroupCommitRow.commit_id.desc()).limit(1)
            ).first()
            if row is None or row.statistics is None:
                return None
            return CommitRecord.model_validate(row, from_attributes=True), row.statistics

    def set_commit_statistics(
        self, group_id: int, commit_id: int, statistics: dict[str, Any]
    ) -> None:
        """Store (or replace) the statistics of a recorded commit."""
        with self.db.writing() as session:
            row = session.scalars(
                select(FeatureGroupCommitRow).where(
                    FeatureGroupCommitRow.feature_group_id == group_id,
                    FeatureGroupCommitRow.commit_id == commit_id,
                )
            ).first()
            if row is None:
                raise LookupError(f"feature group {group_id} has no commit {commit_id}")
            row.statistics = statistics

    def commit_summaries(self, group_ids: list[int]) -> dict[int, CommitSummary]:
        """``{group id: CommitSummary}`` of the groups that have commits, in one query."""
        if not group_ids:
            return {}
        commits = FeatureGroupCommitRow
        totals = (
            select(
                commits.feature_group_id.label("group_id"),
                func.count().label("count"),
                (func.sum(commits.rows_inserted) - func.sum(commits.rows_deleted)).label("rows"),
                func.max(commits.commit_id).label("last"),
            )
            .where(commits.feature_group_id.in_(group_ids))
            .group_by(commits.feature_group_id)
            .subquery()
        )
        query = select(commits, totals.c.count, totals.c.rows).join(
            totals,
            and_(
                commits.feature_group_id == totals.c.group_id,
                commits.commit_id == totals.c.last,
            ),
        )
        with self.db.reading() as session:
            return {
                row.feature_group_id: CommitSummary(
                    commits=count,
                    rows=int(rows or 0),
                    last=CommitRecord.model_validate(row, from_attributes=True),
                )
                for row, count, rows in session.execute(query)
            }

    def change_marker(self, project_id: int) -> tuple[int, ...]:
        """What changes when a group, commit, feature view or training dataset of the
        project is added or deleted (counts and highest ids), in one query; cheap enough
        to ask every second."""
        from .featureviews import FeatureViewRow, TrainingDatasetRow

        groups = select(FeatureGroupRow.id).where(FeatureGroupRow.project_id == project_id)
        commits = FeatureGroupCommitRow
        parts = []
        for table, where in (
            (FeatureGroupRow, FeatureGroupRow.project_id == project_id),
            (commits, commits.feature_group_id.in_(groups.scalar_subquery())),
            (FeatureViewRow, FeatureViewRow.project_id == project_id),
            (TrainingDatasetRow, TrainingDatasetRow.project_id == project_id),
        ):
            parts.append(select(func.count()).select_from(table).where(where).scalar_subquery())
            parts.append(select(func.max(table.id)).where(where).scalar_subquery())
        with self.db.reading() as session:
            row = session.execute(select(*parts)).one()
        return tuple(int(value or 0) for value in row)
