"""Great Expectations suites as rules: read in GE 1.x's form, the 0.18 form feature
groups carry and Hopsworks' REST form; refused (before anything runs) when an
expectation is not supported or a field is malformed; and judged as Great Expectations
itself judges them: GE 1.x runs in its own venv (benchmarks/peers.txt, installed on
first use) on the same generated data with planted defects, and every expectation's
verdict and unexpected count must be ours."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from benchmarks.peers import HERE as BENCHMARKS
from benchmarks.peers import peer_env, peer_python
from hopsml_lab import validation as v

from .validation_data import DUP_ROWS, PLANTED, N, frame

COLUMNS = ["row", "id", "age", "country", "email", "score", "churned", "signup"]


def expectation(kind: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": f"expect_{kind}", "kwargs": kwargs, "meta": {}}


SUITE: dict[str, Any] = {
    "name": "planted",
    "expectations": [
        expectation("column_values_to_not_be_null", column="age"),
        expectation("column_values_to_not_be_null", column="age", mostly=0.999),
        expectation("column_values_to_not_be_null", column="email"),
        expectation("column_values_to_be_null", column="age"),
        expectation("column_values_to_be_between", column="age", min_value=0, max_value=120),
        expectation(
            "column_values_to_be_between", column="age", min_value=0, max_value=120, strict_max=True
        ),
        expectation("column_values_to_be_between", column="age", min_value=0),
        expectation("column_values_to_be_between", column="age", max_value=120, mostly=0.998),
        expectation(
            "column_values_to_be_between", column="score", min_value=-100, max_value=200, mostly=1
        ),
        expectation(
            "column_values_to_be_between",
            column="signup",
            # date-only text becomes a date in GE 1.24, which pandas cannot compare with
            # datetime64: GE raises; a date and time works
            min_value="2024-01-01T00:00:00",
            max_value="2025-12-31T00:00:00",
        ),
        expectation("column_values_to_be_in_set", column="country", value_set=["SE", "NO", "DK"]),
        expectation(
            "column_values_to_be_in_set",
            column="country",
            value_set=["SE", "NO", "DK"],
            mostly=0.99,
        ),
        expectation("column_values_to_not_be_in_set", column="country", value_set=["XX", "FI"]),
        expectation("column_values_to_be_in_set", column="churned", value_set=[0, 1]),
        expectation("column_values_to_match_regex", column="email", regex=r"^[^@]+@[^@]+\.[a-z]+$"),
        expectation("column_values_to_not_match_regex", column="email", regex="^nobody"),
        expectation("column_values_to_match_regex", column="country", regex="E"),
        expectation("column_values_to_be_unique", column="id"),
        expectation("column_values_to_be_unique", column="row"),
        expectation("column_values_to_be_unique", column="country", mostly=0.0),
        expectation("table_row_count_to_be_between", min_value=1000, max_value=5000),
        expectation("table_row_count_to_be_between", min_value=N, strict_min=True),
        expectation("table_row_count_to_equal", value=N),
        expectation("column_mean_to_be_between", column="score", min_value=45, max_value=55),
        expectation("column_mean_to_be_between", column="score", min_value=50.5),
        expectation("column_min_to_be_between", column="age", min_value=-5, max_value=0),
        expectation("column_min_to_be_between", column="age", min_value=-5, strict_min=True),
        expectation("column_max_to_be_between", column="age", min_value=100, max_value=200),
        expectation("column_stdev_to_be_between", column="score", min_value=9, max_value=11),
        expectation("column_sum_to_be_between", column="churned", min_value=0, max_value=100),
        expectation("table_columns_to_match_ordered_list", column_list=COLUMNS),
        expectation("table_columns_to_match_ordered_list", column_list=COLUMNS[::-1]),
        expectation("table_columns_to_match_set", column_set=COLUMNS[:3], exact_match=False),
        expectation("table_columns_to_match_set", column_set=COLUMNS[:3]),
        expectation("table_columns_to_match_set", column_set=[*COLUMNS, "nope"], exact_match=False),
        expectation("column_values_to_be_of_type", column="age", type_="float64"),
        expectation("column_values_to_be_of_type", column="churned", type_="int64"),
        expectation("column_values_to_be_of_type", column="churned", type_="float64"),
        expectation(
            "column_proportion_of_non_null_values_to_be_between", column="country", min_value=0.999
        ),
        expectation(
            "column_proportion_of_non_null_values_to_be_between", column="age", min_value=0.999
        ),
        expectation("column_to_exist", column="score"),
        expectation("column_to_exist", column="nope"),
        expectation("column_to_exist", column="score", column_index=5),
    ],
}


def old_form(suite: dict[str, Any]) -> dict[str, Any]:
    """The 0.18 form, as Hopsworks feature groups keep it."""
    return {
        "expectation_suite_name": suite["name"],
        "data_asset_type": None,
        "ge_cloud_id": None,
        "meta": {"great_expectations_version": "0.18.12"},
        "expectations": [
            {"expectation_type": e["type"], "kwargs": e["kwargs"], "meta": e["meta"]}
            for e in suite["expectations"]
        ],
    }


def rest_form(suite: dict[str, Any]) -> dict[str, Any]:
    """Hopsworks' REST form: camelCase names, kwargs and meta as JSON text."""
    return {
        "expectationSuiteName": suite["name"],
        "expectations": [
            {
                "expectationType": e["type"],
                "kwargs": json.dumps(e["kwargs"]),
                "meta": json.dumps(e["meta"]),
            }
            for e in suite["expectations"]
        ],
    }


