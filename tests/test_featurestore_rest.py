"""The feature store's REST routes through a real Jupyter server (pytest-jupyter's
jp_fetch), over real Delta tables and the server's own SQLite catalog."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from tornado.httpclient import HTTPClientError

from hopsml_lab import hopsworks
from hopsml_lab.catalog import FeatureSpec
from hopsml_lab.catalog.featureviews import (
    FeatureViewCatalog,
    FeatureViewRecord,
    LineageEntry,
    TrainingDatasetRecord,
    ViewFeature,
)
from hopsml_lab.demo import seed_feature_store
from hopsml_lab.featurestore import FeatureGroups, GroupSpec
from hopsml_lab.featurestore.browse.figures import as_stored, feature_figure, statistics_figures
from hopsml_lab.featurestore.browse.preview import MAX_PREVIEW_ROWS
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.server import featurestore
from hopsml_lab.settings import Settings

from .rest_fixtures import assert_routes_need_authentication, hopsml_server_config, lab_of

FS = ("hopsml", "api", "featurestore")


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    return tmp_path / "hopsml-project"


@pytest.fixture
def jp_server_config(project_dir: Path) -> dict:
    return hopsml_server_config(project_dir)


@pytest.fixture
def server_lab(jp_serverapp) -> Lab:
    """The server's own Lab: what is written here, the routes read."""
    return lab_of(jp_serverapp)


def _customers(ids: list[int], ages: list[int], plans: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "cust": ids,
            "age": ages,
            "plan": plans,
            "score": [np.nan if a > 60 else a / 100 for a in ages],
            "ts": pd.to_datetime(["2024-06-10 06:13:20"] * len(ids)),
            "photo": [b"\x89PNG" * (i + 1) for i in ids],
        }
    )


def _seed(lab: Lab) -> dict[str, Any]:
    """customers v1 (two commits, histograms on), customers v2, orders v1 (no
    histograms: estimated from percentiles) and quiet v1 (statistics off)."""
    groups = FeatureGroups(lab)
    spec = GroupSpec(
        name="customers",
        version=1,
        description="People who buy things",
        primary_key=["cust"],
        event_time="ts",
        features=[FeatureSpec(name="age", type="", dtype="", description="Age in years")],
        statistics_config={"histograms": True},
    )
    customers, first = groups.insert(
        spec, _customers([1, 2, 3], [30, 40, 70], ["free", "pro", "pro"])
    )
    customers, second = groups.insert(
        customers, _customers([3, 4], [71, 25], ["team", "free"]), operation="upsert"
    )
    groups.insert(
        GroupSpec(name="customers", version=2, primary_key=["cust"]),
        _customers([9], [50], ["pro"]),
    )
    orders, _ = groups.insert(
        GroupSpec(
            name="orders",
            version=1,
            primary_key=["order_id"],
            features=[
                FeatureSpec(name="amount", type="", dtype="", description="Order total incl. tax")
            ],
        ),
        pd.DataFrame(
            {
                "order_id": range(200),
                "cust": [i % 4 + 1 for i in range(200)],
                "amount": [float(i) for i in range(200)],
            }
        ),
    )
    groups.insert(
        GroupSpec(name="quiet", version=1, statistics_config={"enabled": False}),
        pd.DataFrame({"x": [1, 2]}),
    )
    return {"customers": customers, "first": first, "second": second, "orders": orders}


async def _get(jp_fetch, *path: str, **params: Any) -> dict[str, Any]:
    response = await jp_fetch(*FS, *path, params={k: str(v) for k, v in params.items()})
    assert response.code == 200
    return json.loads(response.body)


async def _error(jp_fetch, *path: str, **params: Any) -> tuple[int, str]:
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(*FS, *path, params={k: str(v) for k, v in params.items()})
    return error.value.code, json.loads(error.value.response.body)["message"]


async def test_every_featurestore_route_needs_authentication(
    jp_serverapp, http_server_client, jp_base_url, server_lab
) -> None:
    _seed(server_lab)
    values = {"name": "customers", "version": "1"}
    hidden = [b"customers", b"Age in years"]
    await assert_routes_need_authentication(
        http_server_client, jp_base_url, featurestore.ROUTES, values, hidden
    )


