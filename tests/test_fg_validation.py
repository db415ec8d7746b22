"""Feature groups with expectation suites (hsfs 5.2.1's names): validation on insert,
"strict" groups that refuse failing data and write nothing, reports stored on the
commit they checked, validation history, suites in every form they come in, training
datasets validated, and the catalog's tables as their migration makes them. Real Delta
tables, the catalog on SQLite (and PostgreSQL for the insert gate), Spark through the
shared session; no GE installed here (its own results are checked in
test_validation_ge.py)."""

from __future__ import annotations

import ast
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from hopsml_lab import hopsworks
from hopsml_lab.catalog import Base, Database, ValidationCatalog
from hopsml_lab.engine.spark import SparkEngine
from hopsml_lab.errors import BadInput
from hopsml_lab.featurestore.dataset_validation import validate_training_dataset
from hopsml_lab.featurestore.featuregroups.table import DeltaFeatureTable
from hopsml_lab.hsfs.client.exceptions import DataValidationException, FeatureStoreException
from hopsml_lab.hsfs.expectation_suite import ExpectationSuite
from hopsml_lab.hsfs.ge_validation_result import ValidationResult
from hopsml_lab.hsfs.validation_report import ValidationReport
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.settings import Settings
from hopsml_lab.validation import BadSuite, Rules, UnsupportedExpectation, validate
from hopsml_lab.validation.history import ValidationHistory
from hopsml_lab.validation.suites import canonical_suite, ge1_suite

pytestmark = pytest.mark.filterwarnings(
    "ignore::hopsml_lab.featurestore.errors.VersionWarning",
    "ignore::hopsml_lab.featurestore.errors.FeatureGroupWarning",
)

GE1_SUITE = {  # as Great Expectations 1.x writes a suite
    "name": "people",
    "id": "0b6c5a0e-9c7e-4a39-9d6f-1d0c1d5a4c11",
    "expectations": [
        {
            "type": "expect_column_values_to_not_be_null",
            "kwargs": {"column": "age"},
            "meta": {},
            "id": "6c0b0a0e-1111-4a39-9d6f-1d0c1d5a4c11",
            "severity": "critical",
        },
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "age", "min_value": 0, "max_value": 120},
            "meta": {"note": "ages"},
            "severity": "critical",
        },
        {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "plan", "value_set": ["free", "pro"]},
            "meta": {},
        },
    ],
    "meta": {"great_expectations_version": "1.24.1"},
    "notes": None,
}


@pytest.fixture
def vlab(project_root: Path, tmp_path: Path) -> Iterator[Lab]:
    """A project without Spark on SQLite."""
    lab = Lab(
        Settings(project_root=str(project_root), catalog_url=f"sqlite:///{tmp_path / 'c.db'}")
    )
    set_lab(lab)
    yield lab
    set_lab(None)
    lab.db.dispose()


@pytest.fixture
def blab(project_root: Path, catalog_url: str) -> Iterator[Lab]:
    """A project without Spark whose catalog is SQLite, then PostgreSQL."""
    lab = Lab(Settings(project_root=str(project_root), catalog_url=catalog_url))
    set_lab(lab)
    yield lab
    set_lab(None)
    lab.db.dispose()


def _people(ids: list[int], ages: list[float | None], plans: list[str] | None = None):
    plans = plans or ["free"] * len(ids)
    return pd.DataFrame({"id": ids, "age": pd.Series(ages, dtype="float64"), "plan": plans})


def _fg(name: str = "people", online: bool = False, suite=GE1_SUITE):
    fs = hopsworks.login().get_feature_store()
    fg = fs.get_or_create_feature_group(
        name, version=1, primary_key=["id"], online_enabled=online, expectation_suite=suite
    )
    return fs, fg


def _state(lab: Lab, fg) -> tuple:
    """Everything an insert could change: commits, Delta version, rows, online rows,
    statistics."""
    table = DeltaFeatureTable(lab.store.url(f"FeatureStore/{fg.name}_1"))
    rows = fg.read().sort_values("id").reset_index(drop=True)
    online = fg.read(online=True).sort_values("id").reset_index(drop=True)
    stats = lab.feature_groups.commit_statistics(fg.id)
    return (
        list(fg.commit_details()),
        table.latest_version(),
        rows.to_dict("list"),
        online.to_dict("list"),
        None if stats is None else stats[0].commit_id,
    )