def describe(rules: v.Rules) -> list[tuple]:
    return [(r.kind, r.column, r.params, r.mostly) for r in rules]


def test_the_three_forms_read_the_same() -> None:
    rules = v.Rules.from_ge(SUITE)
    assert len(rules) == len(SUITE["expectations"])
    assert describe(v.Rules.from_ge(old_form(SUITE))) == describe(rules)
    assert describe(v.Rules.from_ge(rest_form(SUITE))) == describe(rules)
    assert describe(v.Rules.from_ge(json.dumps(SUITE))) == describe(rules)
    assert rules[1].source["expectation_type"] == "expect_column_values_to_not_be_null"
    assert (
        v.to_suite(rules, "planted")["expectations"][4]["kwargs"]
        == SUITE["expectations"][4]["kwargs"]
    )


def test_reads_a_suite_file(tmp_path: Path) -> None:
    path = tmp_path / "suite.json"
    path.write_text(json.dumps(old_form(SUITE)))
    assert describe(v.Rules.from_ge(str(path))) == describe(v.Rules.from_ge(SUITE))
    assert describe(v.Rules.from_ge(path)) == describe(v.Rules.from_ge(SUITE))


def test_an_unsupported_expectation_is_refused_before_anything_runs() -> None:
    suite = {
        "name": "s",
        "expectations": [
            expectation("column_values_to_not_be_null", column="a"),
            expectation("column_kl_divergence_to_be_less_than", column="a", threshold=0.1),
            expectation("column_values_to_be_dateutil_parseable", column="a"),
        ],
    }
    with pytest.raises(v.UnsupportedExpectation) as caught:
        v.validate(pd.DataFrame({"a": [1]}), suite)
    message = str(caught.value)
    assert "#1 expect_column_kl_divergence_to_be_less_than" in message
    assert "#2 expect_column_values_to_be_dateutil_parseable" in message
    assert "nothing ran" in message and "expect_column_values_to_be_unique" in message


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"type": "expect_column_values_to_be_between", "kwargs": {"min_value": 1}},
            "expectation #0 expect_column_values_to_be_between: field 'column' is missing",
        ),
        (
            {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "a"}},
            "expectation #0 expect_column_values_to_be_in_set: field 'value_set' is missing",
        ),
        (
            {
                "type": "expect_column_values_to_not_be_null",
                "kwargs": {"column": "a", "mostly": 1.5},
            },
            "field 'mostly': give a share between 0 and 1",
        ),
        (
            {
                "type": "expect_column_values_to_not_be_null",
                "kwargs": {"column": "a", "mostyl": 0.5},
            },
            "field 'mostyl' is not one of its fields (column, mostly)",
        ),
        (
            {"type": "expect_column_values_to_be_between", "kwargs": {"column": "a"}},
            "give min_value, max_value or both",
        ),
        (
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "a", "min_value": 1, "strict_min": "yes"},
            },
            "field 'strict_min': give true or false",
        ),
        (
            {
                "type": "expect_column_values_to_not_be_null",
                "kwargs": {"column": "a", "row_condition": "b > 1"},
            },
            "field 'row_condition' is not supported",
        ),
        (
            {
                "type": "expect_column_mean_to_be_between",
                "kwargs": {"column": "a", "min_value": {"$PARAMETER": "low"}},
            },
            "field 'min_value': suite parameters ($PARAMETER) are not supported",
        ),
        ({"kwargs": {"column": "a"}}, "expectation #0: field 'type' (GE 1.x)"),
        (
            {
                "type": "expect_column_values_to_match_regex",
                "kwargs": {"column": "a", "regex": "("},
            },
            "does not compile",
        ),
    ],
)
def test_a_malformed_suite_names_the_expectation_and_the_field(
    entry: dict[str, Any], message: str
) -> None:
    with pytest.raises(v.BadSuite) as caught:
        v.Rules.from_ge({"name": "s", "expectations": [entry]})
    assert message in str(caught.value)


