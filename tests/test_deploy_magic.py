"""``%deploy`` in a real IPython shell (the shared ``ip`` fixture): a tiny sklearn model
saved with hsml is deployed as a real model server process on 127.0.0.1, queried over
TF Serving's REST API, V2 and the printed curl line, listed and stopped; a grid search run
with ``%%experiment`` on the shared local Spark session saves a model per trial, and
``--from-experiment last --metric accuracy`` deploys the best trial's; bad input is
refused with a UsageError saying what to change."""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from IPython.core.error import UsageError
from IPython.utils.capture import capture_output

from hopsml_lab import hopsworks
from hopsml_lab.deployments import STOPPED, DeploymentService
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.settings import Settings

pytestmark = [
    pytest.mark.filterwarnings("ignore::hopsml_lab.registry.errors.ProvenanceWarning"),
    pytest.mark.timeout(300),
]

TRAIN = """
def train(c):
    from pathlib import Path
    import pickle
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from hopsml_lab import hopsworks

    rng = np.random.default_rng(0)
    X = rng.random((40, 3))
    y = (X[:, 0] > 0.3).astype(int)
    fitted = LogisticRegression(C=c).fit(X, y)
    accuracy = float(fitted.score(X, y))
    Path("export").mkdir()
    Path("export/model.pkl").write_bytes(pickle.dumps(fitted))
    mr = hopsworks.login().get_model_registry()
    mr.sklearn.create_model("grid_clf", metrics={"accuracy": accuracy}).save("export")
    return {"accuracy": accuracy}
"""


@pytest.fixture(scope="module")
def dlab(tmp_path_factory: pytest.TempPathFactory, spark_engine: Any) -> Iterator[Lab]:
    """A project on a local folder with a SQLite catalog, on the shared Spark session."""
    root = tmp_path_factory.mktemp("deploy")
    settings = Settings(
        project_root=str(root / "project"),
        catalog_url=f"sqlite:///{root}/c.db",
        spark_master="local[2]",
    )
    lab = Lab(settings)
    lab.__dict__["spark"] = spark_engine  # share the session-wide Spark
    set_lab(lab)
    yield lab
    DeploymentService.here().stop_own()
    set_lab(None)
    lab.db.dispose()


