"""Validation reports as the sidebar browses them: a feature group version's reports
(newest first, each with the commit it checked, a page at a time), a training
dataset's, and one report with its rule results and its figures (the figure JSON
``validation.figures`` draws in a notebook). Read only; the REST handlers call this
and nothing else, and the pydantic models here are what the OpenAPI document and the
sidebar's TypeScript types are made from.

>>> browser = ValidationBrowser(get_lab())                                 # doctest: +SKIP
>>> page = browser.group_reports("customers", 1, ReportQuery(limit=10))    # doctest: +SKIP
>>> browser.report(page.reports[0].id).figures[0].name                     # doctest: +SKIP
'rules'
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from ..catalog import FeatureGroupCatalog, FeatureViewCatalog
from ..catalog.experiments.records import Record
from ..errors import BadInput, NotFound, clip
from .figures import figures
from .history import HOPSML, StoredReport, ValidationHistory

if TYPE_CHECKING:
    from ..lab import Lab

MAX_PAGE = 200


class UnknownSubject(NotFound):
    """No feature group version or training dataset of that name or id."""


# -- answers --------------------------------------------------------------------------


class ReportSummary(Record):
    """A stored report as a list shows it: its verdict and what it checked."""

    id: int
    subject: str = Field(description="What it checked, e.g. 'customers v1'.")
    success: bool
    rules: int = Field(description="How many rules (expectations) it checked.")
    failed: int = Field(description="How many of them failed.")
    ingestion_result: str = Field(
        description="INGESTED, REJECTED, UNKNOWN, EXPERIMENT or FG_DATA (hsfs' names)."
    )
    format: str = Field(description="hopsml (rules, samples, figures) or great_expectations.")
    validated_at: float = Field(description="Seconds since the epoch.")
    feature_group_id: int | None
    commit_id: int | None = Field(
        description="The feature group commit it checked (epoch ms); null: none recorded."
    )
    training_dataset_id: int | None


class ReportPage(Record):
    reports: list[ReportSummary] = Field(description="Newest first.")
    next_token: str | None = Field(None, description="Pass as next_token for older reports.")


class RuleOutcome(Record):
    """One rule's (expectation's) verdict."""

    name: str = Field(description="The rule as text, e.g. 'between(age, 0, 120)'.")
    kind: str = Field(description="The rule's kind, or the GE expectation type.")
    column: str | None
    success: bool
    failing_count: int | None = Field(description="Failing rows (unexpected values).")
    failing_percent: float | None
    observed: Any = Field(None, description="The value it bounded (a mean, a row count...).")
    sample: list[dict[str, Any]] = Field(description="Failing rows kept, as JSON values.")
    error: str | None


class ReportFigure(Record):
    name: str = Field(description="rules, null_fractions, class_balance:<column>, ...")
    figure: dict[str, Any] = Field(description="A Plotly figure: {data, layout}.")


class ReportDetail(ReportSummary):
    """One report: its rule results and the figures a notebook draws of it."""

    engine: str | None = Field(description="What evaluated it: spark, duckdb; null for GE's.")
    row_count: int | None
    columns: list[str]
    results: list[RuleOutcome]
    figures: list[ReportFigure] = Field(
        description="validation.figures of the report; none for a Great Expectations result."
    )


# -- queries --------------------------------------------------------------------------


class ReportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(20, ge=1, le=MAX_PAGE)
    next_token: str | None = None


# -- paging ---------------------------------------------------------------------------

_BAD_TOKEN = "next_token is not one this server handed out: start again without it"


def _token(stored: StoredReport) -> str:
    raw = json.dumps([stored.validated_at, stored.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _untoken(token: str) -> tuple[float, int]:
    try:
        at, report_id = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(at, float | int) or not isinstance(report_id, int):
            raise TypeError
        return float(at), report_id
    except (ValueError, TypeError):
        raise BadInput(_BAD_TOKEN) from None


def _page(
    listing: Callable[[int | None, int], list[StoredReport]], query: ReportQuery
) -> ReportPage:
    """A page of ``listing(until_ms, limit)`` (newest first) after ``next_token``:
    reports strictly older than the token's (``validated_at``, then id)."""
    after = _untoken(query.next_token) if query.next_token else None
    until = None if after is None else math.ceil(after[0] * 1000) + 1
    want = query.limit + 1
    while True:
        found = listing(until, want)
        rest = [s for s in found if after is None or (s.validated_at, s.id) < after]
        if len(rest) > query.limit or len(found) < want:
            break
        want *= 2  # reports at the token's very time filled the page: read further
    shown = rest[: query.limit]
    more = len(rest) > len(shown)
    return ReportPage(
        reports=[ReportSummary(**_summary(s)) for s in shown],
        next_token=_token(shown[-1]) if more else None,
    )


def _summary(stored: StoredReport) -> dict[str, Any]:
    return {name: getattr(stored, name) for name in ReportSummary.model_fields}


