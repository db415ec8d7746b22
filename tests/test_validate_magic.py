"""``%validate`` in a real IPython shell (the shared ``ip`` fixture), on generated data
with planted defects: DataFrame variables, feature groups (real Delta tables, a SQLite
catalog) with and without a stored expectation suite, ``--save`` attaching the report
to the group's latest commit; bad input refused in one line naming what to change."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from IPython.core.error import UsageError
from IPython.utils.capture import capture_output

from hopsml_lab.featurestore import FeatureGroups, GroupSpec
from hopsml_lab.featurestore.featuregroups.expectations import suite_spec
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.settings import Settings
from hopsml_lab.validation import Report
from hopsml_lab.validation.figures import figures
from hopsml_lab.validation.history import ValidationHistory

RULES = "age: not_null, between(0, 120); churned: balanced(0.2)"
PLOTLY = "application/vnd.plotly.v1+json"


@pytest.fixture
def lab(project_root: Path, tmp_path: Path) -> Iterator[Lab]:
    """A project without Spark, its catalog on SQLite."""
    lab = Lab(
        Settings(project_root=str(project_root), catalog_url=f"sqlite:///{tmp_path / 'c.db'}")
    )
    set_lab(lab)
    yield lab
    set_lab(None)
    lab.db.dispose()


def _people(n: int = 20, seed: int = 0) -> pd.DataFrame:
    """``n`` people: age 20-79, churned every fourth (25%)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "cust": np.arange(n, dtype="int64"),
            "age": rng.integers(20, 80, n).astype("float64"),
            "churned": (np.arange(n) % 4 == 0).astype("int64"),
        }
    )


def _planted() -> pd.DataFrame:
    """Two missing ages, three out of range (-1, 121, 500), one churner in ten."""
    frame = _people(30)
    frame.loc[[3, 7], "age"] = np.nan
    frame.loc[[5, 11, 20], "age"] = [-1.0, 121.0, 500.0]
    frame["churned"] = (np.arange(30) % 10 == 0).astype("int64")
    return frame


def _run(ip: Any, line: str) -> tuple[Any, list[dict[str, Any]], str]:
    """``%validate line``: what it returned, its rich outputs' data (HTML on, as in a
    notebook: the test shell formats text only), its printed text."""
    html = ip.display_formatter.formatters["text/html"]
    enabled, html.enabled = html.enabled, True
    try:
        with capture_output() as captured:
            result = ip.run_line_magic("validate", line)
    finally:
        html.enabled = enabled
    return result, [o.data for o in captured.outputs], captured.stdout


def _refused(ip: Any, line: str) -> str:
    with pytest.raises(UsageError) as error:
        ip.run_line_magic("validate", line)
    return str(error.value)


def _group(lab: Lab, frames: list[pd.DataFrame], suite: Any = None) -> Any:
    groups = FeatureGroups(lab)
    target: Any = GroupSpec(name="people", version=1, primary_key=["cust"])
    commit = None
    for frame in frames:
        target, commit = groups.insert(target, frame, operation="insert")
    if suite is not None:
        groups.validation.save_suite(target.id, suite_spec(suite))
    return target, commit


def test_rules_on_a_variable_find_exactly_the_planted_defects(ip, lab) -> None:
    ip.user_ns["df"] = _planted()
    _, outputs, _ = _run(ip, f'df --rules "{RULES}" --sample 5 --out report')
    report = ip.user_ns["report"]
    assert isinstance(report, Report) and not report.success
    got = {(r.rule.kind, r.success, r.failing_count) for r in report.results}
    assert got == {("not_null", False, 2), ("between", False, 3), ("balanced", False, 1)}
    between = next(r for r in report.results if r.rule.kind == "between")
    assert sorted(row["age"] for row in between.sample) == [-1.0, 121.0, 500.0]
    # The rules as a table, then every figure as Plotly's JSON (what the sidebar draws).
    assert "between(age, 0, 120)" in outputs[0]["text/html"]
    drawn = {o["text/plain"]: o[PLOTLY] for o in outputs if PLOTLY in o}
    assert drawn == figures(report)
    assert {"rules", "null_fractions", "class_balance:churned"} <= set(drawn)


def test_clean_data_passes_and_the_overview_draws_every_column(ip, lab) -> None:
    ip.user_ns["clean"] = _people(40)
    _, outputs, _ = _run(ip, f'clean --rules "{RULES}" --overview --out ok')
    report = ip.user_ns["ok"]
    assert report.success and report.overview is not None
    assert [o["text/plain"] for o in outputs if PLOTLY in o] == list(figures(report))
    assert "histogram:age" in figures(report)


