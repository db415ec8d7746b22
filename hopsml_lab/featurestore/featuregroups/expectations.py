"""A feature group's expectation suite, and validation on insert (hsfs 5.2.1's rules).

Each group has at most one suite (``validation.suites.canonical_suite``: GE 0.18 JSON,
each expectation with an ``expectationId``), with ``run_validation`` and
``validation_ingestion_policy`` (``ALWAYS`` or ``STRICT``). An insert into a group
whose suite runs is validated before anything is written, in one pass
(``validation.validate``: DuckDB over the Arrow rows of a pandas or small Spark frame,
Spark itself for a large one):

* it passes, or fails under ``ALWAYS``: the data is written and the report stored as
  ``INGESTED``, attached to the commit the insert made;
* it fails under ``STRICT``: nothing is written (no commit, no online rows, no
  statistics), the report is stored as ``REJECTED`` and ``DataValidationException``
  raised (a new group is registered first, without data, as Hopsworks does).

``validation_options`` as hsfs: ``{"run_validation": False}`` skips the suite for one
insert, ``{"save_report": False}`` keeps the report from the catalog; the others
(``ge_validate_kwargs``, ``fetch_expectation_suite``) change nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from ...catalog import ExpectationSuiteRecord, ValidationCatalog
from ...errors import Conflict
from ...validation import Report, validate
from ...validation.errors import BadRule
from ...validation.ge_results import PARTIAL_UNEXPECTED
from ...validation.history import StoredReport, ValidationHistory, check_ingestion_result
from ...validation.suites import canonical_suite, suite_settings
from ..errors import BadFeatureInput, FeatureStoreException
from .spec import GroupSpec, SuiteSpec, normalise_frame

if TYPE_CHECKING:
    from ...catalog import CommitRecord, FeatureGroupRecord
    from .reader import GroupReader
    from .sources import Source

POLICIES = ("ALWAYS", "STRICT")


class DataValidationException(FeatureStoreException, Conflict):
    """A ``STRICT`` feature group refused an insert whose data failed its expectation
    suite; nothing was written (hsfs' name). ``report`` is the validation's report,
    ``stored`` its catalog entry (``None`` with ``save_report=False``)."""

    def __init__(
        self,
        message: str,
        record: FeatureGroupRecord | None = None,
        report: Report | None = None,
        stored: StoredReport | None = None,
    ) -> None:
        super().__init__(message)
        self.record, self.report, self.stored = record, report, stored


def policy_name(value: Any) -> str:
    name = str(value).strip().upper()
    if name not in POLICIES:
        raise BadFeatureInput(
            f"validation_ingestion_policy {value!r}: use 'always' (ingest whatever the "
            "verdict) or 'strict' (ingest only data that passes)"
        )
    return name


def suite_spec(
    suite: Any,
    run_validation: bool | None = None,
    validation_ingestion_policy: str | None = None,
    name: str | None = None,
) -> SuiteSpec:
    """``suite`` in any form ``canonical_suite`` reads, checked; the settings given win
    over those the suite carries (hsfs' suites carry them), else hsfs' defaults."""
    carried = suite_settings(suite)
    run = run_validation if run_validation is not None else carried.get("run_validation", True)
    policy = validation_ingestion_policy or carried.get("validation_ingestion_policy", "ALWAYS")
    if not isinstance(run, bool):
        raise BadFeatureInput(f"run_validation={run!r}: give True or False")
    return SuiteSpec(canonical_suite(suite, name), run, policy_name(policy))


def _as_spec(record: ExpectationSuiteRecord) -> SuiteSpec:
    return SuiteSpec(record.suite, record.run_validation, record.validation_ingestion_policy)


def subject(group: FeatureGroupRecord | GroupSpec) -> str:
    """How reports name a group: ``customers v1``."""
    return f"{group.name} v{group.version}"


@dataclass
class Verdict:
    """What validating an insert decided, before anything was written."""

    report: Report
    suite: SuiteSpec
    ingestion_result: str  # INGESTED or REJECTED
    save_report: bool

    @property
    def rejected(self) -> bool:
        return self.ingestion_result == "REJECTED"


class GroupValidation:
    """Suites of the project's feature groups, their validations and reports."""

    def __init__(self, groups: GroupReader) -> None:
        self.groups = groups
        self.catalog = ValidationCatalog(groups.lab.db)

    @property
    def history(self) -> ValidationHistory:
        return ValidationHistory(self.groups.lab.db, self.groups.project_id)

    # -- suites (by group id: hsfs' suite objects know only that) --------------------

    def suite_record(self, group_id: int) -> ExpectationSuiteRecord | None:
        return self.catalog.get_suite(group_id)

    def suite_of(self, group: FeatureGroupRecord | GroupSpec) -> SuiteSpec | None:
        """The group's suite: the catalog's for a saved group, the one it was created
        with for a group not saved yet."""
        group_id = getattr(group, "id", 0)
        if group_id:
            found = self.catalog.get_suite(group_id)
            return None if found is None else _as_spec(found)
        return getattr(group, "expectation_suite", None)

    def save_suite(
        self, group_id: int, spec: SuiteSpec, overwrite: bool = False
    ) -> ExpectationSuiteRecord:
        """Attach ``spec`` to the saved group, replacing its suite. Expectations keep the
        ids they carry (so their validation history goes on) unless ``overwrite``."""
        return self.catalog.save_suite(
            group_id,
            spec.suite,
            run_validation=spec.run_validation,
            validation_ingestion_policy=spec.validation_ingestion_policy,
            keep_ids=not overwrite,
        )

    def delete_suite(self, group_id: int) -> bool:
        return self.catalog.delete_suite(group_id)

    # -- validating -----------------------------------------------------------------

    def validate(self, data: Any, spec: SuiteSpec) -> Report:
        """``data`` (what ``validation.validate`` reads) against the suite."""
        try:
            return validate(data, spec.suite, sample=PARTIAL_UNEXPECTED)
        except BadRule as error:
            raise BadFeatureInput(
                f"the expectation suite cannot run on this data: {error}"
            ) from None

    @staticmethod
    def frame_data(frame: Any) -> Any:
        """A frame to validate with hsfs' column names (lower case, ``_`` for spaces),
        as an insert would name them; pandas and Spark frames, others as given."""
        from .sources import is_spark_frame
        from .spark_insert import normalise_spark

        if isinstance(frame, pd.DataFrame):
            return normalise_frame(frame)
        if is_spark_frame(frame):
            return normalise_spark(frame)
        return frame

    def stored_data(self, group: FeatureGroupRecord) -> tuple[Any, CommitRecord | None]:
        """The group's rows at its latest commit as an Arrow dataset (read by DuckDB
        where they are), and that commit."""
        commits = self.groups.commits(group, limit=1)
        if not commits:
            return self.groups.read_arrow(group), None
        dataset = self.groups.table(group).dataset(commits[0].table_version)
        return dataset, commits[0]

    def check_insert(
        self,
        group: FeatureGroupRecord | GroupSpec,
        source: Source,
        validation_options: dict[str, Any] | None,
    ) -> Verdict | None:
        """Validate an insert's rows before they are written; ``None`` when the group
        has no suite or validation is off (for the suite, or for this insert)."""
        options = dict(validation_options or {})
        spec = self.suite_of(group)
        if spec is None or not options.get("run_validation", spec.run_validation):
            return None
        report = self.validate(source.validation_data(), spec)
        result = "REJECTED" if spec.strict and not report.success else "INGESTED"
        return Verdict(report, spec, result, bool(options.get("save_report", True)))

    def keep(
        self, verdict: Verdict, group: FeatureGroupRecord, commit: CommitRecord | None
    ) -> StoredReport | None:
        """Store an insert's report, attached to the commit it made (if any)."""
        if not verdict.save_report:
            return None
        self._number(verdict.report, group)
        return self.history.save(
            verdict.report,
            subject=subject(group),
            ingestion_result=verdict.ingestion_result,
            feature_group_id=group.id,
            commit_id=None if commit is None else commit.commit_id,
        )

    def _number(self, report: Report, group: FeatureGroupRecord) -> None:
        """Give each result the id of its expectation in the group's saved suite: a new
        group's first insert is validated before its suite is saved (and numbered)."""
        unnumbered = [
            r
            for r in report.results
            if "expectation_type" in r.rule.source
            and "expectationId" not in (r.rule.source.get("meta") or {})
        ]
        saved = self.catalog.get_suite(group.id) if unnumbered else None
        if saved is None:
            return
        expectations = saved.suite["expectations"]
        for result in unnumbered:
            index = result.rule.source.get("index")
            if isinstance(index, int) and 0 <= index < len(expectations):
                meta = dict(result.rule.source.get("meta") or {})
                meta["expectationId"] = expectations[index]["meta"]["expectationId"]
                result.rule.source["meta"] = meta

    def save_report(
        self,
        group: FeatureGroupRecord,
        report: Report | dict[str, Any],
        ingestion_result: str = "UNKNOWN",
        commit: CommitRecord | None = None,
    ) -> StoredReport:
        """Store a report made elsewhere (``fg.validate``, or GE's own result JSON)."""
        return self.history.save(
            report,
            subject=subject(group),
            ingestion_result=check_ingestion_result(ingestion_result),
            feature_group_id=group.id,
            commit_id=None if commit is None else commit.commit_id,
        )

    @staticmethod
    def rejection(group: FeatureGroupRecord, verdict: Verdict) -> str:
        failed = [r.name for r in verdict.report.failed]
        shown = ", ".join(failed[:5]) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
        return (
            "Data validation failed while validation ingestion policy set to strict, "
            f"insertion to {group.name} was aborted: nothing was written. Failed: {shown}. "
            "Fix the data, or set the policy to 'always' (fg.expectation_suite."
            "validation_ingestion_policy = 'always'), or insert with "
            "validation_options={'run_validation': False}"
        )
