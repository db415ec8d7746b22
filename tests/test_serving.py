"""Model serving end to end: registered models (sklearn, Keras, a Python predictor)
served by real model server processes on 127.0.0.1, queried over TF Serving's REST API
and the V2 protocol, bad requests refused with 4xx while the server keeps answering, and
the deployment lifecycle through hsml's and hops' APIs and a plain ``python`` script."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hopsml_lab import hopsworks, serving
from hopsml_lab.deployments import (
    BadInferenceRequest,
    DeploymentConflict,
    DeploymentService,
    DeploymentStartError,
)
from hopsml_lab.hsml.client.exceptions import ModelServingException
from hopsml_lab.lab import Lab

from .serving_models import port_free, serving_lab

pytestmark = [
    pytest.mark.filterwarnings("ignore::hopsml_lab.registry.errors.ProvenanceWarning"),
    pytest.mark.timeout(300),
]
PEERS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def plab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from serving_lab(tmp_path_factory, "serving")


@pytest.fixture(scope="module")
def mr(plab: Lab) -> Any:
    return hopsworks.login().get_model_registry()


@pytest.fixture(scope="module")
def iris(plab: Lab, mr: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, np.ndarray]:
    """A fitted sklearn classifier saved with hsml, and rows it was fitted on."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.random((60, 4))
    y = (X[:, 0] > 0.5).astype(int)
    folder = tmp_path_factory.mktemp("iris")
    (folder / "model.pkl").write_bytes(pickle.dumps(LogisticRegression().fit(X, y)))
    model = mr.sklearn.create_model("iris", metrics={"accuracy": 0.9})
    model.save(str(folder))
    return model, X[:3]


@pytest.fixture(scope="module")
def running(iris: tuple[Any, np.ndarray]) -> Iterator[Any]:
    deployment = iris[0].deploy()
    deployment.start(await_running=60)
    yield deployment
    deployment.stop()


def _call(url: str, body: Any = None, raw: bytes | None = None) -> tuple[int, Any]:
    data = raw if raw is not None else None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


# -- TF Serving REST and V2 on the sklearn model -----------------------------------------


def test_tf_serving_rest_row_and_columnar(running: Any, iris: tuple[Any, np.ndarray]) -> None:
    rows = iris[1].tolist()
    expected = pickle.loads(next(Path(iris[0].download()).glob("*.pkl")).read_bytes()).predict(
        iris[1]
    )
    base = running.get_url() + "/v1/models/iris"
    assert _call(base)[1]["model_version_status"][0]["state"] == "AVAILABLE"
    assert _call(base + "/metadata")[1]["model_spec"]["name"] == "iris"
    status, answer = _call(base + ":predict", {"instances": rows})
    assert status == 200 and answer == {"predictions": expected.tolist()}
    status, answer = _call(base + "/versions/1:predict", {"inputs": rows})
    assert status == 200 and answer == {"outputs": expected.tolist()}
    assert running.predict(inputs=rows) == {"predictions": expected.tolist()}
    assert running.predict(inputs=rows[0]) == {"predictions": expected[:1].tolist()}
    assert running.predict(data={"instances": rows})["predictions"] == expected.tolist()


def test_v2_protocol_with_plain_json(running: Any, iris: tuple[Any, np.ndarray]) -> None:
    base = running.get_url()
    assert _call(base + "/v2/health/live") == (200, {"live": True})
    assert _call(base + "/v2/health/ready")[0] == 200
    assert _call(base + "/v2/models/iris/ready")[1]["ready"] is True
    meta = _call(base + "/v2/models/iris")[1]
    assert meta["inputs"] == [{"name": "inputs", "datatype": "FP64", "shape": [-1, 4]}]
    tensor = {
        "name": "inputs",
        "shape": [3, 4],
        "datatype": "FP64",
        "data": iris[1].ravel().tolist(),
    }
    status, answer = _call(base + "/v2/models/iris/infer", {"id": "r1", "inputs": [tensor]})
    assert status == 200 and answer["id"] == "r1" and answer["model_name"] == "iris"
    assert answer["outputs"][0]["shape"] == [3]
    assert answer["outputs"][0]["data"] == running.predict(inputs=iris[1].tolist())["predictions"]