def _result(report: ValidationReport, expectation_type: str) -> ValidationResult:
    return next(
        r for r in report.results if r.expectation_config["expectation_type"] == expectation_type
    )


# -- the insert gate --------------------------------------------------------------------


def test_strict_group_rejects_a_failing_insert_and_writes_nothing(blab: Lab) -> None:
    _fs, fg = _fg(online=True)
    job, first = fg.insert(_people([1, 2], [30, 40]))
    assert job is None and isinstance(first, ValidationReport) and first.success
    assert first.ingestion_result == "INGESTED" and first.id is not None
    fg.save_expectation_suite(fg.get_expectation_suite(), validation_ingestion_policy="strict")
    assert fg.expectation_suite.validation_ingestion_policy == "STRICT"
    before = _state(blab, fg)

    bad = _people([3, 4, 5], [50, 130, None], ["pro", "gold", "free"])
    with pytest.raises(DataValidationException, match=r"strict.*nothing was written") as caught:
        fg.insert(bad)
    assert "between(age, 0, 120)" in str(caught.value) and "in_set(plan" in str(caught.value)
    assert _state(blab, fg) == before  # no commit, no rows offline or online, no statistics
    assert caught.value.stored is not None and caught.value.stored.commit_id is None

    latest = fg.get_latest_validation_report(ge_type=False)
    assert latest.ingestion_result == "REJECTED" and latest.success is False
    assert latest.id == caught.value.stored.id
    between = _result(latest, "expect_column_values_to_be_between")
    assert between.result == {
        "element_count": 3,
        "unexpected_count": 1,
        "unexpected_percent": 50.0,
        "partial_unexpected_list": [130.0],
        "partial_unexpected_counts": [{"value": 130.0, "count": 1}],
        "missing_count": 1,
        "missing_percent": pytest.approx(100 / 3),
        "unexpected_percent_total": pytest.approx(100 / 3),
        "unexpected_percent_nonmissing": 50.0,
    }
    not_null = _result(latest, "expect_column_values_to_not_be_null")
    assert not not_null.success and not_null.result["unexpected_count"] == 1
    assert not_null.result["partial_unexpected_list"] == [None]
    assert "missing_count" not in not_null.result  # GE reports none for (not) null
    assert latest.statistics == {
        "evaluated_expectations": 3,
        "successful_expectations": 0,
        "unsuccessful_expectations": 3,
        "success_percent": 0.0,
    }

    # Skipping validation for one insert writes it; the suite still runs afterwards.
    assert fg.insert(bad, validation_options={"run_validation": False}) == (None, None)
    assert len(fg.commit_details()) == 2 and sorted(fg.read()["id"]) == [1, 2, 3, 4, 5]


def test_always_group_ingests_and_stores_the_report_on_the_commit_it_made(vlab: Lab) -> None:
    _fs, fg = _fg()
    _job, report = fg.insert(_people([1, 2, 3], [10, 200, 20], ["free", "pro", "team"]))
    assert report.success is False and report.ingestion_result == "INGESTED"
    assert sorted(fg.read()["id"]) == [1, 2, 3]  # written whatever the verdict
    (commit_id,) = fg.commit_details()
    history = ValidationHistory(vlab.db, vlab.project_id)
    (stored,) = history.for_group(fg.id)
    assert stored.id == report.id and stored.commit_id == commit_id
    assert (stored.rules, stored.failed, stored.subject) == (3, 2, "people v1")
    in_set = _result(report, "expect_column_values_to_be_in_set")
    assert in_set.result["partial_unexpected_list"] == ["team"]
    assert in_set.expectation_config["kwargs"] == {"column": "plan", "value_set": ["free", "pro"]}
    assert in_set.expectation_config["meta"]["expectationId"] == 3  # ids given on save
    assert in_set.ingestion_result == "INGESTED"
    # the stored report is this package's Report too: rules, counts, failing rows
    assert stored.report() is None  # listed without content
    full = history.get(stored.id).report()
    assert [r.failing_count for r in full.results] == [0, 1, 1]
    assert full.results[1].sample == [{"id": 2, "age": 200, "plan": "pro"}]

    # save_report=False: the report comes back, nothing is stored
    _job, quiet = fg.insert(_people([4], [300]), validation_options={"save_report": False})
    assert quiet.success is False and quiet.id is None
    assert len(history.for_group(fg.id)) == 1 and len(fg.commit_details()) == 2
    group_id = fg.id
    fg.delete()  # the catalog forgets its suite and reports with it
    assert history.for_group(group_id) == [] and history.all() == []
    assert ValidationCatalog(vlab.db).get_suite(group_id) is None