def test_a_malformed_rule_names_the_token_and_where_it_is(ip, lab) -> None:
    ip.user_ns["df"] = _people()
    message = _refused(ip, 'df --rules "age: not_null, between(0, 120; churned: balanced(0.2)"')
    assert "at column" in message and "^" in message
    message = _refused(ip, 'df --rules "age: not_nul"')
    assert "not_nul" in message


def test_bad_options_are_refused_in_one_line(ip, lab) -> None:
    ip.user_ns["df"] = _people()
    ip.user_ns["n"] = 3
    cases = {
        'df --rules "age: not_null" --suite s.json': "not allowed with argument",
        "df": "give the rules",
        'n --rules "age: not_null"': "n is a int, not a DataFrame",
        'nobody --rules "age: not_null"': "no feature group nobody version 1",
        'people:x --rules "age: not_null"': "NAME:VERSION",
        'df --rules "age: not_null" --save': "--save stores the report with a feature group",
        'df --rules "age: not_null" --sample -1': "--sample",
        'df --rules "age: not_null" --out 1x': "not a Python variable name",
        "df --suite missing.json": "cannot read it",
    }
    for line, says in cases.items():
        message = _refused(ip, line)
        assert says in message, (line, message)
        assert "\n" not in message, (line, message)


def test_help_prints_the_usage(ip, lab, capsys) -> None:
    assert ip.run_line_magic("validate", "--help") is None
    out = capsys.readouterr().out
    assert "%validate" in out and "--reference" in out and "--save" in out


def test_a_suite_file_on_a_variable(ip, lab, tmp_path: Path) -> None:
    suite = {
        "name": "people",
        "expectations": [
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "age"}},
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "age", "min_value": 0, "max_value": 120},
            },
        ],
    }
    path = tmp_path / "suite.json"
    path.write_text(json.dumps(suite))
    ip.user_ns["df"] = _planted()
    _run(ip, f"df --suite {path} --out r")
    assert [(r.rule.kind, r.failing_count) for r in ip.user_ns["r"].results] == [
        ("not_null", 2),
        ("between", 3),
    ]
    path.write_text('{"name": "x", ')
    assert "not JSON" in _refused(ip, f"df --suite {path}")
    path.write_text(json.dumps({"name": "x", "expectations": [{"type": "expect_magic"}]}))
    assert "expect_magic" in _refused(ip, f"df --suite {path}")


def test_a_group_with_its_suite_saved_on_its_latest_commit(ip, lab) -> None:
    suite = {
        "expectation_suite_name": "people",
        "expectations": [
            {
                "expectation_type": "expect_column_values_to_be_between",
                "kwargs": {"column": "age", "min_value": 0, "max_value": 120},
            }
        ],
    }
    bad = _planted().assign(cust=lambda f: f["cust"] + 100)
    group, latest = _group(lab, [_people(), bad], suite)
    _, _, printed = _run(ip, "people --save --out r")
    report = ip.user_ns["r"]
    assert report.row_count == 50 and not report.success
    assert [r.failing_count for r in report.results] == [3]
    [stored] = ValidationHistory(lab.db, lab.project_id).for_group(group.id)
    assert (stored.commit_id, stored.ingestion_result) == (latest.commit_id, "FG_DATA")
    assert (stored.success, stored.rules, stored.failed) == (False, 1, 1)
    assert f"saved as validation report {stored.id}" in printed
    assert f"commit {latest.commit_id}" in printed

    # Rules given win over the suite; --overview keeps the overview on the stored report.
    _run(ip, 'people:1 --rules "churned: balanced(0.05)" --overview --save')
    newest = ValidationHistory(lab.db, lab.project_id).latest(group.id)
    assert newest is not None and newest.success and newest.id != stored.id
    assert newest.report().overview is not None


def test_a_group_without_a_suite_needs_rules(ip, lab) -> None:
    _group(lab, [_people()])
    message = _refused(ip, "people:1")
    assert "has no expectation suite" in message and "--rules" in message
    _run(ip, 'people --rules "cust: unique" --out r')
    assert ip.user_ns["r"].success


def test_drift_against_a_reference_group(ip, lab) -> None:
    _group(lab, [_people(200, seed=1)])
    shifted = _people(200, seed=2).assign(age=lambda f: f["age"] + 40)
    ip.user_ns["today"] = shifted
    _run(ip, 'today --rules "age: drift(0.2)" --reference people:1 --out r')
    [result] = ip.user_ns["r"].results
    assert not result.success and result.observed > 0.2
    ip.user_ns["same"] = _people(200, seed=1)
    _run(ip, 'same --rules "age: drift(0.2)" --reference people --out r')
    assert ip.user_ns["r"].success
