"""Transformers as Hopsworks runs them: a script whose ``Transformer`` class's
``preprocess(inputs)`` gets each request's JSON before the model and ``postprocess(outputs)``
the answer's after, deployed with hsml's ``model.deploy(transformer=Transformer(...))`` and
hops' ``serving.create_or_update(..., transformer=...)``, run by real model servers."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hopsml_lab import hopsworks, serving
from hopsml_lab.deployments import DeploymentService
from hopsml_lab.hsml.transformer import Transformer
from hopsml_lab.lab import Lab

from .serving_models import save_versions, serving_lab

pytestmark = [
    pytest.mark.filterwarnings("ignore::hopsml_lab.registry.errors.ProvenanceWarning"),
    pytest.mark.timeout(240),
]

TRANSFORMER = """
import os

class Transformer:
    def __init__(self):
        self.files = os.environ["MODEL_FILES_PATH"]  # the model's folder, as for Predict

    def preprocess(self, inputs):
        if inputs.get("fail"):
            raise KeyError("told to fail")
        # scale every row by 10 before the model
        return {"instances": [[10 * v for v in row] for row in inputs["instances"]]}

    def postprocess(self, outputs):
        return {"predictions": [p["y"] for p in outputs["predictions"]], "transformed": True}
"""


@pytest.fixture(scope="module")
def plab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from serving_lab(tmp_path_factory, "transformer")


@pytest.fixture(scope="module")
def scripts(plab: Lab, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("lin")
    predictor = save_versions(hopsworks.login().get_model_registry(), "lin", folder, versions=1)
    transformer = folder / "transformer.py"
    transformer.write_text(TRANSFORMER)
    return predictor, transformer


def _post(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_hsml_transformer_runs_around_the_model(scripts: tuple[Path, Path]) -> None:
    predictor, transformer = scripts
    model = hopsworks.login().get_model_registry().get_model("lin", 1)
    deployment = model.deploy(
        name="lintransformed",
        script_file=str(predictor),
        transformer=Transformer(script_file=str(transformer)),
    )
    assert deployment.predictor.transformer.script_file == str(transformer)
    deployment.start()
    try:
        # weights [1, 2]: the model alone answers 1*1 + 2*2 = 5; scaled by 10 first, 50
        assert deployment.predict(inputs=[[1.0, 2.0]]) == {
            "predictions": [50.0],
            "transformed": True,
        }
        state = deployment.get_state()
        assert state.available_transformer_instances == state.available_predictor_instances == 1
        url = f"{deployment.get_url()}/v1/models/lintransformed:predict"
        status, answer = _post(url, {"instances": [[1.0, 2.0]], "fail": True})
        assert status == 500
        assert answer["error"] == "the transformer's preprocess failed: KeyError: 'told to fail'"
        assert deployment.predict(inputs=[[0.0, 1.0]])["predictions"] == [20.0]  # still serving
    finally:
        DeploymentService.here().delete("lintransformed", force=True)


def test_a_transformer_without_its_class_is_refused_at_start(
    scripts: tuple[Path, Path], tmp_path: Path
) -> None:
    predictor, _ = scripts
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n")
    model = hopsworks.login().get_model_registry().get_model("lin", 1)
    deployment = model.deploy(
        name="linbroken", script_file=str(predictor), transformer={"script_file": str(empty)}
    )
    try:
        with pytest.raises(Exception, match=r"empty\.py has no class Transformer"):
            deployment.start(await_running=120)
    finally:
        DeploymentService.here().delete("linbroken", force=True)


def test_hops_serving_takes_a_transformer(scripts: tuple[Path, Path]) -> None:
    predictor, transformer = scripts
    serving.create_or_update(
        "linhops", "/Models/lin", "PYTHON", predictor=str(predictor), transformer=str(transformer)
    )
    assert serving.get_transformer("linhops") == str(transformer.resolve())
    serving.start("linhops")
    try:
        answer = serving.make_inference_request("linhops", {"instances": [[1.0, 1.0]]})
        assert answer == {"predictions": [30.0], "transformed": True}
    finally:
        serving.stop("linhops")
        DeploymentService.here().delete("linhops")
