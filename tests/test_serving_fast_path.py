"""The model server's fast paths: a Keras model that is a plain stack of dense layers is
served with numpy, chosen automatically and only when it gives the model's own
predictions; any other Keras model keeps its TensorFlow graph; and the inference log,
buffered in memory, writes every line by the time the server stops, in every hsml mode."""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hopsml_lab.deployments.app import create_app
from hopsml_lab.deployments.dense_numpy import agrees, dense_runner
from hopsml_lab.deployments.inference_log import (
    LOG_DIR_ENV,
    LOG_MODE_ENV,
    InferenceLog,
    log_files,
)
from hopsml_lab.deployments.loaders import ServedModel, load_model

with warnings.catch_warnings():  # Starlette's note on which httpx its client prefers
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

keras = pytest.importorskip("keras")
layers = keras.layers


def _served(model: Any, folder: Path) -> ServedModel:
    folder.mkdir()
    model.save(folder / "model.keras")
    return load_model(folder, "TENSORFLOW_SERVING")


def _same_as_keras(served: ServedModel, model: Any, width: int) -> None:
    rng = np.random.default_rng(3)
    for batch in (1, 33):
        x = (rng.standard_normal((batch, width)) * 5).astype("float32")
        (got,) = served.run({served.inputs[0].name: x}).values()  # type: ignore[index]
        expected = np.asarray(model(x, training=False))
        assert got.shape == expected.shape and got.dtype == np.float32
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def _plain_models() -> list[Any]:
    sequential = keras.Sequential(
        [
            keras.Input((8,)),
            layers.Dense(64, activation="relu"),
            layers.Dropout(0.3),
            layers.Dense(64, activation="tanh"),
            layers.Dense(16, use_bias=False),
            layers.Activation("sigmoid"),
            layers.Dense(3, activation="softmax"),
        ]
    )
    inputs = keras.Input((8,))
    hidden = layers.Dense(32, activation="relu")(inputs)
    functional = keras.Model(inputs, layers.Dense(1)(hidden))
    return [sequential, functional]


def _other_models() -> list[Any]:
    inputs = keras.Input((8,))
    hidden = layers.Dense(4)(inputs)
    branching = keras.Model(inputs, layers.Dense(1)(layers.Concatenate()([hidden, inputs])))
    normalized = keras.Sequential(
        [keras.Input((8,)), layers.Dense(16), layers.BatchNormalization(), layers.Dense(1)]
    )
    gelu = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="gelu")])
    return [branching, normalized, gelu]


def test_a_plain_dense_stack_is_served_with_numpy_and_predicts_as_keras(tmp_path: Path) -> None:
    for n, model in enumerate(_plain_models()):
        served = _served(model, tmp_path / str(n))
        assert served.runner == "numpy dense", n
        _same_as_keras(served, model, 8)


def test_other_models_keep_their_graph_and_predict_as_keras(tmp_path: Path) -> None:
    for n, model in enumerate(_other_models()):
        served = _served(model, tmp_path / str(n))
        assert served.runner == "tensorflow graph", n
        _same_as_keras(served, model, 8)
        assert dense_runner(model) is None, n
    custom = keras.Sequential(  # an activation of the user's own (Keras cannot save a lambda)
        [keras.Input((8,)), layers.Dense(16, activation=lambda x: x * 2.0), layers.Dense(1)]
    )
    assert dense_runner(custom) is None


def test_the_check_refuses_a_runner_that_answers_differently() -> None:
    first, second = _plain_models()[0], _plain_models()[0]  # two random initializations
    fast = dense_runner(first)
    assert fast is not None
    assert agrees(fast, lambda x: np.asarray(first(x, training=False)), (None, 8))
    assert not agrees(fast, lambda x: np.asarray(second(x, training=False)), (None, 8))
    shifted = lambda x: np.asarray(first(x, training=False)) + 1e-3  # noqa: E731
    assert not agrees(fast, shifted, (None, 8))


def test_the_served_answers_over_http_match_keras(tmp_path: Path) -> None:
    model = _plain_models()[0]
    served = _served(model, tmp_path / "m")
    rows = np.random.default_rng(0).standard_normal((4, 8)).astype("float32")
    with TestClient(create_app(served, "small", 1, inference_log=None)) as client:
        answer = client.post("/v1/models/small:predict", json={"instances": rows.tolist()})
        assert answer.status_code == 200
        got = np.asarray(answer.json()["predictions"], dtype="float32")
        np.testing.assert_allclose(got, np.asarray(model(rows)), rtol=1e-5, atol=1e-6)
        bad = client.post("/v1/models/small:predict", json={"instances": [[1.0, 2.0]]})
        assert bad.status_code == 400 and "shape [1, 2]" in bad.json()["error"]


# -- the inference log -------------------------------------------------------------------


class _SlowFlush(InferenceLog):
    FLUSH_S = 3600.0  # the timer never fires within the test: only close writes


def _lines(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for f in log_files(folder) for line in f.read_text().splitlines()]


def test_buffered_lines_are_all_written_when_the_log_closes(tmp_path: Path) -> None:
    log = _SlowFlush(tmp_path, "small", 1)
    for n in range(250):
        log.record("v2", "/v2/models/small/infer", 200, 0.5, f'{{"n":{n}}}'.encode(), b"{}")
    time.sleep(0.1)
    assert _lines(tmp_path) == []  # still buffered
    log.close()
    lines = _lines(tmp_path)
    assert [json.loads(line["request"])["n"] for line in lines] == list(range(250))


def test_the_server_logs_by_mode_and_writes_all_at_stop(tmp_path: Path) -> None:
    served = _served(_plain_models()[1], tmp_path / "m")
    body = {"instances": [[0.5] * 8]}
    for mode, has_request, has_response in [
        ("ALL", True, True),
        ("MODEL_INPUTS", True, False),
        ("PREDICTIONS", False, True),
    ]:
        folder = tmp_path / mode
        log = _SlowFlush(folder, "small", 1, mode=mode)
        with TestClient(create_app(served, "small", 1, inference_log=log)) as client:
            for _ in range(5):
                assert client.post("/v1/models/small:predict", json=body).status_code == 200
        lines = _lines(folder)  # the app's shutdown closed the log
        assert len(lines) == 5, mode
        assert all((line["request"] is not None) == has_request for line in lines), mode
        assert all((line["response"] is not None) == has_response for line in lines), mode
    env = {LOG_DIR_ENV: str(tmp_path / "none"), LOG_MODE_ENV: "NONE"}
    assert InferenceLog.from_env("small", 1, env) is None
    assert not (tmp_path / "none").exists()
