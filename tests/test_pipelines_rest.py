"""Pipelines' REST routes through a real Jupyter server (pytest-jupyter's jp_fetch): a
pipeline of a notebook and a script of a project under the server's root, started with
POST (its id answered at once, the run going on in the server), followed with GET until
it ends; each stage run with its execution, logs and executed notebook (openable in
JupyterLab); a failing stage named; logs' tails; errors mapped to 400, 404 and 409."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from tornado.httpclient import HTTPClientError

from hopsml_lab.lab import Lab
from hopsml_lab.pipelines.definition import Pipeline, Stage
from hopsml_lab.pipelines.from_notebooks import pipeline_from_files
from hopsml_lab.pipelines.jobs import JobService
from hopsml_lab.pipelines.pipelines import PipelineService
from hopsml_lab.server import pipelines as pipeline_routes

from .rest_fixtures import assert_routes_need_authentication, hopsml_server_config, lab_of

pytestmark = pytest.mark.timeout(180)

API = ("hopsml", "api")
INGEST = new_notebook(
    cells=[new_code_cell("open('rows.txt', 'w').write('a,b')\nprint('ingested rows')")]
)
TRAIN = "print('trained on', open('rows.txt').read())\n"
BROKEN = "import sys\nprint('no data today', file=sys.stderr)\nsys.exit(3)\n"


@pytest.fixture
def jp_server_config(jp_root_dir: Path) -> dict:
    return hopsml_server_config(jp_root_dir / "project")


@pytest.fixture
def server_lab(jp_serverapp) -> Lab:
    lab = lab_of(jp_serverapp)
    lab.store.write_text("Jobs/ingest.ipynb", nbformat.writes(INGEST))
    lab.store.write_text("Jobs/train.py", TRAIN)
    lab.store.write_text("Jobs/broken.py", BROKEN)
    return lab


def _service(lab: Lab) -> PipelineService:
    return PipelineService(lab, JobService(lab))


async def _get(jp_fetch, *path: str, **params: Any) -> Any:
    response = await jp_fetch(*API, *path, params=params)
    return json.loads(response.body)


async def _error(jp_fetch, *path: str, method: str = "GET", **params: Any) -> tuple[int, str]:
    body = b"{}" if method == "POST" else None
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(*API, *path, method=method, body=body, params=params)
    return error.value.code, json.loads(error.value.response.body)["message"]


async def _start(jp_fetch, name: str) -> int:
    response = await jp_fetch(*API, "pipelines", name, "run", method="POST", body=b"")
    assert response.code == 202
    started = json.loads(response.body)
    assert started["pipeline"] == name
    return int(started["run_id"])


async def _finished(jp_fetch, name: str, run_id: int, timeout: float = 120.0) -> dict[str, Any]:
    """The run once it has ended (GET the pipeline until then)."""
    deadline = time.monotonic() + timeout
    while True:
        detail = await _get(jp_fetch, "pipelines", name)
        run = next(r for r in detail["runs"] if r["id"] == run_id)
        if run["state"] != "RUNNING":
            return run
        assert time.monotonic() < deadline, run
        await asyncio.sleep(0.2)


async def test_every_pipeline_route_needs_authentication(
    jp_serverapp, http_server_client, jp_base_url, server_lab
) -> None:
    pipeline_from_files("secret", ["Jobs/train.py"], service=_service(server_lab))
    values = {"name": "secret", "execution_id": "1"}
    await assert_routes_need_authentication(
        http_server_client, jp_base_url, pipeline_routes.ROUTES, values, [b"secret"]
    )
    assert _service(server_lab).runs("secret") == []  # nothing ran


async def test_a_run_started_over_rest_is_followed_to_its_end(
    jp_fetch, jp_root_dir, server_lab
) -> None:
    pipeline_from_files(
        "churn", ["Jobs/ingest.ipynb", "Jobs/train.py"], service=_service(server_lab)
    )
    listed = await _get(jp_fetch, "pipelines")
    assert listed["pipelines"][0]["name"] == "churn"
    assert listed["pipelines"][0]["stages"] == ["ingest", "train"]
    assert listed["pipelines"][0]["last_run"] is None

    run_id = await _start(jp_fetch, "churn")
    # answered at once: the notebook stage (a kernel starting) is still going
    going = (await _get(jp_fetch, "pipelines", "churn"))["runs"][0]
    assert going["id"] == run_id and going["state"] == "RUNNING" and going["success"] is None
    assert going["stages"][1]["state"] == "PENDING"
    run = await _finished(jp_fetch, "churn", run_id)
    assert run["state"] == "FINISHED" and run["success"] is True
    ingest, train = run["stages"]
    assert [ingest["state"], train["state"]] == ["FINISHED", "FINISHED"]
    assert ingest["duration_s"] > 0 and train["duration_s"] > 0
    assert ingest["output_notebook"].startswith("Jobs/ingest/executions/")
    opened = jp_root_dir / ingest["notebook_lab_path"]
    assert ingest["notebook_lab_path"].startswith("project/Jobs/ingest/") and opened.is_file()
    assert "ingested rows" in opened.read_text()
    assert train["output_notebook"] is None and train["stdout_path"].startswith("Logs/train/")

    log = await _get(jp_fetch, "jobs", "executions", str(train["execution_id"]), "log")
    assert log["stream"] == "stdout" and "trained on a,b" in log["text"]
    assert log["path"] == train["stdout_path"] and log["truncated"] is False

    detail = await _get(jp_fetch, "pipelines", "churn")
    assert [(s["name"], s["app_path"], s["after"]) for s in detail["stages"]] == [
        ("ingest", "Jobs/ingest.ipynb", []),
        ("train", "Jobs/train.py", ["ingest"]),
    ]
    listed = await _get(jp_fetch, "pipelines")
    assert listed["pipelines"][0]["last_run"]["id"] == run_id


async def test_a_failing_stage_is_named_and_its_stderr_tailed(jp_fetch, server_lab) -> None:
    pipeline_from_files(
        "nightly", ["Jobs/broken.py", "Jobs/train.py"], service=_service(server_lab)
    )
    run = await _finished(jp_fetch, "nightly", await _start(jp_fetch, "nightly"))
    assert run["state"] == "FAILED" and run["success"] is False
    assert run["failed_stage"] == "broken" and "no data today" in run["error"]
    assert [s["state"] for s in run["stages"]] == ["FAILED", "SKIPPED"]
    broken = run["stages"][0]
    log = await _get(
        jp_fetch, "jobs", "executions", str(broken["execution_id"]), "log", stream="stderr"
    )
    assert "no data today" in log["text"] and log["path"] == broken["stderr_path"]


async def test_errors_are_mapped_to_their_codes(jp_fetch, server_lab) -> None:
    code, message = await _error(jp_fetch, "pipelines", "nope")
    assert code == 404 and "no pipeline 'nope'" in message
    code, message = await _error(jp_fetch, "pipelines", "nope", "run", method="POST")
    assert code == 404 and "no pipeline 'nope'" in message
    code, message = await _error(jp_fetch, "jobs", "executions", "424242", "log")
    assert code == 404 and "no execution '424242'" in message
    code, message = await _error(jp_fetch, "jobs", "executions", "1", "log", stream="both")
    assert code == 400 and "stream" in message
    service = _service(server_lab)
    pipeline_from_files("waits", ["Jobs/train.py"], service=service)
    waiting = service.get("waits")
    stage = Stage(waiting.stages[0].name, waiting.stages[0].job)
    service.save(Pipeline("waits", (stage,), wait_for="Resources/raw"))
    code, message = await _error(jp_fetch, "pipelines", "waits", "run", method="POST")
    assert code == 409 and "Resources/raw/_SUCCESS" in message
    assert service.runs("waits") == []