def test_a_new_strict_group_is_registered_without_data_when_its_first_insert_fails(
    vlab: Lab,
) -> None:
    fs = hopsworks.login().get_feature_store()
    suite = ExpectationSuite.from_ge_type(_Suite(GE1_SUITE), validation_ingestion_policy="STRICT")
    fg = fs.create_feature_group("late", version=1, primary_key=["id"], expectation_suite=suite)
    with pytest.raises(DataValidationException):
        fg.insert(_people([1], [-5]))
    assert fg.id is not None and fg.commit_details() == {}  # registered, nothing written
    assert not DeltaFeatureTable(vlab.store.url("FeatureStore/late_1")).exists()
    assert fg.get_expectation_suite(ge_type=False).validation_ingestion_policy == "STRICT"
    # hsfs' own suite object keeps its settings when saved again, as in hsfs
    again = fg.save_expectation_suite(fg.get_expectation_suite(ge_type=False))
    assert again.validation_ingestion_policy == "STRICT" and again.id is not None
    (rejected,) = fg.get_all_validation_reports(ge_type=False)
    assert rejected.ingestion_result == "REJECTED"
    # the first report already knows its expectations' ids
    assert [r.expectation_config["meta"]["expectationId"] for r in rejected.results] == [1, 2, 3]
    _job, ok = fg.insert(_people([1], [5]))
    assert ok.success and len(fg.commit_details()) == 1


class _Suite:
    """An object with ``to_json_dict()``, as GE's suites are (GE is not installed here)."""

    def __init__(self, data: dict) -> None:
        self.data = data

    def to_json_dict(self) -> dict:
        return json.loads(json.dumps(self.data))


def test_multi_part_insert_validates_each_batch(vlab: Lab) -> None:
    _fs, fg = _fg(suite="age: between(0, 120)")
    with fg.multi_part_insert() as writer:
        _job, first = writer.insert(_people([1], [3]))
        _job, second = writer.insert(_people([2], [300]), operation="upsert")
    assert first.success and not second.success
    assert fg._multi_part_insert is False
    _job, third = fg.multi_part_insert(_people([3], [4]))
    fg.finalize_multi_part_insert()
    assert third.success and len(fg.commit_details()) == 3
    assert [r.commit_id for r in ValidationHistory(vlab.db, vlab.project_id).for_group(fg.id)] == [
        *fg.commit_details()
    ]


def test_spark_dataframes_are_validated_by_spark_before_anything_is_written(
    project_root: Path, tmp_path: Path, spark_engine: SparkEngine
) -> None:
    lab = Lab(
        Settings(
            project_root=str(project_root),
            catalog_url=f"sqlite:///{tmp_path / 's.db'}",
            fs_spark_collect_max_bytes=1,  # every frame large: written by the executors
        )
    )
    lab.__dict__["spark"] = spark_engine
    set_lab(lab)
    try:
        spark = spark_engine.session()
        fs = hopsworks.login(engine="spark").get_feature_store()
        fg = fs.create_feature_group(
            "sparked", version=1, primary_key=["id"], expectation_suite="age: between(0, 120)"
        )
        _job, ok = fg.insert(spark.createDataFrame(_people([1, 2], [5.0, 6.0])))
        assert ok.success and ok.meta["validation_engine"] == "hopsml_lab (spark)"
        fg.expectation_suite.validation_ingestion_policy = "strict"  # saved at once
        table = DeltaFeatureTable(lab.store.url("FeatureStore/sparked_1"))
        before = (list(fg.commit_details()), table.list_files(recursive=True))
        with pytest.raises(DataValidationException):
            fg.insert(spark.createDataFrame(_people([3, 4], [7.0, 700.0])))
        assert (list(fg.commit_details()), table.list_files(recursive=True)) == before
        assert sorted(fg.read(dataframe_type="pandas")["id"]) == [1, 2]
        rejected = fg.get_latest_validation_report(ge_type=False)
        assert rejected.ingestion_result == "REJECTED"
        assert rejected.results[0].result["partial_unexpected_list"] == [700.0]
        checked = fg.validate(
            spark.createDataFrame(_people([9], [-1.0])).withColumnRenamed("age", "Age")
        )
        assert (
            checked.success is False and checked.meta["validation_engine"] == "hopsml_lab (spark)"
        )
    finally:
        set_lab(None)
        lab.db.dispose()