async def test_search_matches_group_and_feature_names_and_descriptions(
    jp_fetch, server_lab
) -> None:
    _seed(server_lab)
    everything = await _get(jp_fetch, "groups")
    assert [(g["name"], g["version"]) for g in everything["groups"]] == [
        ("customers", 2),
        ("customers", 1),
        ("orders", 1),
        ("quiet", 1),
    ]
    assert everything["total"] == 4 and everything["next_token"] is None
    v1 = everything["groups"][1]
    assert v1["rows"] == 4 and v1["commit_count"] == 2 and v1["feature_count"] == 6
    assert v1["description"] == "People who buy things" and v1["primary_key"] == ["cust"]
    assert set(v1["last_commit"]) == {
        "commitId", "committedOn", "rowsInserted", "rowsUpdated", "rowsDeleted"
    }  # fmt: skip
    assert (v1["last_commit"]["rowsInserted"], v1["last_commit"]["rowsUpdated"]) == (1, 1)

    by_feature_description = await _get(jp_fetch, "groups", q="TAX")
    [orders] = by_feature_description["groups"]
    assert orders["name"] == "orders"
    assert [f["name"] for f in orders["matched_features"]] == ["amount"]
    assert orders["matched_features"][0]["description"] == "Order total incl. tax"

    by_feature_name = await _get(jp_fetch, "groups", q="cust")
    names = [(g["name"], g["version"]) for g in by_feature_name["groups"]]
    assert names == [("customers", 2), ("customers", 1), ("orders", 1)]
    assert [f["name"] for f in by_feature_name["groups"][2]["matched_features"]] == ["cust"]

    by_description = await _get(jp_fetch, "groups", q="who buy")
    assert [g["version"] for g in by_description["groups"]] == [1]
    assert (await _get(jp_fetch, "groups", q="nothing like it"))["groups"] == []


async def test_the_group_list_pages_by_token(jp_fetch, server_lab) -> None:
    _seed(server_lab)
    seen, token, pages = [], None, 0
    while True:
        params = {"limit": 1, **({"next_token": token} if token else {})}
        page = await _get(jp_fetch, "groups", **params)
        assert page["total"] == 4 and len(page["groups"]) == 1
        seen += [(g["name"], g["version"]) for g in page["groups"]]
        token, pages = page["next_token"], pages + 1
        if token is None:
            break
    assert pages == 4
    assert seen == [("customers", 2), ("customers", 1), ("orders", 1), ("quiet", 1)]
    # JupyterLab's cache buster is no parameter
    page = await _get(jp_fetch, "groups", limit=2, **{"1795583598457": ""})
    assert len(page["groups"]) == 2


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"next_token": "garbage!"}, "next_token"),
        ({"colour": "red"}, "colour"),
        ({"q": "x" * 201}, "q"),
    ],
)
async def test_a_bad_search_is_400_naming_the_parameter(jp_fetch, server_lab, params, says):
    _seed(server_lab)
    code, message = await _error(jp_fetch, "groups", **params)
    assert code == 400 and says in message


async def test_a_group_detail_has_its_schema_with_descriptions(jp_fetch, server_lab) -> None:
    seeded = _seed(server_lab)
    detail = await _get(jp_fetch, "groups", "customers", "1")
    assert detail["id"] == seeded["customers"].id
    assert detail["versions"] == [1, 2] and detail["location"] == "FeatureStore/customers_1"
    schema = {f["name"]: f for f in detail["features"]}
    assert list(schema) == ["cust", "age", "plan", "score", "ts", "photo"]
    assert schema["age"]["description"] == "Age in years" and schema["age"]["type"] == "bigint"
    assert schema["cust"]["primary"] and not schema["age"]["primary"]
    assert schema["ts"]["event_time"] and schema["ts"]["type"] == "timestamp"
    assert schema["photo"]["type"] == "binary"
    assert detail["statistics_config"]["histograms"] is True
    versions = await _get(jp_fetch, "groups", "customers")
    assert [v["version"] for v in versions["versions"]] == [2, 1]