BAD = [
    (":predict", None, b"{not json", 400, "not JSON"),
    (":predict", {"instances": [[1, 2]]}, None, 400, "shape [1, 2]"),
    (":predict", {"instances": [["a", "b", "c", "d"]]}, None, 400, "float64"),
    (":predict", {"instances": [[1, 2, 3, 4], [1]]}, None, 400, "unequal"),
    (":predict", {"rows": [[1, 2, 3, 4]]}, None, 400, '"instances"'),
    (":predict", [1, 2], None, 400, '"instances"'),
    (":classify", {"instances": [[1, 2, 3, 4]]}, None, 400, "classify"),
]


@pytest.mark.parametrize(("verb", "body", "raw", "code", "says"), BAD)
def test_bad_requests_get_a_4xx_and_the_server_keeps_answering(
    running: Any, verb: str, body: Any, raw: bytes | None, code: int, says: str
) -> None:
    status, answer = _call(running.get_url() + "/v1/models/iris" + verb, body, raw)
    assert status == code and says in answer["error"]
    assert running.predict(inputs=[[0.1, 0.2, 0.3, 0.4]])["predictions"] in ([0], [1])


def test_a_too_large_body_gets_413_before_it_is_read(running: Any) -> None:
    import http.client

    host, port = running.get_url()[7:].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.putrequest("POST", "/v1/models/iris:predict")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(64 * 1024 * 1024))
    connection.endheaders()  # the body never comes: the size alone is refused
    response = connection.getresponse()
    assert response.status == 413 and "larger than" in json.loads(response.read())["error"]
    connection.close()
    assert running.predict(inputs=[[0.1, 0.2, 0.3, 0.4]])["predictions"] in ([0], [1])


def test_bad_v2_requests_and_unknown_models(running: Any) -> None:
    base = running.get_url()
    tensor = {"name": "inputs", "shape": [1, 4], "datatype": "FP64", "data": [1, 2, 3]}
    status, answer = _call(base + "/v2/models/iris/infer", {"inputs": [tensor]})
    assert status == 400 and "do not fill shape" in answer["error"]
    status, answer = _call(
        base + "/v2/models/iris/infer", {"inputs": [{**tensor, "datatype": "X"}]}
    )
    assert status == 400 and "datatype" in answer["error"]
    assert _call(base + "/v1/models/other:predict", {"instances": [[1]]})[0] == 404
    assert _call(base + "/v1/models/iris/versions/7")[0] == 404
    assert _call(base + "/nowhere")[0] == 404
    with pytest.raises(BadInferenceRequest, match="shape"):
        running.predict(inputs=[[1.0]])
    assert running.is_running()


# -- Keras and a Python predictor ------------------------------------------------------


def _wait_running(deployment: Any, timeout: float = 120) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not deployment.is_running():
        assert deployment.get_state().status == "Starting", deployment.get_state().status
        assert time.monotonic() < deadline, "the model server did not start"
        time.sleep(0.2)


def test_keras_file_and_saved_model_over_both_protocols(mr: Any, tmp_path: Path) -> None:
    import keras

    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    (tmp_path / "keras").mkdir()
    model.save(tmp_path / "keras" / "model.keras")
    model.export(str(tmp_path / "saved" / "1"), verbose=False)  # a SavedModel folder
    x = np.random.default_rng(1).random((2, 8)).astype("float32")
    expected = model.predict(x, verbose=0)
    deployments = [
        mr.tensorflow.create_model("tiny").save(str(tmp_path / "keras")).deploy(name="tinykeras"),
        mr.tensorflow.create_model("tinysaved").save(str(tmp_path / "saved")).deploy(),
    ]
    for deployment in deployments:  # both start at once; await_running=None returns at once
        assert deployment.model_server == "TENSORFLOW_SERVING"
        deployment.start(await_running=None)
    try:
        for deployment in deployments:
            _wait_running(deployment)
            answer = deployment.predict(inputs=x.tolist())
            np.testing.assert_allclose(answer["predictions"], expected, rtol=1e-5)
            base, name = deployment.get_url(), deployment.name
            meta = _call(f"{base}/v2/models/{name}")[1]
            assert meta["inputs"][0]["shape"] == [-1, 8]
            tensor = {
                "name": meta["inputs"][0]["name"],
                "shape": [2, 8],
                "datatype": "FP32",
                "data": x.ravel().tolist(),
            }
            status, v2 = _call(f"{base}/v2/models/{name}/infer", {"inputs": [tensor]})
            assert status == 200
            np.testing.assert_allclose(v2["outputs"][0]["data"], expected.ravel(), rtol=1e-5)
            status, bad = _call(f"{base}/v1/models/{name}:predict", {"instances": [[1] * 7]})
            assert status == 400 and "shape [1, 7]" in bad["error"]
            signature = _call(f"{base}/v1/models/{name}/metadata")[1]["metadata"]
            assert signature["signature_def"]["signature_def"]["serving_default"]["inputs"]
    finally:
        for deployment in deployments:
            deployment.stop()


