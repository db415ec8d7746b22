"""Inference logging and monitoring end to end: real model server processes write every
inference request to rotating JSON-line files under ``Logs/<deployment>/``;
``monitoring.summarize`` reads them back into rates, error rates, latency percentiles and
a timeline that match what the test sent, and flags input drift against the statistics
of the model's training dataset (shifted inputs drift, in-distribution inputs do not).
The logging's cost in requests per second is measured against a server without it."""

from __future__ import annotations

import http.client
import inspect
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psutil
import pytest

from hopsml_lab import hopsworks
from hopsml_lab.deployments import DeploymentService
from hopsml_lab.deployments.inference_log import (
    BACKUPS_ENV,
    FIELD_LIMIT,
    LOG_DIR_ENV,
    MAX_BYTES_ENV,
    InferenceLog,
    entry_line,
    kafka_sender,
    log_files,
)
from hopsml_lab.deployments.input_drift import training_reference
from hopsml_lab.deployments.monitoring import read_log, summarize
from hopsml_lab.deployments.monitoring_figures import figures
from hopsml_lab.errors import BadInput
from hopsml_lab.hsml.client.exceptions import ModelRegistryException
from hopsml_lab.hsml.inference_logger import InferenceLogger
from hopsml_lab.hsml.kafka_topic import KafkaTopic
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.registry import Registry
from hopsml_lab.settings import Settings

pytestmark = [
    pytest.mark.filterwarnings("ignore::hopsml_lab.registry.errors.ProvenanceWarning"),
    pytest.mark.filterwarnings("ignore::hopsml_lab.featurestore.errors.VersionWarning"),
    pytest.mark.timeout(300),
]
N = 400
PREDICTOR = """
class Predict:
    def predict(self, inputs):
        return [row[0] + row[1] for row in inputs]
"""


@pytest.fixture(scope="module")
def plab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    root = tmp_path_factory.mktemp("monitoring")
    lab = Lab(Settings(project_root=str(root / "project"), catalog_url=f"sqlite:///{root}/c.db"))
    set_lab(lab)
    yield lab
    set_lab(None)
    lab.db.dispose()


