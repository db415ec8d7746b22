"""The model registry's and deployments' REST routes through a real Jupyter server
(pytest-jupyter's jp_fetch): a scikit-learn model saved in the server's own registry by
a recorded experiment trial, its versions with metrics, params and lineage, and a real
model server started and stopped over REST, answering predictions in between."""

from __future__ import annotations

import asyncio
import json
import pickle
import time
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tornado.httpclient import HTTPClientError

from hopsml_lab.catalog.experiments.recorder import ExperimentRecorder
from hopsml_lab.catalog.experiments.records import ExperimentStatus, TrialStatus
from hopsml_lab.deployments import DeploymentService
from hopsml_lab.lab import Lab
from hopsml_lab.registry import ModelSpec, Registry

from .rest_fixtures import hopsml_server_config, lab_of

pytestmark = [
    pytest.mark.filterwarnings("ignore::hopsml_lab.registry.errors.ProvenanceWarning"),
    pytest.mark.timeout(180),
]

REGISTRY = ("hopsml", "api", "registry")
DEPLOYMENTS = ("hopsml", "api", "deployments")


@pytest.fixture
def jp_server_config(tmp_path: Path) -> dict:
    return hopsml_server_config(tmp_path / "project")


@pytest.fixture
def server_lab(jp_serverapp) -> Lab:
    return lab_of(jp_serverapp)


@pytest.fixture
def service(jp_serverapp) -> DeploymentService:
    return jp_serverapp.web_app.settings["hopsml_deployments"]


def _trial(lab: Lab) -> str:
    """A finished experiment with one trial (lr=0.1), as %experiment records it."""
    recorder = ExperimentRecorder(lab.db)
    project = recorder.ensure_project("demo", "/p")
    experiment = recorder.create_experiment(
        project, name="churn", kind="launch", user="ada", logdir="/p/e", metric_key="accuracy"
    )
    trial = recorder.start_trial(experiment, "trial_0", {"lr": 0.1, "C": 2}, "/p/e/t0")
    recorder.finish_trial(trial, TrialStatus.FINISHED, {"accuracy": 0.8}, 0.8)
    recorder.finish_experiment(experiment, ExperimentStatus.FINISHED)
    return experiment