async def test_a_missing_group_is_404_saying_what_exists(jp_fetch, server_lab) -> None:
    _seed(server_lab)
    code, message = await _error(jp_fetch, "groups", "customer", "1")
    assert code == 404
    assert "no feature group named 'customer'" in message and "'customers'" in message
    code, message = await _error(jp_fetch, "groups", "customers", "7")
    assert code == 404 and "no version 7" in message and "[1, 2]" in message
    code, message = await _error(jp_fetch, "groups", "zebra")
    assert code == 404 and "get_or_create_feature_group" in message
    for part in ("commits", "statistics", "preview"):
        code, message = await _error(jp_fetch, "groups", "nope", "1", part)
        assert code == 404 and "'nope'" in message


async def test_commits_newest_first_as_commit_details_shows_them(jp_fetch, server_lab) -> None:
    seeded = _seed(server_lab)
    first, second = seeded["first"], seeded["second"]
    page = await _get(jp_fetch, "groups", "customers", "1", "commits")
    assert [c["commitId"] for c in page["commits"]] == [second.commit_id, first.commit_id]
    assert page["commits"][1] == {
        "commitId": first.commit_id,
        "committedOn": dt.datetime.fromtimestamp(first.commit_id / 1000, dt.timezone.utc).strftime(
            "%Y%m%d%H%M%S%f"
        )[:-3],
        "rowsInserted": 3,
        "rowsUpdated": 0,
        "rowsDeleted": 0,
    }
    newest = await _get(jp_fetch, "groups", "customers", "1", "commits", limit=1)
    assert [c["commitId"] for c in newest["commits"]] == [second.commit_id]
    older = await _get(
        jp_fetch, "groups", "customers", "1", "commits", limit=1, next_token=newest["next_token"]
    )
    assert [c["commitId"] for c in older["commits"]] == [first.commit_id]
    assert older["next_token"] is None
    code, message = await _error(jp_fetch, "groups", "customers", "1", "commits", next_token="abc")
    assert code == 400 and "next_token" in message


async def test_statistics_are_the_stored_json_with_their_figures(jp_fetch, server_lab) -> None:
    seeded = _seed(server_lab)
    answer = await _get(jp_fetch, "groups", "customers", "1", "statistics")
    assert answer["commit"]["commitId"] == seeded["second"].commit_id
    stored = server_lab.feature_groups.commit_statistics(seeded["customers"].id)[1]
    by_name = {f["feature_name"]: f for f in answer["statistics"]["feature_descriptive_statistics"]}
    age = by_name["age"]
    assert (age["count"], age["min"], age["max"], age["feature_type"]) == (4, 25, 71, "Integral")
    assert by_name["score"]["num_null_values"] == 1
    assert answer["statistics"]["computation_time"] == stored["computation_time"]
    assert answer["statistics"]["config"] == stored["config"]
    # The same figures a notebook gets from featurestore.browse.figures.
    assert answer["figures"] == statistics_figures(stored)
    kinds = {f["feature"]: f["kind"] for f in answer["figures"]}
    assert kinds["age"] == "histogram" and kinds["plan"] == "top_values"
    plan = next(f["figure"] for f in answer["figures"] if f["feature"] == "plan")
    assert dict(zip(plan["data"][0]["y"], plan["data"][0]["x"], strict=True)) == {
        "free": 2, "pro": 1, "team": 1
    }  # fmt: skip
    age_bins = next(f["figure"] for f in answer["figures"] if f["feature"] == "age")
    assert sum(age_bins["data"][0]["y"]) == 4

    older = await _get(
        jp_fetch, "groups", "customers", "1", "statistics", commit=seeded["first"].commit_id
    )
    assert older["commit"]["commitId"] == seeded["first"].commit_id
    assert older["statistics"]["feature_descriptive_statistics"][0]["count"] == 3

    orders = await _get(jp_fetch, "groups", "orders", "1", "statistics")
    amount = next(f for f in orders["figures"] if f["feature"] == "amount")
    assert amount["kind"] == "estimated_histogram"
    assert sum(amount["figure"]["data"][0]["y"]) == pytest.approx(200, rel=0.01)


