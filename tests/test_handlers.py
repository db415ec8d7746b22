"""REST handlers through a real Jupyter server (pytest-jupyter's jp_fetch)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from tornado.httpclient import HTTPClientError

from hopsml_lab.catalog import (
    Database,
    ExperimentRecorder,
    ExperimentStatus,
    TrialStatus,
    new_experiment_id,
)
from hopsml_lab.experiments.snapshot import write_snapshot
from hopsml_lab.server.openapi import DOCUMENT, render_document
from hopsml_lab.server.routes import all_routes


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
def recorder(jp_serverapp) -> ExperimentRecorder:
    """A recorder on the server's own catalog, wherever the settings put it."""
    lab = jp_serverapp.web_app.settings["hopsml_lab"]
    return ExperimentRecorder(Database(lab.settings.resolved_catalog_url()))


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


VERBS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _registered_hopsml_routes(serverapp) -> list[str]:
    """The URL patterns the running server registered under /hopsml, read from tornado's
    routers (extensions add theirs under a host rule), not from our own lists."""
    patterns: list[str] = []

    def walk(router) -> None:
        for rule in router.rules:
            if hasattr(rule.target, "rules"):
                walk(rule.target)
                continue
            regex = getattr(rule.matcher, "regex", None)
            if regex is not None and "/hopsml/" in regex.pattern:
                patterns.append(regex.pattern)

    walk(serverapp.web_app.default_router)
    return sorted(set(patterns))


async def test_every_route_refuses_requests_without_a_token(
    jp_serverapp, http_server_client, jp_base_url, recorder
) -> None:
    experiment = _record(recorder, "secret", 0.5)
    values = {
        "experiment_id": experiment,
        "tensorboard_id": "0123abcd",
        "target_id": "0123abcd",
        "frame_key": "0123456789abcdef0123456789abcdef",
        "proxied_path": "data",
        "name": "customers",
        "version": "1",
        "dataset_id": "1",
        "report_id": "1",
        "execution_id": "1",
    }
    patterns = _registered_hopsml_routes(jp_serverapp)
    registered = {p.removeprefix(jp_base_url.rstrip("/")).rstrip("$") for p in patterns}
    assert {route.pattern for route in all_routes()} <= registered
    for pattern in patterns:
        path = re.sub(r"\(\?P<([^>]+)>[^)]+\)", lambda m: values[m.group(1)], pattern)
        url = path.rstrip("$")
        for method in VERBS:
            response = await http_server_client.fetch(
                url,
                method=method,
                raise_error=False,
                allow_nonstandard_methods=True,
                body=b"{}" if method in ("POST", "PUT", "PATCH") else None,
            )
            assert response.code == 403, (method, path, response.code)
            assert b"secret" not in response.body


async def test_openapi_document_is_served_and_committed_copy_is_current(jp_fetch) -> None:
    response = await jp_fetch("hopsml", "api", "openapi.json")
    served = json.loads(response.body)
    documented = {route.path for route in all_routes() if route.operations}
    assert set(served["paths"]) == documented
    assert {
        "/hopsml/api/experiments",
        "/hopsml/api/experiments/{experiment_id}",
        "/hopsml/api/experiments/{experiment_id}/reproduce",
        "/hopsml/api/tensorboards",
        "/hopsml/api/tensorboards/{tensorboard_id}",
    } <= documented
    assert DOCUMENT.read_text() == render_document(all_routes()), (
        "hopsml_lab/server/openapi.json is stale: run "
        "`python -m hopsml_lab.server.openapi && npm run build:types`"
    )