def _save_models(lab: Lab, folder: Path) -> str:
    """churn v1 (accuracy 0.7, loss 0.5) and v2 (0.9, 0.3; from a trial, on a feature
    view), a fitted classifier each; iris v1 without metrics."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.random((40, 3))
    y = (X[:, 0] > 0.5).astype(int)
    folder.mkdir()
    (folder / "model.pkl").write_bytes(pickle.dumps(LogisticRegression().fit(X, y)))
    registry = Registry(lab.store, lab)
    registry.save(ModelSpec("churn", metrics={"accuracy": 0.7, "loss": 0.5}), folder)
    second = registry.save(
        ModelSpec(
            "churn",
            metrics={"accuracy": 0.9, "loss": 0.3},
            description="better",
            framework="SKLEARN",
            feature_view=("customers_view", 2),
            training_dataset_version=3,
        ),
        folder,
    )
    experiment = _trial(lab)
    # A trial's model is registered by the driver with its experiment and trial.
    lab.models.register_model(
        lab.project_id,
        second.model_copy(update={"experiment_id": experiment, "trial_key": "trial_0"}),
    )
    registry.save(ModelSpec("iris", framework="SKLEARN"), folder)
    return experiment


async def _get(jp_fetch, *path: str, **params: str) -> Any:
    response = await jp_fetch(*path, params=params or None)
    return json.loads(response.body)


async def _refusal(jp_fetch, *path: str, method: str = "GET", **params: str) -> tuple[int, str]:
    body = b"{}" if method == "POST" else None
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch(*path, method=method, body=body, params=params or None)
    response = caught.value.response
    return caught.value.code, json.loads(response.body)["message"]


async def test_models_list_latest_version_and_best_metric(jp_fetch, server_lab, tmp_path) -> None:
    _save_models(server_lab, tmp_path / "model")
    models = (await _get(jp_fetch, *REGISTRY, "models"))["models"]
    assert [m["name"] for m in models] == ["churn", "iris"]
    churn, iris = models
    assert churn["versions"] == 2 and churn["latest"]["version"] == 2
    assert churn["latest"]["metrics"] == {"accuracy": 0.9, "loss": 0.3}
    # the first metric by name, larger is better
    assert churn["best"] == {"name": "accuracy", "value": 0.9, "version": 2, "direction": "max"}
    assert iris["best"] is None and iris["latest"]["framework"] == "SKLEARN"


async def test_model_versions_with_params_and_lineage(jp_fetch, server_lab, tmp_path) -> None:
    experiment = _save_models(server_lab, tmp_path / "model")
    detail = await _get(jp_fetch, *REGISTRY, "models", "churn")
    assert [v["version"] for v in detail["versions"]] == [2, 1]
    latest, first = detail["versions"]
    assert latest["description"] == "better" and latest["params"] == {"lr": 0.1, "C": 2}
    assert latest["lineage"] | {"program": None, "user": None} == {
        "experiment_id": experiment,
        "trial_key": "trial_0",
        "feature_view_name": "customers_view",
        "feature_view_version": 2,
        "training_dataset_version": 3,
        "program": None,
        "user": None,
    }
    assert first["params"] == {} and first["lineage"]["experiment_id"] is None
    assert first["path"].endswith("Models/churn/1") and first["created_at"] > 0
    assert detail["deployments"] == []
    # a loss ranks smaller first; a direction can be asked for
    loss = await _get(jp_fetch, *REGISTRY, "models", "churn", metric="loss")
    assert loss["best"] == {"name": "loss", "value": 0.3, "version": 2, "direction": "min"}
    worst = await _get(jp_fetch, *REGISTRY, "models", "churn", metric="loss", direction="max")
    assert worst["best"]["version"] == 1


async def test_unknown_model_and_bad_query_are_refused_saying_why(
    jp_fetch, server_lab, tmp_path
) -> None:
    _save_models(server_lab, tmp_path / "model")
    code, message = await _refusal(jp_fetch, *REGISTRY, "models", "nope")
    assert code == 404 and "no model 'nope'" in message and "churn" in message
    code, message = await _refusal(jp_fetch, *REGISTRY, "models", "churn", direction="up")
    assert code == 400 and "direction" in message
    code, message = await _refusal(jp_fetch, *REGISTRY, "models", "churn", sort="x")
    assert code == 400 and "sort" in message


async def _state(jp_fetch, name: str, until: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        info = await _get(jp_fetch, *DEPLOYMENTS, name)
        if info["state"] == until or time.monotonic() > deadline:
            return info
        await asyncio.sleep(0.2)


def _predict(url: str, rows: list[list[float]]) -> Any:
    request = urllib.request.Request(
        url,
        data=json.dumps({"instances": rows}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


async def test_deployment_starts_answers_and_stops_over_rest(
    jp_fetch, server_lab, service, tmp_path
) -> None:
    _save_models(server_lab, tmp_path / "model")
    service.create("churn", "churn", 2, "PYTHON", description="serves v2")
    listed = (await _get(jp_fetch, *DEPLOYMENTS))["deployments"]
    assert [(d["name"], d["state"], d["model_version"], d["url"]) for d in listed] == [
        ("churn", "Created", 2, None)
    ]
    assert (await _get(jp_fetch, *REGISTRY, "models", "churn"))["deployments"] == ["churn"]

    try:
        response = await jp_fetch(*DEPLOYMENTS, "churn", "start", method="POST", body=b"")
        assert response.code == 202
        assert json.loads(response.body)["state"] in ("Starting", "Running")
        info = await _state(jp_fetch, "churn", "Running")
        assert info["state"] == "Running", info
        assert info["url"].startswith("http://127.0.0.1:") and info["instances"] == 1
        answer = await asyncio.to_thread(
            _predict, info["inference_url"], [[0.9, 0, 0], [0.1, 0, 0]]
        )
        assert answer == {"predictions": [1, 0]}
        # starting a running deployment changes nothing
        again = await jp_fetch(*DEPLOYMENTS, "churn", "start", method="POST", body=b"")
        assert json.loads(again.body)["url"] == info["url"]
    finally:
        stopped = await jp_fetch(*DEPLOYMENTS, "churn", "stop", method="POST", body=b"")
    body = json.loads(stopped.body)
    assert stopped.code == 200 and body["state"] == "Stopped" and body["url"] is None
    with pytest.raises(OSError):
        await asyncio.to_thread(_predict, info["inference_url"], [[0.9, 0, 0]])
    assert (await _get(jp_fetch, *DEPLOYMENTS, "churn"))["state"] == "Stopped"


async def test_monitoring_counts_the_requests_a_deployment_answered(
    jp_fetch, server_lab, service, tmp_path
) -> None:
    _save_models(server_lab, tmp_path / "model")
    service.create("churn", "churn", 2, "PYTHON")
    empty = await _get(jp_fetch, *DEPLOYMENTS, "churn", "monitoring", window="60")
    assert empty["requests"] == 0 and empty["recent"] == [] and empty["window_s"] == 60
    assert len(empty["timeline"]) == 30 and empty["drift"] == []
    assert "training" in empty["drift_reason"]
    assert [f["name"] for f in empty["figures"]] == ["requests", "latency", "drift"]

    try:
        await jp_fetch(*DEPLOYMENTS, "churn", "start", method="POST", body=b"")
        info = await _state(jp_fetch, "churn", "Running")
        for rows in ([[0.9, 0, 0]], [[0.1, 0, 0], [0.2, 0, 0]], [[0.8, 1, 1]]):
            await asyncio.to_thread(_predict, info["inference_url"], rows)
        deadline = time.monotonic() + 10  # the log is written by a background thread
        while True:
            summary = await _get(jp_fetch, *DEPLOYMENTS, "churn", "monitoring", recent="2")
            if summary["requests"] == 3 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
    finally:
        await jp_fetch(*DEPLOYMENTS, "churn", "stop", method="POST", body=b"")
    assert summary["requests"] == 3 and summary["errors"] == 0, summary
    assert sum(b["requests"] for b in summary["timeline"]) == 3
    drawn = {f["name"]: f["figure"] for f in summary["figures"]}
    assert sum(drawn["requests"]["data"][0]["y"]) == 3  # the figure a notebook draws
    assert summary["latency_ms"]["p50"] > 0
    assert len(summary["recent"]) == 2 and summary["recent"][0]["status"] == 200
    assert "0.8" in summary["recent"][0]["request"]  # newest first
    code, message = await _refusal(jp_fetch, *DEPLOYMENTS, "churn", "monitoring", window="1")
    assert code == 400 and "window" in message
    code, _ = await _refusal(jp_fetch, *DEPLOYMENTS, "nope", "monitoring")
    assert code == 404


async def test_unknown_deployment_is_404_naming_those_there_are(
    jp_fetch, server_lab, service, tmp_path
) -> None:
    _save_models(server_lab, tmp_path / "model")
    code, message = await _refusal(jp_fetch, *DEPLOYMENTS, "nope")
    assert code == 404 and "deploy a model first" in message
    service.create("iris", "iris", 1, "PYTHON")
    for verb in ("start", "stop"):
        code, message = await _refusal(jp_fetch, *DEPLOYMENTS, "nope", verb, method="POST")
        assert code == 404 and "['iris']" in message
