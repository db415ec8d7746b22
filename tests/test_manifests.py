"""Kubernetes manifests for registered model versions (``deployments.manifests`` and
``%deploy --manifest``): a KServe InferenceService and a TensorFlow Serving Deployment
and Service, parsed back from their YAML and checked for the model's path, protocol,
ports, replicas and resources; on a project on a local folder and on HDFS (the WebHDFS
double).

No Kubernetes runs here: nothing applies these manifests to a cluster. What can run here
does: the custom predictor's command (our model server) is started as written, on the
version's downloaded files, and answers its readiness probe and a prediction."""

from __future__ import annotations

import json
import pickle
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from IPython.core.error import UsageError
from IPython.utils.capture import capture_output

from hopsml_lab import hopsworks
from hopsml_lab.deployments import manifests
from hopsml_lab.errors import BadInput
from hopsml_lab.lab import Lab, get_lab, set_lab
from hopsml_lab.registry import ModelNotFound, Registry
from hopsml_lab.settings import Settings

pytestmark = pytest.mark.filterwarnings("ignore::hopsml_lab.registry.errors.ProvenanceWarning")


def _register(tmp_path: Path) -> Any:
    """A TensorFlow SavedModel's files (never loaded here: no TF Serving runs), a fitted
    sklearn classifier, and a Python model, saved with hsml; the classifier's rows."""
    from sklearn.linear_model import LogisticRegression

    mr = hopsworks.login(engine="python").get_model_registry()
    saved = tmp_path / "saved"
    (saved / "variables").mkdir(parents=True)
    (saved / "saved_model.pb").write_bytes(b"\x08\x01")
    (saved / "variables" / "variables.index").write_bytes(b"\x00")
    mr.tensorflow.create_model("mnist_tf").save(str(saved))
    rng = np.random.default_rng(0)
    X = rng.random((20, 2))
    (tmp_path / "clf").mkdir()
    fitted = LogisticRegression().fit(X, (X[:, 0] > 0.5).astype(int))
    (tmp_path / "clf" / "model.pkl").write_bytes(pickle.dumps(fitted))
    mr.sklearn.create_model("iris_clf").save(str(tmp_path / "clf"))
    (tmp_path / "weights.json").write_text("[1, 2]")
    mr.python.create_model("doubler").save(str(tmp_path / "weights.json"))
    return fitted, X[:3]


@pytest.fixture
def registered(project: Path, tmp_path: Path) -> tuple[str | None, str]:
    """The models on a local or HDFS project: (storage root to give, the URI it yields)."""
    _register(tmp_path)
    root = get_lab().store.url("")
    if root.startswith("hdfs://"):
        return None, root  # the project's own hdfs:// root is the default
    return "pvc://models-claim/demo", "pvc://models-claim/demo"


def _docs(text: str) -> list[dict[str, Any]]:
    return list(yaml.safe_load_all(text))


def test_kserve_tensorflow_model_format_reads_the_version(
    registered: tuple[str | None, str],
) -> None:
    root, uri = registered
    text = manifests.render(
        "kserve", "mnist_tf", 1, storage_root=root, protocol="v2", instances=3, cpu="2",
        memory="4Gi", gpus=1,
    )  # fmt: skip
    (isvc,) = _docs(text)
    assert (isvc["apiVersion"], isvc["kind"]) == ("serving.kserve.io/v1beta1", "InferenceService")
    assert isvc["metadata"]["name"] == "mnisttf"
    assert isvc["metadata"]["labels"]["hopsml.io/model-version"] == "1"
    files = f"{uri}/Models/mnist_tf/1/Files"
    assert isvc["metadata"]["annotations"]["hopsml.io/storage-uri"] == files
    predictor = isvc["spec"]["predictor"]
    assert (predictor["minReplicas"], predictor["maxReplicas"]) == (3, 3)
    model = predictor["model"]
    assert model["modelFormat"] == {"name": "tensorflow"} and model["protocolVersion"] == "v2"
    assert model["resources"]["requests"] == {"cpu": "2", "memory": "4Gi"}
    assert model["resources"]["limits"] == {"cpu": "2", "memory": "4Gi", "nvidia.com/gpu": 1}
    assert model["volumeMounts"] == [{"name": "model-files", "mountPath": "/mnt/models"}]
    # TF Serving reads <base>/<version>/saved_model.pb: the version goes to /mnt/models/1.
    (init,) = predictor["initContainers"]
    assert init["image"].startswith("kserve/storage-initializer:")
    volumes = {v["name"]: v for v in predictor["volumes"]}
    assert volumes["model-files"] == {"name": "model-files", "emptyDir": {}}
    if uri.startswith("pvc://"):
        assert init["args"] == ["/mnt/pvc/demo/Models/mnist_tf/1/Files", "/mnt/models/1"]
        assert volumes["model-claim"]["persistentVolumeClaim"]["claimName"] == "models-claim"
    else:
        assert uri.startswith("hdfs://namenode:8020/")
        assert init["args"] == [files, "/mnt/models/1"] and "model-claim" not in volumes
    assert Registry.here().store.exists("Models/mnist_tf/1/Files/saved_model.pb")


