"""The data validation methods of hsfs' ``FeatureGroup`` (hsfs 5.2.1's names,
arguments and defaults): the expectation suite, ``validate``, and the validation
reports kept for the group. ``FeatureGroup`` takes them from this mixin; the work is
done by ``featurestore.featuregroups.expectations`` and ``validation.history``.

Unlike hsfs, validation runs without Great Expectations: results are hsfs'
``ValidationReport`` objects, and GE's own types only where ``ge_type`` asks for them
and great_expectations is installed (``ge_type`` defaults to whether it is, as in
hsfs; ``validate``'s ``ge_type=True`` and ``insert``'s report fall back to hsfs'
objects when it is not).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ...featurestore.errors import FeatureStoreException
from ...featurestore.featuregroups.expectations import suite_spec
from ...featurestore.featuregroups.spec import SuiteSpec
from ...featurestore.times import to_epoch_ms
from ...validation import Report
from ...validation.ge_results import suite_result
from .constants import HAS_GREAT_EXPECTATIONS

if TYPE_CHECKING:
    from ...catalog import FeatureGroupRecord
    from ...featurestore import FeatureGroups, GroupSpec
    from ...validation.history import StoredReport
    from ..expectation_suite import ExpectationSuite
    from ..ge_validation_result import ValidationResult
    from ..validation_report import ValidationReport

TimeInput = str | int | datetime | date | None


def _ge_or_hsfs(report: ValidationReport, ge_type: bool, fallback: bool = False) -> Any:
    """GE's object where ``ge_type`` asks for it (without great_expectations: a
    ``ModuleNotFoundError`` saying so, or with ``fallback`` hsfs' object); else hsfs'."""
    if ge_type and (HAS_GREAT_EXPECTATIONS or not fallback):
        return report.to_ge_type()
    return report


class FeatureGroupValidation:
    """hsfs' validation methods of a feature group (mixed into ``FeatureGroup``)."""

    _groups: FeatureGroups
    _record: FeatureGroupRecord | None
    _spec: GroupSpec | None
    name: str
    version: int | None

    @property
    def _feature_store_id(self) -> int:
        return self._groups.project_id

    def _registered(self, action: str) -> FeatureGroupRecord:
        if self._record is None:
            raise FeatureStoreException(
                f"Only Feature Group registered with Hopsworks can {action}."
            )
        return self._record

    # -- hsfs objects of the domain's answers -----------------------------------------

    def _suite_object(self, spec: SuiteSpec | None, record: Any = None) -> ExpectationSuite | None:
        from ..expectation_suite import ExpectationSuite

        if record is not None:
            return ExpectationSuite._from_record(
                record, self._feature_store_id, self._groups.validation
            )
        if spec is None:
            return None
        return ExpectationSuite(
            **spec.suite,
            run_validation=spec.run_validation,
            validation_ingestion_policy=spec.validation_ingestion_policy,
            feature_store_id=self._feature_store_id,
        )

    def _report_object(
        self, report: Report | None, stored: StoredReport | None, ingestion_result: str
    ) -> ValidationReport:
        from ..validation_report import ValidationReport

        content = stored.ge_result() if stored is not None else suite_result(report)  # type: ignore[arg-type]
        made = ValidationReport(
            **content,
            id=None if stored is None else stored.id,
            featurestore_id=self._feature_store_id,
            featuregroup_id=None if self._record is None else self._record.id,
            validation_time=None if stored is None else stored.validation_time,
            ingestion_result=ingestion_result if stored is None else stored.ingestion_result,
        )
        for result in made.results:
            result.ingestion_result = made.ingestion_result
            result._validation_report_id = made.id
            result._expectation_id = (result.expectation_config.get("meta") or {}).get(
                "expectationId"
            )
            if stored is not None:
                result.validation_time = stored.validated_at_ms
        return made

    # -- the suite --------------------------------------------------------------------

    @property
    def expectation_suite(self) -> ExpectationSuite | None:
        """The expectation suite validating this group's inserts (``None``: none)."""
        return self.get_expectation_suite(ge_type=False)

    @expectation_suite.setter
    def expectation_suite(self, expectation_suite: Any) -> None:
        if expectation_suite is None:
            if self._record is not None:
                self.delete_expectation_suite()
            else:
                self._spec.expectation_suite = None  # type: ignore[union-attr]
            return
        spec = suite_spec(expectation_suite, name=self.name)
        if self._record is None:  # saved with the group
            self._spec.expectation_suite = spec  # type: ignore[union-attr]
        else:
            self._groups.validation.save_suite(self._record.id, spec)

    def get_expectation_suite(self, ge_type: bool = HAS_GREAT_EXPECTATIONS) -> Any:
        """The suite attached to the group, or ``None`` (GE's object with ``ge_type``)."""
        if self._record is not None:
            found = self._groups.validation.suite_record(self._record.id)
            suite = self._suite_object(None, found) if found is not None else None
        else:
            suite = self._suite_object(self._spec.expectation_suite)  # type: ignore[union-attr]
        if suite is not None and ge_type is True:
            return suite.to_ge_type()
        return suite

    def save_expectation_suite(
        self,
        expectation_suite: Any,
        run_validation: bool = True,
        validation_ingestion_policy: str = "always",
        overwrite: bool = False,
    ) -> ExpectationSuite:
        """Attach ``expectation_suite`` (hsfs' ``ExpectationSuite``, GE's suite, or its
        JSON, dict or path; ``validation.Rules`` or their text form too), replacing the
        group's suite; ``overwrite`` gives its expectations new ids, so a new validation
        history. A malformed suite is refused, naming the expectation and the field,
        and nothing is saved. Answers the saved suite.

        An hsfs ``ExpectationSuite`` keeps its own ``run_validation`` and policy, as in
        hsfs, unless these arguments say otherwise (``False``, ``"strict"``): without
        GE installed ``get_expectation_suite()`` gives hsfs' object where hsfs gives
        GE's, whose settings the arguments set."""
        spec = suite_spec(
            expectation_suite,
            None if run_validation is True else run_validation,
            None
            if str(validation_ingestion_policy).upper() == "ALWAYS"
            else validation_ingestion_policy,
            self.name,
        )
        if self._record is None:  # saved with the group on its first insert or save()
            self._spec.expectation_suite = spec  # type: ignore[union-attr]
            return self._suite_object(spec)  # type: ignore[return-value]
        if overwrite:
            self._groups.validation.delete_suite(self._record.id)
        record = self._groups.validation.save_suite(self._record.id, spec, overwrite=overwrite)
        return self._suite_object(None, record)  # type: ignore[return-value]

    def delete_expectation_suite(self) -> None:
        """Detach the group's suite (its validation reports stay)."""
        if self._record is not None:
            self._groups.validation.delete_suite(self._record.id)
        elif self._spec is not None:
            self._spec.expectation_suite = None

    # -- reports ----------------------------------------------------------------------

    def get_latest_validation_report(self, ge_type: bool = HAS_GREAT_EXPECTATIONS) -> Any:
        """The newest validation report of the group, or ``None``."""
        if self._record is None:
            return None
        stored = self._groups.validation.history.latest(self._record.id)
        if stored is None:
            return None
        return _ge_or_hsfs(self._report_object(None, stored, stored.ingestion_result), ge_type)

    def get_all_validation_reports(self, ge_type: bool = HAS_GREAT_EXPECTATIONS) -> list[Any]:
        """Every validation report of the group, newest first."""
        record = self._registered("fetch validation reports")
        found = self._groups.validation.history.for_group(record.id, with_content=True)
        return [
            _ge_or_hsfs(self._report_object(None, s, s.ingestion_result), ge_type) for s in found
        ]

    def save_validation_report(
        self,
        validation_report: Any,
        ingestion_result: str = "UNKNOWN",
        ge_type: bool = HAS_GREAT_EXPECTATIONS,
    ) -> Any:
        """Store a report with the group's others: hsfs' ``ValidationReport``, GE's
        ``ExpectationSuiteValidationResult`` or its JSON dict, or a
        ``hopsml_lab.validation.Report``."""
        from ..validation_report import ValidationReport

        record = self._registered("upload validation reports")
        if isinstance(validation_report, ValidationReport):
            if ingestion_result.upper() == "UNKNOWN":
                ingestion_result = validation_report.ingestion_result
            validation_report = _ge_json(validation_report.to_json_dict())
        elif not isinstance(validation_report, Report | dict):
            if not hasattr(validation_report, "to_json_dict"):
                raise TypeError(
                    "save a ValidationReport, GE's ExpectationSuiteValidationResult or its "
                    f"JSON dict, not a {type(validation_report).__name__}"
                )
            validation_report = validation_report.to_json_dict()
        stored = self._groups.validation.save_report(record, validation_report, ingestion_result)
        return _ge_or_hsfs(self._report_object(None, stored, stored.ingestion_result), ge_type)

    def get_validation_history(
        self,
        expectation_id: int,
        start_validation_time: TimeInput = None,
        end_validation_time: TimeInput = None,
        filter_by: list[str] | None = None,
        ge_type: bool = HAS_GREAT_EXPECTATIONS,
    ) -> list[ValidationResult] | list[Any]:
        """The results of expectation ``expectation_id`` in the group's reports, newest
        first; ``start``/``end_validation_time`` (inclusive) bound when they ran,
        ``filter_by`` keeps those ingestion results (``["REJECTED", "INGESTED"]``)."""
        from ..ge_validation_result import ValidationResult

        record = self._registered("fetch validation history")
        found = self._groups.validation.history.expectation_history(
            record.id,
            expectation_id,
            since_ms=to_epoch_ms(start_validation_time),
            until_ms=to_epoch_ms(end_validation_time),
            ingestion_results=filter_by or [],
        )
        results = [
            ValidationResult(
                **result,
                expectation_id=expectation_id,
                validation_report_id=stored.id,
                validation_time=stored.validated_at_ms,
                ingestion_result=stored.ingestion_result,
            )
            for stored, result in found
        ]
        return [r.to_ge_type() for r in results] if ge_type else results

    def validate(
        self,
        dataframe: Any = None,
        expectation_suite: Any = None,
        save_report: bool = False,
        validation_options: dict[str, Any] | None = None,
        ingestion_result: str = "UNKNOWN",
        ge_type: bool = True,
    ) -> Any:
        """Run the group's suite (or ``expectation_suite``) on ``dataframe`` (pandas or
        Spark), or on the group's rows at its latest commit (then ``FG_DATA``, and a
        saved report is attached to that commit). ``None`` when there is no suite or
        ``validation_options={"run_validation": False}``; ``save_report`` (or
        ``validation_options["save_report"]``) stores the report with the group's."""
        options = dict(validation_options or {})
        validation, commit = self._groups.validation, None
        result = ingestion_result.upper()
        if dataframe is None:
            record = self._saved("validating its data")  # type: ignore[attr-defined]
            data, commit = validation.stored_data(record)
            result = "FG_DATA" if result == "UNKNOWN" else result
        else:
            data = validation.frame_data(dataframe)
        if expectation_suite is not None:
            spec: SuiteSpec | None = suite_spec(expectation_suite, name=self.name)
        else:
            spec = validation.suite_of(self._record if self._record is not None else self._spec)  # type: ignore[arg-type]
        if spec is None or not options.get("run_validation", spec.run_validation):
            return None
        report = validation.validate(data, spec)
        if not report.success and spec.strict and result == "INGESTED":
            result = "REJECTED"
        stored = None
        if options.get("save_report", save_report):
            stored = validation.save_report(
                self._registered("upload validation reports"), report, result, commit
            )
        return _ge_or_hsfs(self._report_object(report, stored, result), ge_type, fallback=True)


def _ge_json(camel: dict[str, Any]) -> dict[str, Any]:
    """hsfs' ``ValidationReport.to_json_dict()`` (camelCase) as GE's JSON keys."""
    return {
        "success": camel["success"],
        "results": camel["results"],
        "statistics": camel.get("statistics"),
        "evaluation_parameters": camel.get("evaluationParameters"),
        "meta": camel.get("meta"),
    }