async def test_no_statistics_is_404_saying_why(jp_fetch, server_lab) -> None:
    seeded = _seed(server_lab)
    code, message = await _error(jp_fetch, "groups", "quiet", "1", "statistics")
    assert code == 404 and "compute_statistics" in message
    code, message = await _error(jp_fetch, "groups", "customers", "1", "statistics", commit=5)
    assert code == 404 and "no commit at or before 5" in message
    assert seeded  # the groups exist; only their statistics or commits are missing


async def test_the_preview_is_json_safe_and_capped(jp_fetch, server_lab) -> None:
    seeded = _seed(server_lab)
    preview = await _get(jp_fetch, "groups", "customers", "1", "preview")
    assert [c["name"] for c in preview["columns"]] == [
        "cust",
        "age",
        "plan",
        "score",
        "ts",
        "photo",
    ]
    assert preview["total_rows"] == 4 and preview["limit"] == 20
    rows = {row[0]: dict(zip([c["name"] for c in preview["columns"]], row, strict=True))
            for row in preview["rows"]}  # fmt: skip
    assert sorted(rows) == [1, 2, 3, 4]
    assert rows[3]["age"] == 71 and rows[3]["plan"] == "team"  # the upsert's row
    assert rows[3]["score"] is None  # NaN
    assert rows[1]["ts"] == "2024-06-10T06:13:20"
    assert rows[2]["photo"] == "<12 bytes>"  # b"\x89PNG" * 3

    as_of_first = await _get(
        jp_fetch, "groups", "customers", "1", "preview", commit=seeded["first"].commit_id
    )
    assert as_of_first["commit"]["commitId"] == seeded["first"].commit_id
    assert as_of_first["total_rows"] == 3
    assert {r[0]: r[1] for r in as_of_first["rows"]}[3] == 70

    many = await _get(jp_fetch, "groups", "orders", "1", "preview", limit=MAX_PREVIEW_ROWS)
    assert len(many["rows"]) == MAX_PREVIEW_ROWS and many["total_rows"] == 200
    few = await _get(jp_fetch, "groups", "orders", "1", "preview", limit=3)
    assert len(few["rows"]) == 3
    for limit in (MAX_PREVIEW_ROWS + 1, 0, -1):
        code, message = await _error(jp_fetch, "groups", "orders", "1", "preview", limit=limit)
        assert code == 400 and "limit" in message
    code, message = await _error(jp_fetch, "groups", "customers", "1", "preview", commit=5)
    assert code == 404 and "no commit at or before 5" in message and "insert" in message


def _view_and_dataset(lab: Lab, seeded: dict[str, Any]) -> None:
    views = FeatureViewCatalog(lab.db)
    customers, orders = seeded["customers"], seeded["orders"]

    def feature(group: Any, name: str, label: bool = False) -> ViewFeature:
        return ViewFeature(
            name=name,
            feature_group_id=group.id,
            feature_group_name=group.name,
            feature_group_version=group.version,
            feature_group_feature_name=name,
            label=label,
        )

    view = views.register_view(
        lab.project_id,
        FeatureViewRecord(
            name="churn",
            version=1,
            description="Churn by plan and spend",
            query={"left_feature_group": {"id": orders.id}},
            features=[
                feature(orders, "amount"),
                feature(customers, "age"),
                feature(customers, "plan", label=True),
            ],
            labels=["plan"],
        ),
    )
    views.register_training_dataset(
        lab.project_id,
        TrainingDatasetRecord(
            feature_view_id=view.id,
            name="churn_1",
            version=1,
            lineage=[
                LineageEntry(feature_group_id=orders.id, name="orders", version=1, commit_id=None),
                LineageEntry(
                    feature_group_id=customers.id,
                    name="customers",
                    version=1,
                    commit_id=seeded["second"].commit_id,
                ),
            ],
        ),
    )


