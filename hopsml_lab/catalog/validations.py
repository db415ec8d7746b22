"""Validation's tables and queries: the expectation suite of each feature group (one
row per group) and the validation reports, each attached to the feature group commit it
checked (the commit the insert made; none when the insert was rejected) or to a
training dataset.

Expectation ids are handed out here, per feature group and never reused: a suite's row
stays when the suite is deleted (``suite`` is then NULL) and keeps the last id given, so
a later suite's expectations get new ids and their own validation history. A report's
JSON (``report``) is loaded only when asked for; lists read the summary columns.
Changes to the tables need an alembic migration.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, undefer

from .base import Base
from .db import Database
from .experiments.records import Record


class ExpectationSuiteRow(Base):
    """A feature group's expectation suite (NULL once deleted) and its ingestion policy."""

    __tablename__ = "expectation_suites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    feature_group_id: Mapped[int] = mapped_column(
        ForeignKey("feature_groups.id", ondelete="CASCADE")
    )
    suite: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    run_validation: Mapped[bool] = mapped_column(Boolean)
    validation_ingestion_policy: Mapped[str] = mapped_column(String(16))
    last_expectation_id: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)

    __table_args__ = (UniqueConstraint("feature_group_id", name="uq_expectation_suites_group"),)


class ValidationReportRow(Base):
    """One validation: its verdict in brief, what it checked, and the whole report."""

    __tablename__ = "validation_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    feature_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("feature_groups.id", ondelete="CASCADE"), nullable=True
    )
    commit_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    training_dataset_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_datasets.id", ondelete="CASCADE"), nullable=True
    )
    subject: Mapped[str] = mapped_column(String(400))
    success: Mapped[bool] = mapped_column(Boolean)
    ingestion_result: Mapped[str] = mapped_column(String(16))
    rules: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(32))
    report: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    validated_at: Mapped[float] = mapped_column(Float)

    __table_args__ = (
        Index("ix_validation_reports_project", "project_id", "validated_at"),
        Index("ix_validation_reports_group", "feature_group_id", "validated_at"),
        Index("ix_validation_reports_dataset", "training_dataset_id", "validated_at"),
    )


class ExpectationSuiteRecord(Record):
    id: int
    feature_group_id: int
    suite: dict[str, Any]
    run_validation: bool
    validation_ingestion_policy: str
    created_at: float
    updated_at: float


class ValidationReportRecord(Record):
    id: int
    project_id: int
    feature_group_id: int | None = None
    commit_id: int | None = None
    training_dataset_id: int | None = None
    subject: str
    success: bool
    ingestion_result: str
    rules: int
    failed: int
    format: str
    validated_at: float
    report: dict[str, Any] | None = None  # loaded only when asked for


def _suite(row: ExpectationSuiteRow) -> ExpectationSuiteRecord:
    return ExpectationSuiteRecord.model_validate(row, from_attributes=True)


def _report(row: ValidationReportRow, with_report: bool) -> ValidationReportRecord:
    fields = {k: getattr(row, k) for k in ValidationReportRecord.model_fields if k != "report"}
    return ValidationReportRecord(**fields, report=row.report if with_report else None)


def _with_ids(suite: dict[str, Any], last: int, keep_ids: bool) -> tuple[dict[str, Any], int]:
    """The suite with an ``expectationId`` in each expectation's meta: the one it
    carries when ``keep_ids`` and this group handed it out (and no other expectation of
    the suite has it), else the next id. Answers the suite and the last id given."""
    seen: set[int] = set()
    expectations = []
    for expectation in suite.get("expectations", []):
        meta = dict(expectation.get("meta") or {})
        given = meta.get("expectationId")
        valid = isinstance(given, int) and not isinstance(given, bool) and 0 < given <= last
        if not (keep_ids and valid and given not in seen):
            last += 1
            given = last
        seen.add(given)
        meta["expectationId"] = given
        expectations.append({**expectation, "meta": meta})
    return {**suite, "expectations": expectations}, last