# -- validate, history, reports -----------------------------------------------------------


def test_validate_a_frame_or_the_groups_data(vlab: Lab) -> None:
    _fs, fg = _fg()
    assert fg.validate(_people([1], [1])) is not None  # a suite given at creation, unsaved
    fg.insert(_people([1, 2], [30, 31]))
    report = fg.validate(_people([7], [999]), ge_type=False)
    assert report.success is False and report.id is None and report.ingestion_result == "UNKNOWN"
    assert fg.get_all_validation_reports(ge_type=False)[0].id != report.id  # not saved
    other = fg.validate(_people([7], [999]), expectation_suite="age: not_null", ge_type=False)
    assert other.success and [r.expectation_config["expectation_type"] for r in other.results] == [
        "expect_column_values_to_not_be_null"
    ]
    saved = fg.validate(save_report=True, ge_type=False)  # the group's rows: FG_DATA
    assert saved.success and saved.ingestion_result == "FG_DATA" and saved.id is not None
    stored = ValidationHistory(vlab.db, vlab.project_id).get(saved.id)
    assert stored.commit_id == next(iter(fg.commit_details()))
    assert fg.validate(_people([7], [999]), validation_options={"run_validation": False}) is None
    fg.delete_expectation_suite()
    assert fg.get_expectation_suite() is None and fg.validate(_people([1], [1])) is None
    assert len(fg.get_all_validation_reports(ge_type=False)) == 2  # reports stay
    with pytest.raises(ModuleNotFoundError, match="Great Expectations"):
        fg.get_latest_validation_report(ge_type=True)


def test_validation_history_is_newest_first_with_time_and_result_filters(vlab: Lab) -> None:
    _fs, fg = _fg()
    marks = []
    for i, age in enumerate([10, 500, 20, 600]):
        fg.insert(_people([i], [age]))
        marks.append(int(time.time() * 1000))
        time.sleep(0.02)
    between = fg.get_expectation_suite(ge_type=False).expectations[1]
    assert between.expectation_type == "expect_column_values_to_be_between" and between.id == 2
    history = fg.get_validation_history(between.id, ge_type=False)
    assert [r.success for r in history] == [False, True, False, True]  # newest first
    assert [r.result["partial_unexpected_list"] for r in history] == [[600], [], [500], []]
    times = [r.validation_time for r in history]
    assert times == sorted(times, reverse=True) and all(
        r.ingestion_result == "INGESTED" for r in history
    )
    reports = fg.get_all_validation_reports(ge_type=False)
    assert [r.id for r in reports] == sorted((r.id for r in reports), reverse=True)
    assert {r._validation_report_id for r in history} == {r.id for r in reports}

    middle = fg.get_validation_history(
        between.id, start_validation_time=marks[0], end_validation_time=marks[2], ge_type=False
    )
    assert [r.result["partial_unexpected_list"] for r in middle] == [[], [500]]
    assert fg.get_validation_history(between.id, filter_by=["REJECTED"], ge_type=False) == []
    assert len(fg.get_validation_history(between.id, filter_by=["ingested"], ge_type=False)) == 4
    assert fg.get_validation_history(999, ge_type=False) == []
    latest = fg.get_latest_validation_report(ge_type=False)
    assert latest.id == reports[0].id and not latest.success


