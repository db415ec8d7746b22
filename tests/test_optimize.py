"""Optimizing a registered Keras model to TensorFlow Lite (hops' ``model.optimize``,
hsml's ``Model.optimize``, ``%optimize``): smaller files, figures measured on the test
split of the model's training dataset, the new version registered with its metrics and
lineage, clear errors with nothing registered, and the optimized version served."""

from __future__ import annotations

import json
import pickle
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from IPython.core.error import UsageError

from hopsml_lab import hopsworks, model
from hopsml_lab.lab import Lab
from hopsml_lab.registry import ModelExportError, ModelNotFound

from .serving_models import serving_lab

pytestmark = [
    pytest.mark.filterwarnings(
        "ignore::hopsml_lab.registry.errors.ProvenanceWarning",
        "ignore::hopsml_lab.featurestore.errors.VersionWarning",
    ),
    pytest.mark.timeout(300),
]
FEATURES = [f"f{i}" for i in range(8)]


@pytest.fixture(scope="module")
def plab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from serving_lab(tmp_path_factory, "optimize")


@pytest.fixture(scope="module")
def mr(plab: Lab) -> Any:
    return hopsworks.login(engine="python").get_model_registry()


def _keras(hidden: tuple[int, ...], X: np.ndarray, y: np.ndarray, loss: str) -> Any:
    import keras

    keras.utils.set_random_seed(0)
    layers = [keras.layers.Dense(n, activation="relu") for n in hidden]
    head = keras.layers.Dense(1, activation="sigmoid" if loss == "binary_crossentropy" else None)
    net = keras.Sequential([keras.Input((X.shape[1],)), *layers, head])
    net.compile(optimizer=keras.optimizers.Adam(0.05), loss=loss)
    net.fit(X, y, epochs=10, batch_size=32, verbose=0)
    return net


