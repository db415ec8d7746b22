"""Validation reports' REST routes through a real Jupyter server (pytest-jupyter's
jp_fetch): reports made by the real validation engine on generated data, stored in the
server's own SQLite catalog attached to real feature group commits and a training
dataset; the figures answered are those ``validation.figures`` draws in a notebook."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from tornado.httpclient import HTTPClientError

from hopsml_lab.catalog.featureviews import (
    FeatureViewCatalog,
    FeatureViewRecord,
    TrainingDatasetRecord,
)
from hopsml_lab.featurestore import FeatureGroups, GroupSpec
from hopsml_lab.lab import Lab
from hopsml_lab.server import validation as validation_routes
from hopsml_lab.validation import validate
from hopsml_lab.validation.figures import figures
from hopsml_lab.validation.history import ValidationHistory

from .rest_fixtures import assert_routes_need_authentication, hopsml_server_config, lab_of

API = ("hopsml", "api", "validation")
RULES = "age: not_null, between(0, 120); churned: balanced(0.3)"


@pytest.fixture
def jp_server_config(tmp_path: Path) -> dict:
    return hopsml_server_config(tmp_path / "project")


@pytest.fixture
def server_lab(jp_serverapp) -> Lab:
    return lab_of(jp_serverapp)


def _customers(first: int, ages: list[float | None], churned: list[int]) -> pd.DataFrame:
    ids = range(first, first + len(ages))
    return pd.DataFrame({"cust": ids, "age": pd.array(ages, dtype="float64"), "churned": churned})


GOOD = _customers(0, [30, 40, 50, 60], [0, 1, 0, 1])
BAD = _customers(10, [30, None, 150, 60, 70], [0, 0, 0, 0, 1])  # 1 null, 1 out of range, 20% ones


def _seed(lab: Lab) -> dict[str, Any]:
    """customers v1 with two commits: the first validated (passes), the second twice
    (fails, then fails with the overview); a training dataset with one report."""
    groups = FeatureGroups(lab)
    history = ValidationHistory(lab.db, lab.project_id)
    group, first = groups.insert(GroupSpec(name="customers", version=1, primary_key=["cust"]), GOOD)
    group, second = groups.insert(group, BAD, operation="insert")
    passed = history.save(
        validate(GOOD, RULES),
        subject="customers v1",
        ingestion_result="INGESTED",
        feature_group_id=group.id,
        commit_id=first.commit_id,
    )
    failing = validate(BAD, RULES, overview=True)
    failed = [
        history.save(
            failing,
            subject="customers v1",
            ingestion_result="INGESTED",
            feature_group_id=group.id,
            commit_id=second.commit_id,
        )
        for _ in range(2)
    ]
    views = FeatureViewCatalog(lab.db)
    view = views.register_view(
        lab.project_id, FeatureViewRecord(name="churn", version=1, query={}, features=[])
    )
    dataset = views.register_training_dataset(
        lab.project_id, TrainingDatasetRecord(feature_view_id=view.id, name="churn_1", version=1)
    )
    on_dataset = history.save(
        validate(GOOD, RULES), subject="churn_1 v1", training_dataset_id=dataset.id
    )
    return {
        "group": group,
        "first": first,
        "second": second,
        "passed": passed,
        "failed": failed,
        "failing": failing,
        "dataset": dataset,
        "on_dataset": on_dataset,
    }


async def _get(jp_fetch, *path: str, **params: Any) -> dict[str, Any]:
    response = await jp_fetch(*API, *path, params={k: str(v) for k, v in params.items()})
    assert response.code == 200
    return json.loads(response.body)


async def _error(jp_fetch, *path: str, **params: Any) -> tuple[int, str]:
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(*API, *path, params={k: str(v) for k, v in params.items()})
    return error.value.code, json.loads(error.value.response.body)["message"]


async def test_every_validation_route_needs_authentication(
    jp_serverapp, http_server_client, jp_base_url, server_lab
) -> None:
    seeded = _seed(server_lab)
    values = {
        "name": "customers",
        "version": "1",
        "dataset_id": str(seeded["dataset"].id),
        "report_id": str(seeded["passed"].id),
    }
    hidden = [b"customers", b"between"]
    await assert_routes_need_authentication(
        http_server_client, jp_base_url, validation_routes.ROUTES, values, hidden
    )


async def test_a_groups_reports_newest_first_with_their_commits(jp_fetch, server_lab) -> None:
    seeded = _seed(server_lab)
    page = await _get(jp_fetch, "groups", "customers", "1", "reports")
    assert page["next_token"] is None
    listed = [(r["id"], r["commit_id"], r["success"], r["failed"]) for r in page["reports"]]
    older, newer = seeded["failed"]  # saved in that order: newest first, ties by id
    second, first = seeded["second"].commit_id, seeded["first"].commit_id
    assert listed == [
        (newer.id, second, False, 3),
        (older.id, second, False, 3),
        (seeded["passed"].id, first, True, 0),
    ]
    summary = page["reports"][2]
    assert summary["rules"] == 3 and summary["ingestion_result"] == "INGESTED"
    assert summary["subject"] == "customers v1" and summary["format"] == "hopsml"
    assert summary["validated_at"] == pytest.approx(seeded["passed"].validated_at)
    # the training dataset's report is not the group's
    assert seeded["on_dataset"].id not in [r["id"] for r in page["reports"]]


async def test_reports_page_by_token(jp_fetch, server_lab) -> None:
    seeded = _seed(server_lab)
    seen, token, pages = [], None, 0
    while True:
        params = {"limit": 2, **({"next_token": token} if token else {})}
        page = await _get(jp_fetch, "groups", "customers", "1", "reports", **params)
        seen += [r["id"] for r in page["reports"]]
        token, pages = page["next_token"], pages + 1
        if token is None:
            break
    everything = await _get(jp_fetch, "groups", "customers", "1", "reports")
    assert seen == [r["id"] for r in everything["reports"]] and pages == 2
    assert seeded["passed"].id == seen[-1]
    code, message = await _error(
        jp_fetch, "groups", "customers", "1", "reports", next_token="garbage!"
    )
    assert code == 400 and "next_token" in message
    code, message = await _error(jp_fetch, "groups", "customers", "1", "reports", limit=0)
    assert code == 400 and "limit" in message


async def test_a_training_datasets_reports(jp_fetch, server_lab) -> None:
    seeded = _seed(server_lab)
    dataset_id = str(seeded["dataset"].id)
    page = await _get(jp_fetch, "trainingdatasets", dataset_id, "reports")
    assert [(r["id"], r["training_dataset_id"], r["commit_id"]) for r in page["reports"]] == [
        (seeded["on_dataset"].id, seeded["dataset"].id, None)
    ]
    code, message = await _error(jp_fetch, "trainingdatasets", "999", "reports")
    assert code == 404 and "999" in message


async def test_one_report_has_its_rule_results_and_figures(jp_fetch, server_lab) -> None:
    seeded = _seed(server_lab)
    report = await _get(jp_fetch, "reports", str(seeded["failed"][0].id))
    assert (report["success"], report["row_count"], report["engine"]) == (False, 5, "duckdb")
    assert report["commit_id"] == seeded["second"].commit_id
    by_name = {r["name"]: r for r in report["results"]}
    assert [(r["kind"], r["column"], r["success"]) for r in report["results"]] == [
        ("not_null", "age", False),
        ("between", "age", False),
        ("balanced", "churned", False),
    ]
    between = next(r for r in report["results"] if r["kind"] == "between")
    assert between["failing_count"] == 1 and between["sample"][0]["age"] == 150
    assert by_name == {r["name"]: r for r in report["results"]}
    # The same figure JSON a notebook draws of the report (overview included).
    expected = figures(seeded["failing"])
    assert {f["name"]: f["figure"] for f in report["figures"]} == json.loads(json.dumps(expected))
    names = [f["name"] for f in report["figures"]]
    assert names[:3] == ["rules", "null_fractions", "class_balance:churned"]
    assert "histogram:age" in names
    rules = report["figures"][0]["figure"]
    assert [t["name"] for t in rules["data"]] == ["passed", "failed"]
    assert len(rules["data"][1]["y"]) == 3

    passed = await _get(jp_fetch, "reports", str(seeded["passed"].id))
    assert passed["success"] and all(r["success"] for r in passed["results"])


async def test_a_great_expectations_result_reads_as_rule_results(jp_fetch, server_lab) -> None:
    seeded = _seed(server_lab)
    history = ValidationHistory(server_lab.db, server_lab.project_id)
    ge_json = {
        "success": False,
        "results": [
            {
                "success": False,
                "expectation_config": {
                    "expectation_type": "expect_column_values_to_not_be_null",
                    "kwargs": {"column": "age"},
                    "meta": {},
                },
                "result": {"unexpected_count": 1, "unexpected_percent": 20.0},
            }
        ],
    }
    stored = history.save(
        ge_json, subject="customers v1", feature_group_id=seeded["group"].id, commit_id=None
    )
    report = await _get(jp_fetch, "reports", str(stored.id))
    assert report["format"] == "great_expectations" and report["figures"] == []
    [result] = report["results"]
    assert result["kind"] == "expect_column_values_to_not_be_null"
    assert (result["column"], result["failing_count"], result["success"]) == ("age", 1, False)


async def test_unknown_groups_and_reports_are_404_saying_what_exists(jp_fetch, server_lab) -> None:
    _seed(server_lab)
    code, message = await _error(jp_fetch, "groups", "customers", "7", "reports")
    assert code == 404 and "its versions are [1]" in message
    code, message = await _error(jp_fetch, "groups", "nobody", "1", "reports")
    assert code == 404 and "no feature group named 'nobody'" in message
    code, message = await _error(jp_fetch, "reports", "424242")
    assert code == 404 and "424242" in message


async def test_a_saved_report_is_announced_on_the_event_bus(jp_serverapp, server_lab) -> None:
    """A report stored with no new commit (``%validate NAME --save``) still tells the
    sidebar to redraw: the feature store's change event."""
    seeded = _seed(server_lab)
    received: list[dict] = []

    async def listener(logger, schema_id: str, data: dict) -> None:
        received.append(data)

    schema = "https://events.hopsml.dev/hopsml_lab/featurestore-changed"
    await jp_serverapp.extension_manager.start_all_extensions()
    jp_serverapp.event_logger.add_listener(schema_id=schema, listener=listener)
    await asyncio.sleep(0.3)
    received.clear()  # the seed's own changes
    ValidationHistory(server_lab.db, server_lab.project_id).save(
        seeded["failing"], subject="customers v1", feature_group_id=seeded["group"].id
    )
    for _ in range(50):
        if received:
            break
        await asyncio.sleep(0.1)
    assert received and received[-1]["project"] == "demo"
    assert received[-1]["commits"] == 2  # no new commit: the report alone changed