@pytest.fixture(scope="module")
def clf(dlab: Lab, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, np.ndarray]:
    """A fitted 3-feature classifier saved with hsml as ``tiny_clf`` version 1, and rows."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(1)
    X = rng.random((30, 3))
    fitted = LogisticRegression().fit(X, (X[:, 1] > 0.5).astype(int))
    folder = tmp_path_factory.mktemp("clf")
    (folder / "model.pkl").write_bytes(pickle.dumps(fitted))
    mr = hopsworks.login().get_model_registry()
    mr.sklearn.create_model("tiny_clf", metrics={"accuracy": 0.9}).save(str(folder))
    return fitted, X[:4]


def _run(ip: Any, line: str) -> str:
    with capture_output() as captured:
        ip.run_line_magic("deploy", line)
    return captured.stdout


def _refused(ip: Any, line: str) -> str:
    with pytest.raises(UsageError) as error:
        ip.run_line_magic("deploy", line)
    return str(error.value)


def _post(url: str, body: Any) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def _url(text: str, label: str) -> str:
    found = re.search(rf"{re.escape(label)}: (\S+)", text)
    assert found, text
    return found.group(1)


def test_help_lists_the_options(ip: Any) -> None:
    text = _run(ip, "--help")
    for option in ("--version", "--from-experiment", "--metric", "--instances", "--list"):
        assert option in text
    assert "--stop" in text and "--manifest" in text


def test_deploy_query_list_and_stop(ip: Any, clf: tuple[Any, np.ndarray]) -> None:
    fitted, rows = clf
    expected = fitted.predict(rows).tolist()
    shown = _run(ip, "tiny_clf --instances 2")
    assert "deployment tinyclf is running: model tiny_clf version 1, 2 instances" in shown
    rest = _url(shown, "TF Serving REST")
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v1/models/tinyclf:predict", rest)
    assert _post(rest, {"instances": rows.tolist()}) == {"predictions": expected}
    v2 = _url(shown, "V2 (Open Inference Protocol)")
    tensor = {"name": "inputs", "shape": [4, 3], "datatype": "FP64", "data": rows.ravel().tolist()}
    assert _post(v2, {"inputs": [tensor]})["outputs"][0]["data"] == expected
    curl = next(line.strip() for line in shown.splitlines() if line.strip().startswith("curl "))
    answer = subprocess.run(["bash", "-c", curl], capture_output=True, text=True, timeout=30)
    assert answer.returncode == 0 and len(json.loads(answer.stdout)["predictions"]) == 1

    again = _run(ip, "tiny_clf --version 1")  # the same version: the running one, as it is
    assert _url(again, "TF Serving REST") == rest

    listed = _run(ip, "--list").splitlines()
    assert listed[0].split() == ["NAME", "STATE", "MODEL", "VERSION", "INSTANCES", "URL"]
    assert ["tinyclf", "Running", "tiny_clf", "1", "2/2", rest] in [r.split() for r in listed]

    assert "deployment tinyclf is stopped" in _run(ip, "--stop tinyclf")
    assert DeploymentService.here().require("tinyclf").state == STOPPED
    with pytest.raises(OSError):
        _post(rest, {"instances": rows.tolist()})
    assert ["tinyclf", "Stopped", "tiny_clf", "1", "2", "-"] in [
        r.split() for r in _run(ip, "--list").splitlines()
    ]


def test_from_experiment_deploys_the_best_trials_model(ip: Any, dlab: Lab) -> None:
    ip.run_cell_magic("experiment", "clf-grid --metric accuracy --grid c=0.0001,10.0", TRAIN)
    experiment_id, _ = dlab.queries.resolve("demo")
    trials = dlab.queries.get_experiment(experiment_id, series=False).trials
    accuracy = {t.key: t.results["accuracy"] for t in trials}
    assert len(set(accuracy.values())) == 2  # the grid's two trials differ
    best_key = max(accuracy, key=accuracy.__getitem__)
    worst_key = min(accuracy, key=accuracy.__getitem__)
    saved = {m.trial_key: m for m in dlab.models.list_models("demo", "grid_clf")}
    assert {m.experiment_id for m in saved.values()} == {experiment_id}

    shown = _run(ip, "--from-experiment last --metric accuracy")
    best = saved[best_key]
    assert f"{best_key}, accuracy={accuracy[best_key]:g}" in shown
    assert f"deployment gridclf is running: model grid_clf version {best.version}" in shown
    served = DeploymentService.here().require("gridclf")
    assert (served.model_name, served.model_version) == ("grid_clf", best.version)
    rows = np.random.default_rng(3).random((5, 3))
    fitted = pickle.loads((Path(best.path) / "Files" / "model.pkl").read_bytes())
    answer = _post(_url(shown, "TF Serving REST"), {"instances": rows.tolist()})
    assert answer == {"predictions": fitted.predict(rows).tolist()}

    # By the experiment's id, its own metric and direction: the manifest of that version.
    text = _run(
        ip, f"grid_clf --from-experiment {experiment_id} --manifest kserve --storage-uri s3://b/d"
    )
    assert f"s3://b/d/Models/grid_clf/{best.version}/Files" in text
    # The smaller accuracy counting as better: the deployment rolls out to that version.
    worst = saved[worst_key]
    low = _run(ip, "--from-experiment last --direction min")
    assert f"{worst_key}, accuracy={accuracy[worst_key]:g}" in low
    assert f"model grid_clf version {worst.version}, 1 instance (rolled out from version " in low
    assert DeploymentService.here().require("gridclf").model_version == worst.version
    fitted = pickle.loads((Path(worst.path) / "Files" / "model.pkl").read_bytes())
    answer = _post(_url(low, "TF Serving REST"), {"instances": rows.tolist()})
    assert answer == {"predictions": fitted.predict(rows).tolist()}
    # Another model under the same name while it runs: refused, saying what to do.
    message = _refused(ip, "tiny_clf --name gridclf")
    assert "deployment gridclf is running with model grid_clf version" in message
    assert "%deploy --stop gridclf" in message
    _run(ip, "--stop gridclf")


def test_a_trial_without_a_model_says_what_to_call(ip: Any, dlab: Lab) -> None:
    ip.run_cell_magic(
        "experiment",
        "no-models --metric accuracy --grid c=1,2",
        "def f(c):\n    return {'accuracy': c / 10}\n",
    )
    message = _refused(ip, "--from-experiment last")  # the experiment's own metric
    assert "registered no model" in message and ".save(path)" in message
    assert "model.export(path, name)" in message
    message = _refused(ip, "--from-experiment last --metric loss")
    assert "reports 'loss'" in message and "['accuracy']" in message


def test_bad_input_is_refused_in_one_line(ip: Any, clf: tuple[Any, np.ndarray]) -> None:
    assert "no model 'nosuch'" in _refused(ip, "nosuch")
    assert "tiny_clf" in _refused(ip, "nosuch")  # names the models there are
    assert "its versions are [1]" in _refused(ip, "tiny_clf --version 7")
    assert "not both" in _refused(ip, "tiny_clf --version 1 --from-experiment last")
    assert "give --from-experiment too" in _refused(ip, "tiny_clf --metric accuracy")
    assert "name the model" in _refused(ip, "")
    assert "--list takes no MODEL" in _refused(ip, "--list tiny_clf")
    assert "not both" in _refused(ip, "--list --stop tinyclf")
    assert "no deployment 'nosuch'" in _refused(ip, "--stop nosuch")
    assert "invalid int value" in _refused(ip, "tiny_clf --version one")
    assert "whole numbers from 1" in _refused(ip, "tiny_clf --version 0")
    assert "1 or more" in _refused(ip, "tiny_clf --instances 0 --name tinyzero")
    assert "tinyzero" not in _run(ip, "--list")
    assert "letters and digits" in _refused(ip, "tiny_clf --name bad_name")
    assert "close the quote" in _refused(ip, "tiny_clf --name 'open")
    assert "--manifest" in _refused(ip, "tiny_clf --storage-uri s3://b/p")
    assert "--manifest" in _refused(ip, "tiny_clf --to out.yaml")


def test_a_python_model_needs_its_predictor_script(ip: Any, dlab: Lab, tmp_path: Path) -> None:
    (tmp_path / "weights.txt").write_text("2.0")
    mr = hopsworks.login().get_model_registry()
    mr.python.create_model("doubler").save(str(tmp_path / "weights.txt"))
    assert "--script FILE" in _refused(ip, "doubler")
    script = tmp_path / "predictor.py"
    script.write_text(
        "import os\n"
        "class Predict:\n"
        "    def __init__(self):\n"
        "        path = os.path.join(os.environ['MODEL_FILES_PATH'], 'weights.txt')\n"
        "        self.factor = float(open(path).read())\n"
        "    def predict(self, inputs):\n"
        "        return [[v * self.factor for v in row] for row in inputs]\n"
    )
    shown = _run(ip, f"doubler --script {script}")
    assert _post(_url(shown, "TF Serving REST"), {"instances": [[1.0, 3.0]]}) == {
        "predictions": [[2.0, 6.0]]
    }
    _run(ip, "--stop doubler")