def test_reports_from_great_expectations_are_kept_as_given(vlab: Lab) -> None:
    _fs, fg = _fg()
    fg.insert(_people([1], [1]))
    ge_json = {  # GE 1.x's ExpectationSuiteValidationResult.to_json_dict(), abridged
        "success": False,
        "results": [
            {
                "success": False,
                "expectation_config": {
                    "type": "expect_column_values_to_be_unique",
                    "kwargs": {"column": "id", "batch_id": "p-a"},
                    "meta": {},
                    "severity": "critical",
                },
                "result": {"element_count": 3, "unexpected_count": 2},
                "meta": {},
                "exception_info": {"raised_exception": False},
            }
        ],
        "suite_name": "elsewhere",
        "suite_parameters": {},
        "statistics": {"evaluated_expectations": 1, "successful_expectations": 0},
        "meta": {"great_expectations_version": "1.24.1"},
        "id": None,
    }
    saved = fg.save_validation_report(ge_json, ingestion_result="EXPERIMENT", ge_type=False)
    assert saved.ingestion_result == "EXPERIMENT" and saved.id is not None
    again = fg.get_latest_validation_report(ge_type=False)
    assert (
        again.results[0].expectation_config["expectation_type"]
        == "expect_column_values_to_be_unique"
    )
    assert again.results[0].result == {"element_count": 3, "unexpected_count": 2}
    assert again.meta == {"great_expectations_version": "1.24.1"}
    # hsfs' own object goes back in, and so does a validation.Report
    copy = fg.save_validation_report(again, ge_type=False)
    assert copy.ingestion_result == "EXPERIMENT" and copy.id != again.id
    ours = fg.save_validation_report(
        validate(_people([1], [None]), Rules().not_null("age")), ge_type=False
    )
    assert ours.success is False and ours.results[0].result["unexpected_count"] == 1
    with pytest.raises(ValueError, match="ingestion_result"):
        fg.save_validation_report(ge_json, ingestion_result="EATEN")


# -- suites -------------------------------------------------------------------------------


def test_suites_round_trip_in_hsfs_and_ge_1x_forms(vlab: Lab) -> None:
    _fs, fg = _fg(suite=None)
    fg.insert(_people([1], [1]))
    saved = fg.save_expectation_suite(GE1_SUITE)  # GE 1.x JSON as a dict
    camel = saved.to_json_dict()
    assert camel["expectationSuiteName"] == "people" and camel["featureGroupId"] == fg.id
    assert camel["runValidation"] is True and camel["validationIngestionPolicy"] == "ALWAYS"
    assert [e["expectationType"] for e in camel["expectations"]] == [
        e["type"] for e in GE1_SUITE["expectations"]
    ]
    assert [e["id"] for e in camel["expectations"]] == [1, 2, 3]
    assert camel["expectations"][1]["meta"] == {"note": "ages", "expectationId": 2}
    assert camel["meta"] == GE1_SUITE["meta"]

    # hsfs' camelCase form back in (as a dict, and as JSON text with kwargs as text):
    # the same suite, the same ids
    assert fg.save_expectation_suite(camel).to_json_dict() == camel
    as_text = fg.get_expectation_suite(ge_type=False).json()  # kwargs and meta as text
    assert fg.save_expectation_suite(as_text).to_json_dict() == camel
    # and out again as GE 1.x writes it
    stored = canonical_suite(fg.get_expectation_suite(ge_type=False))
    ge1 = ge1_suite(stored)
    assert ge1["name"] == "people" and [(e["type"], e["kwargs"]) for e in ge1["expectations"]] == [
        (e["type"], e["kwargs"]) for e in GE1_SUITE["expectations"]
    ]
    assert fg.save_expectation_suite(ge1).to_json_dict() == camel

    # the 0.18 form (snake_case, expectation_type) and an hsfs object made from it
    legacy = {
        "expectation_suite_name": "legacy",
        "expectations": [
            {
                "expectation_type": "expect_column_mean_to_be_between",
                "kwargs": {"column": "age", "min_value": 0},
            }
        ],
        "meta": {},
        "data_asset_type": None,
        "ge_cloud_id": None,
    }
    suite = ExpectationSuite(**legacy, run_validation=False)
    again = fg.save_expectation_suite(suite, run_validation=False, overwrite=True)
    assert again.run_validation is False and [e.id for e in again.expectations] == [4]  # new ids
    assert fg.insert(_people([2], [2])) == (None, None)  # run_validation off: no report
    # rules in the text form are suites too
    rules = fg.save_expectation_suite("age: not_null, between(0, 120); row_count(1, 10)")
    assert [e.expectation_type for e in rules.expectations] == [
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_between",
        "expect_table_row_count_to_be_between",
    ]