def test_tfserving_deployment_and_service(registered: tuple[str | None, str]) -> None:
    root, uri = registered
    deployment, service = _docs(
        manifests.render("tfserving", "mnist_tf", storage_root=root, instances=2, memory="2Gi")
    )
    assert (deployment["apiVersion"], deployment["kind"]) == ("apps/v1", "Deployment")
    assert (service["apiVersion"], service["kind"]) == ("v1", "Service")
    spec = deployment["spec"]
    assert spec["replicas"] == 2
    pod = spec["template"]
    assert spec["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    (server,) = pod["spec"]["containers"]
    assert server["image"].startswith("tensorflow/serving:")
    assert "--model_base_path=/mnt/models/mnisttf" in server["args"]
    assert "--model_name=mnisttf" in server["args"] and "--rest_api_port=8501" in server["args"]
    assert {p["name"]: p["containerPort"] for p in server["ports"]} == {"rest": 8501, "grpc": 8500}
    assert server["readinessProbe"]["httpGet"] == {"path": "/v1/models/mnisttf", "port": 8501}
    assert server["resources"]["requests"] == {"cpu": "1", "memory": "2Gi"}
    (init,) = pod["spec"]["initContainers"]
    assert init["args"][1] == "/mnt/models/mnisttf/1"  # <base path>/<version>
    assert pod["metadata"]["annotations"]["hopsml.io/storage-uri"].startswith(uri)
    assert service["spec"]["selector"] == {"app": "mnisttf"}
    assert {p["name"]: (p["port"], p["targetPort"]) for p in service["spec"]["ports"]} == {
        "rest": (8501, 8501),
        "grpc": (8500, 8500),
    }


def test_kserve_custom_predictor_runs_our_model_server(
    registered: tuple[str | None, str],
) -> None:
    root, uri = registered
    for protocol, ready in (("v1", "/v1/models/irisclf"), ("v2", "/v2/health/ready")):
        (isvc,) = manifests.manifests("kserve", "iris_clf", 1, storage_root=root, protocol=protocol)
        predictor = isvc["spec"]["predictor"]
        assert "model" not in predictor
        (container,) = predictor["containers"]
        assert container["command"] == ["python", "-m", "hopsml_lab.deployments.serve"]
        args = container["args"]
        assert args[args.index("--model-dir") + 1] == "/mnt/models"
        assert args[args.index("--port") + 1] == "8080" and "--script" not in args
        assert container["ports"] == [{"containerPort": 8080, "protocol": "TCP"}]
        assert container["readinessProbe"]["httpGet"] == {"path": ready, "port": 8080}
        env = {e["name"]: e["value"] for e in container["env"]}
        assert env["STORAGE_URI"] == f"{uri}/Models/iris_clf/1/Files"
    with pytest.raises(BadInput, match="predictor script must be in the image"):
        manifests.manifests("kserve", "doubler", storage_root=root)
    (isvc,) = manifests.manifests(
        "kserve", "doubler", storage_root=root, script="/app/predictor.py", image="me/srv:1"
    )
    (container,) = isvc["spec"]["predictor"]["containers"]
    assert container["image"] == "me/srv:1" and "/app/predictor.py" in container["args"]


@pytest.fixture
def local_lab(tmp_path: Path) -> Iterator[Lab]:
    lab = Lab(Settings(project_root=str(tmp_path / "project")))
    set_lab(lab)
    yield lab
    set_lab(None)
    lab.db.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_custom_predictors_command_serves_the_version(local_lab: Lab, tmp_path: Path) -> None:
    """The container's command as written, its /mnt/models the downloaded version."""
    fitted, rows = _register(tmp_path)
    (isvc,) = manifests.manifests("kserve", "iris_clf", storage_root="s3://bucket/demo")
    (container,) = isvc["spec"]["predictor"]["containers"]
    registry = Registry.here()
    folder = registry.download(registry.require("iris_clf", 1))
    port = _free_port()
    args = [folder if a == "/mnt/models" else a for a in container["args"]]
    args = [str(port) if a == "8080" else "127.0.0.1" if a == "0.0.0.0" else a for a in args]
    command = [sys.executable, *container["command"][1:], *args]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        probe = base + container["readinessProbe"]["httpGet"]["path"]
        deadline = time.monotonic() + 90
        while True:
            try:
                if _get(probe) == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.3)
        request = urllib.request.Request(
            f"{base}/v1/models/irisclf:predict",
            data=json.dumps({"instances": rows.tolist()}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert json.loads(answer.read()) == {"predictions": fitted.predict(rows).tolist()}
    finally:
        server.terminate()
        server.wait(10)


def test_bad_requests_say_what_to_change(local_lab: Lab, tmp_path: Path) -> None:
    _register(tmp_path)
    with pytest.raises(BadInput, match=r"cluster cannot read.*--storage-uri"):
        manifests.manifests("kserve", "mnist_tf")
    with pytest.raises(BadInput, match="starting with one of"):
        manifests.manifests("kserve", "mnist_tf", storage_root="ftp://host/x")
    pvc = {"storage_root": "pvc://c/p"}
    with pytest.raises(BadInput, match=r"TensorFlow SavedModels only.*--manifest kserve"):
        manifests.manifests("tfserving", "iris_clf", **pvc)
    with pytest.raises(BadInput, match="Kubernetes names are lowercase"):
        manifests.manifests("kserve", "mnist_tf", name="Bad_Name", **pvc)
    with pytest.raises(BadInput, match="protocol='v3'"):
        manifests.manifests("kserve", "mnist_tf", protocol="v3", **pvc)
    with pytest.raises(BadInput, match="answers protocol v1"):
        manifests.manifests("tfserving", "mnist_tf", protocol="v2", **pvc)
    with pytest.raises(BadInput, match="instances=0"):
        manifests.manifests("tfserving", "mnist_tf", instances=0, **pvc)
    with pytest.raises(BadInput, match="gpus=-1"):
        manifests.manifests("kserve", "mnist_tf", gpus=-1, **pvc)
    with pytest.raises(BadInput, match="manifest kind 'helm'"):
        manifests.manifests("helm", "mnist_tf", **pvc)
    with pytest.raises(ModelNotFound, match="its versions are \\[1\\]"):
        manifests.manifests("kserve", "mnist_tf", 4, **pvc)
    with pytest.raises(ModelNotFound, match="no model 'nosuch'"):
        manifests.manifests("kserve", "nosuch", **pvc)


def test_yaml_round_trips(local_lab: Lab, tmp_path: Path) -> None:
    _register(tmp_path)
    documents = manifests.manifests("tfserving", "mnist_tf", storage_root="gs://b/p")
    assert _docs(manifests.to_yaml(documents)) == documents
    target = tmp_path / "out.yaml"
    text = manifests.render("tfserving", "mnist_tf", storage_root="gs://b/p", to=target)
    assert target.read_text() == text and _docs(text) == documents


def test_the_magic_prints_or_writes_them(ip: Any, local_lab: Lab, tmp_path: Path) -> None:
    _register(tmp_path)
    target = tmp_path / "mnist.yaml"
    line = f"mnist_tf --manifest tfserving --storage-uri pvc://c/p --to {target} --instances 2"
    with capture_output() as captured:
        ip.run_line_magic("deploy", line)
    assert "wrote the tfserving manifests" in captured.stdout
    deployment, service = _docs(target.read_text())
    assert deployment["spec"]["replicas"] == 2 and service["kind"] == "Service"
    with capture_output() as captured:
        ip.run_line_magic("deploy", "iris_clf --manifest kserve --storage-uri s3://b/p --cpu 3")
    (isvc,) = _docs(captured.stdout)
    assert isvc["spec"]["predictor"]["containers"][0]["resources"]["limits"]["cpu"] == "3"
    with pytest.raises(UsageError, match="--storage-uri"):
        ip.run_line_magic("deploy", "mnist_tf --manifest kserve")
    with pytest.raises(UsageError, match="TensorFlow SavedModels only"):
        ip.run_line_magic("deploy", "iris_clf --manifest tfserving --storage-uri s3://b/p")