async def test_feature_views_and_training_datasets_with_lineage(jp_fetch, server_lab) -> None:
    seeded = _seed(server_lab)
    _view_and_dataset(server_lab, seeded)
    [view] = (await _get(jp_fetch, "views"))["views"]
    assert (view["name"], view["version"], view["labels"]) == ("churn", 1, ["plan"])
    assert [(g["name"], g["version"]) for g in view["groups"]] == [("orders", 1), ("customers", 1)]
    assert view["training_dataset_count"] == 1
    assert (await _get(jp_fetch, "views", q="SPEND"))["views"] != []
    assert (await _get(jp_fetch, "views", q="nothing"))["views"] == []

    detail = await _get(jp_fetch, "views", "churn", "1")
    [dataset] = detail["training_datasets"]
    assert dataset["feature_view"] == {"id": view["id"], "name": "churn", "version": 1}
    assert dataset["lineage"][1] == {
        "id": seeded["customers"].id,
        "name": "customers",
        "version": 1,
        "commitId": seeded["second"].commit_id,
    }
    listed = await _get(jp_fetch, "trainingdatasets", feature_group="customers")
    assert [d["id"] for d in listed["training_datasets"]] == [dataset["id"]]
    assert (await _get(jp_fetch, "trainingdatasets", feature_group="quiet")) == {
        "training_datasets": []
    }
    group = await _get(jp_fetch, "groups", "customers", "1")
    assert group["feature_views"] == [{"id": view["id"], "name": "churn", "version": 1}]
    code, message = await _error(jp_fetch, "views", "churn", "9")
    assert code == 404 and "its versions are [1]" in message


async def test_a_changed_feature_store_is_announced_on_the_event_bus(
    jp_serverapp, jp_fetch, server_lab
) -> None:
    received: list[dict] = []

    async def listener(logger, schema_id: str, data: dict) -> None:
        received.append(data)

    schema = "https://events.hopsml.dev/hopsml_lab/featurestore-changed"
    await jp_serverapp.extension_manager.start_all_extensions()
    jp_serverapp.event_logger.add_listener(schema_id=schema, listener=listener)
    await jp_fetch(*FS, "groups")
    FeatureGroups(server_lab).insert(GroupSpec(name="late", version=1), pd.DataFrame({"x": [1]}))
    for _ in range(50):
        if received:
            break
        await asyncio.sleep(0.1)
    assert received and received[-1]["project"] == "demo"
    assert (received[-1]["groups"], received[-1]["commits"]) == (1, 1)


async def test_the_demo_feature_store_is_seeded_once(jp_fetch, server_lab) -> None:
    """``python -m hopsml_lab.demo seed``'s feature store, through the hsfs API."""
    set_lab(server_lab)
    try:
        assert seed_feature_store()[:2] == ["customers v1", "orders v1"]
        assert seed_feature_store() == []  # once
        fs = hopsworks.login(engine="python").get_feature_store()
        in_notebook = fs.get_feature_group("customers", version=1).statistics
    finally:
        set_lab(None)
    # The figures the sidebar draws are those a notebook draws of fg.statistics.
    answer = await _get(jp_fetch, "groups", "customers", "1", "statistics")
    assert answer["figures"] == statistics_figures(as_stored(in_notebook))
    assert len(answer["figures"]) == 6
    page = await _get(jp_fetch, "groups")
    assert [(g["name"], g["commit_count"]) for g in page["groups"]] == [
        ("customers", 2),
        ("orders", 2),
    ]
    [view] = (await _get(jp_fetch, "views"))["views"]
    assert view["labels"] == ["churned"]
    [dataset] = (await _get(jp_fetch, "views", "churn", "1"))["training_datasets"]
    assert [(g["name"], g["commitId"]) for g in dataset["lineage"]] == [
        ("customers", page["groups"][0]["last_commit"]["commitId"]),
        ("orders", page["groups"][1]["last_commit"]["commitId"]),
    ]
    assert [s["name"] for s in dataset["splits"]] == ["train", "test"]


