"""Stored validation reports: what the feature store, the hsfs facade and the REST
handlers read and write (the catalog's ``validation_reports`` table).

Here, not in the feature store, because a report is validation's product and the
catalog is all it needs: the REST handlers and the sidebar list reports without
loading the feature store, and the feature store (a later stage) calls down into it.
A report is kept as this package's ``Report`` (format ``hopsml``: rules, failing
counts, samples, statistics) or, when a Great Expectations result was handed in, as
that JSON (format ``great_expectations``); either reads back as GE's shape
(``StoredReport.ge_result``).

>>> history = ValidationHistory(lab.db, lab.project_id)                    # doctest: +SKIP
>>> stored = history.save(report, subject="customers v1", feature_group_id=7,
...                       commit_id=1718000000123, ingestion_result="INGESTED")  # doctest: +SKIP
>>> [r.commit_id for r in history.for_group(7)]                            # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..catalog import Database, ValidationCatalog, ValidationReportRecord
from ..errors import BadInput, NotFound
from .ge_results import statistics, suite_result
from .report import Report, jsonable

INGESTION_RESULTS = ("INGESTED", "REJECTED", "UNKNOWN", "EXPERIMENT", "FG_DATA")
"""What became of the data a report checked (hsfs' names)."""

HOPSML = "hopsml"
GREAT_EXPECTATIONS = "great_expectations"


class UnknownReport(NotFound):
    """No validation report with that id in the project."""


def check_ingestion_result(value: str | None) -> str:
    """``value`` as hsfs stores it (upper case), checked."""
    name = "UNKNOWN" if value is None else str(value).upper()
    if name not in INGESTION_RESULTS:
        raise BadInput(f"ingestion_result {value!r}: use one of {', '.join(INGESTION_RESULTS)}")
    return name


def ge_report_json(value: Mapping[str, Any]) -> dict[str, Any]:
    """A Great Expectations validation result (0.18 or 1.x JSON, or hsfs' camelCase
    form) in the 0.18 shape, checked to hold ``success`` and ``results``."""
    results = value.get("results")
    if not isinstance(results, list) or not isinstance(value.get("success"), bool):
        raise BadInput(
            "a validation report needs 'success' (true or false) and 'results' (a list), as "
            "Great Expectations' ExpectationSuiteValidationResult.to_json_dict() gives"
        )
    normal = []
    for index, result in enumerate(results):
        if not isinstance(result, Mapping):
            raise BadInput(f"validation report result #{index}: give a dict")
        config = dict(result.get("expectation_config") or result.get("expectationConfig") or {})
        if "type" in config and "expectation_type" not in config:
            config["expectation_type"] = config.pop("type")
        config.pop("severity", None)
        normal.append(
            {
                "success": bool(result.get("success")),
                "expectation_config": config,
                "result": result.get("result") or {},
                "meta": result.get("meta") or {},
                "exception_info": result.get("exception_info") or result.get("exceptionInfo") or {},
            }
        )
    parameters = value.get("evaluation_parameters", value.get("suite_parameters"))
    return jsonable(
        {
            "success": value["success"],
            "results": normal,
            "statistics": value.get("statistics") or statistics(normal),
            "evaluation_parameters": parameters if parameters is not None else {},
            "meta": value.get("meta") or {},
        }
    )


@dataclass
class StoredReport:
    """A report as stored: what it checked (a feature group and the commit its insert
    made, or a training dataset), its verdict in brief and, when loaded, its content."""

    id: int
    subject: str
    success: bool
    ingestion_result: str
    rules: int
    failed: int
    format: str
    validated_at: float  # epoch seconds
    feature_group_id: int | None = None
    commit_id: int | None = None
    training_dataset_id: int | None = None
    content: dict[str, Any] | None = None

    @classmethod
    def from_record(cls, record: ValidationReportRecord) -> StoredReport:
        fields = record.model_dump(exclude={"project_id", "report"})
        return cls(**fields, content=record.report)

    @property
    def validated_at_ms(self) -> int:
        return round(self.validated_at * 1000)

    @property
    def validation_time(self) -> str:
        """``validated_at`` as ISO 8601 (UTC)."""
        moment = dt.datetime.fromtimestamp(self.validated_at, tz=dt.timezone.utc)
        return moment.isoformat(timespec="milliseconds")

    def report(self) -> Report | None:
        """The ``Report`` (format ``hopsml`` and content loaded), else ``None``."""
        if self.format != HOPSML or self.content is None:
            return None
        return Report.from_dict(self.content)

    def ge_result(self) -> dict[str, Any]:
        """The content as Great Expectations' suite validation result JSON."""
        if self.content is None:
            raise BadInput(f"validation report {self.id} was listed without its content")
        if self.format == HOPSML:
            return suite_result(Report.from_dict(self.content))
        return dict(self.content)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: the summary, and the content when loaded."""
        out = {k: getattr(self, k) for k in _SUMMARY}
        out["validation_time"] = self.validation_time
        if self.content is not None:
            out["content"] = self.content
        return out


_SUMMARY = (
    "id",
    "subject",
    "success",
    "ingestion_result",
    "rules",
    "failed",
    "format",
    "validated_at",
    "feature_group_id",
    "commit_id",
    "training_dataset_id",
)


def _seconds(ms: int | None) -> float | None:
    return None if ms is None else ms / 1000


class ValidationHistory:
    """The validation reports of one project."""

    def __init__(self, db: Database, project_id: int) -> None:
        self.catalog = ValidationCatalog(db)
        self.project_id = project_id

    def save(
        self,
        report: Report | Mapping[str, Any],
        *,
        subject: str,
        ingestion_result: str | None = "UNKNOWN",
        feature_group_id: int | None = None,
        commit_id: int | None = None,
        training_dataset_id: int | None = None,
    ) -> StoredReport:
        """Store ``report`` (a ``Report``, or a GE validation result's JSON) attached to
        a feature group (and the commit it checked) or to a training dataset."""
        result = check_ingestion_result(ingestion_result)
        if isinstance(report, Report):
            content, fmt = report.to_dict(), HOPSML
            rules, failed, success = len(report.results), len(report.failed), report.success
        elif isinstance(report, Mapping):
            content, fmt = ge_report_json(report), GREAT_EXPECTATIONS
            rules = len(content["results"])
            failed = sum(1 for r in content["results"] if not r["success"])
            success = bool(content["success"])
        else:
            raise BadInput(
                f"save a validation Report or a Great Expectations result's JSON, not a "
                f"{type(report).__name__}"
            )
        record = self.catalog.add_report(
            self.project_id,
            subject=subject,
            success=success,
            ingestion_result=result,
            rules=rules,
            failed=failed,
            format=fmt,
            report=content,
            feature_group_id=feature_group_id,
            commit_id=commit_id,
            training_dataset_id=training_dataset_id,
        )
        return StoredReport.from_record(record)

    def get(self, report_id: int) -> StoredReport:
        """One report with its content."""
        record = self.catalog.get_report(report_id, self.project_id)
        if record is None:
            raise UnknownReport(f"no validation report {report_id} in this project")
        return StoredReport.from_record(record)

    def for_group(
        self,
        feature_group_id: int,
        *,
        since_ms: int | None = None,
        until_ms: int | None = None,
        ingestion_results: Iterable[str] | None = None,
        limit: int | None = None,
        with_content: bool = False,
    ) -> list[StoredReport]:
        """A feature group's reports, newest first (each with the commit it checked);
        ``since_ms``/``until_ms`` (inclusive) bound when they were made."""
        wanted = [check_ingestion_result(r) for r in ingestion_results or []]
        records = self.catalog.list_reports(
            self.project_id,
            feature_group_id=feature_group_id,
            since=_seconds(since_ms),
            until=_seconds(until_ms),
            ingestion_results=wanted or None,
            limit=limit,
            with_report=with_content,
        )
        return [StoredReport.from_record(r) for r in records]

    def for_dataset(
        self,
        training_dataset_id: int,
        *,
        since_ms: int | None = None,
        until_ms: int | None = None,
        limit: int | None = None,
        with_content: bool = False,
    ) -> list[StoredReport]:
        """A training dataset's reports, newest first; ``since_ms``/``until_ms``
        (inclusive) bound when they were made."""
        records = self.catalog.list_reports(
            self.project_id,
            training_dataset_id=training_dataset_id,
            since=_seconds(since_ms),
            until=_seconds(until_ms),
            limit=limit,
            with_report=with_content,
        )
        return [StoredReport.from_record(r) for r in records]

    def all(self, *, limit: int | None = None) -> list[StoredReport]:
        """Every report of the project, newest first (summaries)."""
        return [
            StoredReport.from_record(r)
            for r in self.catalog.list_reports(self.project_id, limit=limit)
        ]

    def latest(self, feature_group_id: int) -> StoredReport | None:
        """A feature group's newest report, with its content."""
        found = self.for_group(feature_group_id, limit=1, with_content=True)
        return found[0] if found else None

    def delete(self, report_id: int) -> None:
        if not self.catalog.delete_report(self.get(report_id).id):
            raise UnknownReport(f"no validation report {report_id} in this project")

    def expectation_history(
        self,
        feature_group_id: int,
        expectation_id: int,
        *,
        since_ms: int | None = None,
        until_ms: int | None = None,
        ingestion_results: Sequence[str] | None = None,
    ) -> list[tuple[StoredReport, dict[str, Any]]]:
        """Each report of the group (newest first) with its result for the expectation
        ``expectation_id`` (GE's shape), for the reports that checked it."""
        found = []
        for stored in self.for_group(
            feature_group_id,
            since_ms=since_ms,
            until_ms=until_ms,
            ingestion_results=ingestion_results,
            with_content=True,
        ):
            for result in stored.ge_result()["results"]:
                meta = result.get("expectation_config", {}).get("meta") or {}
                if meta.get("expectationId") == expectation_id:
                    found.append((stored, result))
        return found