def test_a_malformed_suite_names_the_expectation_and_field_and_nothing_is_saved(
    vlab: Lab,
) -> None:
    fs = hopsworks.login().get_feature_store()
    bad = json.loads(json.dumps(GE1_SUITE))
    bad["expectations"][1]["kwargs"]["min_vaule"] = 0
    with pytest.raises(
        BadSuite, match=r"expectation #1 expect_column_values_to_be_between: field 'min_vaule'"
    ):
        fs.create_feature_group("p", version=1, primary_key=["id"], expectation_suite=bad)
    assert fs.get_feature_group("p", version=1) is None

    _fs, fg = _fg()
    fg.insert(_people([1], [1]))
    before = fg.get_expectation_suite(ge_type=False).to_json_dict()
    with pytest.raises(
        BadSuite, match="expectation #1 expect_column_values_to_be_between: field 'min_vaule'"
    ):
        fg.save_expectation_suite(bad)
    missing = {
        "name": "m",
        "expectations": [
            {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "plan"}}
        ],
    }
    with pytest.raises(
        BadSuite,
        match="expectation #0 expect_column_values_to_be_in_set: field 'value_set' is missing",
    ):
        fg.save_expectation_suite(missing, overwrite=True)
    odd = {
        "name": "o",
        "expectations": [{"type": "expect_column_kl_divergence_to_be_less_than", "kwargs": {}}],
    }
    with pytest.raises(
        UnsupportedExpectation, match="#0 expect_column_kl_divergence_to_be_less_than"
    ):
        fg.save_expectation_suite(odd)
    with pytest.raises(BadSuite, match=r"balanced\(plan, 0.2\) has no Great Expectations"):
        fg.save_expectation_suite(Rules().balanced("plan", 0.2))
    suite = fg.get_expectation_suite(ge_type=False)
    assert suite.to_json_dict() == before  # nothing saved, not even by overwrite=True
    with pytest.raises(
        BadSuite, match="expectation #3 expect_column_values_to_be_between: field 'mostly'"
    ):
        suite.add_expectation(
            {
                "expectation_type": "expect_column_values_to_be_between",
                "kwargs": {"column": "age", "min_value": 1, "mostly": 7},
            }
        )
    assert suite.to_json_dict() == before == fg.get_expectation_suite(ge_type=False).to_json_dict()
    with pytest.raises(BadInput, match=r"(?i)validation_ingestion_policy 'sometimes'"):
        suite.validation_ingestion_policy = "sometimes"
    assert suite.validation_ingestion_policy == "ALWAYS"


def test_the_single_expectation_api_edits_the_stored_suite(vlab: Lab) -> None:
    _fs, fg = _fg()
    fg.insert(_people([1], [1]))
    suite = fg.get_expectation_suite(ge_type=False)
    added = suite.add_expectation(
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "plan"}}, ge_type=False
    )
    assert added.id == 4 and added.meta == {"expectationId": 4}
    changed = suite.get_expectation(2, ge_type=False)
    changed.kwargs = {**changed.kwargs, "max_value": 150}
    assert suite.replace_expectation(changed, ge_type=False).kwargs["max_value"] == 150
    suite.remove_expectation(1)
    stored = fg.get_expectation_suite(ge_type=False)
    assert [(e.id, e.expectation_type) for e in stored.expectations] == [
        (2, "expect_column_values_to_be_between"),
        (3, "expect_column_values_to_be_in_set"),
        (4, "expect_column_values_to_not_be_null"),
    ]
    assert stored.expectations[0].kwargs["max_value"] == 150
    _job, report = fg.insert(_people([2], [140]))  # inside the widened bounds
    assert report.success
    assert len(fg.get_validation_history(2, ge_type=False)) == 2  # history goes on
    with pytest.raises(FeatureStoreException, match="no expectation with id 99"):
        suite.remove_expectation(99)
    loose = ExpectationSuite("x", [])
    with pytest.raises(FeatureStoreException, match="attaching to a Feature Group"):
        loose.add_expectation(
            {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "id"}}
        )


