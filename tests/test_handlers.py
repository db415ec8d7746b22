"""REST handlers through a real Jupyter server (pytest-jupyter's jp_fetch)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from hopsml_lab.catalog import (
    Database,
    ExperimentRecorder,
    ExperimentStatus,
    TrialStatus,
)
from hopsml_lab.server.handlers import ROUTES
from hopsml_lab.server.openapi import DOCUMENT, render_document


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    return tmp_path / "hopsml-project"


@pytest.fixture
def jp_server_config(project_dir: Path) -> dict:
    return {
        "ServerApp": {"jpserver_extensions": {"hopsml_lab": True}},
        "HopsMLExtension": {
            "project_root": str(project_dir),
            "project_name": "demo",
            "change_check_interval": 0.1,
        },
    }


@pytest.fixture
def recorder(jp_serverapp, project_dir: Path) -> ExperimentRecorder:
    db = Database(f"sqlite:///{project_dir / 'catalog.db'}")
    return ExperimentRecorder(db)


def _record(recorder: ExperimentRecorder, name: str, accuracy: float) -> str:
    project = recorder.ensure_project("demo", "/p")
    experiment = recorder.create_experiment(
        project, name=name, kind="launch", user="ada", logdir="/p/e", metric_key="accuracy"
    )
    trial = recorder.start_trial(experiment, "trial_0", {"lr": 0.01}, "/p/e/t0")
    recorder.add_metric_points(trial, [("loss", 0, 0.9, 0.0), ("loss", 1, 0.4, 1.0)])
    recorder.finish_trial(trial, TrialStatus.FINISHED, {"accuracy": accuracy}, accuracy)
    recorder.finish_experiment(experiment, ExperimentStatus.FINISHED)
    return experiment


async def test_list_experiments_newest_first(jp_fetch, recorder) -> None:
    first = _record(recorder, "first", 0.8)
    second = _record(recorder, "second", 0.9)
    response = await jp_fetch("hopsml", "api", "experiments")
    assert response.code == 200
    body = json.loads(response.body)
    assert [e["id"] for e in body["experiments"]] == [second, first]
    assert body["total"] == 2 and body["next_token"] is None


async def test_jupyterlab_cache_buster_is_ignored(jp_fetch, recorder) -> None:
    """ServerConnection.makeRequest adds ``&<ms since epoch>`` to every GET."""
    _record(recorder, "cached", 0.5)
    response = await jp_fetch(
        "hopsml", "api", "experiments", params={"sort": "-created_at", "1795583598457": ""}
    )
    assert [e["name"] for e in json.loads(response.body)["experiments"]] == ["cached"]


async def test_list_experiments_paged_and_sorted_by_metric(jp_fetch, recorder) -> None:
    for name, accuracy in (("a", 0.5), ("b", 0.9), ("c", 0.7)):
        _record(recorder, name, accuracy)
    response = await jp_fetch(
        "hopsml", "api", "experiments", params={"sort": "-metric:accuracy", "limit": "2"}
    )
    body = json.loads(response.body)
    assert [e["name"] for e in body["experiments"]] == ["b", "c"]
    response = await jp_fetch(
        "hopsml",
        "api",
        "experiments",
        params={"sort": "-metric:accuracy", "limit": "2", "next_token": body["next_token"]},
    )
    assert [e["name"] for e in json.loads(response.body)["experiments"]] == ["a"]


async def test_experiment_detail_has_trials_params_and_metrics(jp_fetch, recorder) -> None:
    experiment = _record(recorder, "detail", 0.75)
    response = await jp_fetch("hopsml", "api", "experiments", experiment)
    body = json.loads(response.body)
    assert body["id"] == experiment and body["metric_value"] == 0.75
    trial = body["trials"][0]
    assert trial["params"] == {"lr": 0.01}
    assert trial["results"] == {"accuracy": 0.75}
    assert trial["metrics"] == [{"name": "loss", "steps": [0, 1], "values": [0.9, 0.4]}]


async def test_unknown_experiment_is_404_with_a_json_body(jp_fetch, recorder) -> None:
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("hopsml", "api", "experiments", "nope")
    assert error.value.code == 404
    body = json.loads(error.value.response.body)
    assert "nope" in body["message"]


@pytest.mark.parametrize(
    ("params", "mentions"),
    [
        ({"sort": "password"}, "sort"),
        ({"limit": "0"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"status": "sleeping"}, "status"),
        ({"next_token": "garbage!"}, "next_token"),
        ({"colour": "red"}, "colour"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"created_before": "nan"}, "created_before"),
    ],
)
async def test_bad_query_is_400_naming_the_parameter(jp_fetch, recorder, params, mentions) -> None:
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("hopsml", "api", "experiments", params=params)
    assert error.value.code == 400
    assert mentions in json.loads(error.value.response.body)["message"]


async def test_list_filters_by_user_and_creation_time(jp_fetch, recorder) -> None:
    _record(recorder, "old", 0.5)
    await asyncio.sleep(0.01)
    middle = time.time()
    _record(recorder, "new", 0.6)

    async def names(**params: str) -> list[str]:
        response = await jp_fetch("hopsml", "api", "experiments", params=params)
        return [e["name"] for e in json.loads(response.body)["experiments"]]

    assert await names(created_after=str(middle)) == ["new"]
    assert await names(created_before=str(middle)) == ["old"]
    assert await names(created_after="0", created_before=str(middle + 60)) == ["new", "old"]
    assert await names(user="ada") == ["new", "old"]
    assert await names(user="bob") == []


async def test_a_date_range_the_wrong_way_round_is_400_saying_so(jp_fetch, recorder) -> None:
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(
            "hopsml",
            "api",
            "experiments",
            params={"created_after": "1700000100", "created_before": "1700000000"},
        )
    assert error.value.code == 400
    message = json.loads(error.value.response.body)["message"]
    assert message.startswith("created_after=1700000100.0 (2023-11-14 22:15:00 UTC) is later")
    assert "swap them" in message


async def test_every_route_refuses_requests_without_a_token(
    http_server_client, jp_base_url, recorder
) -> None:
    experiment = _record(recorder, "secret", 0.5)
    assert ROUTES
    for pattern, _handler in ROUTES:
        path = re.sub(r"\(\?P<[^>]+>[^)]+\)", experiment, pattern)
        url = jp_base_url.rstrip("/") + path
        for method in ("GET", "POST", "PUT", "DELETE"):
            response = await http_server_client.fetch(
                url,
                method=method,
                raise_error=False,
                body=b"{}" if method in ("POST", "PUT") else None,
            )
            assert response.code == 403, (method, path, response.code)
            assert b"secret" not in response.body


async def test_openapi_document_is_served_and_committed_copy_is_current(jp_fetch) -> None:
    response = await jp_fetch("hopsml", "api", "openapi.json")
    served = json.loads(response.body)
    assert set(served["paths"]) == {
        "/hopsml/api/experiments",
        "/hopsml/api/experiments/{experiment_id}",
    }
    assert DOCUMENT.read_text() == render_document(), (
        "hopsml_lab/server/openapi.json is stale: run "
        "`python -m hopsml_lab.server.openapi && npm run build:types`"
    )


def test_typescript_types_match_the_openapi_document() -> None:
    """src/openapi.ts is generated from openapi.json; every schema must be in it."""
    generated = (Path(__file__).parents[1] / "src" / "openapi.ts").read_text()
    schemas = json.loads(DOCUMENT.read_text())["components"]["schemas"]
    for name, schema in schemas.items():
        block = re.search(rf"\n        {name}: (\{{.*?\n        \}}|[^;]+;)", generated, re.S)
        assert block, f"{name} missing from src/openapi.ts: run `npm run build:types`"
        for field in schema.get("properties", {}):
            assert re.search(rf"\b{field}\??:", block.group(1)), (
                f"{name}.{field} missing from src/openapi.ts: run `npm run build:types`"
            )


async def test_a_changed_experiment_is_announced_on_the_event_bus(
    jp_serverapp, jp_fetch, recorder
) -> None:
    received: list[dict] = []

    async def listener(logger, schema_id: str, data: dict) -> None:
        received.append({"schema_id": schema_id, **data})

    schema = "https://events.hopsml.dev/hopsml_lab/experiment-changed"
    # pytest-jupyter's server never runs ServerApp.start(), whose post-start hook this is.
    await jp_serverapp.extension_manager.start_all_extensions()
    jp_serverapp.event_logger.add_listener(schema_id=schema, listener=listener)
    await jp_fetch("hopsml", "api", "experiments")  # the server is up
    _record(recorder, "announced", 0.5)
    for _ in range(50):
        if received:
            break
        await asyncio.sleep(0.1)
    assert received and received[-1]["project"] == "demo" and received[-1]["count"] == 1