PREDICTOR = """
import os, json

class Predict:
    def __init__(self):
        with open(os.path.join(os.environ["MODEL_FILES_PATH"], "weights.json")) as f:
            self.weights = json.load(f)
        assert os.environ["ARTIFACT_FILES_PATH"] == os.environ["MODEL_FILES_PATH"]

    def predict(self, inputs):
        return [sum(w * x for w, x in zip(self.weights, row)) for row in inputs]
"""


def test_python_predictor_script_as_hopsworks_runs_it(mr: Any, tmp_path: Path) -> None:
    folder = tmp_path / "linear"
    folder.mkdir()
    (folder / "weights.json").write_text("[1, 10]")
    script = tmp_path / "predictor.py"
    script.write_text(PREDICTOR)
    model = mr.python.create_model("linear").save(str(folder))
    with pytest.raises(ValueError, match="Predictor scripts are required"):
        model.deploy()
    deployment = model.deploy(script_file=str(script))
    deployment.start(await_running=60)
    try:
        assert deployment.predict(inputs=[[1, 2], [3, 4]]) == {"predictions": [21, 43]}
        tensor = {"name": "rows", "shape": [1, 2], "datatype": "INT64", "data": [2, 1]}
        status, v2 = _call(deployment.get_url() + "/v2/models/linear/infer", {"inputs": [tensor]})
        assert status == 200 and v2["outputs"][0]["data"] == [12]
        status, answer = _call(deployment.get_url() + "/v1/models/linear:predict", {"instances": 5})
        assert status == 400 and "cannot take this input" in answer["error"]
        assert deployment.predict(inputs=[[0, 1]]) == {"predictions": [10]}
    finally:
        deployment.stop()


# -- lifecycle -------------------------------------------------------------------------


def test_hsml_lifecycle_state_logs_and_port(iris: tuple[Any, np.ndarray], capsys) -> None:
    ms = hopsworks.login().get_model_serving()
    deployment = iris[0].deploy(name="irislife", description="lifecycle")
    assert ms.get_deployment("irislife").get_state().status == "Created"
    assert deployment.is_stopped() and not deployment.is_running()
    deployment.start()
    state = deployment.get_state()
    assert state.status == "Running" and state.available_predictor_instances == 1
    assert "irislife" in [d.name for d in ms.get_deployments(status="RUNNING")]
    assert "irislife" in [d.name for d in ms.get_deployments(iris[0])]
    with pytest.raises(DeploymentConflict, match="stop it first"):
        deployment.delete()
    deployment.get_logs(tail=50)
    assert "Uvicorn running on http://127.0.0.1" in capsys.readouterr().out
    port = state.internal_port
    deployment.stop()
    assert deployment.get_state().status == "Stopped" and port_free(port)
    with pytest.raises(ModelServingException, match="not running"):
        deployment.predict(inputs=[[1, 2, 3, 4]])
    deployment.delete()
    assert ms.get_deployment("irislife") is None


def test_a_server_that_cannot_load_fails_with_its_log(mr: Any, tmp_path: Path) -> None:
    script = tmp_path / "broken.py"
    script.write_text("class Predict:\n    def __init__(self):\n        raise RuntimeError('no')\n")
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "x.txt").write_text("x")
    deployment = mr.python.create_model("broken").save(str(folder)).deploy(script_file=str(script))
    with pytest.raises(DeploymentStartError, match="RuntimeError: no"):
        deployment.start(await_running=60)
    assert deployment.get_state().status == "Failed"