# -- training datasets ------------------------------------------------------------------


def test_training_datasets_are_validated_and_keep_their_reports(vlab: Lab) -> None:
    fs = hopsworks.login().get_feature_store()
    fg = fs.create_feature_group("orders", version=1, primary_key=["id"])
    n = 40
    fg.insert(
        pd.DataFrame(
            {
                "id": range(n),
                "amount": [float(i) for i in range(n)],
                "label": [i % 4 == 0 for i in range(n)],
            }
        )
    )
    fv = fs.create_feature_view("orders_view", fg.select_all(), version=1, labels=["label"])
    version, _ = fv.create_train_test_split(test_size=0.25, seed=3)
    (record,) = vlab.feature_views.list_training_datasets(vlab.project_id, fv.id)
    training = fs._view_services()[1]
    whole = validate_training_dataset(training, record, "label: balanced(0.3); row_count(40, 40)")
    assert whole.training_dataset_id == record.id and whole.feature_group_id is None
    report = whole.report()
    assert report.row_count == n and not report.results[0].success  # 25% True: under 30%
    assert report.results[0].observed == {"false": 0.75, "true": 0.25}
    test_split = validate_training_dataset(training, record, "amount: not_null", split="test")
    assert test_split.success and test_split.subject == f"orders_view v{version} (test)"
    history = ValidationHistory(vlab.db, vlab.project_id)
    assert [r.id for r in history.for_dataset(record.id)] == [test_split.id, whole.id]
    assert history.for_group(fg.id) == []
    fv.delete_training_dataset(version)
    assert history.for_dataset(record.id) == []  # the catalog drops them with the dataset


# -- hsfs 5.2.1's signatures (from its sources: names and defaults) ------------------------