def test_typescript_types_are_generated_from_the_openapi_document() -> None:
    """src/openapi.ts is exactly what openapi-typescript makes of openapi.json."""
    root = Path(__file__).parents[1]
    generated = subprocess.run(
        [str(root / "node_modules" / ".bin" / "openapi-typescript"), str(DOCUMENT)],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
    ).stdout
    assert (root / "src" / "openapi.ts").read_text() == generated, (
        "src/openapi.ts is stale: run `npm run build:types`"
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


# -- Reproduce ----------------------------------------------------------------------------

SNAPSHOT_CELLS = [
    ("markdown", "# Churn"),
    ("code", "%load_ext hopsml_lab"),
    ("code", "%%experiment churn --grid lr=0.01,0.1\ndef train(lr, optimizer):\n    return {}"),
]


@pytest.fixture
def source_notebook(tmp_path: Path) -> Path:
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(text)
            if kind == "markdown"
            else nbformat.v4.new_code_cell(
                text, outputs=[nbformat.v4.new_output("stream", text="old output")]
            )
            for kind, text in SNAPSHOT_CELLS
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    path = tmp_path / "churn.ipynb"
    path.write_text(nbformat.writes(notebook))
    return path


def _record_search(
    jp_serverapp, recorder: ExperimentRecorder, monkeypatch, notebook: Path | None
) -> str:
    """A finished search whose snapshot the real snapshot writer made (from ``notebook``)."""
    lab = jp_serverapp.web_app.settings["hopsml_lab"]
    experiment = new_experiment_id()
    logdir = f"Experiments/{experiment}"
    if notebook is None:
        monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    else:
        monkeypatch.setenv("JPY_SESSION_NAME", str(notebook))
    write_snapshot(lab.store, logdir)
    project = recorder.ensure_project("demo", lab.store.url())
    recorder.create_experiment(
        project,
        name="churn v2",
        kind="grid_search",
        user="ada",
        logdir=lab.store.url(logdir),
        experiment_id=experiment,
        metric_key="accuracy",
    )
    for n, lr in enumerate((0.01, 0.1)):
        params = {"lr": lr, "optimizer": "adam", "class": 1}
        trial = recorder.start_trial(experiment, f"trial_{n}", params, f"{logdir}/trial_{n}")
        recorder.finish_trial(trial, TrialStatus.FINISHED, {"accuracy": lr}, lr)
    recorder.finish_experiment(experiment, ExperimentStatus.FINISHED)
    return experiment


async def _reproduce(jp_fetch, experiment: str, body: object) -> dict:
    response = await jp_fetch(
        "hopsml", "api", "experiments", experiment, "reproduce", method="POST", body=body
    )
    assert response.code == 201
    return json.loads(response.body)


async def _refused(jp_fetch, experiment: str, body: str) -> tuple[int, str]:
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(
            "hopsml", "api", "experiments", experiment, "reproduce", method="POST", body=body
        )
    return error.value.code, json.loads(error.value.response.body)["message"]


async def test_reproduce_writes_the_snapshot_notebook_after_the_trials_params(
    jp_fetch, jp_serverapp, jp_root_dir: Path, recorder, monkeypatch, source_notebook
) -> None:
    experiment = _record_search(jp_serverapp, recorder, monkeypatch, source_notebook)
    source_notebook.write_text("{}")  # changed since: the snapshot is what counts

    result = await _reproduce(jp_fetch, experiment, json.dumps({"trial": "trial_1"}))
    assert result["path"] == f"reproduce/churn_v2-{experiment}-trial_1.ipynb"
    notebook = nbformat.read(jp_root_dir / result["path"], as_version=4)
    nbformat.validate(notebook)
    note, params, *rest = notebook.cells
    assert note.cell_type == "markdown" and "trial_1 of churn v2" in note.source
    assert experiment in note.source and "accuracy = 0.1" in note.source
    assert params.cell_type == "code"
    assert "lr = 0.1\noptimizer = 'adam'\n" in params.source
    assert "class =" not in params.source  # a keyword is no variable name
    namespace: dict = {}
    exec(compile(params.source, "params", "exec"), namespace)
    assert namespace["lr"] == 0.1 and namespace["optimizer"] == "adam"
    assert namespace["trial_params"] == {"lr": 0.1, "optimizer": "adam", "class": 1}
    assert [(c.cell_type, c.source) for c in rest] == SNAPSHOT_CELLS
    assert all(c.outputs == [] for c in rest if c.cell_type == "code")
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    assert notebook.metadata["hopsml"]["reproduces"] == {
        "experiment": experiment,
        "trial": "trial_1",
    }


async def test_reproduce_never_overwrites_a_notebook(
    jp_fetch, jp_serverapp, jp_root_dir: Path, recorder, monkeypatch, source_notebook
) -> None:
    experiment = _record_search(jp_serverapp, recorder, monkeypatch, source_notebook)
    body = json.dumps({"trial": "trial_0"})
    first = (await _reproduce(jp_fetch, experiment, body))["path"]
    (jp_root_dir / first).write_text((jp_root_dir / first).read_text() + "\n")  # edited
    kept = (jp_root_dir / first).read_text()
    second = (await _reproduce(jp_fetch, experiment, body))["path"]
    assert second != first and second.startswith("reproduce/") and second.endswith(".ipynb")
    assert (jp_root_dir / first).read_text() == kept
    assert (jp_root_dir / second).is_file()


async def test_reproduce_requests_at_once_get_a_notebook_each(
    jp_fetch, jp_serverapp, jp_root_dir: Path, recorder, monkeypatch, source_notebook
) -> None:
    experiment = _record_search(jp_serverapp, recorder, monkeypatch, source_notebook)
    body = json.dumps({"trial": "trial_1"})
    results = await asyncio.gather(*(_reproduce(jp_fetch, experiment, body) for _ in range(4)))
    paths = {r["path"] for r in results}
    assert len(paths) == 4 and all((jp_root_dir / p).is_file() for p in paths)


async def test_reproduce_unknown_experiment_or_trial_is_404(
    jp_fetch, jp_serverapp, recorder, monkeypatch, source_notebook
) -> None:
    experiment = _record_search(jp_serverapp, recorder, monkeypatch, source_notebook)
    code, message = await _refused(jp_fetch, experiment, json.dumps({"trial": "trial_9"}))
    assert code == 404 and "trial_9" in message and "trial_0, trial_1" in message
    code, message = await _refused(jp_fetch, "nope", json.dumps({"trial": "trial_0"}))
    assert code == 404 and "nope" in message


async def test_reproduce_without_a_snapshot_notebook_is_409_saying_why(
    jp_fetch, jp_serverapp, recorder, monkeypatch
) -> None:
    from_a_script = _record_search(jp_serverapp, recorder, monkeypatch, notebook=None)
    code, message = await _refused(jp_fetch, from_a_script, json.dumps({"trial": "trial_0"}))
    assert code == 409 and "not started from a notebook" in message
    no_snapshot = _record(recorder, "recorded elsewhere", 0.5)
    code, message = await _refused(jp_fetch, no_snapshot, json.dumps({"trial": "trial_0"}))
    assert code == 409 and "has no snapshot" in message


@pytest.mark.parametrize(
    ("body", "mentions"),
    [
        ("trial_0", 'JSON like {"trial": "trial_0"}'),
        ("{}", "trial: Field required"),
        ('{"trial": ""}', "trial: String should have at least 1 character"),
        ('{"trial": "trial_0", "notebook": "x"}', "notebook: Extra inputs are not permitted"),
        ('["trial_0"]', "valid dictionary"),
    ],
)
async def test_reproduce_bad_body_is_400_saying_what_to_send(
    jp_fetch, recorder, body: str, mentions: str
) -> None:
    experiment = _record(recorder, "e", 0.5)
    code, message = await _refused(jp_fetch, experiment, body)
    assert code == 400 and mentions in message


# -- Bad and oversized input: a 400 or 404 that says what is wrong, never a 500 ----------

BODY_ROUTES = [
    (("tensorboards",), '{"experiments": ["<experiment id>"]}'),
    (("experiments", "{experiment}", "reproduce"), '{"trial": "trial_0"}'),
]


async def _refusal(jp_fetch, *path: str, **kwargs) -> tuple[int, str]:
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("hopsml", "api", *path, **kwargs)
    return error.value.code, json.loads(error.value.response.body)["message"]


@pytest.mark.parametrize(("path", "example"), BODY_ROUTES)
@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000,  # the C parser gives up with a RecursionError
        "[" * 40 + "]" * 40,  # valid JSON, deeper than any body needs
        '{"experiments": ' + "[" * 5_000 + "]" * 5_000 + ', "trial": "trial_0"}',
    ],
    ids=["unclosed", "deep", "deep-inside"],
)
async def test_a_deeply_nested_body_is_400_saying_so(
    jp_fetch, recorder, path, example: str, body: str
) -> None:
    experiment = _record(recorder, "e", 0.5)
    path = tuple(p.replace("{experiment}", experiment) for p in path)
    code, message = await _refusal(jp_fetch, *path, method="POST", body=body)
    assert code == 400
    assert "nests deeper than 32 levels" in message and example in message
    assert len(message) < 300