def test_not_a_suite() -> None:
    with pytest.raises(v.BadSuite, match="field 'expectations': give a list"):
        v.Rules.from_ge({"name": "s"})
    with pytest.raises(v.BadSuite, match="not JSON"):
        v.Rules.from_ge("{nope")


# -- against Great Expectations itself --------------------------------------------------


def run_ge(data: Path, suite: dict[str, Any], tmp_path: Path) -> list[dict[str, Any]]:
    """GE 1.x's pandas engine on the Parquet file, in its own venv."""
    path = tmp_path / "suite.json"
    path.write_text(json.dumps(suite))
    script = BENCHMARKS / "peer_scripts" / "great_expectations_bench.py"
    python = peer_python("great_expectations")  # installed from peers.txt on first use
    done = subprocess.run(
        [str(python), str(script), "validate", "--data", str(data), "--suite", str(path)],
        capture_output=True,
        text=True,
        env=peer_env(),
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])["results"]


@pytest.mark.timeout(900)  # the first run installs GE into its venv
def test_same_verdicts_and_unexpected_counts_as_great_expectations(tmp_path: Path) -> None:
    df = frame()
    df["signup"] = df["signup"].astype("datetime64[ns]")
    data = tmp_path / "data.parquet"
    df.to_parquet(data)
    theirs = run_ge(data, SUITE, tmp_path)
    assert len(theirs) == len(SUITE["expectations"])
    assert not [t for t in theirs if t["exception"]], "GE raised on an expectation"
    for suite in (SUITE, old_form(SUITE)):
        ours = v.validate(pd.read_parquet(data), suite)
        for index, (mine, gx) in enumerate(zip(ours.results, theirs, strict=True)):
            where = f"#{index} {gx['type']} {SUITE['expectations'][index]['kwargs']}"
            assert mine.success == gx["success"], where
            if gx["unexpected_count"] is not None and mine.rule.kind not in ("type",):
                assert mine.failing_count == gx["unexpected_count"], where
            if isinstance(gx["observed"], float):
                assert mine.observed == pytest.approx(gx["observed"], rel=1e-9), where
            elif isinstance(gx["observed"], int) and not isinstance(gx["observed"], bool):
                assert mine.observed == gx["observed"], where
    # the planted defects, as both count them
    counts = {i: t["unexpected_count"] for i, t in enumerate(theirs)}
    assert counts[0] == len(PLANTED["age_null"])
    assert counts[4] == len(PLANTED["age_range"])
    assert counts[5] == len(PLANTED["age_range"]) + len(PLANTED["age_edge"])
    assert counts[10] == len(PLANTED["country_bad"])
    assert counts[14] == len(PLANTED["email_bad"])
    assert counts[17] == len(DUP_ROWS)
    assert counts[9] == len(PLANTED["signup_late"])