# -- results --------------------------------------------------------------------------


def _hopsml_results(content: Mapping[str, Any]) -> list[RuleOutcome]:
    outcomes = []
    for result in content.get("results") or []:
        rule = result.get("rule") or {}
        outcomes.append(
            RuleOutcome(
                name=str(result.get("name") or rule.get("kind")),
                kind=str(rule.get("kind", "")),
                column=rule.get("column"),
                success=bool(result.get("success")),
                failing_count=result.get("failing_count"),
                failing_percent=result.get("failing_percent"),
                observed=result.get("observed"),
                sample=list(result.get("sample") or []),
                error=result.get("error"),
            )
        )
    return outcomes


def _ge_results(content: Mapping[str, Any]) -> list[RuleOutcome]:
    """Rule outcomes of a Great Expectations result (stored as GE wrote it)."""
    outcomes = []
    for result in content.get("results") or []:
        config = result.get("expectation_config") or {}
        kwargs = config.get("kwargs") or {}
        shown = ", ".join(f"{k}={v!r}" for k, v in kwargs.items() if k != "column")
        column = kwargs.get("column")
        kind = str(config.get("expectation_type", "expectation"))
        body = result.get("result") or {}
        exception = result.get("exception_info") or {}
        raised = exception.get("raised_exception")
        outcomes.append(
            RuleOutcome(
                name=f"{kind}({', '.join(p for p in (column, shown) if p)})",
                kind=kind,
                column=column,
                success=bool(result.get("success")),
                failing_count=body.get("unexpected_count"),
                failing_percent=body.get("unexpected_percent"),
                observed=body.get("observed_value"),
                sample=[{column or "value": v} for v in body.get("partial_unexpected_list") or []],
                error=exception.get("exception_message") if raised else None,
            )
        )
    return outcomes


# -- the service ----------------------------------------------------------------------


class ValidationBrowser:
    """Read-only answers about the project's validation reports, for the REST API."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab

    @property
    def history(self) -> ValidationHistory:
        return ValidationHistory(self.lab.db, self.lab.project_id)

    def last_change(self) -> tuple[int, float] | None:
        """The newest report (id, time): the server announces a changed feature store
        when a report is added, so an open group's Validation section shows it."""
        newest = self.history.all(limit=1)
        return (newest[0].id, newest[0].validated_at) if newest else None

    def _group_id(self, name: str, version: int) -> int:
        groups = FeatureGroupCatalog(self.lab.db)
        wanted = str(name).lower().replace(" ", "_")  # as hsfs stores names
        group = groups.get_group(self.lab.project_id, wanted, version)
        if group is not None:
            return group.id
        versions = [g.version for g in groups.list_groups(self.lab.project_id, wanted)]
        if versions:
            raise UnknownSubject(
                f"feature group {clip(name)!r} has no version {version}: its versions are "
                f"{versions}"
            )
        raise UnknownSubject(
            f"no feature group named {clip(name)!r} in this project: validate a feature "
            "group with fg.validate(...) or %validate NAME --save"
        )

    def _dataset_id(self, dataset_id: int) -> int:
        datasets = FeatureViewCatalog(self.lab.db).list_training_datasets(self.lab.project_id)
        if not any(d.id == dataset_id for d in datasets):
            raise UnknownSubject(f"no training dataset with id {dataset_id} in this project")
        return dataset_id

    def group_reports(self, name: str, version: int, query: ReportQuery) -> ReportPage:
        """A feature group version's reports, newest first, each with its commit."""
        group_id = self._group_id(name, version)
        history = self.history
        return _page(
            lambda until, limit: history.for_group(group_id, until_ms=until, limit=limit),
            query,
        )

    def dataset_reports(self, dataset_id: int, query: ReportQuery) -> ReportPage:
        """A training dataset's reports, newest first."""
        found_id = self._dataset_id(dataset_id)
        history = self.history

        def listing(until: int | None, limit: int) -> list[StoredReport]:
            # The catalog bounds a dataset's reports by count only: bound the time here.
            reports = history.for_dataset(found_id)
            return [r for r in reports if until is None or r.validated_at * 1000 <= until][:limit]

        return _page(listing, query)

    def report(self, report_id: int) -> ReportDetail:
        """One report with its rule results and figures."""
        stored = self.history.get(report_id)
        content = stored.content or {}
        if stored.format == HOPSML:
            results, named = _hopsml_results(content), figures(content)
            engine, rows = content.get("engine"), content.get("row_count")
            columns = list(content.get("columns") or [])
        else:
            results, named = _ge_results(content), {}
            statistics = content.get("statistics") or {}
            engine, rows, columns = None, statistics.get("element_count"), []
        return ReportDetail(
            **_summary(stored),
            engine=engine,
            row_count=rows,
            columns=columns,
            results=results,
            figures=[ReportFigure(name=name, figure=figure) for name, figure in named.items()],
        )