def test_figures_of_odd_statistics_draw_nothing_rather_than_fail() -> None:
    assert feature_figure({"feature_name": "empty", "feature_type": "Integral", "count": 0}) is None
    assert feature_figure({"feature_name": "t", "feature_type": "String", "count": 2}) is None
    constant = feature_figure(
        {
            "feature_name": "c",
            "feature_type": "Fractional",
            "min": 1.0,
            "max": 1.0,
            "num_non_null_values": 5,
            "percentiles": [1.0] * 100,
        }
    )
    assert constant is not None and constant["figure"]["data"][0]["y"] == [5.0]
    named = feature_figure(
        {
            "feature_name": "<b>x</b>",
            "feature_type": "String",
            "extended_statistics": {"histogram": [{"value": "<i>", "count": 1, "ratio": 1.0}]},
        }
    )
    assert named is not None
    assert named["figure"]["layout"]["title"]["text"] == "&lt;b&gt;x&lt;/b&gt;: top values"
    assert named["figure"]["data"][0]["y"] == ["&lt;i&gt;"]


def test_commit_summaries_and_change_marker_on_each_catalog(
    project_root: Path, catalog_url: str
) -> None:
    """The list's one-query commit summaries and the server's change marker, on SQLite
    and PostgreSQL."""
    lab = Lab(Settings(project_root=str(project_root), catalog_url=catalog_url))
    try:
        catalog, groups = lab.feature_groups, FeatureGroups(lab)
        empty = catalog.change_marker(lab.project_id)
        assert empty == (0,) * 8
        a, first = groups.insert(GroupSpec(name="a", version=1), pd.DataFrame({"x": [1, 2]}))
        b, _ = groups.insert(
            GroupSpec(name="b", version=1, primary_key=["k"]), pd.DataFrame({"k": [1, 2, 3]})
        )
        _, second = groups.insert(a, pd.DataFrame({"x": [3]}), overwrite=True)
        after = catalog.change_marker(lab.project_id)
        assert after[0] == 2 and after[2] == 3 and after != empty
        summaries = catalog.commit_summaries([a.id, b.id, 999])
        assert set(summaries) == {a.id, b.id}
        assert (summaries[a.id].commits, summaries[a.id].rows) == (2, 1)  # overwritten
        assert summaries[a.id].last.commit_id == second.commit_id != first.commit_id
        assert (summaries[b.id].commits, summaries[b.id].rows) == (1, 3)
        assert catalog.commit_summaries([]) == {}
    finally:
        lab.db.dispose()


def test_the_preview_reads_the_group_where_its_table_is(project: Path) -> None:
    """The sidebar's preview opens the table as the feature group does: on an HDFS
    project (the WebHDFS double) through ``webhdfs://`` with the store's options."""
    from hopsml_lab.featurestore.browse.answers import PreviewQuery
    from hopsml_lab.featurestore.browse.browse import FeatureStoreBrowser
    from hopsml_lab.lab import get_lab

    fs = hopsworks.login(engine="python").get_feature_store()
    fg = fs.create_feature_group("customers", version=1, primary_key=["cust"])
    fg.insert(_customers([1, 2, 3], [30, 40, 70], ["free", "pro", "team"]))
    first = min(fg.commit_details())
    fg.insert(_customers([3, 4], [71, 22], ["team", "free"]))
    assert (project / "FeatureStore" / "customers_1" / "_delta_log").is_dir()
    browser = FeatureStoreBrowser(get_lab())
    latest = browser.preview("customers", 1, PreviewQuery(limit=20))
    assert latest.total_rows == 4 and latest.commit.commitId == max(fg.commit_details())
    ages = {row[0]: row[1] for row in latest.rows}
    assert ages == {1: 30, 2: 40, 3: 71, 4: 22}
    old = browser.preview("customers", 1, PreviewQuery(limit=2, commit=first))
    assert old.total_rows == 3 and len(old.rows) == 2 and old.commit.commitId == first