@pytest.fixture(scope="module")
def churn(plab: Lab, mr: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A Keras classifier (8 -> 16 -> 1) trained on the train split of a feature view's
    training dataset and saved with that lineage as version 1 of ``churn``."""
    rng = np.random.default_rng(7)
    values = rng.normal(size=(240, 8)).round(4)
    rows = pd.DataFrame(values, columns=FEATURES)
    rows["id"] = np.arange(len(rows))
    rows["churned"] = (values[:, 0] + values[:, 1] - values[:, 2] > 0).astype(int)
    fs = hopsworks.get_current_project().get_feature_store()
    fg = fs.create_feature_group("customers", version=1, primary_key=["id"])
    fg.insert(rows)
    fv = fs.create_feature_view(
        "customers_view", fg.select([*FEATURES, "churned"]), labels=["churned"]
    )
    X_train, X_test, y_train, y_test = fv.train_test_split(test_size=0.25)
    net = _keras((16,), X_train.to_numpy("float32"), y_train.to_numpy(), "binary_crossentropy")
    folder = tmp_path_factory.mktemp("churn_model")
    net.save(folder / "model.keras")
    saved = mr.tensorflow.create_model(
        "churn", feature_view=fv, input_example=X_train.iloc[:1], metrics={"accuracy": 0.9}
    ).save(str(folder))
    assert saved.version == 1 and saved.training_dataset_version == 1
    return {"net": net, "X_test": X_test, "y_test": y_test, "folder": folder}


@pytest.mark.parametrize("method", ["float16", "dynamic-int8", "int8"])
def test_each_method_registers_a_smaller_version_with_its_figures(
    plab: Lab, mr: Any, churn: dict[str, Any], method: str
) -> None:
    X_test, y_test, net = churn["X_test"], churn["y_test"], churn["net"]
    result = model.optimize("churn", 1, method=method, runs=50)
    # The figures are measured: the original's accuracy is the Keras model's own on the
    # test split, and the optimized model scores about the same.
    expected = float(np.mean((net.predict(X_test, verbose=0)[:, 0] > 0.5) == y_test.churned))
    assert result.metric == "accuracy" and result.test_rows == len(X_test) == 60
    assert result.original.metric == pytest.approx(expected)
    assert abs(result.optimized.metric - result.original.metric) <= 0.05
    assert 0 < result.max_abs_difference < (0.01 if method == "float16" else 0.1)
    assert result.original.latency_ms > 0 and result.optimized.latency_ms > 0
    original_size = (Path(plab.settings.project_root) / "Models/churn/1/Files/model.keras").stat()
    assert result.original.size_bytes == original_size.st_size
    assert result.optimized.size_bytes < result.original.size_bytes / 2
    where = "the test split of training dataset version 1 of feature view customers_view version 1"
    assert result.test_source == where and text_ends(result, f"test rows: {where}")
    if method == "int8":
        assert result.calibration == "180 training split rows"

    # Registered: metrics, description and lineage name the source version and method.
    record = plab.models.get_model("demo", "churn", result.version)
    assert result.version > 1 and record.metrics == pytest.approx(result.metrics())
    assert record.metrics["accuracy_change"] == pytest.approx(
        result.optimized.metric - result.original.metric
    )
    assert record.description == f"{method} TensorFlow Lite conversion of model churn version 1"
    assert (record.feature_view_name, record.training_dataset_version) == ("customers_view", 1)
    folder = Path(result.path)
    lineage = json.loads((folder / "optimization.json").read_text())
    assert lineage["source"] == {"name": "churn", "version": 1} and lineage["method"] == method
    assert sorted(p.name for p in (folder / "Files").iterdir()) == ["model.tflite"]
    assert (folder / "Files" / "model.tflite").stat().st_size == result.optimized.size_bytes
    got = mr.get_model("churn", result.version)
    assert (
        got.framework == "TENSORFLOW"
        and got.input_example == mr.get_model("churn", 1).input_example
    )

    # Side by side, as text and as HTML.
    text = str(result)
    assert text.splitlines()[0].startswith(f"churn version 1 -> version {result.version} ({method}")
    assert "original" in text and "optimized" in text and f"{result.optimized.metric:.4f}" in text
    assert "<table>" in result._repr_html_() and "latency per row" in result._repr_html_()


def test_sizes_shrink_by_the_method_on_a_wider_model(plab: Lab, mr: Any, tmp_path: Path) -> None:
    """With float32 weights filling the file (8 -> 256 -> 256 -> 1, saved without its
    optimizer's state), float16 is about half the Keras file and int8 about a quarter;
    explicit test data, a regression metric."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(160, 8)).astype("float32")
    y = X @ rng.normal(size=8).astype("float32")
    import keras

    trained = _keras((256, 256), X[:120], y[:120], "mse")
    net = keras.Sequential.from_config(trained.get_config())  # no optimizer state saved
    net.set_weights(trained.get_weights())
    net.save(tmp_path / "wide.keras")
    saved = mr.tensorflow.create_model("wide").save(str(tmp_path / "wide.keras"))
    ratios = {}
    for method in ("float16", "dynamic-int8", "int8"):
        result = saved.optimize(method, test_data=(X[120:], y[120:]), metric="mae", runs=20)
        ratios[method] = result.optimized.size_bytes / result.original.size_bytes
        assert result.metric == "mae" and result.test_source == "test_data"
        assert abs(result.optimized.metric - result.original.metric) < 0.1 * np.std(y)
        assert result.metrics()["mae_change"] == result.optimized.metric - result.original.metric
    assert 0.4 < ratios["float16"] < 0.6, ratios
    assert 0.2 < ratios["dynamic-int8"] < 0.35 and 0.2 < ratios["int8"] < 0.35, ratios
    assert result.calibration == "40 test rows"  # no training split recorded: the test rows


def text_ends(result: Any, line: str) -> bool:
    return str(result).splitlines()[-1] == line


def _versions(plab: Lab, name: str) -> list[int]:
    return sorted(r.version for r in plab.models.list_models("demo", name))


def test_bad_input_says_what_to_pass_and_registers_nothing(
    plab: Lab, mr: Any, churn: dict[str, Any], tmp_path: Path
) -> None:
    from sklearn.linear_model import LogisticRegression

    X_test, y_test = churn["X_test"], churn["y_test"]
    (tmp_path / "sk").mkdir()
    fitted = LogisticRegression().fit(X_test, y_test.churned)
    (tmp_path / "sk" / "model.pkl").write_bytes(pickle.dumps(fitted))
    mr.sklearn.create_model("skl").save(str(tmp_path / "sk"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mr.tensorflow.create_model("plain").save(str(churn["folder"]))  # no lineage
    before = {name: _versions(plab, name) for name in ("churn", "skl", "plain")}
    cases = [
        ({"name": "churn", "version": 1, "method": "int4"}, "use 'float16'"),
        ({"name": "churn", "version": 1, "metric": "f1"}, "use one of accuracy, mae"),
        ({"name": "skl", "version": 1}, "holds no Keras model"),
        ({"name": "plain", "version": 1}, r"pass test_data=\(X_test, y_test\)"),
        ({"name": "plain", "version": 1, "test_data": X_test}, "give a pair"),
        ({"name": "plain", "version": 1, "test_data": (X_test.iloc[:, :5], y_test)}, "takes 8"),
        ({"name": "plain", "version": 1, "test_data": (X_test, y_test[:3])}, "3 labels"),
        ({"name": "churn", "version": 1, "target_name": "a/b"}, "without '/'"),
        ({"name": "churn", "version": 1, "runs": 0}, "runs=0"),
    ]
    for arguments, message in cases:
        with pytest.raises(ModelExportError, match=message):
            model.optimize(**arguments)
    with pytest.raises(ModelNotFound, match=r"its versions are \[1\]"):
        model.optimize("skl", 5)
    assert {name: _versions(plab, name) for name in before} == before
    leftovers = [p.name for p in (Path(plab.settings.project_root) / "Models").rglob(".*")]
    assert leftovers == []

    # An optimized version is not optimized again; its source is named.
    lite = model.optimize("plain", 1, "dynamic-int8", test_data=(X_test, y_test), runs=5)
    with pytest.raises(ModelExportError, match="TensorFlow Lite model already"):
        model.optimize("plain", lite.version, test_data=(X_test, y_test))
    named = model.optimize("plain", 1, test_data=(X_test, y_test), target_name="plain_lite", runs=5)
    assert (named.name, named.version) == ("plain_lite", 1)
    assert "of model plain version 1" in plab.models.get_model("demo", "plain_lite", 1).description


def _post(url: str, body: Any) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_a_deployed_tflite_version_answers_like_the_original(
    mr: Any, churn: dict[str, Any]
) -> None:
    X = churn["X_test"].to_numpy("float32")[:5]
    expected = churn["net"].predict(X, verbose=0)
    result = model.optimize("churn", 1, "float16", runs=5)
    deployment = mr.get_model("churn", result.version).deploy(name="churnlite")
    deployment.start(await_running=120)
    try:
        answer = deployment.predict(inputs=X.tolist())["predictions"]
        np.testing.assert_allclose(answer, expected, atol=0.01)
        base = deployment.get_url()
        meta = json.loads(urllib.request.urlopen(f"{base}/v2/models/churnlite").read())
        assert meta["platform"] == "tensorflow_lite" and meta["inputs"][0]["shape"] == [-1, 8]
        tensor = {"name": meta["inputs"][0]["name"], "shape": [5, 8], "datatype": "FP32"}
        v2 = _post(
            f"{base}/v2/models/churnlite/infer",
            {"inputs": [{**tensor, "data": X.ravel().tolist()}]},
        )
        np.testing.assert_allclose(v2["outputs"][0]["data"], expected.ravel(), atol=0.01)
        one = _post(f"{base}/v1/models/churnlite:predict", {"instances": X[:1].tolist()})
        np.testing.assert_allclose(one["predictions"], expected[:1], atol=0.01)
    finally:
        deployment.stop()


def test_the_magic_shows_the_table(ip: Any, plab: Lab, churn: dict[str, Any], capsys) -> None:
    assert ip.run_line_magic("optimize", "--help") is None
    assert "--method {float16,dynamic-int8,int8}" in capsys.readouterr().out
    ip.run_line_magic("optimize", "churn --version 1 --method dynamic-int8 --runs 5 --out r")
    result = ip.user_ns["r"]
    assert (result.name, result.source_version, result.method) == ("churn", 1, "dynamic-int8")
    assert str(result).splitlines()[0] in capsys.readouterr().out
    # Without --version: the newest version that is not itself optimized (version 1).
    ip.user_ns["X"], ip.user_ns["Y"] = churn["X_test"], churn["y_test"]
    ip.run_line_magic("optimize", "churn --test X Y --metric mae --runs 5 --out r2")
    assert ip.user_ns["r2"].source_version == 1 and ip.user_ns["r2"].metric == "mae"
    for line, message in [
        ("churn --method int4", "invalid choice"),
        ("churn --test X", "expected 2 arguments"),
        ("churn --test X nothing", "no variable 'nothing'"),
        ("nobody", "no model 'nobody'"),
    ]:
        with pytest.raises(UsageError, match=message):
            ip.run_line_magic("optimize", line)