@pytest.fixture(scope="module")
def training(plab: Lab) -> pd.DataFrame:
    """Readings x1 ~ N(0, 1), x2 ~ U(0, 10) and a colour, in a feature group, a feature
    view and its training dataset version 1 (with statistics)."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "id": np.arange(N),
            "x1": rng.normal(0.0, 1.0, N),
            "x2": rng.uniform(0.0, 10.0, N),
            "color": rng.choice(["red", "green", "blue"], N, p=[0.6, 0.3, 0.1]),
            "label": rng.integers(0, 2, N),
        }
    )
    fs = hopsworks.login(engine="python").get_feature_store()
    group = fs.create_feature_group("readings", version=1, primary_key=["id"])
    group.insert(frame)
    view = fs.create_feature_view(
        "readings", query=group.select(["x1", "x2", "color", "label"]), labels=["label"]
    )
    assert view.create_training_data()[0] == 1
    return frame


@pytest.fixture(scope="module")
def deployed(plab: Lab, training: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Model ``scorer`` v1 with lineage to the training dataset, and its deployment
    record (the servers are started by the tests, as the service starts them)."""
    folder = tmp_path_factory.mktemp("scorer")
    (folder / "README").write_text("x1 + x2")
    script = folder.parent / "scorer_predictor.py"
    script.write_text(PREDICTOR)
    fs = hopsworks.login().get_feature_store()
    mr = hopsworks.login().get_model_registry()
    view = fs.get_feature_view("readings", version=1)
    model = mr.python.create_model("scorer", feature_view=view, training_dataset_version=1)
    model.save(str(folder))
    deployment = model.deploy(script_file=str(script))
    return model, deployment, script


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``python -m hopsml_lab.deployments.serve`` in a subprocess, with ``env`` added."""

    def __init__(self, model_dir: str, script: Path, env: dict[str, str]) -> None:
        self.port = _free_port()
        command = [sys.executable, "-m", "hopsml_lab.deployments.serve", "--model-dir"]
        command += [model_dir, "--name", "scorer", "--version", "1", "--script", str(script)]
        command += ["--port", str(self.port)]
        clean = {k: v for k, v in os.environ.items() if not k.startswith("HOPSML_INFERENCE")}
        self.process = subprocess.Popen(
            command, env={**clean, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.get("/v2/health/ready")[0] == 200:
                    break
            except OSError:
                self.connection.close()
            assert self.process.poll() is None, self.process.stderr.read().decode()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the model server did not start"
            time.sleep(0.2)

    def _send(self, method: str, path: str, data: bytes | None = None) -> tuple[int, Any]:
        for attempt in (1, 2):  # uvicorn closes a connection idle for 5 s: open a new one
            try:
                headers = {"Content-Type": "application/json"}
                self.connection.request(method, path, data, headers)
                response = self.connection.getresponse()
                return response.status, json.loads(response.read())
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                self.connection.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get(self, path: str) -> tuple[int, Any]:
        return self._send("GET", path)

    def post(self, path: str, body: Any = None, raw: bytes | None = None) -> tuple[int, Any]:
        return self._send("POST", path, raw if raw is not None else json.dumps(body).encode())

    def stop(self) -> None:
        self.connection.close()
        self.process.terminate()  # uvicorn shuts down: the queued lines are written
        self.process.wait(timeout=20)


@pytest.fixture(scope="module")
def log_dir(plab: Lab) -> Path:
    return DeploymentService.here().inference_log_dir("scorer")


@pytest.fixture(scope="module")
def server(deployed: Any, log_dir: Path) -> Iterator[Server]:
    model, _, script = deployed
    running = Server(model.download(), script, {LOG_DIR_ENV: str(log_dir)})
    yield running
    running.stop()


def _wait_for_lines(folder: Path, count: int) -> pd.DataFrame:
    """The log once ``count`` lines are there (the writer thread is asynchronous)."""
    deadline = time.monotonic() + 10
    while True:
        frame = read_log(folder, 0.0, time.time() + 1)
        if len(frame) >= count or time.monotonic() > deadline:
            return frame
        time.sleep(0.05)


# -- the log's lines --------------------------------------------------------------------


def test_every_request_is_logged_with_status_latency_and_version(
    server: Server, log_dir: Path, training: pd.DataFrame
) -> None:
    before = len(read_log(log_dir, 0.0, time.time() + 1))
    rows = training[["x1", "x2", "color"]].head(4).values.tolist()
    assert server.post("/v1/models/scorer:predict", {"instances": rows})[0] == 200
    tensor = {"name": "rows", "shape": [1, 2], "datatype": "FP64", "data": [1.5, 2.0]}
    status, answer = server.post("/v2/models/scorer/infer", {"inputs": [tensor]})
    assert status == 200 and answer["outputs"][0]["data"] == [3.5]
    assert server.post("/v1/models/scorer:predict", raw=b"{not json")[0] == 400
    assert server.post("/v1/models/scorer:predict", {"instances": 5})[0] == 400
    assert server.post("/v1/models/other:predict", {"instances": rows})[0] == 404
    assert server.get("/v1/models/scorer/metadata")[0] == 200  # not an inference: not logged
    big = {"instances": [[0.5, 0.5, "red"]] * (FIELD_LIMIT // 10)}
    assert server.post("/v1/models/scorer:predict", big)[0] == 200

    lines = _wait_for_lines(log_dir, before + 6).iloc[before:]
    assert len(lines) == 6
    assert lines["status"].tolist() == [200, 200, 400, 400, 404, 200]
    assert set(lines["model_version"]) == {"1"}
    assert lines["protocol"].tolist() == ["tf-serving", "v2", *["tf-serving"] * 4]
    assert lines["route"].iloc[1] == "/v2/models/scorer/infer"
    assert (lines["latency_ms"] > 0).all() and (lines["latency_ms"] < 10_000).all()
    first = lines.iloc[0]
    assert json.loads(first["request"]) == {"instances": rows}
    assert json.loads(first["response"])["predictions"] == [r[0] + r[1] for r in rows]
    assert pd.isna(first["error"]) and not first["request_truncated"]
    assert "not JSON" in lines["error"].iloc[2] and lines["request"].iloc[2] == "{not json"
    assert "cannot take this input" in lines["error"].iloc[3]
    assert "no model 'other'" in lines["error"].iloc[4]
    assert lines["request_truncated"].iloc[5] and len(lines["request"].iloc[5]) == FIELD_LIMIT
    assert [p.name for p in log_files(log_dir)] == [f"inference-{server.process.pid}.jsonl"]


def test_summary_counts_rates_latencies_and_timeline(
    server: Server, log_dir: Path, training: pd.DataFrame
) -> None:
    time.sleep(1.1)  # the window below starts after the previous test's requests
    before, start = len(read_log(log_dir, 0.0, time.time())), time.time()
    rows = training[["x1", "x2", "color"]].values.tolist()
    for k in range(45):
        batch = {"instances": rows[4 * k : 4 * k + 4]}
        assert server.post("/v1/models/scorer:predict", batch)[0] == 200
    for _ in range(5):
        assert server.post("/v1/models/scorer:predict", {"instances": 5})[0] == 400
    logged = _wait_for_lines(log_dir, before + 50)
    window = time.time() - start + 0.5
    sent = logged[logged["ts"] >= start]
    assert len(sent) == 50

    summary = summarize("scorer", window_s=window, bucket_s=0.25, recent=7)
    assert (summary.requests, summary.errors) == (50, 5)
    assert summary.error_rate == pytest.approx(0.1)
    assert summary.request_rate == pytest.approx(50 / window)
    latencies = sent["latency_ms"].to_numpy()
    assert summary.latency_ms.max == pytest.approx(latencies.max())
    assert summary.latency_ms.p50 == pytest.approx(np.percentile(latencies, 50))
    assert latencies.min() <= summary.latency_ms.p50 <= summary.latency_ms.p99
    assert sum(b.requests for b in summary.timeline) == 50
    assert sum(b.errors for b in summary.timeline) == 5
    assert len(summary.timeline) == int(np.ceil(window / 0.25))
    assert [e.status for e in summary.recent] == [400] * 5 + [200] * 2  # newest first
    assert summary.recent[0].ts >= summary.recent[-1].ts

    # In-distribution inputs (the training rows themselves): scored, nothing drifted.
    assert {d.feature for d in summary.drift} == {"x1", "x2", "color"}
    assert not [d for d in summary.drift if d.drifted], summary.drift
    assert all(d.count == 180 for d in summary.drift) and summary.drift_reason is None

    named = figures(summary)
    assert named["requests"]["data"][0]["y"] == [b.requests for b in summary.timeline]
    assert named["drift"]["data"][0]["x"] == [d.feature for d in summary.drift]


def test_shifted_inputs_are_flagged_as_drift(server: Server, log_dir: Path) -> None:
    time.sleep(1.1)
    before, start = len(read_log(log_dir, 0.0, time.time())), time.time()
    rng = np.random.default_rng(7)
    for _ in range(20):  # x1 shifted by three standard deviations; colour all blue
        x1, x2 = rng.normal(3.0, 1.0, 10), rng.uniform(0.0, 10.0, 10)
        rows = [[float(a), float(b), "blue"] for a, b in zip(x1, x2, strict=True)]
        assert server.post("/v1/models/scorer:predict", {"instances": rows})[0] == 200
    _wait_for_lines(log_dir, before + 20)
    summary = summarize("scorer", window_s=time.time() - start + 0.5)
    drift = {d.feature: d for d in summary.drift}
    assert summary.requests == 20 and drift["x1"].count == 200
    assert drift["x1"].drifted and drift["x1"].statistic == "psi" and drift["x1"].score > 1
    assert drift["x1"].current == pytest.approx(3, abs=0.6)
    assert drift["color"].drifted and drift["color"].statistic == "total_variation"
    assert drift["color"].score == pytest.approx(0.9, abs=0.05)
    assert not drift["x2"].drifted

    # Too few rows: no scores, and why.
    few = summarize("scorer", window_s=0.001)
    assert few.drift == [] and few.requests == 0 and "no readable inputs" in few.drift_reason


def test_a_deployment_started_by_the_service_logs_its_requests(
    deployed: Any, log_dir: Path, server: Server
) -> None:
    """The service names the log folder to the servers it starts (hsml's start())."""
    _, deployment, _ = deployed
    before = len(read_log(log_dir, 0.0, time.time()))
    deployment.start(await_running=60)
    try:
        for k in range(5):
            assert deployment.predict(inputs=[[k, 1.0, "red"]]) == {"predictions": [k + 1.0]}
    finally:
        deployment.stop()
    lines = _wait_for_lines(log_dir, before + 5).iloc[before:]
    assert lines["status"].tolist() == [200] * 5
    assert lines["pid"].nunique() == 1 and lines["pid"].iloc[0] != server.process.pid


def test_a_model_without_lineage_gets_no_drift_and_why(plab: Lab, tmp_path: Path) -> None:
    mr = hopsworks.login().get_model_registry()
    (tmp_path / "w").write_text("1")
    mr.python.create_model("plain").save(str(tmp_path))
    references, reason = training_reference(plab, Registry.here().require("plain", 1))
    assert references == [] and "no training dataset lineage" in reason


def test_bad_windows_are_refused(deployed: Any) -> None:
    with pytest.raises(BadInput, match="positive seconds"):
        summarize("scorer", window_s=0)
    with pytest.raises(BadInput, match="at most"):
        summarize("scorer", window_s=1e9, bucket_s=1)
    with pytest.raises(BadInput, match="recent"):
        summarize("scorer", recent=-1)


# -- rotation, Kafka, hsml's InferenceLogger --------------------------------------------


def test_files_rotate_at_the_size_limit(deployed: Any, tmp_path: Path) -> None:
    model, _, script = deployed
    folder = tmp_path / "Logs" / "scorer"
    small = Server(
        model.download(),
        script,
        {LOG_DIR_ENV: str(folder), MAX_BYTES_ENV: "4000", BACKUPS_ENV: "2"},
    )
    try:
        for k in range(60):
            assert (
                small.post("/v1/models/scorer:predict", {"instances": [[k, 1.0, "red"]]})[0] == 200
            )
    finally:
        small.stop()
    pid = small.process.pid
    names = sorted(p.name for p in log_files(folder))
    assert names == [
        f"inference-{pid}.jsonl",
        f"inference-{pid}.jsonl.1",
        f"inference-{pid}.jsonl.2",
    ]
    assert all(p.stat().st_size <= 4000 for p in log_files(folder))
    kept = read_log(folder, 0.0, time.time() + 1)
    firsts = [json.loads(r)["instances"][0][0] for r in kept["request"]]
    assert 0 < len(kept) < 60 and firsts == list(range(60 - len(kept), 60))  # the newest kept


def test_kafka_message_shape_and_no_broker_configured(tmp_path: Path) -> None:
    assert kafka_sender(None, "scorer_inference_logs") is None
    assert kafka_sender("", "scorer_inference_logs") is None
    # Configured but unreachable (or kafka-python not installed): the files go on.
    assert kafka_sender("127.0.0.1:1", "scorer_inference_logs") is None
    entry = {
        "ts": 1.5, "deployment": "scorer", "model_version": "1", "protocol": "v2",
        "route": "/v2/models/scorer/infer", "status": 500, "latency_ms": 2.34567,
        "request": b'{"inputs": []}', "response": b'{"error": "the model failed"}',
        "error": None, "pid": 42,
    }  # fmt: skip
    message = json.loads(entry_line(entry).encode("utf-8"))
    assert message == {
        "ts": 1.5, "deployment": "scorer", "model_version": "1", "protocol": "v2",
        "route": "/v2/models/scorer/infer", "status": 500, "latency_ms": 2.346,
        "request": '{"inputs": []}', "request_truncated": False,
        "response": '{"error": "the model failed"}', "response_truncated": False,
        "error": "the model failed", "pid": 42,
    }  # fmt: skip


def test_modes_keep_requests_or_responses(tmp_path: Path) -> None:
    for mode, has_request, has_response in [
        ("MODEL_INPUTS", True, False),
        ("PREDICTIONS", False, True),
    ]:
        folder = tmp_path / mode
        log = InferenceLog(folder, "scorer", 1, mode=mode)
        log.record("v2", "/v2/models/scorer/infer", 200, 1.0, b'{"in": 1}', b'{"out": 2}')
        log.close()
        (line,) = read_log(folder, 0.0, time.time() + 1).to_dict("records")
        assert (line["request"] is not None, line["response"] is not None) == (
            has_request,
            has_response,
        )
    with pytest.raises(BadInput, match="use one of"):
        InferenceLog(tmp_path, "scorer", 1, mode="SOME")


def test_hsml_inference_logger_as_hsml_has_it(deployed: Any, capsys: Any) -> None:
    logger = InferenceLogger()
    assert logger.mode == "ALL" and logger.kafka_topic.name == "CREATE"
    assert logger.kafka_topic.num_replicas == 1 and "default value '1'" in capsys.readouterr().out
    assert logger.to_dict() == {
        "inferenceLogging": "ALL",
        "kafkaTopicDTO": {"name": "CREATE", "numOfReplicas": 1, "numOfPartitions": 1},
    }
    assert InferenceLogger(kafka_topic=None).mode == "NONE"
    assert InferenceLogger.from_json({"mode": "ALL"}).mode == "NONE"  # as hsml: no topic
    assert InferenceLogger(kafka_topic=KafkaTopic("t", 2, 3), mode=None).mode == "NONE"
    with pytest.raises(
        ValueError, match="Possible values are 'NONE, ALL, MODEL_INPUTS, PREDICTIONS'"
    ):
        InferenceLogger(mode="SOME")
    model = deployed[0]
    predictor_deployment = model.deploy(
        name="scorerlogged", script_file=str(deployed[2]), inference_logger=InferenceLogger()
    )
    assert predictor_deployment.name == "scorerlogged"
    bad = InferenceLogger(kafka_topic=KafkaTopic("t"))
    bad.mode = "SOME"
    with pytest.raises(ModelRegistryException, match="mode 'SOME': use one of ALL, MODEL_INP"):
        model.deploy(script_file=str(deployed[2]), inference_logger=bad)
    service = DeploymentService.here()
    service.delete("scorerlogged")
    # PREDICTIONS: each entry keeps the response and drops the request
    logged = model.deploy(
        name="scorerpredictions",
        script_file=str(deployed[2]),
        inference_logger=InferenceLogger(mode="PREDICTIONS"),
    )
    assert service.require("scorerpredictions").inference_logging == "PREDICTIONS"
    logged.start()
    try:
        assert logged.predict(inputs=[[1.0, 2.0, "red"]])["predictions"] == [3.0]
        lines = _wait_for_lines(service.inference_log_dir("scorerpredictions"), 1)
        assert lines["request"].isna().all()
        assert json.loads(lines["response"].iloc[0])["predictions"] == [3.0]
    finally:
        service.delete("scorerpredictions", force=True)


def test_hsml_signatures_are_the_real_ones() -> None:
    """hopsworks 5.2.1's hsml.inference_logger / hsml.kafka_topic parameters, in order."""
    from hopsml_lab.hsml.constants import DEFAULT

    def params(target: Any) -> list[tuple[str, Any]]:
        found = inspect.signature(target).parameters.values()
        return [(p.name, None if p.default is p.empty else p.default) for p in found]

    assert params(InferenceLogger) == [("kafka_topic", DEFAULT), ("mode", "ALL"), ("kwargs", None)]
    names = "name num_of_replicas num_of_partitions schema_name schema_version schema_content "
    names += "shared accepted type href expand items count num_replicas num_partitions kwargs"
    assert [n for n, _ in params(KafkaTopic)] == names.split()
    assert params(KafkaTopic)[0] == ("name", "CREATE")


# -- the cost ----------------------------------------------------------------------------


def test_logging_costs_little_throughput(deployed: Any, server: Server) -> None:
    """The server's CPU time per request with and without logging (CPU time, unlike
    requests/s, does not move with the load other processes put on the machine)."""
    model, _, script = deployed
    plain = Server(model.download(), script, {})
    body = {"instances": [[0.1, 0.2, "red"], [0.3, 0.4, "blue"]]}

    def measure(target: Server, count: int = 500) -> tuple[float, float]:
        process = psutil.Process(target.process.pid)
        cpu, start = sum(process.cpu_times()[:2]), time.perf_counter()
        for _ in range(count):
            target.post("/v1/models/scorer:predict", body)
        elapsed = time.perf_counter() - start
        time.sleep(2 * InferenceLog.FLUSH_S)  # the writer's share of the batch counts too
        return (sum(process.cpu_times()[:2]) - cpu) / count * 1e6, count / elapsed

    try:
        measure(plain, 50), measure(server, 50)  # warm up both
        rounds = [(measure(plain), measure(server)) for _ in range(3)]  # interleaved
    finally:
        plain.stop()
    # CPU time is counted in 10 ms ticks: the mean over 1,500 requests each.
    cpu_plain = float(np.mean([p[0] for p, _ in rounds]))
    cpu_logged = float(np.mean([logged[0] for _, logged in rounds]))
    rate_plain = max(p[1] for p, _ in rounds)
    rate_logged = max(logged[1] for _, logged in rounds)
    print(
        f"server CPU per request: {cpu_plain:.0f} us without logging, {cpu_logged:.0f} us "
        f"with ({cpu_logged / cpu_plain - 1:+.1%}); requests/s {rate_plain:.0f} without, "
        f"{rate_logged:.0f} with ({rate_logged / rate_plain - 1:+.1%})"
    )
    # Measured +2% to +4% on a quiet machine; the bound leaves room for a busy one.
    assert cpu_logged < 1.5 * cpu_plain, rounds
