"""Validation rules on pandas, Arrow and DuckDB (one DuckDB pass): each rule finds
exactly the defects planted in generated data, no more; the text form, the Python API
and their errors; the report as JSON."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pytest

from hopsml_lab import validation as v
from hopsml_lab.errors import BadInput

from .validation_data import DUP_ROWS, PLANTED, drifted, frame


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return frame()


def rounded(value: object) -> object:
    """Floats to 9 significant digits: sums in parallel differ in the last ones."""
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, dict):
        return {k: rounded(x) for k, x in value.items()}
    return value


def by_rule(report: v.Report) -> dict[str, v.RuleResult]:
    return {r.name: r for r in report.results}


ROW_RULES = (
    v.Rules()
    .not_null("age")
    .between("age", 0, 120)
    .between("age", 0, 120, strict_max=True)
    .in_set("country", ["SE", "NO", "DK"])
    .matches("email", r"^[^@]+@[^@]+\.[a-z]+$")
    .not_matches("email", r"^nobody")
    .unique("id")
    .between("signup", "2024-01-01", "2025-12-31")
    .not_null("email")
    .unique("row")
    .not_in_set("country", ["XX"])
)
EXPECTED_ROWS = [
    PLANTED["age_null"],
    PLANTED["age_range"],
    sorted(PLANTED["age_range"] + PLANTED["age_edge"]),
    PLANTED["country_bad"],
    PLANTED["email_bad"],
    PLANTED["email_bad"],
    DUP_ROWS,
    PLANTED["signup_late"],
    [],
    [],
    PLANTED["country_bad"],
]


def test_each_row_rule_finds_exactly_the_planted_rows(df: pd.DataFrame) -> None:
    report = v.validate(df, ROW_RULES, sample=100)
    assert report.engine == "duckdb" and report.row_count == len(df)
    for result, planted in zip(report.results, EXPECTED_ROWS, strict=True):
        rows = [s["row"] for s in result.sample]
        assert result.failing_count == len(planted), result.name
        assert rows == sorted(planted), result.name  # the failing rows, in order
        assert result.success is (not planted), result.name
    # not_null judges every row; the others only the non-missing ones
    results = by_rule(report)
    assert results["not_null(age)"].considered_count == len(df)
    assert results["between(age, 0, 120)"].considered_count == len(df) - 3
    assert results['in_set(country, ["SE", "NO", "DK"])'].considered_count == len(df) - 2


def test_samples_are_bounded_and_are_the_first_failing_rows(df: pd.DataFrame) -> None:
    report = v.validate(df, ROW_RULES, sample=2)
    for result, planted in zip(report.results, EXPECTED_ROWS, strict=True):
        assert [s["row"] for s in result.sample] == sorted(planted)[:2], result.name
    row = by_rule(report)["not_null(age)"].sample[0]
    assert row["age"] is None and row["email"] == "user3@example.com"  # the whole row
    assert v.validate(df, ROW_RULES, sample=0).results[0].sample == []


def test_pandas_arrow_dataset_and_duckdb_relation_agree(df: pd.DataFrame) -> None:
    table = pa.Table.from_pandas(df, preserve_index=False)
    con = duckdb.connect()
    con.register("t", table)
    sources = [df, table, pads.dataset(table), con.sql("SELECT * FROM t")]
    rules = ROW_RULES + v.Rules().mean_between("score", 45, 55).balanced("churned", 0.2)
    outcomes = []
    for data in sources:
        report = v.validate(data, rules, sample=3)
        outcomes.append(
            [(r.name, r.success, r.failing_count, rounded(r.observed)) for r in report.results]
        )
        # every sampled row fails its rule (order aside: datasets have no row numbers)
        for result, planted in zip(report.results, [*EXPECTED_ROWS, [], []], strict=True):
            assert {s["row"] for s in result.sample} <= set(planted), result.name
    assert all(o == outcomes[0] for o in outcomes[1:])


def test_mostly_is_the_share_of_judged_rows_that_must_pass(df: pd.DataFrame) -> None:
    judged = len(df) - 3  # age has 3 missing values
    just_enough = (judged - 4) / judged  # 4 planted out of range
    rules = (
        v.Rules()
        .between("age", 0, 120, mostly=just_enough)
        .between("age", 0, 120, mostly=just_enough + 1e-9)
        .not_null("age", mostly=0.999)
        .not_null("age", mostly=0.9995)
    )
    results = v.validate(df, rules).results
    assert [r.success for r in results] == [True, False, True, False]
    assert all(r.failing_count in (3, 4) for r in results)
    assert results[0].failing_percent == pytest.approx(100 * 4 / judged)


def test_rules_over_no_rows_pass_and_statistics_of_nothing_fail(df: pd.DataFrame) -> None:
    empty = df.iloc[:0]
    rules = v.Rules().not_null("age").between("age", 0, 1).unique("id").mean_between("age", 0, 1)
    results = v.validate(empty, rules).results
    assert [r.success for r in results] == [True, True, True, False]
    assert results[3].observed is None
    # a column of missing values only: map rules pass (nothing judged), not_null fails
    missing = pd.DataFrame({"x": [None, None]}, dtype="float64")
    results = v.validate(missing, v.Rules().between("x", 0, 1).not_null("x")).results
    assert [r.success for r in results] == [True, False]


def test_table_schema_and_type_rules(df: pd.DataFrame) -> None:
    columns = list(df.columns)
    rules = (
        v.Rules()
        .row_count(len(df), len(df))
        .row_count(min=len(df), strict_min=True)
        .schema(columns, ordered=True)
        .schema(list(reversed(columns)), ordered=True)
        .schema(list(reversed(columns)))
        .schema({"age": "float64", "row": "LongType", "country": "string"}, exact=False)
        .schema({"age": "int64", "nope": None}, exact=False)
        .column_type("email", "StringType")
        .column_type("churned", "int32")
        .exists("score")
        .exists("score", 5)
        .exists("score", 4)
        .exists("nope")
    )
    results = v.validate(df, rules).results
    assert [r.success for r in results] == [
        True,
        False,
        True,
        False,
        True,
        True,
        False,
        True,
        False,
        True,
        True,
        False,
        False,
    ]
    assert results[6].details == {
        "missing": ["nope"],
        "types": {"age": {"expected": "int64", "found": "float64"}},
    }
    assert results[8].details == {"expected": "int32", "found": "int64"}


def test_statistics_rules_match_numpy(df: pd.DataFrame) -> None:
    score = df["score"].to_numpy()
    mean, std = score.mean(), score.std(ddof=1)  # the sample stddev, as GE and pandas
    rules = (
        v.Rules()
        .mean_between("score", mean - 0.01, mean + 0.01)
        .stddev_between("score", std - 0.01, std + 0.01)
        .stddev_between("score", max=std, strict_max=True)
        .min_between("age", -5, -5)
        .max_between("age", 999)
        .sum_between("churned", int(df["churned"].sum()), int(df["churned"].sum()))
        .completeness("age", 1 - 3 / len(df))
        .completeness("country", 1.0)
    )
    report = v.validate(df, rules)
    assert [r.success for r in report.results] == [True, True, False, True, True, True, True, False]
    assert report.results[0].observed == pytest.approx(mean)
    assert report.results[1].observed == pytest.approx(std)
    assert report.results[7].failing_count == 2
    assert report.statistics["age"]["num_null_values"] == 3
    assert report.statistics["score"]["mean"] == pytest.approx(mean)


def test_class_balance(df: pd.DataFrame) -> None:
    share = float(df["churned"].mean())
    results = v.validate(df, v.Rules().balanced("churned", 0.2).balanced("churned", 0.4)).results
    assert [r.success for r in results] == [True, False]
    assert results[1].observed == {"0": pytest.approx(1 - share), "1": pytest.approx(share)}
    assert results[1].failing_count == 1 and set(results[1].details["under_share"]) == {"1"}


def test_drift_against_a_reference(df: pd.DataFrame) -> None:
    rules = v.Rules().drift("score").drift("score", method="js").drift("country").drift("age", 0.2)
    same = v.validate(df, rules, reference=df)
    assert same.success
    assert [r.observed for r in same.results] == [pytest.approx(0.0, abs=1e-12)] * 4
    moved = v.validate(drifted(df), rules, reference=df)
    assert [r.success for r in moved.results] == [False, False, False, True]
    psi, js, linf = (r.observed for r in moved.results[:3])
    assert psi > 0.5 and 0.1 < js < 0.5
    dk = float((df["country"] == "DK").mean())
    assert linf == pytest.approx(0.8 * dk, abs=0.01)  # Denmark's share lost
    assert moved.results[2].details["largest_difference"]["value"] in ("DK", "SE")
    # a kept profile judges as the data did
    profiles = {k: p.to_dict() for k, p in v.profile(df, rules).items()}
    again = v.validate(drifted(df), rules, reference=json.loads(json.dumps(profiles)))
    assert [r.observed for r in again.results] == [r.observed for r in moved.results]
    with pytest.raises(v.BadRule, match="reference="):
        v.validate(df, rules)


def test_a_missing_column_or_a_wrong_bound_fails_its_rule_only(df: pd.DataFrame) -> None:
    rules = (
        v.Rules()
        .not_null("nope")
        .between("email", 0, 1)
        .not_null("age")
        .mean_between("email", 0, 1)
    )
    results = v.validate(df, rules).results
    assert [r.success for r in results] == [False, False, False, False]
    assert "no column 'nope'" in results[0].error
    assert "on a string column: give a string" in results[1].error
    assert results[2].error is None and results[2].failing_count == 3
    assert "needs numbers" in results[3].error


def test_report_is_json_and_reads_back(df: pd.DataFrame) -> None:
    rules = ROW_RULES + v.Rules().balanced("churned", 0.2).row_count(1)
    report = v.validate(df, rules)
    text = report.to_json()  # NaN, timestamps and numpy values made plain
    again = v.Report.from_dict(json.loads(text))
    assert again.to_dict() == json.loads(text)
    late = by_rule(again)['between(signup, "2024-01-01", "2025-12-31")']
    assert late.sample[0]["signup"].startswith("2031-05-01")
    assert "FAILED" in str(report) and "not_null(age): 3 failing" in str(report)


# -- the text form ----------------------------------------------------------------------


def test_text_form_builds_the_same_rules_as_python() -> None:
    text = (
        'age: not_null, between(0, 120, mostly=0.99); country: in_set(SE, NO, "DK");'
        ' email: matches("^[^@]+@"); churned: balanced(0.2); row_count(1000, null);'
        " schema(age=float64, country=string, exact=false); score: drift(psi, 0.25),"
        ' mean_between(40, 60); "odd name": not_null; columns(a, b, ordered=true)'
    )
    python = (
        v.Rules()
        .not_null("age")
        .between("age", 0, 120, mostly=0.99)
        .in_set("country", ["SE", "NO", "DK"])
        .matches("email", "^[^@]+@")
        .balanced("churned", 0.2)
        .row_count(1000)
        .schema({"age": "float64", "country": "string"}, exact=False)
        .drift("score", 0.25, method="psi")
        .mean_between("score", 40, 60)
        .not_null("odd name")
        .schema(["a", "b"], ordered=True)
    )
    parsed = v.Rules(text)
    assert [(r.kind, r.column, r.params, r.mostly) for r in parsed] == [
        (r.kind, r.column, r.params, r.mostly) for r in python
    ]
    assert parsed[2].source == {"text": 'in_set(SE, NO, "DK")', "offset": 54}
    # what repr writes reads back
    assert [r.params for r in v.Rules(repr(python)[7:-2])] == [r.params for r in python]


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("age: not_null, betwen(0, 1)", "unknown rule 'betwen'; did you mean 'between'?", 15),
        ("age: between(0, 1", "expected ',', found end of text", 17),
        ("age: between(0 1)", "expected ',', found '1'", 15),
        ("age: between(5, 1)", "min 5 is above max 1: swap them", 5),
        ("age: between(0, 1, mostly=2)", "mostly=2: give a share between 0 and 1", 5),
        ("age: between(0, 1, wrong=2)", "unexpected keyword argument 'wrong'", 5),
        ("age: not_null; row_count(1) @", "unexpected character '@'", 28),
        ("age: row_count(1)", "'row_count' is a table rule", 5),
        ("not_null", "'not_null' is a column rule: write `column: not_null(...)`", 0),
        ("email: matches('(')", "does not compile", 7),
        ("age: type(integerish)", "unknown type 'integerish'", 5),
        ("age: , not_null", "expected a rule name, found ','", 5),
    ],
)
def test_text_errors_name_the_token_and_its_offset(text: str, message: str, offset: int) -> None:
    with pytest.raises(v.RuleSyntaxError) as caught:
        v.Rules(text)
    assert message in str(caught.value)
    assert caught.value.offset == offset
    assert f"(at column {offset})" in str(caught.value)
    assert isinstance(caught.value, BadInput)  # the server answers 400


def test_python_api_refuses_malformed_rules() -> None:
    cases = [
        (lambda: v.Rules().between("age"), "give min, max or both"),
        (lambda: v.Rules().between("age", "a", 1), "give both numbers or both strings"),
        (lambda: v.Rules().in_set("c", "SE"), "give a list of values"),
        (lambda: v.Rules().not_null(""), "give the column's name"),
        (lambda: v.Rules().balanced("c", 2), "min_share=2"),
        (lambda: v.Rules().drift("c", method="kl"), "method 'kl'"),
        (lambda: v.Rules().stat_between("c", "median", 1), "stat 'median'"),
        (lambda: v.Rules().schema("abc"), "give a list of names or a dict"),
        (lambda: v.validate(pd.DataFrame({"a": [1]}), 42), "give validation.Rules"),
        (lambda: v.validate([1, 2], v.Rules().not_null("a")), "cannot validate a builtins.list"),
    ]
    for build, message in cases:
        with pytest.raises(BadInput, match=message.replace("(", r"\(")):
            build()


def test_rules_are_plain_data() -> None:
    rules = v.Rules("age: not_null, between(0, 120); row_count(1)")
    again = v.Rules(json.loads(json.dumps(rules.to_list())))
    assert again.to_list() == rules.to_list()
    assert len(again) == 3 and again[1].describe() == "between(age, 0, 120)"


def test_pandas_missing_values_are_nan_nat_and_none() -> None:
    data = pd.DataFrame(
        {
            "f": [1.0, np.nan, 3.0],
            "t": pd.to_datetime(["2024-01-01", None, "2024-01-03"]),
            "s": ["a", None, "c"],
        }
    )
    report = v.validate(data, v.Rules().not_null("f").not_null("t").not_null("s"))
    assert [r.failing_count for r in report.results] == [1, 1, 1]


@pytest.mark.parametrize(
    ("rows", "common", "rare"),
    [
        # the rare rule's 40 rows come after the common rule's 5,000: the shared query
        # over rows failing any rule (a dataset) reads too few to reach them
        (6_000, 5_000, list(range(5_000, 5_040))),
        (30_000, 29_999, [29_999]),  # too rare for the shared query: each rule alone
    ],
)
def test_each_failing_rule_gets_its_samples_however_rare(
    rows: int, common: int, rare: list[int]
) -> None:
    table = pa.table({"id": pa.array(range(rows), pa.int64())})
    rules = v.Rules().between("id", common, rows).not_in_set("id", rare)
    for data in (table, pads.dataset(table)):
        first, second = v.validate(data, rules, sample=10).results
        assert (first.failing_count, second.failing_count) == (common, len(rare))
        ids = [s["id"] for s in first.sample], [s["id"] for s in second.sample]
        if isinstance(data, pa.Table):  # row numbers: each rule's first failing rows
            assert ids == (list(range(10)), rare[:10])
        else:  # a dataset has no order: any failing rows, as many as asked
            assert len(set(ids[0])) == 10 and all(i < common for i in ids[0])
            assert len(set(ids[1])) == min(10, len(rare)) and set(ids[1]) <= set(rare)