@pytest.mark.parametrize(("path", "example"), BODY_ROUTES)
async def test_a_body_that_is_not_json_is_400_saying_what_to_send(
    jp_fetch, recorder, path, example: str
) -> None:
    experiment = _record(recorder, "e", 0.5)
    path = tuple(p.replace("{experiment}", experiment) for p in path)
    for body in (b"\xff\xfe", b"1" * 5000, b'{"trial": "trial_0",}'):
        code, message = await _refusal(jp_fetch, *path, method="POST", body=body)
        assert code == 400 and f"JSON like {example}" in message, body[:20]


async def test_many_validation_problems_make_one_readable_message(jp_fetch, recorder) -> None:
    body = json.dumps({"experiments": [1] * 100, **{f"extra{n}": n for n in range(1000)}})
    code, message = await _refusal(jp_fetch, "tensorboards", method="POST", body=body)
    assert code == 400
    assert message.startswith("experiments.0: Input should be a valid string; ")
    assert message.endswith("(and 1095 more problems)")
    assert len(message) < 1000


class _Lines(logging.Handler):
    """Every log line the server writes, formatted as it would be written."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(record.getMessage())
        except Exception as error:  # what logging itself prints as "--- Logging error ---"
            self.lines.append(f"UNFORMATTABLE {record.msg!r}: {error}")


@pytest.fixture
def server_log(jp_serverapp) -> Iterator[list[str]]:
    handler = _Lines()
    loggers = [logging.getLogger(), jp_serverapp.log, logging.getLogger("tornado")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield handler.lines
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


async def test_a_long_id_is_quoted_short_in_the_answer_and_the_log(
    jp_fetch, recorder, server_log: list[str]
) -> None:
    in_path = "f" * 60_000  # about what a request line may carry
    code, message = await _refusal(jp_fetch, "experiments", in_path)
    assert code == 404
    assert f"'{'f' * 200}… (60,000 characters)'" in message
    assert len(message) < 400

    in_body = "e" * 5_000_000
    body = json.dumps({"experiments": [in_body]})
    code, message = await _refusal(jp_fetch, "tensorboards", method="POST", body=body)
    assert code == 404 and "(5,000,000 characters)" in message and len(message) < 400

    written = [line for line in server_log if "f" * 1_000 in line or "e" * 1_000 in line]
    assert written == [], [line[:300] for line in written]
    assert any("(60,000 characters)" in line for line in server_log)
    assert any("(5,000,000 characters)" in line for line in server_log)


async def test_a_percent_in_a_message_appears_once(
    jp_fetch, recorder, server_log: list[str]
) -> None:
    code, message = await _refusal(jp_fetch, "experiments", "50%-off")  # sent as 50%25-off
    assert code == 404
    assert "'50%-off'" in message and "%%" not in message
    mentions = [line for line in server_log if "50%" in line and "-off" in line]
    assert mentions and not any("%%" in line or "UNFORMATTABLE" in line for line in mentions)


# == Detail paging: an experiment's detail carries a page of trials; the rest come from
# == GET /hopsml/api/experiments/<id>/trials, on SQLite and on PostgreSQL ==================


def _token(values: object) -> str:
    import base64

    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


class TestDetailPaging:
    @pytest.fixture
    def jp_server_config(self, project_dir: Path, catalog_url: str) -> dict:
        return {
            "ServerApp": {"jpserver_extensions": {"hopsml_lab": True}},
            "HopsMLExtension": {
                "project_root": str(project_dir),
                "project_name": "demo",
                "catalog_url": catalog_url,
                "change_check_interval": 0.1,
            },
        }

    @pytest.fixture
    def db(self, jp_serverapp) -> Database:
        return jp_serverapp.web_app.settings["hopsml_lab"].db

    @staticmethod
    def _many(db: Database, count: int) -> str:
        """An experiment of ``count`` trials (a tenth failed, without a metric), each
        with a short loss series, written in bulk."""
        from sqlalchemy import insert, select

        from hopsml_lab.catalog.experiments.tables import Experiment, MetricPoint, Trial

        recorder = ExperimentRecorder(db)
        project = recorder.ensure_project("demo", "/p")
        experiment = recorder.create_experiment(
            project, name="wide", kind="grid_search", user="ada", logdir="/p/e", metric_key="acc"
        )
        rows = [
            {
                "experiment_id": experiment,
                "key": f"trial_{n}",
                "status": "failed" if n % 10 == 0 else "finished",
                "params": {"lr": (n * 37 % 101) / 100, "layers": n % 4},
                "results": {} if n % 10 == 0 else {"acc": (n * 7919 % 10007) / 10007},
                "metric_value": None if n % 10 == 0 else (n * 7919 % 10007) / 10007,
                "logdir": f"/p/e/trial_{n}",
                "error": "Traceback: boom" if n % 10 == 0 else None,
            }
            for n in range(count)
        ]
        with db.writing() as session:
            session.execute(insert(Trial), rows)
            session.get(Experiment, experiment).trial_count = count
            ids = session.scalars(select(Trial.id).where(Trial.experiment_id == experiment))
            points = [
                {"trial_id": t, "name": "loss", "step": s, "value": 1 / (s + 1), "timestamp": 0}
                for t in ids
                for s in range(3)
            ]
            session.execute(insert(MetricPoint), points)
        return experiment

    async def test_a_10000_trial_detail_is_one_bounded_page(self, jp_fetch, db) -> None:
        experiment = self._many(db, 10_000)
        response = await jp_fetch("hopsml", "api", "experiments", experiment)
        assert len(response.body) < 200_000, len(response.body)
        body = json.loads(response.body)
        assert body["trials_total"] == 10_000 and len(body["trials"]) == 50
        assert body["sort"] == "-metric" and body["next_token"]
        values = [t["metric_value"] for t in body["trials"]]
        assert values == sorted(values, reverse=True)
        assert all(t["metrics"][0]["steps"] == [0, 1, 2] for t in body["trials"])
        assert len(body["top_trials"]) == 10
        assert {t["key"] for t in body["top_trials"]}.isdisjoint(t["key"] for t in body["trials"])

        # the rest of the trials, a page at a time, each exactly once
        seen = [t["key"] for t in body["trials"]]
        token = body["next_token"]
        while token:
            response = await jp_fetch(
                "hopsml",
                "api",
                "experiments",
                experiment,
                "trials",
                params={"limit": "500", "next_token": token, "series": "false"},
            )
            page = json.loads(response.body)
            assert page["total"] == 10_000 and page["sort"] == "-metric"
            assert all(t["metrics"] == [] for t in page["trials"])
            seen += [t["key"] for t in page["trials"]]
            token = page["next_token"]
        assert len(seen) == len(set(seen)) == 10_000

    async def test_trials_sort_by_a_param_and_page_the_detail_too(self, jp_fetch, db) -> None:
        experiment = self._many(db, 30)
        response = await jp_fetch(
            "hopsml",
            "api",
            "experiments",
            experiment,
            "trials",
            params={"sort": "-param:lr", "limit": "20", "1795583598457": ""},
        )
        first = json.loads(response.body)
        lrs = [t["params"]["lr"] for t in first["trials"]]
        assert first["sort"] == "-param:lr" and lrs == sorted(lrs, reverse=True)
        response = await jp_fetch(
            "hopsml",
            "api",
            "experiments",
            experiment,
            params={"sort": "-param:lr", "limit": "20", "next_token": first["next_token"]},
        )
        rest = json.loads(response.body)  # the detail, with the page the token names
        assert rest["next_token"] is None and rest["trials_total"] == 30
        keys = [t["key"] for t in first["trials"] + rest["trials"]]
        assert sorted(keys) == sorted(f"trial_{n}" for n in range(30))

    @pytest.mark.parametrize(
        ("params", "says"),
        [
            ({"sort": "password"}, "sort="),
            ({"sort": 'param:a"b'}, "sort="),
            ({"limit": "0"}, "limit"),
            ({"max_points": "1"}, "max_points"),
            ({"colour": "red"}, "colour"),
            ({"next_token": _token([{"a": 1}, 5])}, "sort value is an object"),
            ({"next_token": _token(["x", 5])}, "sort value is a string, not a number"),
            ({"next_token": _token([0.5, "x"])}, "id is a string"),
            ({"next_token": "garbage!"}, "next_token"),
        ],
    )
    async def test_a_bad_trials_query_is_400_saying_what(self, jp_fetch, db, params, says):
        experiment = self._many(db, 3)
        for path in (("trials",), ()):
            with pytest.raises(HTTPClientError) as error:
                await jp_fetch("hopsml", "api", "experiments", experiment, *path, params=params)
            assert error.value.code == 400
            assert says in json.loads(error.value.response.body)["message"]

    async def test_trials_of_an_unknown_experiment_are_404(self, jp_fetch, db) -> None:
        with pytest.raises(HTTPClientError) as error:
            await jp_fetch("hopsml", "api", "experiments", "nope", "trials")
        assert error.value.code == 404
        assert "nope" in json.loads(error.value.response.body)["message"]

    @pytest.mark.parametrize(
        ("token", "says"),
        [
            ([{"a": 1}, "x"], "its sort value is an object, not a number"),
            ([1, 2], "its id is a number, not a string"),
        ],
    )
    async def test_a_list_token_of_the_wrong_shape_is_400_not_500(
        self, jp_fetch, db, token, says
    ) -> None:
        self._many(db, 1)
        with pytest.raises(HTTPClientError) as error:
            await jp_fetch("hopsml", "api", "experiments", params={"next_token": _token(token)})
        assert error.value.code == 400
        assert says in json.loads(error.value.response.body)["message"]

    async def test_the_trials_route_is_documented(self, jp_fetch, db) -> None:
        response = await jp_fetch("hopsml", "api", "openapi.json")
        document = json.loads(response.body)
        trials = document["paths"]["/hopsml/api/experiments/{experiment_id}/trials"]["get"]
        assert trials["operationId"] == "listTrials"
        names = {p["name"] for p in trials["parameters"]}
        assert {"experiment_id", "sort", "limit", "next_token", "series", "max_points"} <= names
        detail = document["paths"]["/hopsml/api/experiments/{experiment_id}"]["get"]
        assert {"sort", "limit", "next_token", "top"} <= {p["name"] for p in detail["parameters"]}
        schema = document["components"]["schemas"]["ExperimentDetail"]["properties"]
        assert {"trials_total", "next_token", "sort", "top_trials"} <= set(schema)