class ValidationCatalog:
    """Expectation suites of feature groups, and validation reports."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- suites -------------------------------------------------------------------

    def save_suite(
        self,
        feature_group_id: int,
        suite: dict[str, Any],
        *,
        run_validation: bool,
        validation_ingestion_policy: str,
        keep_ids: bool = True,
    ) -> ExpectationSuiteRecord:
        """Attach ``suite`` (replacing the group's suite), giving its expectations ids."""
        now = time.time()
        with self.db.writing() as session:
            row = session.scalars(
                select(ExpectationSuiteRow)
                .where(ExpectationSuiteRow.feature_group_id == feature_group_id)
                .with_for_update()
            ).first()
            if row is None:
                row = ExpectationSuiteRow(
                    feature_group_id=feature_group_id, last_expectation_id=0, created_at=now
                )
                session.add(row)
            elif row.suite is None:
                row.created_at = now  # a new suite after a deleted one
            row.suite, row.last_expectation_id = _with_ids(
                suite, row.last_expectation_id or 0, keep_ids
            )
            row.run_validation = run_validation
            row.validation_ingestion_policy = validation_ingestion_policy
            row.updated_at = now
            session.flush()
            return _suite(row)

    def get_suite(self, feature_group_id: int) -> ExpectationSuiteRecord | None:
        with self.db.reading() as session:
            row = session.scalars(
                select(ExpectationSuiteRow).where(
                    ExpectationSuiteRow.feature_group_id == feature_group_id,
                    ExpectationSuiteRow.suite.is_not(None),
                )
            ).first()
            return None if row is None else _suite(row)

    def delete_suite(self, feature_group_id: int) -> bool:
        """Detach the group's suite (its reports stay); whether there was one."""
        with self.db.writing() as session:
            row = session.scalars(
                select(ExpectationSuiteRow).where(
                    ExpectationSuiteRow.feature_group_id == feature_group_id
                )
            ).first()
            if row is None or row.suite is None:
                return False
            row.suite = None
            row.updated_at = time.time()
            return True

    # -- reports ------------------------------------------------------------------

    def add_report(
        self,
        project_id: int,
        *,
        subject: str,
        success: bool,
        ingestion_result: str,
        rules: int,
        failed: int,
        format: str,
        report: dict[str, Any],
        feature_group_id: int | None = None,
        commit_id: int | None = None,
        training_dataset_id: int | None = None,
        validated_at: float | None = None,
    ) -> ValidationReportRecord:
        with self.db.writing() as session:
            row = ValidationReportRow(
                project_id=project_id,
                feature_group_id=feature_group_id,
                commit_id=commit_id,
                training_dataset_id=training_dataset_id,
                subject=subject[:400],
                success=success,
                ingestion_result=ingestion_result,
                rules=rules,
                failed=failed,
                format=format,
                report=report,
                validated_at=time.time() if validated_at is None else validated_at,
            )
            session.add(row)
            session.flush()
            return _report(row, with_report=True)

    def get_report(
        self, report_id: int, project_id: int | None = None
    ) -> ValidationReportRecord | None:
        """One report with its JSON (of ``project_id`` only, when given)."""
        with self.db.reading() as session:
            query = (
                select(ValidationReportRow)
                .options(undefer(ValidationReportRow.report))
                .where(ValidationReportRow.id == report_id)
            )
            if project_id is not None:
                query = query.where(ValidationReportRow.project_id == project_id)
            row = session.scalars(query).first()
            return None if row is None else _report(row, with_report=True)

    def list_reports(
        self,
        project_id: int,
        *,
        feature_group_id: int | None = None,
        training_dataset_id: int | None = None,
        since: float | None = None,
        until: float | None = None,
        ingestion_results: Sequence[str] | None = None,
        limit: int | None = None,
        with_report: bool = False,
    ) -> list[ValidationReportRecord]:
        """Reports of the project (of one feature group or training dataset), newest
        first; ``since``/``until`` bound ``validated_at`` (epoch seconds, inclusive)."""
        rows = ValidationReportRow
        query = select(rows).where(rows.project_id == project_id)
        if with_report:
            query = query.options(undefer(rows.report))
        if feature_group_id is not None:
            query = query.where(rows.feature_group_id == feature_group_id)
        if training_dataset_id is not None:
            query = query.where(rows.training_dataset_id == training_dataset_id)
        if since is not None:
            query = query.where(rows.validated_at >= since)
        if until is not None:
            query = query.where(rows.validated_at <= until)
        if ingestion_results:
            query = query.where(rows.ingestion_result.in_(list(ingestion_results)))
        query = query.order_by(rows.validated_at.desc(), rows.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with self.db.reading() as session:
            return [_report(row, with_report) for row in session.scalars(query)]

    def delete_report(self, report_id: int) -> bool:
        with self.db.writing() as session:
            row = session.get(ValidationReportRow, report_id)
            if row is None:
                return False
            session.delete(row)
            return True