REAL = {
    "feature_group.FeatureGroup.get_expectation_suite": "ge_type=HAS_GREAT_EXPECTATIONS",
    "feature_group.FeatureGroup.save_expectation_suite": (
        "expectation_suite, run_validation=True, validation_ingestion_policy='always', "
        "overwrite=False"
    ),
    "feature_group.FeatureGroup.delete_expectation_suite": "",
    "feature_group.FeatureGroup.get_latest_validation_report": "ge_type=HAS_GREAT_EXPECTATIONS",
    "feature_group.FeatureGroup.get_all_validation_reports": "ge_type=HAS_GREAT_EXPECTATIONS",
    "feature_group.FeatureGroup.save_validation_report": (
        "validation_report, ingestion_result='UNKNOWN', ge_type=HAS_GREAT_EXPECTATIONS"
    ),
    "feature_group.FeatureGroup.get_validation_history": (
        "expectation_id, start_validation_time=None, end_validation_time=None, filter_by=None, "
        "ge_type=HAS_GREAT_EXPECTATIONS"
    ),
    "feature_group.FeatureGroup.validate": (
        "dataframe=None, expectation_suite=None, save_report=False, validation_options=None, "
        "ingestion_result='UNKNOWN', ge_type=True"
    ),
    "feature_group.FeatureGroup.multi_part_insert": (
        "features=None, overwrite=False, operation='upsert', storage=None, write_options=None, "
        "validation_options=None, transformation_context=None, transform=True, n_processes=None"
    ),
    "feature_group.FeatureGroup.finalize_multi_part_insert": "",
    "feature_group_writer.FeatureGroupWriter.insert": (
        "features, overwrite=False, operation='upsert', storage=None, write_options=None, "
        "validation_options=None, transformation_context=None, transform=True, n_processes=None"
    ),
    "expectation_suite.ExpectationSuite.__init__": (
        "expectation_suite_name=None, expectations=None, meta=None, id=None, "
        "run_validation=True, validation_ingestion_policy='always', feature_store_id=None, "
        "feature_group_id=None, href=None, **kwargs"
    ),
    "expectation_suite.ExpectationSuite.from_ge_type": (
        "ge_expectation_suite, run_validation=True, validation_ingestion_policy='ALWAYS', "
        "id=None, feature_store_id=None, feature_group_id=None"
    ),
    "expectation_suite.ExpectationSuite.get_expectation": (
        "expectation_id, ge_type=HAS_GREAT_EXPECTATIONS"
    ),
    "expectation_suite.ExpectationSuite.add_expectation": (
        "expectation, ge_type=HAS_GREAT_EXPECTATIONS"
    ),
    "expectation_suite.ExpectationSuite.replace_expectation": (
        "expectation, ge_type=HAS_GREAT_EXPECTATIONS"
    ),
    "expectation_suite.ExpectationSuite.remove_expectation": "expectation_id=None",
    "expectation_suite.ExpectationSuite.to_json_dict": "decamelize=False",
    "ge_expectation.GeExpectation.__init__": "expectation_type, kwargs, meta, id=None, href=None",
    "ge_expectation.GeExpectation.to_json_dict": "decamelize=False",
    "ge_validation_result.ValidationResult.__init__": (
        "success, result, expectation_config, exception_info, meta=None, id=None, "
        "observed_value=None, expectation_id=None, validation_report_id=None, "
        "validation_time=None, ingestion_result='UNKNOWN', **kwargs"
    ),
    "validation_report.ValidationReport.__init__": (
        "success, results, meta, statistics, evaluation_parameters=None, id=None, "
        "full_report_path=None, featurestore_id=None, featuregroup_id=None, "
        "validation_time=None, ingestion_result='unknown', **kwargs"
    ),
}


@pytest.mark.parametrize("dotted", sorted(REAL))
def test_signatures_are_hsfs_5_2_1s(dotted: str) -> None:
    import importlib
    import inspect

    from hopsml_lab.hsfs.core.constants import HAS_GREAT_EXPECTATIONS

    module, cls, name = dotted.rsplit(".", 2)
    method = getattr(getattr(importlib.import_module(f"hopsml_lab.hsfs.{module}"), cls), name)
    parts = []
    for parameter in inspect.signature(method).parameters.values():
        if parameter.name in ("self", "cls"):
            continue
        if parameter.kind is parameter.VAR_KEYWORD:
            parts.append(f"**{parameter.name}")
        elif parameter.default is parameter.empty:
            parts.append(parameter.name)
        else:
            parts.append(f"{parameter.name}={parameter.default!r}")
    real = REAL[dotted].replace("HAS_GREAT_EXPECTATIONS", repr(HAS_GREAT_EXPECTATIONS))
    assert ", ".join(parts) == real


# -- layers and the catalog -----------------------------------------------------------------


def test_the_validation_tables_are_the_migrations_tables(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    db = Database(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        mine = [
            d for d in diff if "expectation_suites" in repr(d) or "validation_reports" in repr(d)
        ]
        assert mine == []
    finally:
        db.dispose()


ROOT = Path(__file__).resolve().parents[1] / "hopsml_lab"
DOMAIN = [
    "validation/suites.py",
    "validation/ge_results.py",
    "validation/history.py",
    "featurestore/dataset_validation.py",
    "featurestore/featuregroups/expectations.py",
    "featurestore/featuregroups/groups.py",
    "featurestore/featuregroups/ingest.py",
    "featurestore/featuregroups/spark_insert.py",
]


@pytest.mark.parametrize("path", DOMAIN)
def test_the_domain_never_imports_the_facade(path: str) -> None:
    tree = ast.parse((ROOT / path).read_text())
    imported = [
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert not [
        m
        for m in imported
        if m.split(".")[-1] in ("hsfs", "hopsworks") or ".hsfs" in m or m.startswith("hsfs")
    ]
    if path.startswith("validation/"):
        assert not [m for m in imported if "featurestore" in m]  # validation comes first