def test_hops_serving_api(iris: tuple[Any, np.ndarray]) -> None:
    with pytest.raises(ValueError, match=r"\^\[a-zA-Z0-9\]\+\$"):
        serving.create_or_update("bad_name", "/Models/iris", "PYTHON")
    with pytest.raises(ValueError, match="not supported"):
        serving.create_or_update("irishops", "/Models/iris", "TORCHSERVE")
    serving.create_or_update("irishops", "/Models/iris", "PYTHON", model_version=1)
    assert serving.exists("irishops") and not serving.exists("nothere")
    assert serving.get_status("irishops") == "Created"
    serving.start("irishops")
    try:
        assert serving.get_status("irishops") == "Running"
        answer = serving.make_inference_request("irishops", {"instances": iris[1].tolist()})
        assert len(answer["predictions"]) == 3
        assert serving.get_model_name("irishops") == "iris"
        assert serving.get_available_instances("irishops") == 1
        [endpoint] = serving.get_internal_endpoints("irishops")
        assert endpoint.startswith("http://127.0.0.1:")
        assert "irishops" in [s.name for s in serving.get_all()]
    finally:
        serving.stop("irishops")
    assert serving.get_status("irishops") == "Stopped"
    serving.delete("irishops")
    assert not serving.exists("irishops")


SCRIPT = """
import json, sys
from hopsml_lab import hopsworks

project = hopsworks.login()
model = project.get_model_registry().get_model("iris", version=1)
deployment = model.deploy(name="irisscript")
deployment.start(await_running=60)
answer = deployment.predict(inputs=json.loads(sys.argv[1]))
print(json.dumps({"answer": answer, "port": deployment.get_state().internal_port}))
deployment.stop()
print(json.dumps({"after": deployment.get_state().status}))
"""


def test_a_plain_python_script_deploys_and_queries(
    plab: Lab, iris: tuple[Any, np.ndarray], tmp_path: Path
) -> None:
    script = tmp_path / "deploy.py"
    script.write_text(textwrap.dedent(SCRIPT))
    env = {
        **os.environ,
        "HOPSML_PROJECT_ROOT": plab.settings.project_root,
        "HOPSML_CATALOG_URL": plab.settings.catalog_url or "",
    }
    done = subprocess.run(
        [sys.executable, str(script), json.dumps(iris[1].tolist())],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(lines[0]["answer"]["predictions"]) == 3 and lines[1]["after"] == "Stopped"
    assert port_free(lines[0]["port"])
    # the script's deployment is in this process's catalog too
    assert DeploymentService.here().get("irisscript").state == "Stopped"


def test_v2_client_from_peer_venv(running: Any, iris: tuple[Any, np.ndarray]) -> None:
    """tritonclient's V2 HTTP client, in its own venv (peers.txt ``v2client``, made on
    first use), against our server."""
    from benchmarks.peers import peer_python

    code = textwrap.dedent(f"""
        import json, numpy as np, tritonclient.http as http
        client = http.InferenceServerClient("{running.get_url()[7:]}")
        assert client.is_server_live() and client.is_model_ready("iris")
        x = np.array({iris[1].tolist()}, dtype=np.float64)
        inp = http.InferInput("inputs", list(x.shape), "FP64")
        inp.set_data_from_numpy(x, binary_data=False)
        wanted = [http.InferRequestedOutput("predictions", binary_data=False)]
        out = client.infer("iris", [inp], outputs=wanted).as_numpy("predictions")
        try:  # the binary tensor extension is refused with what to do
            inp.set_data_from_numpy(x, binary_data=True)
            client.infer("iris", [inp])
            raise SystemExit("binary data was accepted")
        except http.InferenceServerException as error:
            assert "binary_data=False" in str(error), error
        print(json.dumps(out.tolist()))
    """)
    done = subprocess.run(
        [str(peer_python("v2client")), "-c", code], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == running.predict(inputs=iris[1].tolist())["predictions"]


def test_the_deployments_table_is_the_migrations_table(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from hopsml_lab.catalog import Base, Database
    from hopsml_lab.catalog.db import alembic_config

    db = Database(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert [d for d in diff if "deployments" in repr(d)] == []
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert db.current_revision() == head
    finally:
        db.dispose()
